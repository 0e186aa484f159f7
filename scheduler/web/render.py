"""Rendering a page or fragment: the templates, the navigation, the CSRF token in context.

Pages render on the server with Jinja2 (autoescaped: a coordinator's text is always text).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from scheduler.web.security import Settings, csrf_token, is_coordinator

__all__ = ["HERE", "render", "settings_of", "templates"]

HERE = Path(__file__).parent
templates = Jinja2Templates(directory=str(HERE / "templates"))
PAGES = (("team", "Team"), ("staffing", "Staffing"), ("plan", "Plan"), ("roster", "Roster"),
         ("report", "Report"), ("calendars", "Calendars"), ("whatif", "What-if"),
         ("tickets", "Tickets"), ("operations", "Absences and requests"),
         ("history", "Forecast and metrics"))


def settings_of(request: Request) -> Settings:
    """The server's settings (set by :func:`scheduler.web.app.create_app`)."""
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
