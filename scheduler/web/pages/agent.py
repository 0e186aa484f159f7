"""Agents' own page, reached only through their personal link, and the coordinator's list of
links.

An agent marks each half-hour of a day as preferred / available / if needed / unavailable and
asks for time off. A save rewrites only that agent's rows of that day in availability.csv (as
date rows, which replace weekday rows) and appends a pending row to time_off.csv, each through
the same validation as the team page. The agent is the link's, never the form's.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse

from scheduler.domain import Problem
from scheduler.web.links import Link, LinkRefused, active, answered, issue, revoke, verify
from scheduler.web.render import render, settings_of
from scheduler.web.state import load
from scheduler.web.workspace import Table, read_csv_table, write_table

router = APIRouter()
LEVELS = ("preferred", "available", "if needed", "unavailable")
AVAILABILITY = "availability.csv"
TIME_OFF = "time_off.csv"


def clock_text(minute: int) -> str:
    """``HH:MM``, hours past 24 for the night (``25:30``)."""
    return f"{minute // 60:02d}:{minute % 60:02d}"


def day_levels(problem: Problem, agent: str, day: int) -> list[dict[str, Any]]:
    """The agent's level for every interval of the support day ``day``."""
    policy, size = problem.policy, problem.interval_minutes
    mine = [r for r in problem.availability if r.agent == agent]
    fallback = "unavailable" if mine else str(policy.default)
    slots = []
    for start in range(policy.day_starts_at, policy.day_starts_at + 24 * 60, size):
        level = next((str(r.level) for r in mine if r.day == day
                      and r.start_minute <= start < r.end_minute), fallback)
        slots.append({"start": start, "label": f"{clock_text(start)}–{clock_text(start + size)}",
                      "level": level})
    return slots


def runs(levels: list[tuple[int, str]], size: int) -> list[tuple[int, int, str]]:
    """Consecutive intervals of one level as (from, to, level)."""
    found: list[tuple[int, int, str]] = []
    for start, level in levels:
        if found and found[-1][2] == level and found[-1][1] == start:
            found[-1] = (found[-1][0], start + size, level)
        else:
            found.append((start, start + size, level))
    return found


def _refused(request: Request, message: str) -> HTMLResponse:
    return render(request, "error.html", 403, title="Link refused", message=message)


def _context(request: Request, link: Link, day: int, **extra: Any) -> dict[str, Any]:
    loaded = load(settings_of(request).workspace.team(link.team))
    problem = loaded.problem
    if problem is None:
        return {"blocked": True, "link": link}
    day = min(max(day, 0), problem.days - 1)
    clock = problem.clock
    return {"link": link, "agent": problem.agent_index[link.agent].label, "day": day,
            "days": [{"index": d, "label": f"{clock.date_of(d):%a %d %b}"}
                     for d in range(problem.days)],
            "slots": day_levels(problem, link.agent, day), "levels": LEVELS,
            "grid": (loaded.folder / AVAILABILITY).exists(), "blocked": False, **extra}


@router.get("/agent/{token}", response_class=HTMLResponse)
def agent_page(request: Request, token: str, day: int = 0) -> HTMLResponse:
    """The agent's availability grid for one day, and the time-off request form."""
    try:
        link = verify(settings_of(request), token)
    except LinkRefused as exc:
        return _refused(request, str(exc))
    return render(request, "agent.html", token=token, **_context(request, link, day))


