"""iCalendar feeds: header, events, DST-correct times, stable UIDs, SEQUENCE and cancellation.

Every feed is read back with two independent parsers, ``icalendar`` and ``ical`` (strict), and
each VTIMEZONE written is resolved on its own (``Timezone.to_tz``), so a wrong rule fails even
where a parser would fall back on its own copy of the IANA database.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from ical.calendar_stream import IcsCalendarStream
from icalendar import Calendar, Event, Timezone

from scheduler.domain import Agent, Problem, Queue, Roster, Shift, ShiftTemplate, TimeOff
from scheduler.errors import TeamFolderError
from scheduler.export.calendar_state import fingerprint
from scheduler.export.ical import (
    STATE_FILE,
    CalendarOutputs,
    feed_calendar,
    feeds_of,
    write_calendars,
)
from scheduler.export.vtimezone import transitions, vtimezone
from scheduler.staffing import requirements
from scheduler.staffing.covering import covering_plan

T0 = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
T1 = T0 + timedelta(days=1)
T2 = T0 + timedelta(days=2)


def night_problem(zone: str, start: date, agent_zone: str | None = None,
                  time_off: tuple[TimeOff, ...] = ()) -> Problem:
    """Two agents on one phone queue; a 7 h and a 9 h night template and an 8 h day one."""
    return Problem(
        team="Night Desk", time_zone=zone, start=start, days=7, interval_minutes=30,
        queues=(Queue(id="phone", name="Phone", channel="phone"),
                Queue(id="chat", name="Chat", channel="chat")),
        templates=(
            ShiftTemplate(id="N7", name="Short night", start=time(22), paid_minutes=7 * 60),
            ShiftTemplate(id="N9", name="Long night", start=time(22), paid_minutes=9 * 60),
            ShiftTemplate(id="D", name="Day", start=time(9), paid_minutes=8 * 60,
                          break_minutes=30),
            ShiftTemplate(id="H", name="Hour", start=time(2), paid_minutes=60),
        ),
        agents=(Agent(id="dana", name="Dana Kim", skills=("chat", "phone")),
                Agent(id="ole", name="Ole Berg", time_zone=agent_zone, skills=("phone",))),
        time_off=time_off,
    )


def export(folder: Path | str, problem: Problem, roster: Roster,
           now: datetime) -> CalendarOutputs:
    """Write the feeds with the roster's covering plan, as the commands do."""
    plan = covering_plan(problem, requirements(problem), roster)
    return write_calendars(folder, problem, roster, plan, now=now)


def feeds(folder: Path) -> dict[str, str]:
    """Every .ics file under ``folder`` by its path relative to it."""
    return {str(p.relative_to(folder)): p.read_bytes().decode("utf-8")
            for p in sorted(folder.rglob("*.ics"))}


def events(text: str) -> dict[str, Event]:
    """The VEVENTs of one feed by UID (icalendar)."""
    calendar = Calendar.from_ical(text)
    return {str(e["UID"]): e for e in calendar.walk("VEVENT")}


def without_dtstamp(event: Event) -> bytes:
    return b"\n".join(line for line in event.to_ical().splitlines()
                      if not line.startswith(b"DTSTAMP"))


def utc_span(event: Event) -> tuple[datetime, datetime]:
    return (event.decoded("DTSTART").astimezone(UTC), event.decoded("DTEND").astimezone(UTC))


def engine_span(problem: Problem, shift: Shift) -> tuple[datetime, datetime]:
    start, end = problem.shift_span(shift)
    origin = problem.clock.origin
    return origin + timedelta(minutes=start), origin + timedelta(minutes=end)


# ------------------------------------------------------------------------------------ DST


