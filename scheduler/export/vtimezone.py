"""VTIMEZONE components with yearly RRULEs, read off the IANA database (``zoneinfo``).

``icalendar``'s ``add_missing_timezones()`` writes long RDATE lists whose DAYLIGHT onsets are in
post-transition wall time; some readers (vobject, Outlook) resolve those wrongly. Here each zone
becomes at most one STANDARD and one DAYLIGHT observance, each with a yearly rule such as
``FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU`` starting at the pre-transition wall time (RFC 5545 3.6.5).
The rule is checked against every year a calendar needs; a zone whose changes do not follow one
yearly rule over those years gets no VTIMEZONE (:func:`vtimezone` returns None) and its events
are written in UTC instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from icalendar import Timezone, TimezoneDaylight, TimezoneStandard

__all__ = ["Transition", "transitions", "vtimezone"]

DAY_NAMES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
MINUTE = timedelta(minutes=1)


@dataclass(frozen=True)
class Transition:
    """A change of UTC offset: the wall time it happens at (old offset) and the offsets."""

    wall: datetime
    before: timedelta
    after: timedelta
    name: str
    daylight: bool

    def rule(self) -> tuple[int, str, time, timedelta, timedelta, str, bool]:
        """What must repeat every year: month, weekday ordinal, wall clock, offsets, name."""
        day = self.wall.day
        month_days = ((self.wall.replace(day=28) + timedelta(days=4)).replace(day=1)
                      - timedelta(days=1)).day
        ordinal = -1 if day + 7 > month_days else (day - 1) // 7 + 1
        byday = f"{ordinal}{DAY_NAMES[self.wall.weekday()]}"
        return (self.wall.month, byday, self.wall.time(), self.before, self.after, self.name,
                self.daylight)


def _offset(zone: ZoneInfo, instant: datetime) -> timedelta:
    offset = instant.astimezone(zone).utcoffset()
    return offset if offset is not None else timedelta(0)


@lru_cache(maxsize=256)
def transitions(zone_name: str, year: int) -> tuple[Transition, ...]:
    """Every offset change of ``zone_name`` in ``year``, found day by day then to the minute."""
    zone = ZoneInfo(zone_name)
    found = []
    day = datetime(year, 1, 1, tzinfo=UTC)
    end = datetime(year + 1, 1, 1, tzinfo=UTC)
    while day < end:
        following = day + timedelta(days=1)
        if _offset(zone, day) != _offset(zone, following):
            low, high = 0, 24 * 60  # minutes into the day; offset(low) differs from offset(high)
            while high - low > 1:
                middle = (low + high) // 2
                if _offset(zone, day + middle * MINUTE) == _offset(zone, day):
                    low = middle
                else:
                    high = middle
            instant = day + high * MINUTE
            before, after = _offset(zone, day + low * MINUTE), _offset(zone, instant)
            local = instant.astimezone(zone)
            found.append(Transition((instant + before).replace(tzinfo=None), before, after,
                                    local.tzname() or zone_name, bool(local.dst())))
        day = following
    return tuple(found)


def vtimezone(zone_name: str, first: date, last: date) -> Timezone | None:
    """A VTIMEZONE for ``zone_name`` valid from two years before ``first`` to after ``last``.

    Its observances start two years early, so that every time in the year before ``first``
    already follows a rule (a reader picks an arbitrary offset before the first observance).

    Returns None when the zone's offset changes do not repeat as one yearly rule over those
    years (the caller then writes UTC times).
    """
    years = range(first.year - 2, last.year + 2)
    per_year = [transitions(zone_name, year) for year in years]
    zone = Timezone()
    zone.add("tzid", zone_name)
    if not any(per_year):
        instant = datetime(first.year, first.month, first.day, tzinfo=UTC)
        offset = _offset(ZoneInfo(zone_name), instant)
        standard = TimezoneStandard()
        standard.add("dtstart", datetime(1970, 1, 1))
        standard.add("tzoffsetfrom", offset)
        standard.add("tzoffsetto", offset)
        standard.add("tzname", instant.astimezone(ZoneInfo(zone_name)).tzname() or zone_name)
        zone.add_component(standard)
        return zone
    rules = [tuple(t.rule() for t in year) for year in per_year]
    if len(rules[0]) != 2 or any(r != rules[0] for r in rules):
        return None
    for change in per_year[0]:
        month, byday, _, before, after, name, daylight = change.rule()
        part = TimezoneDaylight() if daylight else TimezoneStandard()
        part.add("dtstart", change.wall)
        part.add("rrule", {"freq": "yearly", "bymonth": month, "byday": byday})
        part.add("tzoffsetfrom", before)
        part.add("tzoffsetto", after)
        part.add("tzname", name)
        zone.add_component(part)
    return zone
