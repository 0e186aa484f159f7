"""The web app's security model, in one place.

- Bound to 127.0.0.1 by default; any other address needs a token (``--token`` or
  ``SCHEDULER_WEB_TOKEN``), else the server refuses to start (:func:`check_bind`).
- With a token, coordinator pages need a signed, HttpOnly, SameSite=Strict session cookie set by
  the login form. Agents' own pages are reached only with their signed link (:mod:`.links`).
- Every state-changing request carries the CSRF token (header ``X-CSRF-Token``, sent by htmx
  from the page's ``<body hx-headers>``) equal to the signed ``csrf`` cookie.
- Every response carries a Content-Security-Policy without inline script.
- The signing secret comes from ``SCHEDULER_WEB_SECRET`` or a file of the app's own folder in
  the workspace (mode 0600); neither the secret nor the token is ever rendered or logged.
"""

from __future__ import annotations

import hmac
import ipaddress
import os
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from fastapi import Request, Response
from fastapi.responses import PlainTextResponse, RedirectResponse
from itsdangerous import BadSignature, URLSafeTimedSerializer

from scheduler.web.workspace import Workspace

__all__ = ["CSP", "ServeError", "Settings", "check_bind", "security_middleware"]

TOKEN_ENV = "SCHEDULER_WEB_TOKEN"
SECRET_ENV = "SCHEDULER_WEB_SECRET"
SESSION_COOKIE = "scheduler_session"
CSRF_COOKIE = "scheduler_csrf"
CSRF_HEADER = "x-csrf-token"
SESSION_DAYS = 7
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
OPEN_PATHS = ("/static/", "/login", "/agent/")
CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
       "img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; "
       "form-action 'self'; frame-ancestors 'none'")


class ServeError(Exception):
    """The server cannot start as asked (the message says why and what to do)."""


@dataclass(frozen=True)
class Settings:
    """How one server runs: its workspace, login token, signing secret and limits."""

    workspace: Workspace
    token: str | None = None
    secret: str = ""
    upload_bytes: int = 5 * 1024 * 1024
    secure_cookies: bool = False

    def signer(self, purpose: str) -> URLSafeTimedSerializer:
        """A serializer signing with the app's secret, one salt per purpose."""
        return URLSafeTimedSerializer(self.secret, salt=f"scheduler-web {purpose}")


def is_local(host: str) -> bool:
    """True for loopback addresses and ``localhost``."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_bind(host: str, token: str | None) -> None:
    """Refuse to listen on a non-local address without a login token."""
    if not is_local(host) and not token:
        raise ServeError(f"refusing to listen on {host} without a token: pass --token or set "
                         f"{TOKEN_ENV} (coordinators then log in with it)")


def load_secret(workspace: Workspace) -> str:
    """The signing secret: from the environment, else the workspace's own file (made once)."""
    from_env = os.environ.get(SECRET_ENV)
    if from_env:
        return from_env
    path = workspace.state_dir / "secret"
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_urlsafe(32))
    return path.read_text().strip()


def token_matches(settings: Settings, given: str) -> bool:
    """Constant-time comparison of a login attempt with the server's token."""
    expected = settings.token
    return expected is not None and hmac.compare_digest(given.encode(), expected.encode())


def session_cookie(settings: Settings, response: Response) -> None:
    """Set the coordinator's signed session cookie (HttpOnly, SameSite=Strict)."""
    value = settings.signer("session").dumps("coordinator")
    response.set_cookie(SESSION_COOKIE, value, max_age=SESSION_DAYS * 86400, httponly=True,
                        samesite="strict", secure=settings.secure_cookies)


def is_coordinator(settings: Settings, request: Request) -> bool:
    """A coordinator: no token configured (local use), or a valid session cookie."""
    if settings.token is None:
        return True
    cookie = request.cookies.get(SESSION_COOKIE, "")
    try:
        return bool(settings.signer("session").loads(cookie, max_age=SESSION_DAYS * 86400)
                    == "coordinator")
    except BadSignature:
        return False


def csrf_token(settings: Settings, request: Request) -> str:
    """The request's CSRF token (the cookie's, or a new one the response will set)."""
    current = request.cookies.get(CSRF_COOKIE, "")
    if current and _csrf_valid(settings, current):
        return current
    fresh = getattr(request.state, "new_csrf", None)
    if fresh is None:
        fresh = settings.signer("csrf").dumps(secrets.token_urlsafe(16))
        request.state.new_csrf = fresh
    return str(fresh)


def _csrf_valid(settings: Settings, value: str) -> bool:
    try:
        settings.signer("csrf").loads(value)
    except BadSignature:
        return False
    return True


def csrf_ok(settings: Settings, request: Request) -> bool:
    """The header token equals the cookie's, and the cookie's is signed by this server."""
    cookie = request.cookies.get(CSRF_COOKIE, "")
    header = request.headers.get(CSRF_HEADER, "")
    return bool(cookie) and hmac.compare_digest(cookie.encode(), header.encode()) and \
        _csrf_valid(settings, cookie)


Handler = Callable[[Request], Awaitable[Response]]


def security_middleware(settings: Settings) -> Callable[[Request, Handler], Awaitable[Response]]:
    """The middleware: CSRF on state changes, login where a token is set, headers on all."""

    async def guard(request: Request, call_next: Handler) -> Response:
        path = request.url.path
        response: Response
        if request.method not in SAFE_METHODS and not csrf_ok(settings, request):
            response = PlainTextResponse("Refused: the form's security token is missing or "
                                         "stale. Reload the page and try again.", 403)
        elif not path.startswith(OPEN_PATHS) and not is_coordinator(settings, request):
            response = (RedirectResponse("/login", 303) if request.method == "GET"
                        else PlainTextResponse("Log in first.", 401))
        else:
            response = await call_next(request)
        fresh = getattr(request.state, "new_csrf", None)
        if fresh:
            response.set_cookie(CSRF_COOKIE, fresh, httponly=True, samesite="strict",
                                secure=settings.secure_cookies)
        headers = response.headers
        headers.setdefault("Content-Security-Policy", CSP)
        headers["X-Content-Type-Options"] = "nosniff"
        headers["Referrer-Policy"] = "no-referrer"
        headers["X-Frame-Options"] = "DENY"
        return response

    return guard