DST_NIGHTS = [  # zone, Monday starting the week, day index of the night, template, real hours
    ("Europe/Berlin", date(2026, 3, 23), 5, "N7", 7),       # Sat 28 -> Sun 29 March
    ("Europe/Berlin", date(2026, 10, 19), 5, "N9", 9),      # Sat 24 -> Sun 25 October
    ("America/New_York", date(2026, 3, 2), 5, "N7", 7),     # Sat 7 -> Sun 8 March
    ("America/New_York", date(2026, 10, 26), 5, "N9", 9),   # Sat 31 Oct -> Sun 1 November
]


@pytest.mark.parametrize(("zone", "start", "day", "template", "hours"), DST_NIGHTS)
def test_night_shift_over_dst_reads_back_at_the_right_instants(
        tmp_path: Path, zone: str, start: date, day: int, template: str, hours: int) -> None:
    problem = night_problem(zone, start)
    night, day_shift = (Shift(agent="dana", day=day, template=template),
                        Shift(agent="dana", day=1, template="D"))
    roster = Roster(shifts=(night, day_shift))
    export(tmp_path, problem, roster, now=T0)
    begin, end = engine_span(problem, night)
    assert end - begin == timedelta(hours=hours)
    local = ZoneInfo(zone)
    # 22:00 to 06:00 on the wall clock: 8 h apart, yet 7 h or 9 h of real time
    assert (begin.astimezone(local).time(), end.astimezone(local).time()) == (time(22), time(6))
    for name, text in feeds(tmp_path).items():
        found = list(events(text).values())
        if name == "agents/ole.ics":
            assert not found
            continue
        assert len(found) == 2, name
        nights = [e for e in found if utc_span(e) != engine_span(problem, day_shift)]
        assert len(nights) == 1, name
        assert utc_span(nights[0]) == (begin, end)
        assert str(nights[0]["DTSTART"].params["TZID"]) == zone
        strict = IcsCalendarStream.calendar_from_ics(text)
        (parsed,) = [e for e in strict.events if e.uid == str(nights[0]["UID"])]
        assert (parsed.dtstart.astimezone(UTC), parsed.dtend.astimezone(UTC)) == (begin, end)
        # the file's own VTIMEZONE, not the reader's copy of the database, gives the instant
        (definition,) = Calendar.from_ical(text).walk("VTIMEZONE")
        rule = definition.to_tz(lookup_tzid=False)
        wall = nights[0]["DTSTART"].dt.replace(tzinfo=None), nights[0]["DTEND"].dt.replace(
            tzinfo=None)
        assert tuple(w.replace(tzinfo=rule).astimezone(UTC) for w in wall) == (begin, end)


def test_the_second_of_two_equal_wall_times_is_written_in_utc(tmp_path: Path) -> None:
    # Sun 25 Oct 2026 in Berlin: 02:00 CEST + 1 h = 02:00 CET, which a TZID time cannot name
    problem = night_problem("Europe/Berlin", date(2026, 10, 19))
    shift = Shift(agent="dana", day=6, template="H")
    export(tmp_path, problem, Roster(shifts=(shift,)), now=T0)
    text = (tmp_path / "agents" / "dana.ics").read_bytes().decode()
    assert "DTSTART;TZID=Europe/Berlin:20261025T020000\r\n" in text
    assert "DTEND:20261025T010000Z\r\n" in text
    (event,) = events(text).values()
    assert utc_span(event) == engine_span(problem, shift)
    (strict,) = IcsCalendarStream.calendar_from_ics(text).events
    assert (strict.dtstart.astimezone(UTC), strict.dtend.astimezone(UTC)) == utc_span(event)


@pytest.mark.parametrize("zone", ["Europe/Berlin", "America/New_York", "Europe/London",
                                  "Australia/Sydney", "Pacific/Auckland", "Asia/Kolkata"])
