"""The FastAPI application: settings, shipped assets and every page's router.

htmx (shipped in ``static/``, no CDN) swaps the parts that change. Each router lives in its own
module of :mod:`scheduler.web.pages` and calls the library; nothing here plans or measures.
"""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from scheduler.web.pages import ROUTERS
from scheduler.web.problems import install_handlers
from scheduler.web.render import HERE
from scheduler.web.security import Settings, security_middleware

__all__ = ["create_app"]


def create_app(settings: Settings) -> FastAPI:
    """The web app over ``settings.workspace``.

    Parameters
    ----------
    settings
        Workspace, login token (None: local use, no login), signing secret and limits.
    """
    app = FastAPI(title="support-scheduler", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.settings = settings
    app.middleware("http")(security_middleware(settings))
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    for router in ROUTERS:
        app.include_router(router)
    install_handlers(app)
    return app
