"""iCalendar feeds of a roster: one per agent (in the agent's own time zone) and one for the team.

Each shift is one VEVENT: its queue segments and break in the description, its queues as
CATEGORIES, TRANSP:OPAQUE. A flexible shift is titled by its times in the feed's zone
(``Nightowl SaaS support — on duty 06:00–08:00``), never by its internal id. An agent's
approved time off is a "Time off" event in that agent's feed only: all-day for whole days,
timed for part of a day (so free/busy shows only those hours). Times carry the feed's TZID
with an RRULE-style VTIMEZONE (:mod:`scheduler.export.vtimezone`), or are in UTC for a zone
that has no such rule.

UIDs are UUIDs derived from team, feed, agent, date and the shift's place among the agent's
shifts that day, so a re-export keeps them whatever the row order; SEQUENCE, LAST-MODIFIED and
cancellations come from the state file beside the feeds (:mod:`scheduler.export.calendar_state`).
"""

from __future__ import annotations

import os
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event, Timezone

from scheduler.domain import Agent, Problem, Roster, Shift, TimeOff
from scheduler.errors import Problems
from scheduler.export.calendar_state import (
    PlannedEvent,
    Published,
    Reconciled,
    load_state,
    reconcile,
    state_text,
)
from scheduler.export.files import Writer, write_group
from scheduler.export.segments import queue_segments, served_by_agent
from scheduler.export.shift_names import is_flexible, shift_times
from scheduler.export.vtimezone import vtimezone

if TYPE_CHECKING:
    import pandas as pd  # the covering plan: scheduler.staffing.covering.covering_plan

__all__ = [
    "CalendarOutputs",
    "Feed",
    "calendar_files",
    "feed_calendar",
    "feeds_of",
    "planned_events",
    "write_calendars",
]

NAMESPACE = uuid.UUID("5c0f6a7e-2d4b-4e8f-9b1a-6f3e2c7d9a10")  # fixed: UIDs must never change
PRODID = "-//support-scheduler//Roster calendars 1.0//EN"
TEAM_FEED = "team"
STATE_FILE = "calendar-state.json"
CALENDAR_DIR = "calendars"  # beside roster.csv for ``scheduler roster --calendars``
REFRESH = timedelta(hours=1)


@dataclass(frozen=True)
class Feed:
    """One calendar: the team's (``key`` ``team``) or one agent's (``key`` the agent id)."""

    key: str
    title: str
    zone: str
    path: Path

    @property
    def is_team(self) -> bool:
        """Whether this is the team feed."""
        return self.key == TEAM_FEED


def feeds_of(problem: Problem) -> list[Feed]:
    """The team feed (``team.ics``), then one per agent (``agents/<id>.ics``) in file order."""
    found = [Feed(TEAM_FEED, f"{problem.team} — shifts", problem.time_zone, Path("team.ics"))]
    found += [Feed(a.id, f"{problem.team} — {a.label}", a.time_zone or problem.time_zone,
                   Path("agents") / f"{a.id}.ics") for a in problem.agents]
    return found


def event_uid(team: str, *parts: str) -> str:
    """A UUID (RFC 7986 form) from the team and the parts naming one event; no host data."""
    return str(uuid.uuid5(NAMESPACE, "\x1f".join((team, *parts)))).upper()


def zone_table(problem: Problem) -> dict[str, Timezone | None]:
    """Each time zone a feed uses, with its VTIMEZONE (None: write that feed in UTC)."""
    first, last = problem.clock.date_of(-1), problem.clock.date_of(problem.days + 1)
    zones = {f.zone for f in feeds_of(problem)}
    return {zone: vtimezone(zone, first, last) for zone in sorted(zones)}


def _moment(moment: datetime, zones: dict[str, Timezone | None], zone: str) -> datetime:
    """The time to write: local with TZID, or UTC when the zone has no VTIMEZONE or the local
    time is the second of two equal wall times (clocks went back), which a TZID cannot say."""
    second = moment.fold == 1 and moment.replace(fold=0).utcoffset() != moment.utcoffset()
    return moment if zones.get(zone) is not None and not second else moment.astimezone(UTC)


def _queues(problem: Problem, span: tuple[int, int],
            served: Sequence[tuple[int, str]]) -> list[str]:
    """Queues served during a shift, in the order first served."""
    size = problem.interval_minutes
    found: list[str] = []
    for interval, queue in served:
        if interval * size < span[1] and (interval + 1) * size > span[0] and queue not in found:
            found.append(queue)
    return found


