"""Consecutive days: at most / at least so many working days in a row, and days off in a row.

Days before the horizon come from the last roster when one is given (days it does not list
count as off; the minimum rules look back at most a week). Without a last roster, runs
touching the horizon's first day are not held
to the minimums, and runs touching its last day never are (they may go on next period).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from scheduler.constraints.base import Rule, Worked, day_label, finding
from scheduler.domain import Agent, Problem, Roster
from scheduler.evaluation import Violation
from scheduler.settings import ConsecutiveSettings, Level

if TYPE_CHECKING:
    import pandas as pd

    from scheduler.model import ModelContext

HISTORY_DAYS = 7


@dataclass(frozen=True)
class Pattern:
    """A forbidden stretch: ``days`` with the value ``working`` each (True = works)."""

    days: tuple[int, ...]
    working: tuple[bool, ...]
    message: str


def first_known_day(problem: Problem) -> int:
    """The earliest day whose working status is known (the last roster's first day)."""
    return -HISTORY_DAYS if problem.history else 0


def limits(agent: Agent, settings: ConsecutiveSettings) -> tuple[int | None, int | None,
                                                                   int | None]:
    """(max working days, min working days, min days off) in a row for the agent."""
    c = agent.contract
    pick = [c.max_consecutive_days, c.min_consecutive_days, c.min_consecutive_days_off]
    team = [settings.max_days, settings.min_days, settings.min_days_off]
    most, least, rest = (own if own is not None else default
                         for own, default in zip(pick, team, strict=True))
    return most, least, rest


def patterns(agent: Agent, problem: Problem, settings: ConsecutiveSettings) -> Iterator[Pattern]:
    """Every stretch the agent's limits forbid that touches the horizon."""
    most, least, rest = limits(agent, settings)
    known = first_known_day(problem)
    if most is not None:
        for start in range(known - most, problem.days - most):
            days = tuple(range(start, start + most + 1))
            if days[-1] >= 0:
                yield Pattern(days, (True,) * (most + 1),
                              f"works {most + 1} days in a row up to "
                              f"{day_label(problem, days[-1])} (at most {most})")
    for limit, working, what in ((least, True, "working days"), (rest, False, "days off")):
        for length in range(1, limit or 0):
            for start in range(known + 1, problem.days - length):
                days = tuple(range(start - 1, start + length + 1))
                if days[-2] < 0:
                    continue
                yield Pattern(days, (not working,) + (working,) * length + (not working,),
                              f"only {length} {what} in a row from {day_label(problem, start)}"
                              f" (at least {limit})")


class ConsecutiveRule(Rule[ConsecutiveSettings]):
    """Each forbidden stretch found is one violation (one per too-long window, per short run)."""

    name = "consecutive"

    def encode(self, ctx: ModelContext) -> None:
        """A clause per pattern: some day of the stretch differs from the pattern."""
        problem = ctx.problem
        settings = self.settings(problem)
        for agent in problem.agents:
            most, least, rest = limits(agent, settings)
            subject = f"{agent.label}: at most {most} working days in a row" + \
                (f", at least {least}" if least else "") + \
                (f", at least {rest} days off in a row" if rest else "")
            for pattern in patterns(agent, problem, settings):
                clause = []
                for day, working in zip(pattern.days, pattern.working, strict=True):
                    flag = ctx.works(agent.id, day)
                    if isinstance(flag, int):
                        if bool(flag) != working:
                            break
                        continue
                    clause.append(flag.Not() if working else flag)
                else:
                    if settings.level == Level.HARD:
                        ctx.require(ctx.model.add_bool_or(clause), self.name,
                                    *_with_history(problem, agent, pattern, subject))
                    else:
                        broken = ctx.model.new_bool_var("consecutive")
                        ctx.model.add_bool_or([*clause, broken])
                        ctx.penalize(broken, settings.weight, self.name)
            if settings.level == Level.HARD:
                self._run_start_cuts(ctx, agent, least, rest, subject)

    def _run_start_cuts(self, ctx: ModelContext, agent: Agent, least: int | None,
                        rest: int | None, subject: str) -> None:
        """Redundant, LP-strong form of the minimum runs inside the horizon.

        A run of work starting on day s (off on s-1) must still be on at s+k for k below the
        minimum: work[s] <= work[s-1] + work[s+k]. Likewise for runs of days off. The pattern
        clauses above already forbid the same rosters; these only tighten the relaxation.
        """
        works = [ctx.works(agent.id, d) for d in range(ctx.problem.days)]
        for limit, on in ((least, True), (rest, False)):
            for s in range(1, len(works)):
                for k in range(1, limit or 0):
                    if s + k >= len(works):
                        break
                    cut = works[s] - works[s - 1] - works[s + k] <= 0 if on else \
                        works[s - 1] + works[s + k] - works[s] <= 1
                    ctx.require(ctx.model.add(cut), self.name, agent.id, subject)

    def evaluate(self, roster: Roster, problem: Problem,
                 requirements: pd.DataFrame) -> list[Violation]:
        """One finding per forbidden stretch in the roster (last roster included)."""
        settings = self.settings(problem)
        worked = Worked(problem, roster)
        found = []
        for agent in problem.agents:
            for pattern in patterns(agent, problem, settings):
                if all(worked.works(agent.id, d) == w
                       for d, w in zip(pattern.days, pattern.working, strict=True)):
                    found.append(finding(self.name, settings.level, settings.weight, 1,
                                         f"{agent.label} {pattern.message}", agent=agent.id,
                                         day=max(0, pattern.days[-1])))
        return found


def _with_history(problem: Problem, agent: Agent, pattern: Pattern,
                  subject: str) -> tuple[str, str]:
    """Group subject and description; a stretch that reaches into the last roster names the
    shifts it counts from there."""
    before = [(day, problem.history_index.get((agent.id, day))) for day in pattern.days
              if day < 0]
    worked = [f"{template} {day_label(problem, day)}" for day, template in before if template]
    if not worked:
        return agent.id, subject
    return f"{agent.id} history", f"{subject}, counting last roster's {', '.join(worked)}"
