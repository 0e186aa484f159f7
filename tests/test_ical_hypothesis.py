"""Round trip on random rosters: time zones, DST weeks, overnight shifts -> .ics -> the same shifts.

Each generated week starts a few days before one of the zone's 2026 clock changes, so many
shifts (night ones in particular) cross it. The feeds are parsed with ``icalendar`` and with
``ical`` (strict); every shift must come back once per feed, at the engine's UTC instants, with
the same UID whatever order the roster's rows are in.
"""

from __future__ import annotations

import tempfile
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ical.calendar_stream import IcsCalendarStream
from icalendar import Calendar

from scheduler.domain import Agent, Problem, Queue, Roster, Shift, ShiftTemplate
from scheduler.export.ical import write_calendars
from scheduler.export.vtimezone import transitions
from scheduler.staffing import requirements
from scheduler.staffing.covering import covering_plan

ZONES = ["Europe/Berlin", "America/New_York", "Europe/London", "Australia/Sydney",
         "Pacific/Auckland", "Asia/Kolkata"]
NOW = datetime(2026, 1, 5, 9, tzinfo=UTC)


@st.composite
def weeks(draw: st.DrawFn) -> tuple[Problem, list[Shift]]:
    zone = draw(st.sampled_from(ZONES))
    changes = [c.wall.date() for c in transitions(zone, 2026)] or [date(2026, 6, 1)]
    start = draw(st.sampled_from(changes)) - timedelta(days=draw(st.integers(0, 6)))
    templates = tuple(
        ShiftTemplate(id=f"T{i}", start=time(draw(st.integers(0, 23)), draw(st.sampled_from(
            (0, 30)))), paid_minutes=draw(st.integers(2, 20)) * 30,
            break_minutes=draw(st.sampled_from((0, 30))))
        for i in range(draw(st.integers(1, 3))))
    agents = tuple(Agent(id=f"a{i}", time_zone=draw(st.sampled_from([None, *ZONES])),
                         skills=("phone",)) for i in range(draw(st.integers(1, 3))))
    problem = Problem(team="Random", time_zone=zone, start=start, days=7,
                      queues=(Queue(id="phone", channel="phone"),), templates=templates,
                      agents=agents)
    cells = draw(st.sets(st.tuples(st.sampled_from([a.id for a in agents]), st.integers(0, 6)),
                         min_size=1, max_size=8))
    shifts = [Shift(agent=a, day=d, template=draw(st.sampled_from([t.id for t in templates])))
              for a, d in sorted(cells)]
    return problem, draw(st.permutations(shifts))


def read_back(folder: Path) -> dict[str, dict[str, tuple[datetime, datetime]]]:
    """Per feed file: UID -> (UTC start, UTC end), checked equal between the two parsers."""
    found = {}
    for path in sorted(folder.rglob("*.ics")):
        text = path.read_bytes().decode()
        loose = {str(e["UID"]): (e.decoded("DTSTART").astimezone(UTC),
                                 e.decoded("DTEND").astimezone(UTC))
                 for e in Calendar.from_ical(text).walk("VEVENT")}
        strict = {e.uid: (e.dtstart.astimezone(UTC), e.dtend.astimezone(UTC))
                  for e in IcsCalendarStream.calendar_from_ics(text).events}
        assert loose == strict, path.name
        found[str(path.relative_to(folder))] = loose
    return found


@pytest.mark.slow
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(weeks())
def test_random_rosters_round_trip_through_ics(week: tuple[Problem, list[Shift]]) -> None:
    problem, shifts = week
    origin = problem.clock.origin
    expected = sorted((origin + timedelta(minutes=a), origin + timedelta(minutes=b))
                      for a, b in map(problem.shift_span, shifts))
    with tempfile.TemporaryDirectory() as first, tempfile.TemporaryDirectory() as second:
        for folder, order in ((first, shifts), (second, shifts[::-1])):
            roster = Roster(shifts=tuple(order))
            plan = covering_plan(problem, requirements(problem), roster)
            write_calendars(folder, problem, roster, plan, now=NOW)
        one, other = read_back(Path(first)), read_back(Path(second))
        assert one == other  # UIDs and instants do not depend on the row order
        assert sorted(one["team.ics"].values()) == expected
        for agent in problem.agents:
            mine = sorted(problem.shift_span(s) for s in shifts if s.agent == agent.id)
            spans = sorted(one[f"agents/{agent.id}.ics"].values())
            assert spans == [(origin + timedelta(minutes=a), origin + timedelta(minutes=b))
                             for a, b in mine]
        assert (Path(first) / "team.ics").read_bytes() == (Path(second) / "team.ics").read_bytes()
