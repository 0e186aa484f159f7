"""Weekends: at most so many weekends worked per agent over the horizon."""

from __future__ import annotations

from typing import TYPE_CHECKING

from scheduler.constraints.base import Rule, Worked, finding
from scheduler.domain import Agent, Problem, Roster
from scheduler.evaluation import Violation
from scheduler.settings import Level, WeekendSettings

if TYPE_CHECKING:
    import pandas as pd

    from scheduler.model import ModelContext


def weekend_limit(agent: Agent, settings: WeekendSettings) -> int | None:
    """The agent's own limit, else the team's."""
    own = agent.contract.max_weekends
    return settings.max_weekends if own is None else own


class WeekendRule(Rule[WeekendSettings]):
    """Each weekend worked beyond the limit is one violation."""

    name = "weekends"

    def tied_days(self, problem: Problem) -> frozenset[int]:
        """Every weekend day and the days either side, when some agent's limit is below the
        number of weekends: which weekends an agent works moves only when all are free."""
        settings = self.settings(problem)
        groups = problem.clock.weekends(settings.weekend_days)
        if all(m is None or m >= len(groups) for m in
               (weekend_limit(a, settings) for a in problem.agents)):
            return frozenset()
        return frozenset(day for group in groups
                         for day in range(max(0, group[0] - 1), min(problem.days, group[-1] + 2)))

    def encode(self, ctx: ModelContext) -> None:
        """Count worked weekends per agent and bound (or penalise) the count."""
        settings = self.settings(ctx.problem)
        for agent in ctx.problem.agents:
            flags = ctx.worked_weekends(agent.id)
            limit = weekend_limit(agent, settings)
            if limit is None or limit >= len(flags):
                continue
            count = sum(flags)
            ctx.at_most(count, limit, hard=settings.level == Level.HARD,
                        weight=settings.weight, rule=self.name, subject=agent.id,
                        description=f"{agent.label}: at most {limit} weekends worked",
                        upper=len(flags), name="weekends")

    def evaluate(self, roster: Roster, problem: Problem,
                 requirements: pd.DataFrame) -> list[Violation]:
        """One finding per agent over the limit, sized by the weekends over."""
        settings = self.settings(problem)
        worked = Worked(problem, roster)
        found = []
        for agent in problem.agents:
            limit = weekend_limit(agent, settings)
            count = sum(any(worked.works(agent.id, d) for d in days)
                        for days in problem.clock.weekends(settings.weekend_days))
            if limit is not None and count > limit:
                found.append(finding(self.name, settings.level, settings.weight, count - limit,
                                     f"{agent.label} works {count} weekends (at most {limit})",
                                     agent=agent.id))
        return found
