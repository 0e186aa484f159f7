"""Time-off requests: what granting each pending request would cost, and a recommendation.

:func:`triage` takes the pending rows of time_off.csv in the order they were asked (the file's
order: first asked, first served) and, for each, solves the roster with it granted and with it
declined, every earlier recommendation to grant already in and later requests not yet asked. The
difference of the two penalties, rule by rule, is what granting costs: solved, not guessed.
Requests that compete for the same days are decided together in that order, so a later one is
judged with the earlier ones granted. :func:`grant` writes the chosen requests as approved.

When the team folder has a published roster, each solve is a minimal-change re-plan of it
(:mod:`.replan`, each changed shift costing the team.yaml stability weight); otherwise a fresh
roster of the horizon.
"""

from __future__ import annotations

import csv
import io
import os
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pandas as pd

from scheduler.check import check
from scheduler.constraints.base import day_label
from scheduler.domain import Problem, Roster, TimeOff
from scheduler.evaluation import Evaluation
from scheduler.export.files import write_text_atomic
from scheduler.operations.replan import (
    bad_input,
    clear_of_time_off,
    credited,
    rebuilt,
    replan_problem,
    resolve,
)

__all__ = ["MAX_COST", "Decision", "NotSolved", "Triage", "grant", "pending_requests", "request_id",
           "triage"]

MAX_COST = 300
"""Largest cost (penalty points) of a request recommended for granting when it leaves no more
coverage short: e.g. thirty hours outside contracts at the default weight, or sixty avoided
shifts; anything that leaves coverage short is declined."""

WORK_PER_SOLVE = 2.0
TIME_OFF = "time_off.csv"


class NotSolved(RuntimeError):
    """A solve found no roster within its work limit (neither a roster nor a proof of none)."""


@dataclass(frozen=True)
class Decision:
    """One pending request: its cost (penalty per rule, granted minus declined), the
    recommendation and the reason in words."""

    id: str
    request: TimeOff
    grant: bool
    cost: dict[str, int]
    reason: str
    competes_with: tuple[str, ...] = ()
    granted: Evaluation | None = field(default=None, repr=False)
    declined: Evaluation | None = field(default=None, repr=False)

    @property
    def total(self) -> int:
        """The whole cost of granting."""
        return sum(self.cost.values())


@dataclass(frozen=True)
class Triage:
    """The decisions, in the order the requests were asked."""

    decisions: list[Decision]

    def recommended(self) -> list[str]:
        """Ids of the requests recommended for granting."""
        return [d.id for d in self.decisions if d.grant]


def _zone(problem: Problem, agent: str) -> ZoneInfo:
    found = problem.agent_index.get(agent)
    return ZoneInfo(found.time_zone) if found and found.time_zone else problem.clock.zone


def _local_day(problem: Problem, moment: datetime, agent: str) -> date:
    """The date in the agent's own time zone (the dates they wrote in time_off.csv)."""
    return moment.astimezone(_zone(problem, agent)).date()


def request_id(problem: Problem, request: TimeOff) -> str:
    """``<agent>-<first date>``, the id a coordinator types (a second request of the same agent
    starting the same day gets ``-2``; see :func:`pending_requests`)."""
    return f"{request.agent}-{_local_day(problem, request.start, request.agent).isoformat()}"


def _numbered(ids: Iterable[str]) -> list[str]:
    seen: Counter[str] = Counter()
    found = []
    for item in ids:
        seen[item] += 1
        found.append(item if seen[item] == 1 else f"{item}-{seen[item]}")
    return found


def pending_requests(problem: Problem) -> list[tuple[str, TimeOff]]:
    """The pending requests with their ids, in the order asked (the file's order)."""
    pending = [t for t in problem.time_off if t.status == "pending"]
    return list(zip(_numbered(request_id(problem, t) for t in pending), pending, strict=True))


def _days(problem: Problem, request: TimeOff) -> set[date]:
    first = _local_day(problem, request.start, request.agent)
    last = _local_day(problem, request.end - timedelta(microseconds=1), request.agent)
    return {first + timedelta(days=i) for i in range((last - first).days + 1)}


def _with(problem: Problem, granted: Sequence[TimeOff]) -> Problem:
    kept = tuple(t for t in problem.time_off if t.status == "approved")
    approved = tuple(t.model_copy(update={"status": "approved"}) for t in granted)
    return rebuilt(problem, time_off=(*kept, *approved))


def _solve(problem: Problem, requirements: pd.DataFrame, work_limit: float,
           seed: int) -> tuple[Roster | None, Evaluation | None]:
    hint = None
    if problem.reference:  # a change costs the team's stability weight, not an absence's
        published = Roster(shifts=problem.reference)
        hint = clear_of_time_off(problem, published)
        problem = replan_problem(credited(problem, published, hint), published, 0,
                                 prefer="coverage")
    result = resolve(problem, requirements, work_limit=work_limit, seed=seed, hint=hint)
    if result.roster is None:
        if result.status != "INFEASIBLE":
            raise NotSolved(f"no roster found within the work limit ({work_limit:g}); "
                            "give a larger --work-limit")
        return None, None
    evaluation = check(problem, result.roster, requirements)
    return (None, None) if evaluation.hard else (result.roster, evaluation)


