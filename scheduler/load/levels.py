"""Availability levels per agent and planning interval.

Plain Python (no solver): the candidate-shift generator, the rules' ``encode`` and their
``evaluate`` all read the same tables, so the solver and the checker agree by construction.

An agent with no row in availability.csv follows the team default
(``availability.default`` in team.yaml) over every support day. An agent with rows is
unavailable wherever no row of theirs says otherwise.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from functools import cached_property

from scheduler.domain import DAY_MINUTES, Preference, Problem
from scheduler.support_day import local_minute, span_intervals


@dataclass(frozen=True)
class Levels:
    """The level of every agent in every planning interval (one day past the horizon too)."""

    problem: Problem

    @cached_property
    def size(self) -> int:
        """Intervals in the table: the horizon plus one day (overnight support days)."""
        return self.problem.clock.n_intervals + DAY_MINUTES // self.problem.interval_minutes

    @cached_property
    def default_day(self) -> list[Preference]:
        """Levels of an agent without rows: the default inside every support day."""
        problem, policy = self.problem, self.problem.policy
        table = [Preference.UNAVAILABLE] * self.size
        for day in range(problem.days):
            start = local_minute(problem, day, policy.day_starts_at)
            end = local_minute(problem, day, policy.day_ends_at)
            for i in span_intervals(problem, start, end):
                if 0 <= i < self.size:
                    table[i] = policy.default
        return table

    @cached_property
    def table(self) -> dict[str, list[Preference]]:
        """agent → level per interval (agents with rows only; others use the default)."""
        found: dict[str, list[Preference]] = defaultdict(
            lambda: [Preference.UNAVAILABLE] * self.size)
        moments: dict[tuple[int, int], int] = {}  # few distinct (day, minute): each placed once
        for row in self.problem.availability:
            for key in ((row.day, row.start_minute), (row.day, row.end_minute)):
                if key not in moments:
                    moments[key] = local_minute(self.problem, *key)
            start = moments[row.day, row.start_minute]
            end = moments[row.day, row.end_minute]
            levels = found[row.agent]
            for i in span_intervals(self.problem, start, end):
                if 0 <= i < self.size:
                    levels[i] = row.level
        return dict(found)

    def of(self, agent: str) -> list[Preference]:
        """The agent's level per interval."""
        return self.table.get(agent, self.default_day)

    def at(self, agent: str, interval: int) -> Preference:
        """The agent's level in one interval (unavailable outside the table)."""
        levels = self.of(agent)
        return levels[interval] if 0 <= interval < len(levels) else Preference.UNAVAILABLE

    def available_intervals(self, agent: str) -> int:
        """Intervals of the horizon in which the agent may work (any level but unavailable)."""
        n = self.problem.clock.n_intervals
        return sum(1 for level in self.of(agent)[:n] if level != Preference.UNAVAILABLE)
