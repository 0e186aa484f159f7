"""The FastAPI application: settings, templates, shipped assets and every page's router.

Pages render on the server with Jinja2 (autoescaped: a coordinator's text is always text);
htmx (shipped in ``static/``, no CDN) swaps the parts that change. Each router lives in its own
module of :mod:`scheduler.web.pages` and calls the library; nothing here plans or measures.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

from scheduler.web.security import Settings, csrf_token, is_coordinator, security_middleware

__all__ = ["create_app", "render"]

HERE = Path(__file__).parent
templates = Jinja2Templates(directory=str(HERE / "templates"))
PAGES = (("team", "Team"), ("staffing", "Staffing"), ("plan", "Plan"), ("roster", "Roster"),
         ("report", "Report"), ("calendars", "Calendars"), ("whatif", "What-if"),
         ("tickets", "Tickets"))


def settings_of(request: Request) -> Settings:
    """The server's settings (set by :func:`create_app`)."""
    settings: Settings = request.app.state.settings
    return settings


def render(request: Request, template: str, status_code: int = 200,
           **context: Any) -> HTMLResponse:
    """A page or fragment, with the CSRF token and the navigation in its context."""
    settings = settings_of(request)
    context.setdefault("team", None)
    base = {"request": request, "csrf": csrf_token(settings, request), "pages": PAGES,
            "coordinator": is_coordinator(settings, request)}
    return templates.TemplateResponse(request, template, {**base, **context},
                                      status_code=status_code)


def create_app(settings: Settings) -> FastAPI:
    """The web app over ``settings.workspace``.

    Parameters
    ----------
    settings
        Workspace, login token (None: local use, no login), signing secret and limits.
    """
    from scheduler.web.pages import ROUTERS
    from scheduler.web.problems import install_handlers

    app = FastAPI(title="support-scheduler", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.settings = settings
    app.middleware("http")(security_middleware(settings))
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    for router in ROUTERS:
        app.include_router(router)
    install_handlers(app)
    return app
