"""Queue segments of a shift (``08:00-12:00 phone; 12:00-15:30 chat``) from the covering plan.

Shared by the roster tables and the calendars, so both say the same thing.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

import pandas as pd

from scheduler.domain import Problem
from scheduler.staffing.covering import PLAN_COLUMNS

__all__ = ["CLOCK", "amount_runs", "queue_segments", "served_by_agent"]

CLOCK = "%H:%M"


def amount_runs(problem: Problem, pairs: list[tuple[int, int]],
                word: str) -> list[tuple[int, int, int, str]]:
    """Runs of consecutive intervals with the same amount, from (interval, amount) pairs sorted
    by interval: (first, last, amount, text), the text like ``Tue 19:30–21:00 short by 3``."""
    clock, size = problem.clock, problem.interval_minutes
    found = []
    start = 0
    for i in range(1, len(pairs) + 1):
        if i < len(pairs) and pairs[i][0] == pairs[i - 1][0] + 1 and \
                pairs[i][1] == pairs[start][1]:
            continue
        first, last, amount = pairs[start][0], pairs[i - 1][0], pairs[start][1]
        when, until = clock.local(first * size), clock.local((last + 1) * size)
        found.append((first, last, amount, f"{when:%a %H:%M}–{until:{CLOCK}} {word} by {amount}"))
        start = i
    return found


def queue_segments(problem: Problem, span: tuple[int, int],
                   served: Iterable[tuple[int, str]], zone: str | None = None) -> str:
    """Queue segments of one shift, e.g. ``08:00-12:00 phone; 12:00-15:30 chat``.

    ``served`` holds the agent's (interval, queue) pairs sorted by interval. Consecutive
    intervals on the same queue merge; a gap (a break, an interval not wholly on duty) splits.
    Clock times are in the team's time zone, or in ``zone`` when given.
    """
    size = problem.interval_minutes
    start, end = span
    runs: list[list[Any]] = []  # [first interval, last interval, queue]
    for interval, queue in served:
        if not (interval * size < end and (interval + 1) * size > start):
            continue
        if runs and runs[-1][2] == queue and runs[-1][1] == interval - 1:
            runs[-1][1] = interval
        else:
            runs.append([interval, interval, queue])
    clock = problem.clock
    parts = []
    for first, last, queue in runs:
        a = clock.local(max(first * size, start), zone)
        b = clock.local(min((last + 1) * size, end), zone)
        parts.append(f"{a:{CLOCK}}-{b:{CLOCK}} {queue}")
    return "; ".join(parts)


def served_by_agent(covering: pd.DataFrame) -> dict[str, list[tuple[int, str]]]:
    """Each agent's (interval, queue) pairs from a covering plan, sorted by interval."""
    served: dict[str, list[tuple[int, str]]] = defaultdict(list)
    if covering.empty:
        return served
    ordered = covering.sort_values(["agent", "interval"], kind="stable")
    for agent, interval, queue in ordered[list(PLAN_COLUMNS)].itertuples(index=False):
        if isinstance(queue, str) and queue:  # "" or NaN: on duty but serving no queue
            served[str(agent)].append((int(interval), queue))
    return served
