"""The web app for coordinators (``scheduler serve``): FastAPI + Jinja2 + htmx over the library.

Usage::

    from scheduler.web import serve
    serve("fixtures", host="127.0.0.1", port=8000)   # blocks until stopped

See :mod:`scheduler.web.security` for the security model.
"""

from __future__ import annotations

import os
from pathlib import Path

from scheduler.web.security import TOKEN_ENV, ServeError, Settings, check_bind, load_secret
from scheduler.web.workspace import Workspace

__all__ = ["ServeError", "make_settings", "run", "serve"]


def make_settings(workspace: Path | str, *, host: str = "127.0.0.1", token: str | None = None,
                  upload_bytes: int = 5 * 1024 * 1024) -> Settings:
    """The settings of a server over ``workspace``; refused when it cannot run safely.

    Raises
    ------
    ServeError
        For a workspace that is not a folder, or a non-local address without a token.
    """
    token = token or os.environ.get(TOKEN_ENV) or None
    check_bind(host, token)
    try:
        space = Workspace(workspace)
    except (OSError, NotADirectoryError) as exc:
        raise ServeError(f"cannot use {workspace} as the workspace: {exc}") from None
    return Settings(space, token, load_secret(space), upload_bytes)


def run(settings: Settings, *, host: str = "127.0.0.1", port: int = 8000) -> None:
    """Run the web app with ``settings`` on ``host:port`` until stopped (Ctrl-C)."""
    import uvicorn

    from scheduler.web.app import create_app

    app = create_app(settings)
    try:
        uvicorn.run(app, host=host, port=port, log_level="warning", server_header=False)
    finally:
        jobs = getattr(app.state, "jobs", None)
        if jobs is not None:
            jobs.stop_all()


def serve(workspace: Path | str, *, host: str = "127.0.0.1", port: int = 8000,
          token: str | None = None) -> None:
    """Run the web app over ``workspace`` on ``host:port`` until stopped (Ctrl-C)."""
    run(make_settings(workspace, host=host, token=token), host=host, port=port)
