"""Time off: no shift overlaps approved time off; pending requests are honoured when possible."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import time, timedelta
from typing import TYPE_CHECKING

from scheduler.constraints.base import Rule, finding
from scheduler.domain import Problem, Roster, Shift, TimeOff
from scheduler.evaluation import Violation
from scheduler.settings import Level, TimeOffSettings

if TYPE_CHECKING:
    import pandas as pd
    from ortools.sat.python import cp_model

    from scheduler.model import ModelContext


def describe(off: TimeOff, problem: Problem) -> str:
    """``approved time off Tue 01 Dec – Wed 02 Dec`` (whole days) or with times, in the
    agent's own time zone (named when it is not the team's)."""
    agent = problem.agent_index.get(off.agent)
    zone = (agent.time_zone if agent else None) or problem.time_zone
    first, last = (problem.clock.local(problem.clock.minute(t), zone) for t in (off.start,
                                                                               off.end))
    if zone != problem.time_zone and first.time() != time(0):
        return f"{off.status} time off {first:%a %d %b %H:%M} – {last:%a %d %b %H:%M} ({zone})"
    if first.time() == last.time() == time(0):
        final = last - timedelta(days=1)
        days = f"{first:%a %d %b}" if final.date() == first.date() else \
            f"{first:%a %d %b} – {final:%a %d %b}"
        return f"{off.status} time off {days}"
    return f"{off.status} time off {first:%a %d %b %H:%M} – {last:%a %d %b %H:%M}"


class TimeOffRule(Rule[TimeOffSettings]):
    """Approved time off is hard by default; pending time off is soft by default."""

    name = "time_off"

    def active(self, problem: Problem) -> bool:
        """Approved and pending time off have their own levels; off only when both are."""
        settings = self.settings(problem)
        return settings.level != Level.OFF or settings.pending_level != Level.OFF

    def _terms(self, problem: Problem, off: TimeOff) -> tuple[Level, int]:
        settings = self.settings(problem)
        if off.status == "approved":
            return settings.level, settings.weight
        return settings.pending_level, settings.pending_weight

    def _clashes(self, problem: Problem, off: TimeOff,
                 candidates: Iterator[Shift]) -> Iterator[Shift]:
        first, last = problem.clock.minute(off.start), problem.clock.minute(off.end)
        for shift in candidates:
            start, end = problem.shift_span(shift)
            if start < last and first < end:
                yield shift

    def encode(self, ctx: ModelContext) -> None:
        """Forbid (hard) or penalise (soft) every shift that overlaps a time off."""
        problem = ctx.problem
        offered: dict[str, dict[Shift, cp_model.IntVar]] = {}  # per agent, built once
        for off in problem.time_off:
            level, weight = self._terms(problem, off)
            if level == Level.OFF:
                continue
            if off.agent not in offered:
                offered[off.agent] = dict(ctx.options(off.agent))
            options = offered[off.agent]
            clashes = [options[s] for s in self._clashes(problem, off, iter(options))]
            ctx.avoid_shifts(clashes, hard=level == Level.HARD, weight=weight, rule=self.name,
                             subject=f"{off.agent}: {describe(off, problem)}",
                             description=f"{problem.agent_index[off.agent].label}: "
                             f"{describe(off, problem)}")

    def evaluate(self, roster: Roster, problem: Problem,
                 requirements: pd.DataFrame) -> list[Violation]:
        """One finding per shift that overlaps a time off."""
        found = []
        for off in problem.time_off:
            level, weight = self._terms(problem, off)
            if level == Level.OFF:
                continue
            mine = (s for s in roster.shifts if s.agent == off.agent)
            for shift in self._clashes(problem, off, mine):
                name = problem.agent_index[shift.agent].label
                found.append(finding(self.name, level, weight, 1,
                                     f"{name} works {shift.template} during "
                                     f"{describe(off, problem)}",
                                     agent=shift.agent, day=shift.day))
        return found
