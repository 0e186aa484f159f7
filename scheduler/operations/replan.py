"""Minimal-change re-plans: the roster as published, what happened fixed, the rest re-solved.

A re-plan mid-week starts from the published roster (``published_roster.csv``). Everything that
started before the re-plan's moment is what happened and stays (the stability rule's
``fixed_before``); the rest of the horizon is solved again with every changed agent-day costing
the change weight, so the solver changes as little as it can. How much a change weighs against
the usual penalties is the coordinator's choice (:data:`PRIORITIES`):

- ``stability`` (default): a change costs :data:`CHANGE_WEIGHT`, ten intervals of an agent short
  at the default coverage weight, so a shift is moved only to cover a real gap;
- ``coverage``: a change costs the team.yaml stability weight, so coverage comes first.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import TYPE_CHECKING, Any, Literal

from pydantic import ValidationError

from scheduler.domain import Problem, Roster
from scheduler.errors import InputProblem, TeamFolderError
from scheduler.settings import Level

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["CHANGE_WEIGHT", "PRIORITIES", "Priority", "Resolved", "ShiftChange", "bad_input",
           "changed_agents", "clear_of_time_off", "credited", "moment_of", "rebuilt",
           "replan_problem", "resolve", "roster_changes"]

Priority = Literal["stability", "coverage"]
PRIORITIES: tuple[Priority, ...] = ("stability", "coverage")
CHANGE_WEIGHT = 1000


@dataclass(frozen=True)
class ShiftChange:
    """One agent-day whose shift changed: ``before`` and ``after`` are templates, or None
    for a day off."""

    agent: str
    day: int
    before: str | None
    after: str | None


def roster_changes(before: Roster, after: Roster) -> list[ShiftChange]:
    """Every agent-day whose shift differs between two rosters, by agent then day."""
    old, new = before.by_agent_day, after.by_agent_day
    return [ShiftChange(agent, day, old.get((agent, day)), new.get((agent, day)))
            for agent, day in sorted(set(old) | set(new))
            if old.get((agent, day)) != new.get((agent, day))]


def changed_agents(changes: list[ShiftChange]) -> set[str]:
    """The agents a change list touches."""
    return {c.agent for c in changes}


def rebuilt(problem: Problem, **fields: Any) -> Problem:
    """A new problem with ``fields`` replaced, validated again (cross checks included).

    Raises
    ------
    TeamFolderError
        When the change leaves the team inconsistent (the reasons in words).
    """
    data = {name: getattr(problem, name) for name in Problem.model_fields}
    try:
        return Problem.model_validate({**data, **fields})
    except ValidationError as exc:
        reasons = "; ".join(str(e["msg"]).removeprefix("Value error, ") for e in exc.errors())
        raise bad_input("", "", f"the change leaves the team inconsistent: {reasons}",
                        "check the agent, dates and shifts given") from None


def bad_input(option: str, value: str, message: str, fix: str,
              file: str = "command line") -> TeamFolderError:
    """A bad value given on the command line (or in a form), as the usual input error."""
    return TeamFolderError([InputProblem(file, None, option or None, value or None, message,
                                         fix)])


def moment_of(problem: Problem, option: str, text: str, end: bool = False) -> datetime:
    """What a coordinator typed as a moment: a date (its midnight in the team's time zone; as
    an ``end``, the next midnight, so a last day is included) or a date and time (the team's
    time zone unless it gives an offset).

    Raises
    ------
    TeamFolderError
        When the text is neither (``option`` names where it was typed).
    """
    typed = text.strip().replace(" ", "T", 1)
    whole_day = "T" not in typed
    try:
        value = datetime.fromisoformat(typed)
        if whole_day:
            value = datetime.combine(value.date(), time(0), problem.clock.zone)
            value += timedelta(days=1) if end else timedelta(0)
        return value if value.tzinfo else value.replace(tzinfo=problem.clock.zone)
    except (ValueError, OverflowError):
        raise bad_input(option, text, "not a date (2026-12-02) or a date and time "
                        "(2026-12-02T13:00)", "write it as YYYY-MM-DD or YYYY-MM-DDTHH:MM"
                        ) from None


def replan_problem(problem: Problem, published: Roster, at: int, *,
                   prefer: Priority = "stability") -> Problem:
    """The problem of a re-plan from minute ``at`` of the horizon.

    Parameters
    ----------
    problem
        The team's problem, with whatever changed (an absence, granted time off) already in.
    published
        The roster as published: the reference every change is counted against.
    at
        Minute of the horizon from which the roster may change; before it, it is what
        happened.
    prefer
        ``stability`` or ``coverage`` (see the module note).
    """
    settings = problem.rules.stability
    weight = max(settings.weight, CHANGE_WEIGHT) if prefer == "stability" else settings.weight
    stability = settings.model_copy(update={"level": Level.SOFT, "weight": weight})
    rules = problem.rules.model_copy(update={"stability": stability})
    return rebuilt(problem, reference=published.shifts, fixed_before=max(at, 0), rules=rules)


def clear_of_time_off(problem: Problem, roster: Roster) -> Roster:
    """The roster without the shifts that overlap their agent's approved time off: the
    published roster as a starting point once time off was granted or an absence added."""
    clock = problem.clock
    off: dict[str, list[tuple[int, int]]] = {}
    for item in problem.time_off:
        if item.status == "approved":
            off.setdefault(item.agent, []).append((clock.minute(item.start),
                                                   clock.minute(item.end)))
    return Roster(shifts=tuple(
        s for s in roster.shifts if not any(
            a < problem.shift_span(s)[1] and problem.shift_span(s)[0] < b
            for a, b in off.get(s.agent, ()))))


def credited(problem: Problem, published: Roster, kept: Roster) -> Problem:
    """The problem with each agent's contract minimum lowered by the paid hours of their
    published shifts that time off took away (``published`` minus ``kept``): paid leave and
    sick days count towards the contract, so nobody is called in on a day off to make up
    hours the time off took."""
    lost: dict[str, int] = {}
    for shift in set(published.shifts) - set(kept.shifts):
        minutes = problem.template_index[shift.template].paid_minutes
        lost[shift.agent] = lost.get(shift.agent, 0) + minutes
    if not lost:
        return problem
    agents = tuple(a.model_copy(update={"contract": a.contract.model_copy(update={
        "min_minutes": max(0, a.contract.min_minutes - lost[a.id])})}) if a.id in lost else a
        for a in problem.agents)
    return rebuilt(problem, agents=agents)


@dataclass(frozen=True)
class Resolved:
    """A re-plan's roster (None when none was found), its objective and penalty per rule."""

    roster: Roster | None
    objective: int | None
    penalties: dict[str, int]
    status: str


