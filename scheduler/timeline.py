"""Conversions between the team's local times and the engine's integer minutes.

The horizon starts at local midnight of the planning start date. Minutes are counted on the
real clock, so a night shift over a DST change lasts its true length. Local times that do not
exist (the hour skipped when clocks go forward) move forward by the gap; local times that occur
twice (clocks go back) mean the first occurrence. Both follow Python's ``fold=0`` rule.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo


def to_utc(day: date, clock: time, zone: ZoneInfo) -> datetime:
    """The instant a local wall-clock time happens (see the module note on DST)."""
    return datetime.combine(day, clock, tzinfo=zone).astimezone(UTC)


def exists_locally(moment: datetime, zone: ZoneInfo) -> bool:
    """Whether a naive local time exists in ``zone`` (it does not in a spring-forward gap)."""
    aware = moment.replace(tzinfo=zone)
    return aware.astimezone(UTC).astimezone(zone).replace(tzinfo=None) == moment


def is_ambiguous(moment: datetime, zone: ZoneInfo) -> bool:
    """Whether a naive local time happens twice in ``zone`` (clocks went back)."""
    first = moment.replace(tzinfo=zone, fold=0).utcoffset()
    second = moment.replace(tzinfo=zone, fold=1).utcoffset()
    return first != second


@dataclass(frozen=True)
class Clock:
    """The time axis of one horizon: local dates and times ↔ minutes from the horizon start."""

    time_zone: str
    start: date
    days: int
    interval_minutes: int
    zone: ZoneInfo = field(init=False)
    origin: datetime = field(init=False)
    # minutes already worked out by (day, local time): a model asks the same few hundred
    # tens of thousands of times (availability team, 50 agents: 51,000 asks, 2 s)
    known: dict[tuple[int, time], int] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        zone = ZoneInfo(self.time_zone)
        object.__setattr__(self, "zone", zone)
        object.__setattr__(self, "origin", to_utc(self.start, time(0), zone))
        object.__setattr__(self, "known", {})

    def minute(self, moment: datetime) -> int:
        """Whole minutes from the horizon start to an aware datetime (may be negative)."""
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=self.zone)
        return int((moment - self.origin) // timedelta(minutes=1))

    def at(self, day: int, clock: time) -> int:
        """Minute of a local wall-clock time on horizon day ``day`` (negative days are history)."""
        found = self.known.get((day, clock))
        if found is None:
            found = self.minute(to_utc(self.start + timedelta(days=day), clock, self.zone))
            self.known[day, clock] = found
        return found

    def day_start(self, day: int) -> int:
        """Minute of local midnight starting horizon day ``day``."""
        return self.at(day, time(0))

    @property
    def horizon_minutes(self) -> int:
        """Length of the horizon in real minutes."""
        return self.day_start(self.days)

    @property
    def n_intervals(self) -> int:
        """Number of planning intervals in the horizon."""
        return self.horizon_minutes // self.interval_minutes

    def local(self, minute: int, zone: str | None = None) -> datetime:
        """The aware local datetime of a minute, in the team's zone or ``zone``."""
        moment = self.origin + timedelta(minutes=minute)
        return moment.astimezone(ZoneInfo(zone) if zone else self.zone)

    def day_of_minute(self, minute: int) -> int:
        """Horizon day whose local date contains a minute of the horizon."""
        return self.day_of_date(self.local(minute).date())

    def date_of(self, day: int) -> date:
        """Calendar date of horizon day ``day``."""
        return self.start + timedelta(days=day)

    def weekday(self, day: int) -> int:
        """Weekday (0 = Monday) of horizon day ``day``."""
        return self.date_of(day).weekday()

    def day_of_date(self, when: date) -> int:
        """Horizon day index of a calendar date."""
        return (when - self.start).days

    def weekends(self, weekend_days: tuple[int, ...]) -> list[list[int]]:
        """The horizon's weekends: its ``weekend_days`` grouped by calendar week (Monday first)."""
        grouped: dict[int, list[int]] = {}
        for day in range(self.days):
            if self.weekday(day) in weekend_days:
                week = (self.date_of(day) - self.date_of(0)).days
                grouped.setdefault((week + self.weekday(0)) // 7, []).append(day)
        return [grouped[k] for k in sorted(grouped)]
