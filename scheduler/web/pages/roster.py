"""The roster page: the grid of agents × days, edited cell by cell, checked at once.

Each change writes the draft roster and runs :func:`scheduler.check.check`; the page lists what
the change caused, in the rules' words. Undo takes the last change back; save writes
``published_roster.csv``.
"""

from __future__ import annotations

from datetime import datetime, time
from functools import lru_cache
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from markupsafe import Markup, escape
from starlette.concurrency import run_in_threadpool

from scheduler.domain import Problem, Roster
from scheduler.evaluation import Evaluation, Violation
from scheduler.web.render import render, settings_of
from scheduler.web.rosters import (
    Edits,
    RosterFiles,
    changed_findings,
    evaluate,
    needs_or_empty,
    with_cell,
)
from scheduler.web.state import Loaded, load

router = APIRouter()
MAX_LISTED = 40


def edits_of(request: Request) -> Edits:
    """The server's undo stacks."""
    app = request.app
    if not hasattr(app.state, "edits"):
        app.state.edits = Edits()
    edits: Edits = app.state.edits
    return edits


def _days(problem: Problem) -> list[dict[str, Any]]:
    clock = problem.clock
    return [{"index": d, "label": f"{clock.date_of(d):%a %d %b}",
             "weekend": clock.weekday(d) >= 5} for d in range(problem.days)]


def _options(problem: Problem) -> dict[tuple[str, int], list[str]]:
    """Shifts offered per agent and day (fixed templates by weekday; flexible by offer)."""
    clock = problem.clock
    fixed = [t for t in problem.templates if t.flexible is None]
    by_day = {d: [t.id for t in fixed if not t.weekdays or clock.weekday(d) in t.weekdays]
              for d in range(problem.days)}
    found = {(a.id, d): list(by_day[d]) for a in problem.agents for d in range(problem.days)}
    for offer in problem.offers:
        found.setdefault((offer.agent, offer.day), []).extend(offer.templates)
    return found


def _off_days(problem: Problem) -> dict[tuple[str, int], str]:
    """Days an agent has time off (approved or pending), with the note."""
    clock, zone = problem.clock, problem.clock.zone
    found: dict[tuple[str, int], str] = {}
    for off in problem.time_off:
        for d in range(problem.days):
            start = datetime.combine(clock.date_of(d), time(0), zone)
            end = datetime.combine(clock.date_of(d + 1), time(0), zone)
            if off.start < end and off.end > start:
                note = f": {off.note}" if off.note else ""
                found[(off.agent, d)] = f"time off ({off.status}){note}"
    return found


@lru_cache(maxsize=512)
def options_html(choices: tuple[str, ...], current: str) -> Markup:
    """A cell's ``<option>`` list (rendered once per distinct list and choice)."""
    found = [f'<option value=""{" selected" if not current else ""}>off</option>']
    found += [f"<option{' selected' if t == current else ''}>{escape(t)}</option>"
              for t in choices]
    return Markup("".join(found))


def grid(problem: Problem, roster: Roster, evaluation: Evaluation,
         caused: list[Violation]) -> dict[str, Any]:
    """Everything the grid template needs."""
    options, off = _options(problem), _off_days(problem)
    worked = roster.by_agent_day
    flagged = {(v.agent, v.day) for v in evaluation.hard} | {(v.agent, v.day) for v in caused}
    days = _days(problem)
    rows = []
    for agent in problem.agents:
        name = escape(agent.label)
        cells = []
        for d in range(problem.days):
            current = worked.get((agent.id, d), "")
            choices = options.get((agent.id, d), [])
            listed = choices if current in choices or not current else [current, *choices]
            note = off.get((agent.id, d), "")
            kinds = " ".join(k for k, on in (("off", not current), ("timeoff", note),
                                             ("finding", (agent.id, d) in flagged)) if on)
            label = escape(f"{agent.label}, {days[d]['label']}" + (f", {note}" if note else ""))
            title = f' title="{escape(note)}"' if note else ""
            cells.append(Markup(
                f'<td class="{kinds}"{title}><select name="{escape(agent.id)}|{d}" '
                f'hx-post="roster/cell" aria-label="{label}">'
                f"{options_html(tuple(listed), current)}</select></td>"))
        rows.append({"id": agent.id, "name": name, "skills": ", ".join(agent.skills),
                     "cells": cells})
    return {"days": days, "rows": rows}