def _shift_component(problem: Problem, shift: Shift, agent: Agent, feed: Feed,
                     served: Sequence[tuple[int, str]],
                     zones: dict[str, Timezone | None]) -> Event:
    template = problem.template_index[shift.template]
    span = problem.shift_span(shift)
    queues = _queues(problem, span, served)
    summary, lines = _shift_words(problem, shift, agent, feed, queues)
    if queues:
        lines.append(f"Queues: {queue_segments(problem, span, served, feed.zone)}")
    if template.break_minutes:
        lines.append(f"Break: {template.break_minutes} min, unpaid, within the shift")
    lines.append(f"Paid: {template.paid_minutes / 60:g} h")
    event = Event()
    event.add("summary", summary)
    event.add("dtstart", _moment(problem.clock.local(span[0], feed.zone), zones, feed.zone))
    event.add("dtend", _moment(problem.clock.local(span[1], feed.zone), zones, feed.zone))
    event.add("description", "\n".join(lines))
    if queues:
        event.add("categories", queues)
    event.add("transp", "OPAQUE")
    return event


def _shift_words(problem: Problem, shift: Shift, agent: Agent, feed: Feed,
                 queues: list[str]) -> tuple[str, list[str]]:
    """The event's title and first description lines.

    A fixed template: ``Early shift — phone`` and ``Shift: Early (E)``. A flexible shift (no
    name a person knows): ``Nightowl SaaS support — on duty 06:00–08:00`` in the feed's zone
    (``— chat`` added when the agent serves queues) and ``On duty: 06:00–08:00 (zone)``.
    """
    lines = [f"Agent: {agent.label}"] if feed.is_team else []
    if not is_flexible(problem, shift.template):
        template = problem.template_index[shift.template]
        name = template.name or template.id
        what = ", ".join(queues) or name
        lines.append(f"Shift: {name} ({template.id})")
        return (f"{agent.label} — {what}" if feed.is_team else f"{name} shift — {what}"), lines
    times = shift_times(problem, shift, feed.zone)
    who = agent.label if feed.is_team else problem.team
    what = f" — {', '.join(queues)}" if queues else ""
    lines.append(f"On duty: {times} ({feed.zone})")
    return f"{who} — on duty {times}{what}", lines


def _shift_events(problem: Problem, roster: Roster, covering: pd.DataFrame,
                  zones: dict[str, Timezone | None]) -> list[PlannedEvent]:
    served = served_by_agent(covering)
    team = feeds_of(problem)[0]
    feeds = {f.key: f for f in feeds_of(problem)}
    slots: dict[tuple[str, int], int] = defaultdict(int)
    found = []
    ordered = sorted(roster.shifts, key=lambda s: (s.agent, problem.shift_span(s)))
    for shift in ordered:
        agent = problem.agent_index[shift.agent]
        day = problem.clock.date_of(shift.day)
        slot = str(slots[shift.agent, shift.day])
        slots[shift.agent, shift.day] += 1
        for feed in (feeds[agent.id], team):
            kind = "team" if feed.is_team else "agent"
            component = _shift_component(problem, shift, agent, feed,
                                         served.get(agent.id, ()), zones)
            uid = event_uid(problem.team, kind, agent.id, day.isoformat(), slot)
            found.append(PlannedEvent(uid, feed.key, day, component))
    return found


def _off_dates(problem: Problem, off: TimeOff) -> tuple[date, date, str]:
    """First date, the date after the last, and the hours when not whole days (team time)."""
    start, end = off.start.astimezone(problem.clock.zone), off.end.astimezone(problem.clock.zone)
    after = end.date() if end.time() == time(0) else end.date() + timedelta(days=1)
    whole = start.time() == time(0) and end.time() == time(0)
    return start.date(), after, "" if whole else f"{start:%H:%M}–{end:%H:%M}"


def _time_off_events(problem: Problem,
                     zones: dict[str, Timezone | None]) -> list[PlannedEvent]:
    clock = problem.clock
    horizon = (clock.date_of(0), clock.date_of(problem.days))
    feeds = {f.key: f for f in feeds_of(problem)}
    slots: dict[tuple[str, date], int] = defaultdict(int)
    found = []
    for off in sorted(problem.time_off, key=lambda t: (t.agent, t.start, t.end)):
        first, after, hours = _off_dates(problem, off)
        if off.status != "approved" or first >= horizon[1] or after <= horizon[0]:
            continue
        slot = slots[off.agent, first]
        slots[off.agent, first] += 1
        event = Event()
        event.add("summary", "Time off")
        if hours:  # part of a day: a timed event, so free/busy shows only those hours busy
            zone = feeds[off.agent].zone
            event.add("dtstart", _moment(off.start.astimezone(ZoneInfo(zone)), zones, zone))
            event.add("dtend", _moment(off.end.astimezone(ZoneInfo(zone)), zones, zone))
        else:
            event.add("dtstart", first)
            event.add("dtend", after)
        if off.note:
            event.add("description", off.note)
        event.add("transp", "OPAQUE")
        uid = event_uid(problem.team, "time-off", off.agent, first.isoformat(), str(slot))
        found.append(PlannedEvent(uid, off.agent, first, event))
    return found


