"""The absences and requests page: the week as it happens (:mod:`scheduler.operations`).

Pending time-off requests are costed by :func:`~scheduler.operations.triage` and the checked
ones granted in time_off.csv by :func:`~scheduler.operations.grant`; an absence gets the
ranked ways to cover it from :func:`~scheduler.operations.plan_absence`, and taking one writes
it as the published roster.
"""

from __future__ import annotations

import threading
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse

from scheduler.domain import Problem, Roster
from scheduler.errors import TeamFolderError
from scheduler.web.render import render, settings_of
from scheduler.web.rosters import RosterFiles, roster_csv
from scheduler.web.state import Loaded, load

router = APIRouter()
WORK_PER_SOLVE = 2.0
_answers: dict[str, list[Roster]] = {}  # per team folder: the last absence's option rosters
_lock = threading.Lock()


def _loaded(request: Request, team: str) -> Loaded:
    return load(settings_of(request).workspace.team(team))


def _when(problem: Problem, moment: datetime) -> str:
    local = moment.astimezone(problem.clock.zone)
    return f"{local:%a %d %b %H:%M}"


def _requests(problem: Problem) -> list[dict[str, Any]]:
    from scheduler.operations import pending_requests

    names = {a.id: a.label for a in problem.agents}
    return [{"id": number, "agent": names.get(t.agent, t.agent), "start": _when(problem, t.start),
             "end": _when(problem, t.end), "note": t.note}
            for number, t in pending_requests(problem)]


@router.get("/teams/{team}/operations", response_class=HTMLResponse)
def operations_page(request: Request, team: str) -> HTMLResponse:
    """Pending requests to cost and grant; the absence form."""
    loaded = _loaded(request, team)
    problem = loaded.problem
    if problem is None:
        return render(request, "blocked.html", team=team, page="operations",
                      problems=loaded.problems)
    start = problem.clock.date_of(0).isoformat()
    return render(request, "operations.html", team=team, page="operations",
                  requests=_requests(problem), agents=[(a.id, a.label) for a in problem.agents],
                  start=f"{start} 08:00", end=f"{start} 20:00",
                  published=bool(problem.reference))


@router.post("/teams/{team}/operations/triage", response_class=HTMLResponse)
def cost_requests(request: Request, team: str) -> HTMLResponse:
    """Cost every pending request (a solve with and without each)."""
    from scheduler.operations import triage

    loaded = _loaded(request, team)
    assert loaded.problem is not None and loaded.needs is not None
    answer = triage(loaded.problem, loaded.needs, work_limit=WORK_PER_SOLVE)
    names = {a.id: a.label for a in loaded.problem.agents}
    rows = [{"id": d.id, "agent": names.get(d.request.agent, d.request.agent),
             "grant": d.grant, "total": d.total, "reason": d.reason,
             "cost": ", ".join(f"{rule} {value:+d}" for rule, value in d.cost.items() if value)}
            for d in answer.decisions]
    return render(request, "operations_result.html", team=team, triage=rows)


@router.post("/teams/{team}/operations/grant", response_class=HTMLResponse)
async def grant_requests(request: Request, team: str) -> HTMLResponse:
    """Approve the checked requests in time_off.csv."""
    from scheduler.operations import grant

    form = await request.form()
    ids = [str(i) for i in form.getlist("grant")]
    loaded = _loaded(request, team)
    assert loaded.problem is not None
    if not ids:
        return render(request, "operations_result.html", team=team,
                      error="Check the requests to grant first.")
    try:
        grant(loaded.folder, loaded.problem, ids)
    except TeamFolderError as exc:
        return render(request, "operations_result.html", team=team,
                      error="; ".join(p.message for p in exc.problems))
    return render(request, "operations_result.html", team=team,
                  note=f"✓ Granted {', '.join(ids)} in time_off.csv.")


@router.post("/teams/{team}/operations/absence", response_class=HTMLResponse)
def absence(request: Request, team: str, agent: Annotated[str, Form()],
            start: Annotated[str, Form(max_length=20)],
            end: Annotated[str, Form(max_length=20)]) -> HTMLResponse:
    """The ranked ways to cover an absence in the published roster."""
    from scheduler.operations import Absence, plan_absence

    loaded = _loaded(request, team)
    problem = loaded.problem
    assert problem is not None and loaded.needs is not None
    zone = problem.clock.zone
    try:
        first = datetime.fromisoformat(start.strip()).replace(tzinfo=zone)
        last = datetime.fromisoformat(end.strip()).replace(tzinfo=zone)
        if agent not in problem.agent_index or last <= first:
            raise ValueError("pick an agent and an end after the start")
        answer = plan_absence(problem, loaded.needs, Absence(agent, first, last),
                              work_limit=WORK_PER_SOLVE)
    except ValueError as exc:
        return render(request, "operations_result.html", team=team,
                      error=f"Cannot read the absence: {exc} (times as YYYY-MM-DD HH:MM).")
    except TeamFolderError as exc:
        return render(request, "operations_result.html", team=team,
                      error="; ".join(f"{p.message}. {p.fix}" for p in exc.problems))
    with _lock:
        _answers[str(loaded.folder)] = [o.roster for o in answer.options]
    names = {a.id: a.label for a in problem.agents}
    labels = [f"{problem.clock.date_of(d):%a %d %b}" for d in range(problem.days)]
    options = [{"rank": o.rank, "total": o.total,
                "cost": ", ".join(f"{rule} {value:+d}" for rule, value in o.cost.items() if value),
                "changes": [f"{names.get(c.agent, c.agent)}, {labels[c.day]}: "
                            f"{c.before or 'off'} → {c.after or 'off'}" for c in o.changes]}
               for o in answer.options]
    return render(request, "operations_result.html", team=team, options=options,
                  absent=names[agent])


@router.post("/teams/{team}/operations/take/{rank}", response_class=HTMLResponse)
def take(request: Request, team: str, rank: int) -> HTMLResponse:
    """Publish option ``rank`` of the last absence as published_roster.csv."""
    from scheduler.export.files import write_text_atomic

    loaded = _loaded(request, team)
    assert loaded.problem is not None
    with _lock:
        rosters = _answers.get(str(loaded.folder), [])
    if not 1 <= rank <= len(rosters):
        return render(request, "operations_result.html", team=team,
                      error="That option is gone: plan the absence again.")
    files = RosterFiles(loaded.folder)
    write_text_atomic(files.published, roster_csv(loaded.problem, rosters[rank - 1]))
    files.draft.unlink(missing_ok=True)
    return render(request, "operations_result.html", team=team,
                  note=f"✓ Option {rank} published to published_roster.csv.")