def test_vtimezone_rules_agree_with_the_iana_database_around_every_change(zone: str) -> None:
    definition = vtimezone(zone, date(2026, 1, 1), date(2026, 12, 31))
    assert definition is not None
    rule = Timezone.from_ical(definition.to_ical()).to_tz(lookup_tzid=False)
    assert not isinstance(rule, ZoneInfo)  # resolved from the written rules
    real = ZoneInfo(zone)
    checked = 0
    for year in (2025, 2026, 2027):
        for change in transitions(zone, year):
            instant = (change.wall - change.before).replace(tzinfo=UTC)
            for hours in (-25, -2, -1, 1, 2, 25):
                moment = instant + timedelta(hours=hours)
                wall = moment.astimezone(real).replace(tzinfo=None)
                assert wall.replace(tzinfo=rule).astimezone(UTC) == moment, (zone, moment)
                checked += 1
    assert checked or zone == "Asia/Kolkata"


def test_vtimezone_uses_yearly_rules_starting_at_the_pre_transition_wall_time() -> None:
    definition = vtimezone("Europe/Berlin", date(2026, 3, 1), date(2026, 3, 31))
    assert definition is not None
    parts = {p.name: p for p in definition.subcomponents}
    daylight, standard = parts["DAYLIGHT"], parts["STANDARD"]
    assert daylight.decoded("DTSTART") == datetime(2024, 3, 31, 2, 0)
    assert b"RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3\r\n" in daylight.to_ical()
    assert b"RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10\r\n" in standard.to_ical()
    assert standard.decoded("DTSTART") == datetime(2024, 10, 27, 3, 0)
    assert "RDATE" not in daylight and "RDATE" not in standard


def test_a_zone_without_a_yearly_rule_gets_utc_times(tmp_path: Path) -> None:
    # Casablanca's clocks move around Ramadan: no yearly rule, so UTC is written instead
    problem = night_problem("Europe/Berlin", date(2026, 3, 23), agent_zone="Africa/Casablanca")
    shift = Shift(agent="ole", day=0, template="D")
    export(tmp_path, problem, Roster(shifts=(shift,)), now=T0)
    text = (tmp_path / "agents" / "ole.ics").read_bytes().decode()
    assert "VTIMEZONE" not in text
    (event,) = events(text).values()
    assert "DTSTART:20260323T080000Z" in text  # 09:00 in Berlin, written in UTC
    assert utc_span(event) == engine_span(problem, shift)


# ------------------------------------------------------------------------- header, content


def test_header_events_and_time_off(tmp_path: Path) -> None:
    off = (TimeOff(agent="ole", start=datetime(2026, 3, 25, tzinfo=ZoneInfo("Europe/Berlin")),
                   end=datetime(2026, 3, 27, tzinfo=ZoneInfo("Europe/Berlin")), note="holiday"),
           TimeOff(agent="ole", start=datetime(2026, 3, 28, 13, tzinfo=ZoneInfo("Europe/Berlin")),
                   end=datetime(2026, 3, 28, 18, tzinfo=ZoneInfo("Europe/Berlin")),
                   status="pending"))
    problem = night_problem("Europe/Berlin", date(2026, 3, 23), agent_zone="Europe/London",
                            time_off=off)
    roster = Roster(shifts=(Shift(agent="dana", day=0, template="D"),
                            Shift(agent="ole", day=0, template="D")))
    export(tmp_path, problem, roster, now=T0)
    written = feeds(tmp_path)
    assert sorted(written) == ["agents/dana.ics", "agents/ole.ics", "team.ics"]
    for text in written.values():
        assert "\r\n" in text
        calendar = Calendar.from_ical(text)
        for name, value in (("VERSION", "2.0"), ("CALSCALE", "GREGORIAN"),
                            ("METHOD", "PUBLISH"), ("X-PUBLISHED-TTL", "PT1H")):
            assert str(calendar[name]) == value
        assert calendar["PRODID"] and calendar["NAME"] == calendar["X-WR-CALNAME"]
        assert calendar.decoded("REFRESH-INTERVAL") == timedelta(hours=1)
        IcsCalendarStream.calendar_from_ics(text)  # strict parser accepts it
    ole = events(written["agents/ole.ics"])
    shift, holiday = sorted(ole.values(), key=lambda e: str(e["SUMMARY"]))
    assert str(shift["SUMMARY"]) == "Day shift — phone"
    assert str(shift["DTSTART"].params["TZID"]) == "Europe/London"
    assert shift.decoded("DTSTART").replace(tzinfo=None) == datetime(2026, 3, 23, 8, 0)
    assert shift["DESCRIPTION"] == ("Shift: Day (D)\nQueues: 08:00-16:30 phone\n"
                                    "Break: 30 min, unpaid, within the shift\nPaid: 8 h")
    assert [str(c) for c in shift["CATEGORIES"].cats] == ["phone"]
    assert str(shift["TRANSP"]) == "OPAQUE" and str(shift["STATUS"]) == "CONFIRMED"
    # approved time off: all day, 25 and 26 March (the end date is exclusive); pending: none
    assert str(holiday["SUMMARY"]) == "Time off"
    assert (holiday.decoded("DTSTART"), holiday.decoded("DTEND")) == (date(2026, 3, 25),
                                                                        date(2026, 3, 27))
    team = events(written["team.ics"])
    assert sorted(str(e["SUMMARY"]) for e in team.values()) == ["Dana Kim — chat",
                                                                "Ole Berg — phone"]
    assert all(isinstance(e.decoded("DTSTART"), datetime) for e in team.values())
    assert "Time off" not in written["agents/dana.ics"]


