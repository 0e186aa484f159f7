"""What every rule is: a name, an ``encode`` for CP-SAT and an ``evaluate`` in plain Python.

The two must agree: for any roster, the penalty the solver's terms give is the penalty
``evaluate`` finds, and a roster the encoded hard constraints accept has no hard violation.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar, Generic, TypeVar, cast

from scheduler.domain import Problem, Roster, Shift
from scheduler.evaluation import Violation
from scheduler.settings import Level, RuleSetting

if TYPE_CHECKING:
    import pandas as pd

    from scheduler.model import ModelContext


Settings = TypeVar("Settings", bound=RuleSetting)


class Rule(ABC, Generic[Settings]):
    """One rule of a roster. Subclasses set ``name`` and implement both methods."""

    name: ClassVar[str]

    def settings(self, problem: Problem) -> Settings:
        """This rule's settings from the problem's team.yaml ``rules`` block."""
        return cast(Settings, getattr(problem.rules, self.name))

    def active(self, problem: Problem) -> bool:
        """False when the team switched the rule off."""
        return self.settings(problem).level != Level.OFF

    def tied_days(self, problem: Problem) -> frozenset[int]:
        """Days this rule ties together over the horizon (none by default).

        A re-plan that frees only some of them cannot move what the rule counts across them,
        so the neighbourhood search frees them all at once (see :mod:`scheduler.solvers.lns`).
        """
        return frozenset()

    @abstractmethod
    def encode(self, ctx: ModelContext) -> None:
        """Add this rule's hard constraints or penalty terms to the model."""

    @abstractmethod
    def evaluate(self, roster: Roster, problem: Problem,
                 requirements: pd.DataFrame) -> list[Violation]:
        """Find this rule's violations and penalties in a roster, without CP-SAT."""


def finding(rule: str, level: Level, weight: int, amount: int, message: str,
            **where: str | int | None) -> Violation:
    """A violation of ``amount`` units: hard, or soft costing ``weight`` per unit."""
    hard = level == Level.HARD
    return Violation(rule=rule, message=message, hard=hard,
                     penalty=0 if hard else weight * amount, **where)  # type: ignore[arg-type]


@dataclass(frozen=True)
class Worked:
    """A roster seen per agent and day, with each shift's real-time span (shared by rules)."""

    problem: Problem
    roster: Roster

    def template(self, agent: str, day: int) -> str | None:
        """Template the agent works on ``day`` (history included for negative days), or None."""
        if day < 0:
            return self.problem.history_index.get((agent, day))
        return self.roster.by_agent_day.get((agent, day))

    def works(self, agent: str, day: int) -> bool:
        """Whether the agent has a shift on ``day``."""
        return self.template(agent, day) is not None

    def shifts(self, agent: str) -> Iterator[Shift]:
        """The agent's shifts in the horizon, by day."""
        for day in range(self.problem.days):
            template = self.template(agent, day)
            if template is not None:
                yield Shift(agent=agent, day=day, template=template)


def weeks(problem: Problem) -> list[range]:
    """The horizon cut into weeks of 7 days from its first day (the last may be shorter)."""
    return [range(start, min(start + 7, problem.days)) for start in range(0, problem.days, 7)]


def day_label(problem: Problem, day: int) -> str:
    """A day as a coordinator reads it: ``Mon 30 Nov``."""
    return problem.clock.date_of(day).strftime("%a %d %b")
