"""Availability levels: each interval on duty costs its level's cost; unavailable is never worked.

Levels come from availability.csv and the team default (:class:`scheduler.load.levels.Levels`);
costs per interval from team.yaml ``availability.costs``. The rule applies to teams that plan
by availability (an availability.csv or flexible shifts); others are unaffected.
"""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING

from scheduler.constraints.base import Rule, day_label, finding
from scheduler.domain import Preference, Problem, Roster, Shift
from scheduler.evaluation import Violation
from scheduler.load.levels import Levels
from scheduler.settings import Level, PreferenceLevelSettings

if TYPE_CHECKING:
    import pandas as pd
    from ortools.sat.python.cp_model import IntVar

    from scheduler.model import ModelContext


def shift_levels(problem: Problem, levels: Levels, shift: Shift) -> dict[Preference, int]:
    """How many intervals of a shift lie at each level of its agent."""
    return span_levels(problem, levels.of(shift.agent), problem.shift_span(shift))


def span_levels(problem: Problem, agent_levels: list[Preference],
                span: tuple[int, int]) -> dict[Preference, int]:
    """How many intervals wholly inside a span lie at each level (of one agent)."""
    found: dict[Preference, int] = defaultdict(int)
    for interval in problem.covered_intervals(span):
        found[agent_levels[interval] if interval < len(agent_levels)
              else Preference.UNAVAILABLE] += 1
    return found


def shift_cost(problem: Problem, found: dict[Preference, int]) -> int:
    """Cost of a shift's intervals at their levels (unavailable ones not included)."""
    return sum(problem.policy.cost(level) * n for level, n in found.items()
               if level != Preference.UNAVAILABLE)


class PreferenceLevelRule(Rule[PreferenceLevelSettings]):
    """Cost per interval by level; intervals marked unavailable are hard (or cost weight)."""

    name = "preference_levels"

    def active(self, problem: Problem) -> bool:
        """Only for teams that plan by availability."""
        return super().active(problem) and bool(problem.availability or problem.flexible)

    def encode(self, ctx: ModelContext) -> None:
        """A constant cost per shift variable; shifts over unavailable intervals forbidden."""
        problem = ctx.problem
        settings = self.settings(problem)
        levels = Levels(problem)
        for agent in problem.agents:
            agent_levels = levels.of(agent.id)
            for day in range(problem.days):
                for template, var in ctx.day_vars[agent.id, day]:
                    self._encode_shift(ctx, settings, agent.id, var, span_levels(
                        problem, agent_levels, ctx.span(agent.id, day, template)))

    def _encode_shift(self, ctx: ModelContext, settings: PreferenceLevelSettings, agent: str,
                      var: IntVar, found: dict[Preference, int]) -> None:
        ctx.penalize(var, shift_cost(ctx.problem, found), self.name)
        blocked = found.get(Preference.UNAVAILABLE, 0)
        if not blocked:
            return
        ctx.avoid_shifts([var], hard=settings.level == Level.HARD,
                         weight=settings.weight * blocked, rule=self.name, subject=agent,
                         description=f"{agent} only when available")

    def evaluate(self, roster: Roster, problem: Problem,
                 requirements: pd.DataFrame) -> list[Violation]:
        """One finding per shift: its level cost, and its unavailable intervals."""
        settings = self.settings(problem)
        levels = Levels(problem)
        found = []
        for shift in sorted(roster.shifts, key=lambda s: (s.day, s.agent)):
            counts = shift_levels(problem, levels, shift)
            label = problem.agent_index[shift.agent].label
            where = f"{label} on {day_label(problem, shift.day)}"
            cost = shift_cost(problem, counts)
            hours = problem.interval_minutes / 60
            if cost:
                parts = ", ".join(f"{counts[level] * hours:g} h {level}" for level in Preference
                                  if counts.get(level) and level != Preference.UNAVAILABLE)
                found.append(Violation(self.name, f"{where}: {parts}", penalty=cost,
                                       agent=shift.agent, day=shift.day))
            blocked = counts.get(Preference.UNAVAILABLE, 0)
            if blocked:
                found.append(finding(self.name, settings.level, settings.weight, blocked,
                                     f"{where}: {blocked * hours:g} h while unavailable",
                                     agent=shift.agent, day=shift.day))
        return found