def test_part_day_time_off_is_a_timed_event_in_the_agents_zone(tmp_path: Path) -> None:
    berlin = ZoneInfo("Europe/Berlin")
    off = (TimeOff(agent="ole", start=datetime(2026, 3, 24, 13, tzinfo=berlin),
                   end=datetime(2026, 3, 24, 18, tzinfo=berlin), note="dentist"),)
    problem = night_problem("Europe/Berlin", date(2026, 3, 23), agent_zone="Europe/London",
                            time_off=off)
    export(tmp_path, problem, Roster(), now=T0)
    (event,) = events(feeds(tmp_path)["agents/ole.ics"]).values()
    assert str(event["SUMMARY"]) == "Time off" and str(event["DESCRIPTION"]) == "dentist"
    assert str(event["DTSTART"].params["TZID"]) == "Europe/London"
    # 13:00-18:00 in Berlin is 12:00-17:00 in London: busy for those hours only
    assert (event.decoded("DTSTART").replace(tzinfo=None),
            event.decoded("DTEND").replace(tzinfo=None)) == (datetime(2026, 3, 24, 12),
                                                              datetime(2026, 3, 24, 17))


def test_stored_objects_carry_no_method_but_feeds_do() -> None:
    problem = night_problem("Europe/Berlin", date(2026, 3, 23))
    feed = feeds_of(problem)[1]
    event = Event()
    event.add("summary", "x")
    stored = feed_calendar(feed, [event], None, stored=True).to_ical().decode()
    served = feed_calendar(feed, [event], None).to_ical().decode()
    assert "METHOD" not in stored and "X-WR-CALNAME" not in stored and "BEGIN:VEVENT" in stored
    assert "METHOD:PUBLISH" in served


def test_uids_are_uuids_without_host_data_and_differ_between_feeds(tmp_path: Path) -> None:
    problem = night_problem("Europe/Berlin", date(2026, 3, 23))
    roster = Roster(shifts=(Shift(agent="dana", day=0, template="D"),))
    export(tmp_path, problem, roster, now=T0)
    written = feeds(tmp_path)
    (mine,) = events(written["agents/dana.ics"])
    (team,) = events(written["team.ics"])
    assert mine != team
    for uid in (mine, team):
        assert len(uid) == 36 and uid.count("-") == 4 and "@" not in uid
        assert "dana" not in uid.lower() and "night" not in uid.lower()


# ------------------------------------------------------------------ re-export and state


