"""Weekends: at most so many weekends worked per agent over the horizon."""

from __future__ import annotations

from collections import defaultdict

from scheduler.constraints.base import Rule, Worked, finding
from scheduler.domain import Agent, Problem, Roster
from scheduler.evaluation import Violation
from scheduler.settings import Level, WeekendSettings
from scheduler.solvers.context import ModelContext


def weekends(problem: Problem, settings: WeekendSettings) -> list[list[int]]:
    """The horizon's weekends: weekend days grouped by calendar week (Monday first)."""
    grouped: dict[int, list[int]] = defaultdict(list)
    for day in range(problem.days):
        if problem.clock.weekday(day) in settings.weekend_days:
            week = (problem.clock.date_of(day) - problem.clock.date_of(0)).days
            week = (week + problem.clock.weekday(0)) // 7
            grouped[week].append(day)
    return [grouped[k] for k in sorted(grouped)]


def weekend_limit(agent: Agent, settings: WeekendSettings) -> int | None:
    """The agent's own limit, else the team's."""
    own = agent.contract.max_weekends
    return settings.max_weekends if own is None else own


def worked_weekend_vars(ctx: ModelContext, settings: WeekendSettings) -> dict[str, list]:
    """Per agent, a boolean per weekend: 1 exactly when the agent works any day of it."""
    cached = ctx.cache.get("weekends")
    if cached is None:
        cached = {}
        for agent in ctx.problem.agents:
            flags = []
            for days in weekends(ctx.problem, settings):
                days_worked = [ctx.works(agent.id, d) for d in days]
                flag = ctx.model.new_bool_var(f"weekend[{agent.id},{days[0]}]")
                ctx.model.add_max_equality(flag, days_worked)
                flags.append(flag)
            cached[agent.id] = flags
        ctx.cache["weekends"] = cached
    return cached


class WeekendRule(Rule[WeekendSettings]):
    """Each weekend worked beyond the limit is one violation."""

    name = "weekends"

    def encode(self, ctx: ModelContext) -> None:
        """Count worked weekends per agent and bound (or penalise) the count."""
        settings = self.settings(ctx.problem)
        flags = worked_weekend_vars(ctx, settings)
        for agent in ctx.problem.agents:
            limit = weekend_limit(agent, settings)
            if limit is None or limit >= len(flags[agent.id]):
                continue
            count = sum(flags[agent.id])
            if settings.level == Level.HARD:
                ctx.require(ctx.model.add(count <= limit), self.name, agent.id,
                            f"{agent.label}: at most {limit} weekends worked")
            else:
                over = ctx.excess(count, limit, len(flags[agent.id]), "weekends")
                ctx.penalize(over, settings.weight, self.name)

    def evaluate(self, roster: Roster, problem: Problem) -> list[Violation]:
        """One finding per agent over the limit, sized by the weekends over."""
        settings = self.settings(problem)
        worked = Worked(problem, roster)
        found = []
        for agent in problem.agents:
            limit = weekend_limit(agent, settings)
            count = sum(any(worked.works(agent.id, d) for d in days)
                        for days in weekends(problem, settings))
            if limit is not None and count > limit:
                found.append(finding(self.name, settings.level, settings.weight, count - limit,
                                     f"{agent.label} works {count} weekends (at most {limit})",
                                     agent=agent.id))
        return found