def _difference(granted: Evaluation, declined: Evaluation) -> dict[str, int]:
    a, b = granted.penalty_by_rule, declined.penalty_by_rule
    return {rule: a.get(rule, 0) - b.get(rule, 0) for rule in sorted({*a, *b})
            if a.get(rule, 0) != b.get(rule, 0)}


def _reason(cost: dict[str, int], grant: bool, max_cost: int, rivals: list[str]) -> str:
    total = sum(cost.values())
    parts = ", ".join(f"{rule} {value:+d}" for rule, value in
                      sorted(cost.items(), key=lambda kv: -abs(kv[1])))
    what = f"granting costs {total} ({parts})" if parts else "granting costs nothing"
    ahead = f"; decided after {', '.join(rivals)} (asked first) for the same days" \
        if rivals else ""
    if grant:
        return f"grant: the roster covers it; {what}{ahead}"
    if cost.get("coverage", 0) > 0:
        return f"decline: it leaves coverage short; {what}{ahead}"
    return f"decline: {what}, more than {max_cost}{ahead}"


def triage(problem: Problem, requirements: pd.DataFrame, *, max_cost: int = MAX_COST,
           work_limit: float = WORK_PER_SOLVE, seed: int = 0) -> Triage:
    """Cost and recommend every pending request of the team (see the module note).

    Parameters
    ----------
    problem
        The team's problem; its pending time off are the requests.
    requirements
        The staffing stage's frame.
    max_cost
        Largest cost of a request recommended for granting (coverage short: always declined).
    work_limit, seed
        Each solve (:func:`.replan.resolve`): deterministic seconds and seed.

    Raises
    ------
    NotSolved
        When a solve finds no roster within ``work_limit`` (a larger one may).
    """
    asked = pending_requests(problem)
    granted: list[tuple[str, TimeOff]] = []
    declined_roster = _solve(_with(problem, []), requirements, work_limit, seed)
    decisions = []
    for number, request in asked:
        rivals = [i for i, t in granted if _days(problem, t) & _days(problem, request)
                  and t.agent != request.agent]
        base = [t for _, t in granted]
        with_it = _solve(_with(problem, [*base, request]), requirements, work_limit, seed)
        roster, evaluation = with_it
        _, without = declined_roster
        if evaluation is None or without is None:
            decisions.append(Decision(number, request, False, {},
                                      "decline: no roster keeps every hard rule with it granted",
                                      tuple(rivals)))
            continue
        cost = _difference(evaluation, without)
        grant_it = cost.get("coverage", 0) <= 0 and sum(cost.values()) <= max_cost
        decisions.append(Decision(number, request, grant_it, cost,
                                  _reason(cost, grant_it, max_cost, rivals), tuple(rivals),
                                  evaluation, without))
        if grant_it:
            granted.append((number, request))
            declined_roster = with_it
    return Triage(decisions)


def _check_ids(problem: Problem, ids: Sequence[str]) -> None:
    known = [i for i, _ in pending_requests(problem)]
    for item in ids:
        if item not in known:
            listing = ", ".join(known) or "none: time_off.csv has no pending request"
            raise bad_input("--grant", item, "no pending request has this id",
                            f"use one of: {listing}")


def _row_start(problem: Problem, cell: str) -> date | None:
    try:
        return datetime.fromisoformat(cell.strip()[:10]).date()
    except ValueError:
        return None


def grant(folder: str | os.PathLike[str], problem: Problem, ids: Sequence[str]) -> Path:
    """Mark the pending requests ``ids`` approved in the team folder's time_off.csv.

    Every other row and column is kept as it was; the file is replaced whole.

    Raises
    ------
    TeamFolderError
        When an id is not a pending request (nothing is written).
    """
    _check_ids(problem, ids)
    path = Path(folder) / TIME_OFF
    text = path.read_text(encoding="utf-8-sig")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    header = [c.strip().lower() for c in rows[0]]
    status, agent, start = (header.index(n) for n in ("status", "agent", "start"))
    pending = [i for i, row in enumerate(rows[1:], start=1)
               if len(row) > status and row[status].strip().lower() == "pending"]
    names = _numbered(f"{rows[i][agent].strip()}-{_row_start(problem, rows[i][start])}"
                      for i in pending)
    wanted = set(ids)
    for i, name in zip(pending, names, strict=True):
        if name in wanted:
            rows[i][status] = "approved"
    out = io.StringIO(newline="")
    csv.writer(out, lineterminator="\n").writerows(rows)
    return write_text_atomic(path, out.getvalue())


def describe(problem: Problem, request: TimeOff) -> str:
    """``Mon 30 Nov – Tue 01 Dec`` or ``Wed 02 Dec 13:00–18:00`` (the agent's time)."""
    zone = _zone(problem, request.agent)
    start, end = request.start.astimezone(zone), request.end.astimezone(zone)
    if start.time() == time(0) and end.time() == time(0):
        days = sorted(_days(problem, request))
        first = day_label(problem, problem.clock.day_of_date(days[0]))
        last = day_label(problem, problem.clock.day_of_date(days[-1]))
        return first if first == last else f"{first} – {last}"
    return f"{day_label(problem, problem.clock.day_of_date(start.date()))} " \
           f"{start:%H:%M}–{end:%H:%M}"