def shifts_week() -> tuple[Problem, Roster]:
    problem = night_problem("Europe/Berlin", date(2026, 3, 23))
    roster = Roster(shifts=tuple(Shift(agent=a, day=d, template="D")
                                 for a in ("dana", "ole") for d in range(4)))
    return problem, roster


def test_re_export_of_an_unchanged_roster_changes_only_dtstamp(tmp_path: Path) -> None:
    problem, roster = shifts_week()
    export(tmp_path, problem, roster, now=T0)
    first = feeds(tmp_path)
    state = (tmp_path / STATE_FILE).read_text()
    shuffled = Roster(shifts=tuple(reversed(roster.shifts)))
    result = export(tmp_path, problem, shuffled, now=T1)
    second = feeds(tmp_path)
    assert result.reconciled.count("same") == 16 and len(result.reconciled.changes) == 16
    for name in first:
        before, after = events(first[name]), events(second[name])
        assert before.keys() == after.keys()
        for uid in before:
            assert without_dtstamp(before[uid]) == without_dtstamp(after[uid])
            assert after[uid].decoded("DTSTAMP") == T1
    assert (tmp_path / STATE_FILE).read_text() != state  # DTSTAMP is remembered too
    assert {r["sequence"] for r in json.loads(state)["events"]} == {0}


def test_changing_one_shift_changes_only_that_event(tmp_path: Path) -> None:
    problem, roster = shifts_week()
    export(tmp_path, problem, roster, now=T0)
    first = feeds(tmp_path)
    moved = tuple(Shift(agent="ole", day=2, template="N9") if (s.agent, s.day) == ("ole", 2)
                  else s for s in roster.shifts)
    result = export(tmp_path, problem, Roster(shifts=moved), now=T1)
    assert result.reconciled.count("update") == 2  # ole's own feed and the team feed
    second = feeds(tmp_path)
    changed = []
    for name in first:
        before, after = events(first[name]), events(second[name])
        assert before.keys() == after.keys()
        for uid in before:
            if without_dtstamp(before[uid]) != without_dtstamp(after[uid]):
                changed.append(name)
                assert after[uid].decoded("SEQUENCE") == 1
                assert after[uid].decoded("LAST-MODIFIED") == T1
                assert utc_span(after[uid]) == engine_span(
                    problem, Shift(agent="ole", day=2, template="N9"))
                assert utc_span(before[uid]) != utc_span(after[uid])
    assert sorted(changed) == ["agents/ole.ics", "team.ics"]
    third = export(tmp_path, problem, Roster(shifts=moved), now=T2)
    assert third.reconciled.count("same") == 16  # no second bump for the same change


def test_a_removed_shift_is_cancelled_once_then_dropped(tmp_path: Path) -> None:
    problem, roster = shifts_week()
    export(tmp_path, problem, roster, now=T0)
    gone = Shift(agent="dana", day=3, template="D")
    kept = Roster(shifts=tuple(s for s in roster.shifts if s != gone))
    uids = set(events(feeds(tmp_path)["agents/dana.ics"]))
    export(tmp_path, problem, kept, now=T1)
    dana = events(feeds(tmp_path)["agents/dana.ics"])
    cancelled = [e for e in dana.values() if str(e["STATUS"]) == "CANCELLED"]
    assert len(cancelled) == 1 and set(dana) == uids
    assert cancelled[0].decoded("SEQUENCE") == 1
    assert cancelled[0].decoded("LAST-MODIFIED") == T1
    assert utc_span(cancelled[0]) == engine_span(problem, gone)
    team = events(feeds(tmp_path)["team.ics"])
    assert sum(str(e["STATUS"]) == "CANCELLED" for e in team.values()) == 1
    export(tmp_path, problem, kept, now=T2)
    dana = events(feeds(tmp_path)["agents/dana.ics"])
    assert len(dana) == 3 and all(str(e["STATUS"]) == "CONFIRMED" for e in dana.values())
    assert cancelled[0]["UID"] not in {r["uid"] for r in json.loads(
        (tmp_path / STATE_FILE).read_text())["events"]}
    # the shift comes back: same UID, a higher SEQUENCE than the cancellation
    back = export(tmp_path, problem, roster, now=T2)
    assert back.reconciled.count("create") == 2  # the state forgot it: a new event again
    assert str(cancelled[0]["UID"]) in events(feeds(tmp_path)["agents/dana.ics"])


