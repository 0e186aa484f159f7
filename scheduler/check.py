"""Check a roster with every rule's plain-Python ``evaluate()`` (no solver involved)."""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

from scheduler.constraints import RULES
from scheduler.constraints.base import day_label
from scheduler.domain import Problem, Roster
from scheduler.evaluation import Evaluation, Violation

if TYPE_CHECKING:
    import pandas as pd


def structure(problem: Problem, roster: Roster) -> list[Violation]:
    """What no roster may contain, whatever the rules say (a hand-edited one may).

    Two shifts for one agent on one day, a template used on a weekday it is not offered, a
    shift outside the horizon, and two shifts of one agent that overlap in time.
    """
    found = []
    clock = problem.clock
    for (agent, day), count in Counter((s.agent, s.day) for s in roster.shifts).items():
        if count > 1:
            found.append(Violation("roster", f"{agent} has {count} shifts on "
                                   f"{day_label(problem, day)}", hard=True, agent=agent, day=day))
    for shift in roster.shifts:
        template = problem.template_index[shift.template]
        where = f"{shift.agent}: {shift.template} on {day_label(problem, shift.day)}"
        if not 0 <= shift.day < problem.days:
            found.append(Violation("roster", f"{where} is outside the horizon", hard=True,
                                   agent=shift.agent, day=shift.day))
        elif template.weekdays and clock.weekday(shift.day) not in template.weekdays:
            found.append(Violation("roster", f"{where}: that shift is not offered on that day",
                                   hard=True, agent=shift.agent, day=shift.day))
    spans = sorted(((problem.shift_span(s), s) for s in roster.shifts), key=lambda p: p[0])
    last_end: dict[str, int] = {}
    for (start, end), shift in spans:
        if start < last_end.get(shift.agent, start):
            found.append(Violation("roster", f"{shift.agent}: {shift.template} on "
                                   f"{day_label(problem, shift.day)} overlaps the shift before",
                                   hard=True, agent=shift.agent, day=shift.day))
        last_end[shift.agent] = max(end, last_end.get(shift.agent, end))
    return found


def check(problem: Problem, roster: Roster, requirements: pd.DataFrame) -> Evaluation:
    """Evaluate a roster against every active rule of the problem.

    Parameters
    ----------
    problem
        The team's problem (rules, requirements, time off, ...).
    roster
        Any roster: solved, or edited by hand.
    requirements
        The staffing stage's frame (:func:`scheduler.staffing.requirements`).

    Returns
    -------
    Evaluation
        Hard violations and soft penalties, each in words.
    """
    found = structure(problem, roster)
    for rule in RULES:
        if rule.active(problem):
            found += rule.evaluate(roster, problem, requirements)
    return Evaluation(tuple(found))
