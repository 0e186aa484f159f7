"""The serve command: the web app over a workspace of team folders."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from scheduler.cli.app import app
from scheduler.cli.console import fail, out

Workspace = Annotated[Path, typer.Argument(
    exists=True, file_okay=False, dir_okay=True, readable=True, show_default=False,
    metavar="WORKSPACE", help="A folder of team folders (default: the current folder).")]


@app.command()
def serve(
    workspace: Workspace = Path("."),
    host: Annotated[str, typer.Option(help="Address to listen on (not local: --token).")] = (
        "127.0.0.1"),
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port to listen on.")] = 8000,
    token: Annotated[str | None, typer.Option(
        show_default=False, envvar="SCHEDULER_WEB_TOKEN",
        help="Login token coordinators type in (needed on a non-local address).")] = None,
) -> None:
    """Run the web app for coordinators over WORKSPACE (Ctrl-C stops it).

    Example: [cyan]scheduler serve out/workspace --port 8000[/cyan]
    """
    from scheduler.web import ServeError, make_settings, run

    try:
        settings = make_settings(workspace, host=host, token=token)
    except ServeError as exc:
        fail(f"Cannot serve: {exc}")
    out.print(f"Serving {settings.workspace.root} on http://{host}:{port}/ (Ctrl-C stops)")
    run(settings, host=host, port=port)