def _page(request: Request, team: str, loaded: Loaded, roster: Roster,
          caused: list[Violation], note: str = "", edited: bool = False) -> dict[str, Any]:
    problem = loaded.problem
    assert problem is not None
    evaluation = evaluate(problem, needs_or_empty(loaded.needs), roster)
    files = RosterFiles(loaded.folder)
    source = files.current()
    return {"team": team, "page": "roster", **grid(problem, roster, evaluation, caused),
            "hard": evaluation.hard[:MAX_LISTED], "hard_total": len(evaluation.hard),
            "caused": caused[:MAX_LISTED], "penalty": evaluation.total_penalty,
            "by_rule": sorted(evaluation.penalty_by_rule.items(), key=lambda kv: -kv[1]),
            "source": source.relative_to(loaded.folder).as_posix() if source else "",
            "can_undo": edits_of(request).can_undo(files), "note": note,
            "shifts": len(roster.shifts), "edited": edited}


def penalty_change(before: Evaluation, after: Evaluation) -> list[tuple[str, int]]:
    """Per rule, how the penalty moved (rules that did not move left out), worst first."""
    old, new = before.penalty_by_rule, after.penalty_by_rule
    moved = {rule: new.get(rule, 0) - old.get(rule, 0) for rule in {*old, *new}}
    return sorted(((r, d) for r, d in moved.items() if d), key=lambda kv: -kv[1])


def _loaded(request: Request, team: str) -> Loaded:
    loaded = load(settings_of(request).workspace.team(team))
    return loaded


@router.get("/teams/{team}/roster", response_class=HTMLResponse)
def roster_page(request: Request, team: str) -> HTMLResponse:
    """The roster grid with check's findings."""
    loaded = _loaded(request, team)
    if loaded.problem is None:
        return render(request, "blocked.html", team=team, page="roster",
                      problems=loaded.problems)
    roster = RosterFiles(loaded.folder).read(loaded.problem)
    return render(request, "roster.html", **_page(request, team, loaded, roster, []))


def _cell(fields: dict[str, str]) -> tuple[str, int, str] | None:
    """The one ``agent|day`` = shift field a grid cell posts."""
    cells = [(key, value) for key, value in fields.items() if "|" in key]
    if len(cells) != 1:
        return None
    agent, _, day = cells[0][0].partition("|")
    return (agent, int(day), cells[0][1]) if day.isdigit() else None


@router.post("/teams/{team}/roster/cell", response_class=HTMLResponse)
async def set_cell(request: Request, team: str) -> HTMLResponse:
    """Put a shift on (or take it off) one agent's day; the grid and findings come back."""
    form = await request.form()
    cell = _cell({k: str(v) for k, v in form.items()})
    return await run_in_threadpool(_set_cell, request, team, cell)


def _set_cell(request: Request, team: str, cell: tuple[str, int, str] | None) -> HTMLResponse:
    loaded = _loaded(request, team)
    problem = loaded.problem
    agent, day, shift = cell or ("", 0, "")
    if problem is None or agent not in problem.agent_index or day >= problem.days or \
            (shift and shift not in problem.template_index):
        return render(request, "error.html", 400, title="Not a shift",
                      message="That agent, day or shift is not in this team.")
    files = RosterFiles(loaded.folder)
    before = files.read(problem)
    after = with_cell(before, agent, day, shift or None)
    needs = needs_or_empty(loaded.needs)
    old, new = evaluate(problem, needs, before), evaluate(problem, needs, after)
    worse = {rule for rule, moved in penalty_change(old, new) if moved > 0}
    # new hard findings, and the new findings of rules that cost more now (a rule whose
    # penalty fell only words the same shortfalls differently: not something this change did)
    caused = [v for v in changed_findings(old, new) if v.hard or v.rule in worse]
    edits_of(request).edit(files, problem, after)
    what = f"{problem.agent_index[agent].label}, {_days(problem)[day]['label']}: " + \
        (f"shift {shift}" if shift else "day off")
    return render(request, "roster_body.html", **_page(request, team, loaded, after, caused,
                                                       note=what, edited=True),
                  delta=penalty_change(old, new))


@router.post("/teams/{team}/roster/undo", response_class=HTMLResponse)
def undo(request: Request, team: str) -> HTMLResponse:
    """Take the last change back."""
    loaded = _loaded(request, team)
    assert loaded.problem is not None
    files = RosterFiles(loaded.folder)
    done = edits_of(request).undo(files)
    roster = files.read(loaded.problem)
    return render(request, "roster_body.html", **_page(
        request, team, loaded, roster, [], note="Undone." if done else "Nothing to undo."))


@router.post("/teams/{team}/roster/publish", response_class=HTMLResponse)
def publish(request: Request, team: str) -> HTMLResponse:
    """Save the roster as published_roster.csv."""
    loaded = _loaded(request, team)
    assert loaded.problem is not None
    files = RosterFiles(loaded.folder)
    roster = files.read(loaded.problem)
    edits_of(request).publish(files, loaded.problem, roster)
    return render(request, "roster_body.html", **_page(
        request, team, loaded, roster, [],
        note=f"✓ Published {len(roster.shifts)} shifts to published_roster.csv."))
