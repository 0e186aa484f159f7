"""What the rules find in a roster: violations (hard) and penalties (soft), in words."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Violation:
    """One finding of one rule.

    Attributes
    ----------
    rule
        Name of the rule that found it (``coverage``, ``rest``, ...).
    message
        A sentence a coordinator understands.
    hard
        True when a hard rule is broken (the roster is not acceptable).
    penalty
        Cost it adds to the objective (0 for hard violations).
    agent, day, interval
        Where it happened, when it concerns one agent, day or interval.
    """

    rule: str
    message: str
    hard: bool = False
    penalty: int = 0
    agent: str | None = None
    day: int | None = None
    interval: int | None = None


@dataclass(frozen=True)
class Evaluation:
    """All findings of all rules on one roster."""

    violations: tuple[Violation, ...] = field(default_factory=tuple)

    @property
    def hard(self) -> tuple[Violation, ...]:
        """The hard violations."""
        return tuple(v for v in self.violations if v.hard)

    @property
    def total_penalty(self) -> int:
        """Sum of all soft penalties: equals the solver's objective for a solved roster."""
        return sum(v.penalty for v in self.violations)

    @property
    def penalty_by_rule(self) -> dict[str, int]:
        """Soft penalty per rule."""
        totals: dict[str, int] = defaultdict(int)
        for v in self.violations:
            totals[v.rule] += v.penalty
        return dict(totals)

    def worst(self, rule: str, count: int = 3) -> list[str]:
        """The messages of the costliest findings of a rule."""
        found = sorted((v for v in self.violations if v.rule == rule), key=lambda v: -v.penalty)
        return [v.message for v in found[:count]]

    def findings_by_rule(self) -> dict[str, int]:
        """How many soft findings with a penalty each rule has."""
        counts: dict[str, int] = defaultdict(int)
        for v in self.violations:
            if not v.hard and v.penalty:
                counts[v.rule] += 1
        return dict(counts)
