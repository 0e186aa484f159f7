"""Business minutes between two moments: the support day on its weekdays, in team time.

The business hours come from team.yaml: ``tickets.business_hours`` (``start``, ``end``,
``weekdays``) when given, else the support day of the shift templates (the earliest start to
the latest end, capped at midnight) on the templates' weekdays (Monday to Friday when they name
none). Minutes are counted on the local wall clock, every business day alike.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from scheduler.domain import Problem
from scheduler.tickets.policy import TicketPolicy

DAY = 24 * 60
WEEKDAYS = (0, 1, 2, 3, 4)


@dataclass(frozen=True)
class BusinessHours:
    """Open from ``start`` to ``end`` (minutes after local midnight) on ``weekdays`` (0 =
    Monday), in ``zone``."""

    start: int
    end: int
    weekdays: tuple[int, ...]
    zone: str

    @property
    def mask(self) -> str:
        """The weekdays as NumPy's busday mask (``1111100``)."""
        return "".join("1" if d in self.weekdays else "0" for d in range(7))


def business_hours(problem: Problem, policy: TicketPolicy) -> BusinessHours:
    """The team's business hours (see the module note)."""
    given = policy.business_hours
    if given is not None:
        return BusinessHours(given.start_minute, given.end_minute, given.weekdays,
                             problem.time_zone)
    starts = [t.start.hour * 60 + t.start.minute for t in problem.templates]
    ends = [s + t.length_minutes for s, t in zip(starts, problem.templates, strict=True)]
    days = sorted({d for t in problem.templates for d in t.weekdays}) or list(WEEKDAYS)
    if not starts:
        return BusinessHours(0, DAY, tuple(range(7)), problem.time_zone)
    return BusinessHours(min(starts), min(max(ends), DAY), tuple(days), problem.time_zone)


def _count(moments: pd.Series, hours: BusinessHours) -> np.ndarray:
    """Business minutes from a fixed Monday to each moment (NaN for NaT)."""
    local = moments.dt.tz_convert(hours.zone)
    days = local.dt.tz_localize(None).dt.normalize()
    valid = days.notna().to_numpy()
    day64 = days.to_numpy(dtype="datetime64[D]")
    before = np.zeros(len(moments))
    open_today = np.zeros(len(moments), dtype=bool)
    if valid.any():
        before[valid] = np.busday_count(np.datetime64("2000-01-03"), day64[valid],
                                        weekmask=hours.mask)
        open_today[valid] = np.is_busday(day64[valid], weekmask=hours.mask)
    minute = (local.dt.hour * 60 + local.dt.minute + local.dt.second / 60).to_numpy(dtype=float)
    inside = np.clip(minute - hours.start, 0, hours.end - hours.start) * open_today
    total = before * (hours.end - hours.start) + inside
    return np.where(valid, total, np.nan)


def business_minutes(start: pd.Series, end: pd.Series, hours: BusinessHours) -> np.ndarray:
    """Business minutes from each ``start`` to its ``end`` (UTC-aware series; NaN where
    either is missing)."""
    return _count(end, hours) - _count(start, hours)


def fill_business(history: pd.DataFrame, hours: BusinessHours) -> pd.DataFrame:
    """The history with ``first_reply_business_minutes`` and ``resolution_business_minutes``
    worked out from the business hours where the export gave none."""
    out = history.copy()
    replied = out["created"] + pd.to_timedelta(out["first_reply_minutes"], unit="min")
    for column, end in (("first_reply_business_minutes", replied),
                        ("resolution_business_minutes", out["solved"])):
        missing = out[column].isna()
        if missing.any():
            worked = business_minutes(out["created"], end, hours)
            out[column] = out[column].where(~missing, worked)
    return out
