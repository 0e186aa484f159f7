"""The tickets page: upload a help-desk export or pick one in the team folder, assign the open
tickets to the agents on duty, watch the SLA, download the bulk-update payloads.

An upload is capped in size, read by the same ticket loader as ``scheduler assign`` before it is
kept, and only ever written into the team folder's ``tickets/`` under a plain file name.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request, UploadFile
from fastapi.responses import FileResponse, HTMLResponse

from scheduler.domain import Problem
from scheduler.errors import TeamFolderError
from scheduler.export.files import write_bytes_atomic
from scheduler.web.problems import UploadTooLarge
from scheduler.web.render import render, settings_of
from scheduler.web.rosters import RosterFiles
from scheduler.web.state import Loaded, load

router = APIRouter()
TICKETS_DIR = "tickets"  # uploads, inside the team folder
OUT_DIR = "assignments"  # assignments.csv and payloads, inside the team folder
FILE_NAME = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.\-]{0,80}\.(csv|json)$")
MAX_ROWS = 60


def ticket_files(folder: Path) -> list[str]:
    """Ticket exports in the team folder and its ``tickets/`` (relative names)."""
    found = [p.name for p in sorted(folder.glob("tickets*.csv")) if p.is_file()]
    uploads = folder / TICKETS_DIR
    if uploads.is_dir():
        found += [f"{TICKETS_DIR}/{p.name}" for p in sorted(uploads.iterdir())
                  if p.is_file() and FILE_NAME.match(p.name)]
    return found


def _default_at(problem: Problem) -> str:
    return f"{problem.clock.date_of(0).isoformat()} 09:00"


@router.get("/teams/{team}/tickets", response_class=HTMLResponse)
def tickets_page(request: Request, team: str) -> HTMLResponse:
    """Pick or upload an export; choose the window."""
    loaded = load(settings_of(request).workspace.team(team))
    if loaded.problem is None:
        return render(request, "blocked.html", team=team, page="tickets", problems=loaded.problems)
    return render(request, "tickets.html", team=team, page="tickets",
                  files=ticket_files(loaded.folder), at=_default_at(loaded.problem),
                  cap_mib=settings_of(request).upload_bytes / 2**20)


async def read_capped(request: Request, upload: UploadFile, cap: int) -> bytes:
    """The uploaded file's bytes; :class:`UploadTooLarge` past ``cap``."""
    if int(request.headers.get("content-length") or 0) > cap + 64 * 1024:
        raise UploadTooLarge(f"Refused: the upload is over the {cap / 2**20:g} MiB limit.")
    data = await upload.read(cap + 1)
    if len(data) > cap:
        raise UploadTooLarge(f"Refused: the file is over the {cap / 2**20:g} MiB upload limit. "
                             "Split the export into pages, or point at it in the team folder.")
    return data


async def keep_upload(request: Request, team: str, file: UploadFile, *, into: str,
                      template: str, check: Callable[[Loaded, Path], str]) -> HTMLResponse:
    """Keep an uploaded export in the team folder's ``into/`` once ``check`` reads it.

    The upload is capped in size and must have a plain ``.csv`` or ``.json`` name; ``check``
    reads a scratch copy (raising :class:`TeamFolderError` on bad input) and returns what to
    say about it. Nothing is written into the team folder unless it passes.
    """
    settings = settings_of(request)
    data = await read_capped(request, file, settings.upload_bytes)
    name = Path(file.filename or "").name
    loaded = load(settings.workspace.team(team))
    if not FILE_NAME.match(name) or loaded.problem is None:
        return render(request, template, team=team,
                      error="Upload a .csv or .json export with a plain file name.")
    with tempfile.TemporaryDirectory(prefix="scheduler-upload-") as scratch:
        probe = Path(scratch) / name
        probe.write_bytes(data)
        try:
            said = check(loaded, probe)
        except TeamFolderError as exc:
            return render(request, template, team=team, problems=exc.problems)
    target = settings.workspace.inside(loaded.folder / into / name)
    target.parent.mkdir(exist_ok=True)
    write_bytes_atomic(target, data)
    return render(request, template, team=team, note=f"✓ Kept {into}/{name}{said}")


