"""ISO weeks in the team's time zone: ``2026-W48`` → Monday 00:00 to the next Monday 00:00."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pandas as pd

from scheduler.errors import Problems

WEEK_PATTERN = re.compile(r"^(\d{4})-?W(\d{1,2})$", re.IGNORECASE)


@dataclass(frozen=True)
class Week:
    """One ISO week of the team: its label and its bounds in UTC, ``[start, end)``."""

    label: str
    monday: date
    start: pd.Timestamp
    end: pd.Timestamp


def week_of(monday: date, zone: ZoneInfo) -> Week:
    """The week starting on ``monday`` (local midnight to local midnight, DST included)."""
    year, number, _ = monday.isocalendar()
    start = datetime.combine(monday, time(0), zone)
    end = datetime.combine(monday + timedelta(days=7), time(0), zone)
    return Week(f"{year}-W{number:02d}", monday, pd.Timestamp(start).tz_convert("UTC"),
                pd.Timestamp(end).tz_convert("UTC"))


def parse_week(text: str, problems: Problems) -> date | None:
    """The Monday of ``2026-W48`` (or ``2026W48``); a problem when it is not an ISO week."""
    found = WEEK_PATTERN.match(text.strip())
    if found:
        try:
            return date.fromisocalendar(int(found.group(1)), int(found.group(2)), 1)
        except ValueError:
            pass
    problems.add("--week", f"{text!r} is not an ISO week",
                 "write the year and week number, e.g. 2026-W48", value=text)
    return None


def monday_of(moment: pd.Timestamp, zone: ZoneInfo) -> date:
    """The Monday of the local week ``moment`` falls in."""
    local = moment.tz_convert(zone).date()
    return local - timedelta(days=local.weekday())


def weeks_back(last: date, count: int, zone: ZoneInfo) -> list[Week]:
    """``count`` weeks ending with the one starting on ``last``, oldest first."""
    return [week_of(last - timedelta(weeks=back), zone) for back in range(count - 1, -1, -1)]
