"""Minutes of a planning day that may pass midnight, and the intervals they touch.

A support day may run past midnight (06:00 to 03:00): its times are written as minutes after
local midnight of the day's date, 27:00 being 03:00 the next morning. These helpers place such
times on the horizon's real-time axis (DST included) and find the planning intervals they touch.
"""

from __future__ import annotations

from datetime import time

from scheduler.domain import DAY_MINUTES, Problem


def local_minute(problem: Problem, day: int, minute: int) -> int:
    """Horizon minute of ``minute`` after local midnight of horizon ``day`` (may pass 24:00)."""
    extra, rest = divmod(minute, DAY_MINUTES)
    return problem.clock.at(day + extra, time(rest // 60, rest % 60))


def span_intervals(problem: Problem, start: int, end: int) -> range:
    """Planning intervals touched by horizon minutes [start, end), not clipped to the horizon."""
    size = problem.interval_minutes
    return range(start // size, -(-end // size))
