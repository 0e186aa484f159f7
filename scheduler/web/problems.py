"""How the web app answers what goes wrong: a page in words, never a traceback."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, PlainTextResponse

from scheduler.web.render import render
from scheduler.web.workspace import OutsideWorkspace

__all__ = ["UploadTooLarge", "install_handlers"]


class UploadTooLarge(ValueError):
    """An upload over the server's cap."""


def install_handlers(app: FastAPI) -> None:
    """Refused paths → 404, missing teams → 404, oversized uploads → 413, in words."""
    @app.exception_handler(OutsideWorkspace)
    async def outside(request: Request, exc: OutsideWorkspace) -> HTMLResponse:
        return render(request, "error.html", 404, title="Not in the workspace",
                      message="That path is not a team folder of this workspace.")

    @app.exception_handler(FileNotFoundError)
    async def missing(request: Request, exc: FileNotFoundError) -> HTMLResponse:
        return render(request, "error.html", 404, title="Not found", message=str(exc))

    @app.exception_handler(UploadTooLarge)
    async def too_large(request: Request, exc: UploadTooLarge) -> PlainTextResponse:
        return PlainTextResponse(str(exc), 413)