@router.post("/agent/{token}/availability", response_class=HTMLResponse)
async def save_availability(request: Request, token: str) -> HTMLResponse:
    """Replace the link's agent's rows of one day with the levels marked on the grid."""
    settings = settings_of(request)
    try:
        link = verify(settings, token)
    except LinkRefused as exc:
        return _refused(request, str(exc))
    form = await request.form()
    if str(form.get("agent", link.agent)) != link.agent:
        return _refused(request, "This link only shows and changes its own agent's rows.")
    problem = load(settings.workspace.team(link.team)).problem
    day = int(str(form.get("day", "0")))
    if problem is None or not 0 <= day < problem.days:
        return _refused(request, "That day is not in the planning week.")
    slots = day_levels(problem, link.agent, day)
    chosen = [(s["start"], str(form.get(f"slot-{s['start']}", s["level"]))) for s in slots]
    if any(level not in LEVELS for _, level in chosen):
        return _refused(request, "Choose one of the four levels for every half-hour.")
    date = problem.clock.date_of(day).isoformat()
    table = read_csv_table(settings.workspace.file(link.team, AVAILABILITY))
    header = table.header or ["agent", "day", "from", "to", "level"]
    keep = [r for r in table.rows if not (r[header.index("agent")] == link.agent
                                         and r[header.index("day")] == date)]
    for start, end, level in runs(chosen, problem.interval_minutes):
        row = dict(agent=link.agent, day=date, level=level)
        row.update({"from": clock_text(start), "to": clock_text(end)})
        keep.append([row.get(h, "") for h in header])
    problems = write_table(settings.workspace, link.team, AVAILABILITY, Table(header, keep))
    if not problems:
        answered(settings.workspace, link)
    note = "✓ Saved. Your coordinator sees it now." if not problems else ""
    return render(request, "agent.html", token=token, problems=problems,
                  **_context(request, link, day, note=note))


@router.post("/agent/{token}/time-off", response_class=HTMLResponse)
def request_time_off(request: Request, token: str, start: Annotated[str, Form(max_length=20)],
                     end: Annotated[str, Form(max_length=20)],
                     note: Annotated[str, Form(max_length=200)] = "") -> HTMLResponse:
    """Add a pending time-off request of the link's agent to time_off.csv."""
    settings = settings_of(request)
    try:
        link = verify(settings, token)
    except LinkRefused as exc:
        return _refused(request, str(exc))
    table = read_csv_table(settings.workspace.file(link.team, TIME_OFF))
    header = table.header or ["agent", "start", "end", "status", "note"]
    values = {"agent": link.agent, "start": start.strip(), "end": end.strip(),
              "status": "pending", "note": note.strip()}
    rows = [*table.rows, [values.get(h, "") for h in header]]
    problems = write_table(settings.workspace, link.team, TIME_OFF, Table(header, rows))
    message = "" if problems else "✓ Requested: your coordinator decides."
    return render(request, "agent.html", token=token, problems=problems,
                  **_context(request, link, 0, note=message))


@router.get("/teams/{team}/links", response_class=HTMLResponse)
def links_page(request: Request, team: str) -> HTMLResponse:
    """Every agent with their link's state; create or withdraw links."""
    settings = settings_of(request)
    problem = load(settings.workspace.team(team)).problem
    if problem is None:
        return render(request, "error.html", 409, title="Fix the team folder first",
                      message="The team folder has problems (see the team page).")
    return render(request, "links.html", team=team, page="team",
                  **_links_view(settings.workspace, team, problem))


def _links_view(workspace: Any, team: str, problem: Problem, **extra: Any) -> dict[str, Any]:
    current = active(workspace, team, problem)
    agents = [{"id": a.id, "name": a.label, "links": len(current.get(a.id, [])),
               "answered": any(link.answered for link in current.get(a.id, []))}
              for a in problem.agents]
    return {"agents": agents, "week": problem.start.isoformat(), **extra}


@router.post("/teams/{team}/links/{agent}", response_class=HTMLResponse)
def create_link(request: Request, team: str, agent: str) -> HTMLResponse:
    """A new personal link for ``agent`` (shown once)."""
    settings = settings_of(request)
    problem = load(settings.workspace.team(team)).problem
    if problem is None or agent not in problem.agent_index:
        raise FileNotFoundError(f"no agent {agent!r} in {team}")
    token = issue(settings, team, problem, agent)
    url = str(request.base_url).rstrip("/") + f"/agent/{token}"
    return render(request, "links_body.html", team=team, created=(agent, url),
                  **_links_view(settings.workspace, team, problem))


@router.post("/teams/{team}/links/{agent}/revoke", response_class=HTMLResponse)
def revoke_link(request: Request, team: str, agent: str) -> HTMLResponse:
    """Withdraw every link of ``agent``."""
    settings = settings_of(request)
    problem = load(settings.workspace.team(team)).problem
    if problem is None:
        raise FileNotFoundError(f"no team {team!r}")
    count = revoke(settings.workspace, team, agent)
    return render(request, "links_body.html", team=team, revoked=(agent, count),
                  **_links_view(settings.workspace, team, problem))
