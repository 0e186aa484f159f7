"""The history page: the help desk's exports turned into next week's forecast and the weekly
metrics (:mod:`scheduler.forecast`, :mod:`scheduler.metrics`).

A history file is one the tickets page lists (the team folder's exports and uploads, read by the
same loaders). The forecast's files go to the team folder's ``forecast-new/``; *Use this
forecast* writes its forecast.csv as the team's, validated like any table. The metrics page is
the one ``scheduler metrics`` writes (also kept in ``metrics/``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Form, Request, UploadFile
from fastapi.responses import FileResponse, HTMLResponse

from scheduler.errors import TeamFolderError
from scheduler.web.pages.report import script_policy
from scheduler.web.pages.tickets import FILE_NAME, keep_upload, ticket_files
from scheduler.web.render import render, settings_of
from scheduler.web.state import Loaded, load
from scheduler.web.workspace import read_csv_table, write_table

router = APIRouter()
FORECAST_DIR = "forecast-new"  # inside the team folder
METRICS_DIR = "metrics"
WEEK = re.compile(r"^\d{4}-W\d{2}$")


HISTORY_DIR = "history"  # uploaded histories, inside the team folder


def history_files(folder: Path) -> list[str]:
    """Ticket exports and uploaded histories (relative names)."""
    found = ticket_files(folder)
    kept = folder / HISTORY_DIR
    if kept.is_dir():
        found += [f"{HISTORY_DIR}/{p.name}" for p in sorted(kept.iterdir())
                  if p.is_file() and FILE_NAME.match(p.name)]
    return found


@router.post("/teams/{team}/history/upload", response_class=HTMLResponse)
async def upload(request: Request, team: str, file: UploadFile) -> HTMLResponse:
    """Keep an uploaded history in ``history/`` once the history reader accepts it."""
    from scheduler.errors import Problems
    from scheduler.forecast import read_forecast_settings
    from scheduler.forecast.history import read_history
    from scheduler.tickets.policy import read_ticket_policy

    def check(loaded: Loaded, probe: Path) -> str:
        assert loaded.problem is not None
        problems = Problems()
        policy = read_ticket_policy(loaded.folder, loaded.problem)
        read_history([probe], [q.id for q in loaded.problem.queues],
                     loaded.problem.time_zone, policy,
                     read_forecast_settings(loaded.folder, problems), problems)
        problems.raise_if_any(probe.name)
        return ". Reload to pick it."

    return await keep_upload(request, team, file, into=HISTORY_DIR,
                             template="history_result.html", check=check)


@router.get("/teams/{team}/history", response_class=HTMLResponse)
def history_page(request: Request, team: str) -> HTMLResponse:
    """Pick a history export; forecast from it or measure the weeks."""
    loaded = load(settings_of(request).workspace.team(team))
    if loaded.problem is None:
        return render(request, "blocked.html", team=team, page="history",
                      problems=loaded.problems)
    return render(request, "history.html", team=team, page="history",
                  files=history_files(loaded.folder),
                  cap_mib=settings_of(request).upload_bytes / 2**20)


def _source(request: Request, team: str, source: str) -> tuple[Path, Path]:
    workspace = settings_of(request).workspace
    folder = workspace.team(team)
    if source not in history_files(folder):
        raise FileNotFoundError(f"{source} is not an export of this team")
    return folder, workspace.inside(folder / source)


@router.post("/teams/{team}/history/forecast", response_class=HTMLResponse)
def forecast(request: Request, team: str, source: Annotated[str, Form()]) -> HTMLResponse:
    """Backtest the models on the history and forecast the planning week."""
    from scheduler.export.files import write_group
    from scheduler.forecast import forecast_files, plan_forecast

    folder, path = _source(request, team, source)
    problem = load(folder).problem
    assert problem is not None
    try:
        run = plan_forecast(folder, problem, [path])
    except TeamFolderError as exc:
        return render(request, "history_result.html", team=team, problems=exc.problems)
    files = forecast_files(run, folder / FORECAST_DIR / "forecast.csv")
    write_group([(p, _bytes(data)) for p, data in files.items()])
    backtest = read_csv_table(folder / FORECAST_DIR / "forecast-backtest.csv")
    return render(request, "history_result.html", team=team, backtest=backtest)


def _bytes(data: bytes) -> Callable[[Path], None]:
    def write(temp: Path) -> None:
        temp.write_bytes(data)

    return write


@router.get("/teams/{team}/history/forecast.svg")
def forecast_chart(request: Request, team: str) -> FileResponse:
    """The last forecast's chart."""
    path = settings_of(request).workspace.team(team) / FORECAST_DIR / "forecast.svg"
    if not path.is_file():
        raise FileNotFoundError("no forecast yet")
    return FileResponse(path, media_type="image/svg+xml", headers={"Cache-Control": "no-store"})


@router.post("/teams/{team}/history/use", response_class=HTMLResponse)
def use_forecast(request: Request, team: str) -> HTMLResponse:
    """The last forecast becomes the team's forecast.csv (when the folder accepts it)."""
    workspace = settings_of(request).workspace
    folder = workspace.team(team)
    made = read_csv_table(folder / FORECAST_DIR / "forecast.csv")
    if not made.header:
        raise FileNotFoundError("no forecast yet")
    problems = write_table(workspace, team, "forecast.csv", made)
    if problems:
        return render(request, "history_result.html", team=team, problems=problems)
    return render(request, "history_result.html", team=team,
                  note=f"✓ forecast.csv replaced ({len(made.rows)} rows): staffing and the next "
                       "plan use it.")


@router.post("/teams/{team}/history/metrics")
def metrics(request: Request, team: str, source: Annotated[str, Form()],
            week: Annotated[str, Form(max_length=8)] = "",
            weeks: Annotated[int, Form(ge=1, le=52)] = 4) -> HTMLResponse:
    """The weekly metrics page of the history (opened as a page of its own)."""
    from scheduler.metrics.outputs import metrics_html, write_metrics_outputs
    from scheduler.metrics.run import measure
    from scheduler.tickets.policy import read_ticket_policy

    folder, path = _source(request, team, source)
    problem = load(folder).problem
    assert problem is not None
    if week and not WEEK.match(week):
        return render(request, "history_result.html", team=team,
                      error="Write the week as 2026-W48 (or leave it empty).")
    try:
        policy = read_ticket_policy(folder, problem)
        run = measure([path], problem, policy, week=week or None, weeks=weeks)
    except TeamFolderError as exc:
        return render(request, "history_result.html", team=team, problems=exc.problems)
    html = metrics_html(run.metrics, team=problem.team, time_zone=problem.time_zone,
                        forecast=run.forecast, source=path.name)
    write_metrics_outputs(folder / METRICS_DIR, run.metrics, html)
    return render(request, "history_result.html", team=team, metrics=True)


@router.get("/teams/{team}/history/metrics.html", response_class=HTMLResponse)
def metrics_page(request: Request, team: str) -> HTMLResponse:
    """The last metrics page (with a policy allowing its own scripts by hash only)."""
    path = settings_of(request).workspace.team(team) / METRICS_DIR / "metrics.html"
    if not path.is_file():
        raise FileNotFoundError("no metrics yet")
    html = path.read_text(encoding="utf-8")
    return HTMLResponse(html, headers={"Content-Security-Policy": script_policy(html)})
