"""Coverage by headcount: between a minimum and a maximum of agents on duty per interval.

The rows come from coverage.csv through the staffing stage (``source == "coverage"`` in
:func:`scheduler.staffing.requirements`). An agent on duty counts for every queue among their
skills and for ``any``. A minimum or maximum without a weight is hard; a maximum is a real cap.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd

from scheduler.constraints.base import Rule, finding
from scheduler.domain import Problem, Roster
from scheduler.evaluation import Violation
from scheduler.settings import HeadcountSettings, Level

if TYPE_CHECKING:
    from ortools.sat.python.cp_model import IntVar

    from scheduler.model import ModelContext


@dataclass(frozen=True)
class Headcount:
    """One interval's limits for one queue (or ``any``); a weight of None is hard."""

    interval: int
    queue: str
    least: int
    most: int | None
    least_weight: int | None
    most_weight: int | None


def headcounts(requirements: pd.DataFrame, settings: HeadcountSettings) -> list[Headcount]:
    """The coverage rows of the staffing stage's requirements (``source == "coverage"``).

    With the rule ``hard``, every limit is hard whatever its row says.
    """
    if "source" not in requirements.columns:
        return []
    frame = requirements[requirements["source"] == "coverage"]
    hard = settings.level == Level.HARD

    def weight(value: object) -> int | None:
        return None if hard or pd.isna(value) else int(value)  # type: ignore[call-overload]

    return [Headcount(int(i), str(q), int(n), None if pd.isna(m) else int(m), weight(wn),
                      weight(wm))
            for i, q, n, m, wn, wm in zip(frame["interval"], frame["queue"], frame["agents"],
                                          frame["max_agents"], frame["min_weight"],
                                          frame["max_weight"], strict=True)]


def counts_for(problem: Problem, queue: str, agent: str) -> bool:
    """Whether an agent on duty counts for a queue (``any`` counts everyone)."""
    return queue == "any" or queue in problem.agent_index[agent].skills


def duty_of(problem: Problem, roster: Roster) -> dict[int, list[str]]:
    """interval → agents on duty (a shift covers the intervals wholly inside it)."""
    found: dict[int, list[str]] = defaultdict(list)
    for shift in roster.shifts:
        for interval in problem.covered_intervals(problem.shift_span(shift)):
            found[interval].append(shift.agent)
    return found


def on_duty_counts(ctx: ModelContext, queue: str) -> list[tuple[IntVar, int]]:
    """Per interval: a variable counting the agents on duty for ``queue``, and its most.

    A shift covers a run of intervals, so the count changes only where shifts start and end:
    ``n[t] = n[t-1] + started(t) - ended(t)``. Each shift variable appears in two constraints
    instead of one per interval it covers (a week of flexible shifts: 27,000 terms, not 140,000).
    """
    problem, model = ctx.problem, ctx.model
    size = problem.clock.n_intervals
    starts: dict[int, list[IntVar]] = defaultdict(list)
    ends: dict[int, list[IntVar]] = defaultdict(list)
    open_at = [0] * (size + 1)
    for (agent, day, template), var in ctx.x.items():
        if not counts_for(problem, queue, agent):
            continue
        covered = problem.covered_intervals(ctx.span(agent, day, template))
        if covered:
            starts[covered.start].append(var)
            ends[covered.stop].append(var)
            open_at[covered.start] += 1
            open_at[covered.stop] -= 1
    found: list[tuple[IntVar, int]] = []
    before: IntVar | int = 0
    running = 0
    for t in range(size):
        running += open_at[t]
        count = model.new_int_var(0, running, f"n[{queue},{t}]")
        model.add(count == before + sum(starts[t]) - sum(ends[t]))
        found.append((count, running))
        before = count
    return found


class HeadcountRule(Rule[HeadcountSettings]):
    """Agents short of a minimum or above a maximum, per interval and queue."""

    name = "headcount"

    def encode(self, ctx: ModelContext) -> None:
        """Count the agents on duty per interval and bound each count by its row's limits."""
        problem, model = ctx.problem, ctx.model
        rows = headcounts(ctx.requirements, self.settings(problem))
        counts = {queue: on_duty_counts(ctx, queue) for queue in sorted({r.queue for r in rows})}
        for row in rows:
            staffed, most_possible = counts[row.queue][row.interval]
            subject = f"{row.queue} {row.interval}"
            if row.least_weight is None:
                ctx.require(model.add(staffed >= row.least), self.name, subject,
                            f"at least {row.least} on duty")
            elif row.least:
                short = ctx.excess(row.least - staffed, 0, row.least, "short")
                ctx.penalize(short, row.least_weight, self.name)
            if row.most is None:
                continue
            if row.most_weight is None:
                ctx.require(model.add(staffed <= row.most), self.name, subject,
                            f"at most {row.most} on duty")
            elif most_possible > row.most:
                over = ctx.excess(staffed, row.most, most_possible - row.most, "over")
                ctx.penalize(over, row.most_weight, self.name)

    def evaluate(self, roster: Roster, problem: Problem,
                 requirements: pd.DataFrame) -> list[Violation]:
        """One finding per interval and queue outside its limits."""
        settings = self.settings(problem)
        duty = duty_of(problem, roster)
        found = []
        for row in headcounts(requirements, settings):
            staffed = sum(1 for a in duty.get(row.interval, [])
                          if counts_for(problem, row.queue, a))
            when = problem.clock.local(row.interval * problem.interval_minutes)
            where = f"{row.queue} {when:%a %H:%M}"
            if staffed < row.least:
                level = Level.HARD if row.least_weight is None else Level.SOFT
                found.append(finding(self.name, level, row.least_weight or 0,
                                     row.least - staffed, f"{where}: {staffed} on duty, at "
                                     f"least {row.least} wanted", interval=row.interval))
            if row.most is not None and staffed > row.most:
                level = Level.HARD if row.most_weight is None else Level.SOFT
                found.append(finding(self.name, level, row.most_weight or 0,
                                     staffed - row.most, f"{where}: {staffed} on duty, at "
                                     f"most {row.most} allowed", interval=row.interval))
        return found