@router.post("/teams/{team}/tickets/upload", response_class=HTMLResponse)
async def upload(request: Request, team: str, file: UploadFile) -> HTMLResponse:
    """Keep an uploaded export in ``tickets/`` once the ticket loader reads it."""
    from scheduler.tickets import load_tickets
    from scheduler.tickets.policy import read_ticket_policy

    def check(loaded: Loaded, probe: Path) -> str:
        assert loaded.problem is not None
        policy = read_ticket_policy(loaded.folder, loaded.problem)
        found = load_tickets([probe], loaded.problem, policy)
        return f": {len(found.tickets)} open tickets."

    return await keep_upload(request, team, file, into=TICKETS_DIR,
                             template="tickets_result.html", check=check)


def _assign(problem: Problem, folder: Path, files: list[Path], at: str,
            window: str) -> dict[str, Any]:
    from scheduler.export.assignments import (
        assignments_frame,
        freshdesk_payload,
        write_assignment_outputs,
        zendesk_payload,
    )
    from scheduler.solvers.assignment import assign as assign_tickets
    from scheduler.tickets import load_tickets
    from scheduler.tickets.desk import agent_summary, make_desk, sla_watch
    from scheduler.tickets.on_duty import parse_at, parse_window, window_agents
    from scheduler.tickets.policy import read_ticket_policy

    start, minutes = parse_at(at, problem), parse_window(window)
    policy = read_ticket_policy(folder, problem)
    found = load_tickets(files, problem, policy)
    roster = RosterFiles(folder).read(problem)
    agents = window_agents(problem, start, minutes, policy, roster=roster if roster.shifts
                           else None)
    desk = make_desk(found.tickets, agents, start, minutes, policy)
    result = assign_tickets(desk, work_limit=2.0, workers=1, seed=0)
    watch = sla_watch(desk, result.outcome, policy.at_risk_minutes)
    frame = assignments_frame(desk, result, watch, problem.time_zone)
    payloads = {"zendesk-update-many.json": zendesk_payload(desk, result, policy),
                "freshdesk-bulk-update.json": freshdesk_payload(desk, result, policy)}
    paths = write_assignment_outputs(folder / OUT_DIR, frame, payloads)
    return {"agents": agent_summary(desk, result.outcome),
            "columns": [str(c) for c in frame.columns],
            "rows": [[("" if v is None else str(v)) for v in row]
                     for row in frame.head(MAX_ROWS).itertuples(index=False)],
            "total": len(frame), "downloads": [p.name for p in paths]}


@router.post("/teams/{team}/tickets/assign", response_class=HTMLResponse)
def assign(request: Request, team: str, source: Annotated[str, Form()],
           at: Annotated[str, Form(max_length=40)],
           window: Annotated[str, Form(max_length=20)] = "2h") -> HTMLResponse:
    """Assign the open tickets of ``source`` for the window starting ``at``."""
    from scheduler.load.cells import CellError

    settings = settings_of(request)
    loaded = load(settings.workspace.team(team))
    problem = loaded.problem
    assert problem is not None
    if source not in ticket_files(loaded.folder):
        raise FileNotFoundError(f"{source} is not a ticket export of this team")
    path = settings.workspace.inside(loaded.folder / source)
    try:
        view = _assign(problem, loaded.folder, [path], at, window)
    except TeamFolderError as exc:
        return render(request, "tickets_result.html", team=team, problems=exc.problems)
    except CellError as exc:
        return render(request, "tickets_result.html", team=team,
                      error=f"{exc.message}; {exc.fix}")
    return render(request, "tickets_result.html", team=team, **view)


@router.get("/teams/{team}/tickets/download/{name}")
def download(request: Request, team: str, name: str) -> FileResponse:
    """One of the last assignment's files (assignments.csv or a payload)."""
    folder = settings_of(request).workspace.team(team) / OUT_DIR
    if name not in {"assignments.csv", "zendesk-update-many.json", "freshdesk-bulk-update.json"}:
        raise FileNotFoundError(f"{name} is not an assignment file")
    path = settings_of(request).workspace.inside(folder / name)
    if not path.is_file():
        raise FileNotFoundError(f"no {name} yet: assign the tickets first")
    return FileResponse(path, filename=name)
