"""The workspace's list of teams, and the login form (when the server has a token)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from scheduler.web.render import render, settings_of
from scheduler.web.security import session_cookie, token_matches

router = APIRouter()


@router.get("/", response_class=HTMLResponse)
def index(request: Request) -> HTMLResponse:
    """Every team folder of the workspace."""
    settings = settings_of(request)
    return render(request, "index.html", teams=settings.workspace.teams())


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request) -> HTMLResponse:
    """The login form (only needed when the server was started with a token)."""
    return render(request, "login.html", failed=False)


@router.post("/login")
def login(request: Request, token: Annotated[str, Form()]) -> Response:
    """Check the token; on success set the session cookie and go to the teams."""
    settings = settings_of(request)
    if not token_matches(settings, token):
        return render(request, "login.html", 401, failed=True)
    response = Response(status_code=204, headers={"HX-Redirect": "/"})
    if request.headers.get("hx-request") is None:
        response = RedirectResponse("/", 303)
    session_cookie(settings, response)
    return response
