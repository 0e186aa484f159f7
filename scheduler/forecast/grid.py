"""Counts on the team's wall clock: days × interval slots, and the planning week's true intervals.

History is kept as a matrix with one row per local calendar day and one column per interval of
a 24-hour wall-clock day (48 columns for half-hours). A count belongs to the slot of its local
wall-clock time, so seasonality follows the team's clock across DST changes. The hour that
happens twice when clocks go back holds the mean of its two occurrences (a rate per interval);
the hour skipped when clocks go forward is missing (NaN). The planning week is mapped back to
its real intervals: a day on which clocks go back has 50 half-hours, each with its slot's value.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd

__all__ = ["Interval", "WallGrid", "planning_intervals"]


@dataclass(frozen=True)
class Interval:
    """One real interval of the planning horizon.

    Attributes
    ----------
    start
        Aware start in the team's time zone.
    day, slot
        Row (day from the planning start) and wall-clock column of the interval.
    """

    start: datetime
    day: int
    slot: int


@dataclass(frozen=True)
class WallGrid:
    """The wall-clock layout of a team: its time zone and interval length.

    Attributes
    ----------
    time_zone
        IANA zone of the team (``Europe/Berlin``).
    interval_minutes
        Length of a planning interval; divides a day.
    """

    time_zone: str
    interval_minutes: int

    @property
    def slots(self) -> int:
        """Columns of a wall-clock day."""
        return 24 * 60 // self.interval_minutes

    def matrix(self, local: pd.DatetimeIndex | pd.Series, weights: np.ndarray, first: date,
               days: int) -> np.ndarray:
        """Sum weights (contacts) by local day and slot, as a rate per real interval.

        Parameters
        ----------
        local
            Local wall-clock times (naive, already in the team's zone) of the events or counts.
        weights
            What each time adds (1 per ticket, the count of a counts row).
        first, days
            The first local day of the matrix and how many days it holds.
        """
        stamps = pd.DatetimeIndex(local)
        day = (stamps.normalize() - pd.Timestamp(first)).days.to_numpy()
        slot = ((stamps.hour * 60 + stamps.minute) // self.interval_minutes).to_numpy()
        inside = (day >= 0) & (day < days)
        flat = np.bincount(day[inside] * self.slots + slot[inside],
                           weights=np.asarray(weights, dtype=float)[inside],
                           minlength=days * self.slots)
        sums = flat.reshape(days, self.slots)
        occurrences = self.occurrences(first, days)
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(occurrences > 0, sums / np.maximum(occurrences, 1), np.nan)

    def occurrences(self, first: date, days: int) -> np.ndarray:
        """How often each (day, slot) happens on the real clock: 1, 2 (clocks back) or 0."""
        zone = ZoneInfo(self.time_zone)
        begin = datetime.combine(first, time(0), tzinfo=zone).astimezone(UTC)
        end = datetime.combine(first + timedelta(days=days), time(0), tzinfo=zone)
        starts = pd.date_range(begin, end.astimezone(UTC), freq=f"{self.interval_minutes}min",
                               inclusive="left").tz_convert(zone).tz_localize(None)
        day = (starts.normalize() - pd.Timestamp(first)).days.to_numpy()
        slot = ((starts.hour * 60 + starts.minute) // self.interval_minutes).to_numpy()
        counts = np.bincount(day * self.slots + slot, minlength=days * self.slots)
        return counts[: days * self.slots].reshape(days, self.slots)


def planning_intervals(time_zone: str, start: date, days: int,
                       interval_minutes: int) -> list[Interval]:
    """Every real interval of the horizon in order, DST days with their true length."""
    zone = ZoneInfo(time_zone)
    begin = datetime.combine(start, time(0), tzinfo=zone).astimezone(UTC)
    end = datetime.combine(start + timedelta(days=days), time(0), tzinfo=zone).astimezone(UTC)
    found = []
    moment = begin
    while moment < end:
        local = moment.astimezone(zone)
        found.append(Interval(local, (local.date() - start).days,
                              (local.hour * 60 + local.minute) // interval_minutes))
        moment += timedelta(minutes=interval_minutes)
    return found
