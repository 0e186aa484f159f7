"""Where the horizon's edges cut what a coordinator wrote.

Two things a horizon that is not whole weeks, or a support day past midnight, would otherwise
change without a word:

* A weekly minimum in a partial week. The contract rule asks for ``min_hours × days / 7`` in a
  week the horizon cuts short: on a Monday-to-Friday horizon an 8-hour weekly minimum becomes
  5.7 h. A coordinator who plans Monday to Friday means 8 h in those days; one who plans half a
  week may mean the share. The loader cannot tell, so :func:`check_partial_week` refuses it
  with both readings spelled out (``hours_period: horizon`` says "these days").
* Coverage after the horizon's end. The horizon ends at midnight after its last day; a support
  day ending at 03:00 on Saturday for a Monday-to-Friday horizon needs agents for three hours
  the roster does not plan. The rows are legitimate (the same file serves any horizon), so
  :func:`notices` states what is left out instead of refusing the folder.
"""

from __future__ import annotations

from datetime import time
from typing import Any

from scheduler.domain import DAY_MINUTES, Problem
from scheduler.load.cells import RowReader
from scheduler.timeline import Clock

WEEK = 7


def _hours(minutes: float) -> str:
    return f"{minutes / 60:.1f}".removesuffix(".0")


def check_partial_week(reader: RowReader, clock: Clock | None, contract: dict[str, Any]) -> None:
    """Refuse a weekly ``min_hours`` that a partial week of the horizon would scale down.

    Parameters
    ----------
    reader
        The agents.csv row (the problem names its row and column).
    clock
        The horizon (None when team.yaml was unusable: nothing is checked).
    contract
        The row's contract fields as read (``min_minutes``, ``period``).
    """
    least = contract.get("min_minutes") or 0
    if clock is None or not least or contract.get("period", "week") != "week":
        return
    days = clock.days % WEEK
    scaled = int(least * days / WEEK)
    if not days or scaled == least:
        return
    first = clock.date_of(clock.days - days)
    column = "hours_period" if reader.row.get("hours_period") else "min_hours"
    if clock.days < WEEK:
        fix = (f"write hours_period horizon to ask {_hours(least)} h in these {days} days; for "
               f"a share of the week, write that share as min_hours with hours_period horizon")
    else:
        fix = ("plan whole weeks (team.yaml days: a multiple of 7), or write hours_period "
               "horizon with min_hours for the whole horizon")
    reader.fail(column, f"min_hours {_hours(least)} a week would count as {_hours(scaled)} h in "
                f"the week from {first:%a %Y-%m-%d}, which has {days} of its 7 days in the "
                "horizon", fix, reader.row.get(column))


def past_the_end(problem: Problem) -> list[tuple[int, int, int, int]]:
    """Coverage rows reaching past the horizon's end: (day, from, to, minutes left out)."""
    clock = problem.clock
    end = clock.horizon_minutes
    found = []
    for row in problem.coverage:
        extra, rest = divmod(row.end_minute, DAY_MINUTES)
        stop = clock.at(row.day + extra, time(rest // 60, rest % 60))
        if stop > end:
            extra, rest = divmod(row.start_minute, DAY_MINUTES)
            start = clock.at(row.day + extra, time(rest // 60, rest % 60))
            found.append((row.day, row.start_minute, row.end_minute, stop - max(start, end)))
    return found


def notices(problem: Problem) -> list[str]:
    """What the loader accepted but leaves out of the plan, in the coordinator's words."""
    cut = past_the_end(problem)
    if not cut:
        return []
    clock = problem.clock
    end = clock.date_of(problem.days)
    rows = sorted({(day, start, stop) for day, start, stop, _ in cut})
    shown = "; ".join(f"{clock.date_of(d):%a} {_clock(s)}-{_clock(e)}" for d, s, e in rows[:3])
    more = f" and {len(rows) - 3} more" if len(rows) > 3 else ""
    hours = _hours(max(left for *_, left in cut))
    reach = "rows reach" if len(rows) != 1 else "row reaches"
    return [f"coverage.csv: {len(rows)} {reach} past the "
            f"horizon's end ({end:%a %Y-%m-%d} 00:00): {shown}{more}. Up to {hours} h after "
            "midnight are not planned: no agent is needed then and the roster need not cover "
            f"them. To plan them, add a day (team.yaml days: {problem.days + 1}; coverage.csv's "
            f"rows for {end:%A}, if any, then apply to {end:%A}'s own support day too)"]


def _clock(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"