def planned_events(problem: Problem, roster: Roster, covering: pd.DataFrame) -> list[PlannedEvent]:
    """Every event of every feed: shifts (agent and team feeds) and approved time off.

    ``covering`` is the roster's covering plan
    (:func:`~scheduler.staffing.covering.covering_plan`): which queue each agent serves when,
    for the queue segments.
    """
    zones = zone_table(problem)
    return _shift_events(problem, roster, covering, zones) + _time_off_events(problem, zones)


def in_horizon(problem: Problem, feeds: Iterable[str]) -> Callable[[Published], bool]:
    """The scope test of :func:`reconcile`: one of ``feeds``, a day inside the horizon."""
    keys = set(feeds)
    first, after = problem.clock.date_of(0).isoformat(), problem.clock.date_of(
        problem.days).isoformat()

    def test(record: Published) -> bool:
        return record.feed in keys and first <= record.day < after

    return test


def feed_calendar(feed: Feed, events: Iterable[Event], zone: Timezone | None, *,
                  stored: bool = False) -> Calendar:
    """A VCALENDAR with the feed's VTIMEZONE and its events.

    A downloadable feed (the default) carries the publishing header: ``METHOD:PUBLISH``, its
    name and the refresh hint. A calendar object ``stored`` on a CalDAV server has none of
    them: RFC 4791 §4.1 forbids METHOD there, and the calendar's name is its display name.
    """
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    if not stored:
        calendar.add("method", "PUBLISH")
        calendar.add("name", feed.title)
        calendar.add("x-wr-calname", feed.title)
        calendar.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
        calendar.add("x-published-ttl", "PT1H")
    if zone is not None:
        calendar.add_component(zone)
    for event in events:
        calendar.add_component(event)
    return calendar


@dataclass(frozen=True)
class CalendarOutputs:
    """What :func:`write_calendars` wrote and how the events changed since the last export."""

    paths: list[Path]
    reconciled: Reconciled


def calendar_files(folder: str | os.PathLike[str], problem: Problem, roster: Roster,
                   covering: pd.DataFrame, now: datetime | None = None,
                   ) -> tuple[list[tuple[Path, Writer]], Reconciled]:
    """The feeds and the state file as (path, writer) pairs for :func:`write_group`.

    The one code path of ``scheduler calendar`` and ``scheduler roster --calendars``. The
    folders are created; nothing else is written.

    Raises
    ------
    TeamFolderError
        When the state file beside the feeds is not readable.
    """
    target = Path(folder)
    (target / "agents").mkdir(parents=True, exist_ok=True)
    problems = Problems()
    previous = load_state(target / STATE_FILE, problems)
    problems.raise_if_any(str(target))
    feeds = feeds_of(problem)
    zones = zone_table(problem)
    scope = in_horizon(problem, (f.key for f in feeds))
    result = reconcile(previous, planned_events(problem, roster, covering), scope,
                       now or datetime.now(UTC))
    by_feed: dict[str, list[Event]] = defaultdict(list)
    for change in result.changes:
        by_feed[change.record.feed].append(change.component)
    items: list[tuple[Path, Writer]] = []
    for feed in feeds:
        events = sorted(by_feed[feed.key], key=_order)
        data = feed_calendar(feed, events, zones[feed.zone]).to_ical()
        items.append((target / feed.path, _bytes_writer(data)))
    items.append((target / STATE_FILE, _bytes_writer(state_text(result.state).encode("utf-8"))))
    return items, result


def _order(event: Event) -> tuple[str, str]:
    start = event.decoded("dtstart")
    key = start.astimezone(UTC).isoformat() if isinstance(start, datetime) else start.isoformat()
    return key, str(event["uid"])


def _bytes_writer(data: bytes) -> Writer:
    return lambda temp: temp.write_bytes(data)


def write_calendars(folder: str | os.PathLike[str], problem: Problem, roster: Roster,
                    covering: pd.DataFrame, now: datetime | None = None) -> CalendarOutputs:
    """Write ``team.ics``, ``agents/<id>.ics`` and the state file into ``folder``, as one group.

    Either every file is new or none changed; ``folder`` is created when missing.
    """
    items, result = calendar_files(folder, problem, roster, covering, now)
    return CalendarOutputs(write_group(items), result)
