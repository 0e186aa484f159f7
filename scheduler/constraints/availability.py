"""Availability: agents with availability windows work only shifts that fit inside one."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from scheduler.constraints.base import Rule, day_label, finding
from scheduler.domain import WEEKDAYS, Agent, Problem, Roster, Shift
from scheduler.evaluation import Violation
from scheduler.settings import AvailabilitySettings, Level

if TYPE_CHECKING:
    import pandas as pd

    from scheduler.model import ModelContext


def fits(problem: Problem, agent: Agent, shift: Shift) -> bool:
    """Whether the shift lies inside one of the agent's windows, in the agent's time zone.

    An agent without windows is always available. A shift must start and end on the same
    local date as its window (ending exactly at midnight counts as 24:00).
    """
    if not agent.availability:
        return True
    start, end = problem.shift_span(shift)
    zone = agent.time_zone or problem.time_zone
    first, last = problem.clock.local(start, zone), problem.clock.local(end, zone)
    begin = first.hour * 60 + first.minute
    finish = last.hour * 60 + last.minute
    if last.date() == first.date() + timedelta(days=1) and finish == 0:
        finish = 24 * 60
    elif last.date() != first.date():
        return False
    return any(w.weekday == first.weekday() and w.start_minute <= begin and finish <= w.end_minute
               for w in agent.availability)


class AvailabilityRule(Rule[AvailabilitySettings]):
    """Shifts outside an agent's availability windows are forbidden (or penalised)."""

    name = "availability"

    def encode(self, ctx: ModelContext) -> None:
        """Forbid or penalise every shift option outside the agent's windows."""
        settings = self.settings(ctx.problem)
        for agent in ctx.problem.agents:
            if not agent.availability:
                continue
            outside = [var for shift, var in ctx.options(agent.id)
                       if not fits(ctx.problem, agent, shift)]
            windows = ", ".join(f"{WEEKDAYS[w.weekday]} {w.start_minute // 60:02d}:"
                                f"{w.start_minute % 60:02d}-{w.end_minute // 60:02d}:"
                                f"{w.end_minute % 60:02d}" for w in agent.availability)
            ctx.avoid_shifts(outside, hard=settings.level == Level.HARD, weight=settings.weight,
                             rule=self.name, subject=agent.id,
                             description=f"{agent.label}: available only {windows}")

    def evaluate(self, roster: Roster, problem: Problem,
                 requirements: pd.DataFrame) -> list[Violation]:
        """One finding per shift outside the agent's windows."""
        settings = self.settings(problem)
        found = []
        for shift in roster.shifts:
            agent = problem.agent_index[shift.agent]
            if not fits(problem, agent, shift):
                found.append(finding(
                    self.name, settings.level, settings.weight, 1,
                    f"{agent.label} works {shift.template} on {day_label(problem, shift.day)}, "
                    "outside their availability", agent=agent.id, day=shift.day))
        return found