def test_next_weeks_export_does_not_cancel_last_week(tmp_path: Path) -> None:
    problem, roster = shifts_week()
    export(tmp_path, problem, roster, now=T0)
    later = night_problem("Europe/Berlin", date(2026, 3, 30))
    result = export(tmp_path, later, Roster(shifts=roster.shifts[:1]), now=T1)
    assert result.reconciled.count("cancel") == 0
    kept = json.loads((tmp_path / STATE_FILE).read_text())["events"]
    assert len(kept) == 16 + 2  # last week's events remembered, next week's added


def test_an_unreadable_state_file_is_reported_and_nothing_is_written(tmp_path: Path) -> None:
    problem, roster = shifts_week()
    (tmp_path / STATE_FILE).write_text("{not json")
    with pytest.raises(TeamFolderError) as caught:
        export(tmp_path, problem, roster, now=T0)
    (found,) = caught.value.problems
    assert found.file == STATE_FILE and "delete" in found.fix
    assert not list(tmp_path.rglob("*.ics"))


def test_fingerprint_ignores_only_the_versioning_fields() -> None:
    event = Event()
    event.add("summary", "Day shift — phone")
    event.add("dtstart", datetime(2026, 3, 23, 9, tzinfo=UTC))
    plain = fingerprint(event)
    event.add("sequence", 4)
    event.add("dtstamp", T0)
    assert fingerprint(event) == plain
    event["SUMMARY"] = "Day shift — chat"
    assert fingerprint(event) != plain


def test_acme_feeds_parse_with_both_parsers_at_the_engines_instants(tmp_path: Path,
                                                                     acme_folder: Path) -> None:
    from scheduler.load import load_team

    problem = load_team(acme_folder)
    shifts = tuple(Shift(agent=a.id, day=d, template="D" if (i + d) % 3 else "L")
                   for i, a in enumerate(problem.agents) for d in range(5))
    roster = Roster(shifts=shifts)
    export(tmp_path, problem, roster, now=T0)
    written = feeds(tmp_path)
    assert len(written) == 1 + len(problem.agents)
    origin = problem.clock.origin
    for agent in problem.agents:
        text = written[f"agents/{agent.id}.ics"]
        strict = IcsCalendarStream.calendar_from_ics(text)
        timed = sorted((e.dtstart.astimezone(UTC), e.dtend.astimezone(UTC))
                       for e in strict.events if isinstance(e.dtstart, datetime)
                       and e.summary != "Time off")
        mine = sorted(problem.shift_span(s) for s in shifts if s.agent == agent.id)
        assert timed == [(origin + timedelta(minutes=a), origin + timedelta(minutes=b))
                         for a, b in mine]
        assert sorted(utc_span(e) for e in events(text).values()
                      if isinstance(e.decoded("DTSTART"), datetime)
                      and str(e["SUMMARY"]) != "Time off") == timed
        zone = agent.time_zone or problem.time_zone
        assert all(str(e["DTSTART"].params["TZID"]) == zone for e in events(text).values()
                   if isinstance(e.decoded("DTSTART"), datetime))
    assert len(events(written["team.ics"])) == len(shifts)
    approved = {t.agent for t in problem.time_off if t.status == "approved"}
    with_time_off = {a for a in approved if any(
        str(e["SUMMARY"]) == "Time off" for e in events(written[f"agents/{a}.ics"]).values())}
    assert with_time_off == approved