def resolve(problem: Problem, requirements: pd.DataFrame, *, work_limit: float,
            seed: int = 0, seconds: float = 120.0, hint: Roster | None = None) -> Resolved:
    """Solve a re-plan: CP-SAT on one thread, started from ``hint`` (default: the published
    roster; an absence gives it without the absent agent's shifts, which is feasible).

    A re-plan is a small step from a roster that was good: CP-SAT with the published roster as
    its hint finds the few changes quickly, without the fresh solve's first-roster and bound
    phases. One thread stopped on the deterministic ``work_limit`` gives the same roster for
    the same input and seed (``seconds`` is only a safety net).
    """
    from scheduler.solvers.cpsat import build, extract, one_thread, polish, shift_values

    ctx = build(problem, requirements)
    start = (hint or Roster(shifts=problem.reference)).by_agent_day
    for (agent, day, template), var in ctx.x.items():
        ctx.model.add_hint(var, start.get((agent, day)) == template)
    solver = one_thread(seconds=seconds, seed=seed, work=work_limit)
    code = solver.solve(ctx.model)
    status = solver.status_name(code)
    if status not in ("OPTIMAL", "FEASIBLE"):
        return Resolved(None, None, {}, status)
    values = shift_values(ctx, solver)
    penalties = polish(ctx, values)
    return Resolved(extract(ctx, values), sum(penalties.values()), penalties, status)
