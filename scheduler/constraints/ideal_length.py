"""Ideal length: a flexible shift costs its ``ideal_weight`` per interval away from the ideal.

The ideal is the agent's own (agents.csv ``ideal_hours``), else the flexible shift's
``ideal_hours``; a flexible shift without either has no ideal. Fixed templates are not priced.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from scheduler.constraints.base import Rule, day_label
from scheduler.domain import Problem, Roster, Shift
from scheduler.evaluation import Violation
from scheduler.settings import IdealLengthSettings

if TYPE_CHECKING:
    import pandas as pd

    from scheduler.model import ModelContext


def distance(problem: Problem, shift: Shift) -> tuple[int, int]:
    """(intervals away from the ideal length, weight per interval) of a shift; (0, 0) if none."""
    return template_distance(problem, shift.agent, shift.template)


def template_distance(problem: Problem, agent: str, template_id: str) -> tuple[int, int]:
    """:func:`distance` of an agent's shift of one template."""
    template = problem.template_index[template_id]
    ideal = ideal_minutes(problem, agent, template_id)
    if ideal is None:
        return 0, 0
    flexible = next(f for f in problem.flexible if f.id == template.flexible)
    away = abs(template.length_minutes - ideal) // problem.interval_minutes
    return away, flexible.ideal_weight


class IdealLengthRule(Rule[IdealLengthSettings]):
    """Each flexible shift away from its agent's ideal length costs weight per interval."""

    name = "ideal_length"

    def active(self, problem: Problem) -> bool:
        """Only when the team has flexible shifts."""
        return super().active(problem) and bool(problem.flexible)

    def encode(self, ctx: ModelContext) -> None:
        """A constant cost on each flexible shift variable."""
        for agent in ctx.problem.agents:
            for day in range(ctx.problem.days):
                for template, var in ctx.day_vars[agent.id, day]:
                    away, weight = template_distance(ctx.problem, agent.id, template)
                    ctx.penalize(var, away * weight, self.name)

    def evaluate(self, roster: Roster, problem: Problem,
                 requirements: pd.DataFrame) -> list[Violation]:
        """One finding per shift away from its ideal length."""
        found = []
        for shift in sorted(roster.shifts, key=lambda s: (s.day, s.agent)):
            away, weight = distance(problem, shift)
            if away and weight:
                label = problem.agent_index[shift.agent].label
                found.append(Violation(
                    self.name, f"{label} on {day_label(problem, shift.day)}: "
                    f"{length_words(problem, shift)}", penalty=away * weight,
                    agent=shift.agent, day=shift.day))
        return found


def ideal_minutes(problem: Problem, agent: str, template_id: str) -> int | None:
    """The ideal length (minutes, start to end) of an agent's flexible shift; None if none."""
    template = problem.template_index[template_id]
    if template.flexible is None:
        return None
    flexible = next(f for f in problem.flexible if f.id == template.flexible)
    return problem.agent_index[agent].ideal_minutes or flexible.ideal_minutes


def length_words(problem: Problem, shift: Shift) -> str:
    """``shift of 4 h, 2 h shorter than the ideal 6 h``: lengths start to end, in hours."""
    length = problem.template_index[shift.template].length_minutes
    ideal = ideal_minutes(problem, shift.agent, shift.template) or length
    side = "shorter" if length < ideal else "longer"
    return (f"shift of {length / 60:g} h, {abs(length - ideal) / 60:g} h {side} than the "
            f"ideal {ideal / 60:g} h")
