"""The calendars page: write the iCalendar feeds, publish to CalDAV (with a dry run first).

The CalDAV password comes only from the server's environment (``CALDAV_PASSWORD``); the page
says whether it is set, never what it is.
"""

from __future__ import annotations

import os
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse

from scheduler.errors import TeamFolderError
from scheduler.web.render import render, settings_of
from scheduler.web.rosters import RosterFiles, needs_or_empty
from scheduler.web.state import Loaded, load

router = APIRouter()
PASSWORD_ENV = "CALDAV_PASSWORD"
URL_ENV = "CALDAV_URL"
CALENDAR_DIR = "calendars"  # inside the team folder
MAX_LISTED = 200


def _context(team: str, **extra: Any) -> dict[str, Any]:
    return {"team": team, "page": "calendars", "url": os.environ.get(URL_ENV, ""),
            "password_set": bool(os.environ.get(PASSWORD_ENV)), "password_env": PASSWORD_ENV,
            **extra}


def _roster(loaded: Loaded) -> tuple[Any, Any, Any]:
    from scheduler.staffing.covering import covering_plan

    problem = loaded.problem
    assert problem is not None
    roster = RosterFiles(loaded.folder).read(problem)
    return problem, roster, covering_plan(problem, needs_or_empty(loaded.needs), roster)


@router.get("/teams/{team}/calendars", response_class=HTMLResponse)
def calendars_page(request: Request, team: str) -> HTMLResponse:
    """The export and publish forms."""
    loaded = load(settings_of(request).workspace.team(team))
    if loaded.problem is None:
        return render(request, "blocked.html", team=team, page="calendars",
                      problems=loaded.problems)
    return render(request, "calendars.html", **_context(team))


@router.post("/teams/{team}/calendars/export", response_class=HTMLResponse)
def export(request: Request, team: str) -> HTMLResponse:
    """Write team.ics and one feed per agent into the team folder's ``calendars/``."""
    from scheduler.export.ical import write_calendars

    loaded = load(settings_of(request).workspace.team(team))
    problem, roster, covering = _roster(loaded)
    outputs = write_calendars(loaded.folder / CALENDAR_DIR, problem, roster, covering)
    written = [p.relative_to(loaded.folder).as_posix() for p in outputs.paths]
    return render(request, "calendars_result.html", team=team, written=written,
                  shifts=len(roster.shifts))


@router.post("/teams/{team}/calendars/publish", response_class=HTMLResponse)
def publish(request: Request, team: str, url: Annotated[str, Form()],
            user: Annotated[str, Form()] = "", dry_run: Annotated[bool, Form()] = False,
            ) -> HTMLResponse:
    """Publish each agent's shifts to CalDAV, or (dry run) list what would change."""
    from scheduler.export.publish import STATE_FILE, PublishError, safe_url
    from scheduler.export.publish import publish as publish_roster

    if not url.startswith(("http://", "https://")):
        return render(request, "calendars_result.html", team=team,
                      error="The CalDAV address needs http:// or https://.")
    loaded = load(settings_of(request).workspace.team(team))
    problem, roster, covering = _roster(loaded)
    state = loaded.folder / CALENDAR_DIR / STATE_FILE
    state.parent.mkdir(exist_ok=True)
    try:
        result = publish_roster(problem, roster, covering, url, state_path=state,
                                user=user or None, password=os.environ.get(PASSWORD_ENV),
                                dry_run=dry_run)
    except (PublishError, TeamFolderError) as exc:
        return render(request, "calendars_result.html", team=team,
                      error=f"Publishing to {safe_url(url)} failed: {exc}")
    names = {a.id: a.label for a in problem.agents}
    operations = [{"kind": op.kind, "agent": names.get(op.agent, op.agent),
                   "calendar": op.calendar, "summary": op.summary}
                  for op in result.operations[:MAX_LISTED]]
    counts = {kind: result.count(kind) for kind in ("create", "update", "delete")}
    return render(request, "calendars_result.html", team=team, operations=operations,
                  counts=counts, unchanged=result.unchanged, dry_run=dry_run,
                  server=safe_url(url), total=len(result.operations))
