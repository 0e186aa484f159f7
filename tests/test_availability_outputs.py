"""Availability-driven teams in every output: no internal shift id reaches a person.

A flexible shift's candidate template has an id such as ``F-0600-0200``; roster.csv, the
workbook, the report grid and every calendar feed name it by its times instead, in the
team's zone (the agent's own in their feed), DST-true.
"""

from __future__ import annotations

import re
from datetime import UTC, date, time, timedelta
from pathlib import Path

import pytest
from availability_team import AVAILABILITY_TEAM, quick_roster
from icalendar import Calendar
from rules.flexible import flex, rules, team

from scheduler.constraints.ideal_length import IdealLengthRule
from scheduler.constraints.levels import PreferenceLevelRule
from scheduler.domain import (
    Agent,
    AvailabilityPolicy,
    AvailabilityRow,
    BreakRule,
    FlexibleShift,
    Problem,
    Roster,
    Shift,
    ShiftTemplate,
)
from scheduler.export.ical import write_calendars
from scheduler.export.shift_names import shift_label
from scheduler.export.tables import roster_frame, roster_workbook
from scheduler.kpi.headcount import headcount_measure
from scheduler.load import load_team
from scheduler.load.candidates import with_candidates
from scheduler.staffing import requirements
from scheduler.staffing.covering import covering_plan

INTERNAL_ID = re.compile(r"\bF-\d{4}-\d{4}\b")


@pytest.fixture(scope="module")
def fixture_team() -> tuple[Problem, Roster]:
    problem = load_team(AVAILABILITY_TEAM)
    return problem, quick_roster(problem)


def night_team() -> Problem:
    """Berlin, the night clocks go back (Sun 25 Oct 2026): a 6 h flexible shift from 22:00
    Saturday ends at 03:00 CET (the wall clock shows 5 h), with a 30-min break after 5 h."""
    flexible = FlexibleShift(id="F", earliest_start=22 * 60, latest_end=28 * 60,
                             grid_minutes=60, min_minutes=6 * 60, max_minutes=6 * 60,
                             breaks=(BreakRule(min_minutes=5 * 60, break_minutes=30),))
    rows = (AvailabilityRow(agent="ana", day=0, start_minute=22 * 60, end_minute=28 * 60,
                            level="preferred"),)
    problem = Problem(team="Night Desk", time_zone="Europe/Berlin", start=date(2026, 10, 24),
                      days=2, templates=(ShiftTemplate(id="D", name="Day", start=time(9),
                                                       paid_minutes=480),),
                      agents=(Agent(id="ana", name="Ana Lind", time_zone="Europe/London"),),
                      flexible=(flexible,), availability=rows,
                      policy=AvailabilityPolicy(default="unavailable", day_starts_at=6 * 60),
                      rules=rules())
    return with_candidates(problem)


def test_flexible_shifts_are_named_by_their_true_times_and_templates_by_name() -> None:
    problem = night_team()
    night = Shift(agent="ana", day=0, template="F-2200-0600")
    assert shift_label(problem, night) == "22:00–03:00"  # 6 h on the clock, DST-true
    assert shift_label(problem, night, "Europe/London") == "21:00–02:00"
    assert shift_label(problem, Shift(agent="ana", day=1, template="D")) == "Day"


def test_night_feed_titles_times_and_break_over_the_dst_change(tmp_path: Path) -> None:
    problem = night_team()
    roster = Roster(shifts=(Shift(agent="ana", day=0, template="F-2200-0600"),))
    write_calendars(tmp_path, problem, roster, covering_plan(problem, requirements(problem),
                                                               roster))
    mine = Calendar.from_ical((tmp_path / "agents" / "ana.ics").read_bytes()).walk("VEVENT")
    team_feed = Calendar.from_ical((tmp_path / "team.ics").read_bytes()).walk("VEVENT")
    assert [str(e["SUMMARY"]) for e in mine] == ["Night Desk — on duty 21:00–02:00"]  # London
    assert [str(e["SUMMARY"]) for e in team_feed] == ["Ana Lind — on duty 22:00–03:00"]
    event = mine[0]
    start, end = (event.decoded(k).astimezone(UTC) for k in ("DTSTART", "DTEND"))
    assert end - start == timedelta(hours=6)
    text = str(event["DESCRIPTION"])
    assert "On duty: 21:00–02:00 (Europe/London)" in text
    assert "Break: 30 min" in text and "Paid: 5.5 h" in text
    assert "F-2200" not in text


def test_no_feed_of_the_availability_team_holds_an_internal_shift_id(
        fixture_team: tuple[Problem, Roster], tmp_path: Path) -> None:
    problem, roster = fixture_team
    write_calendars(tmp_path, problem, roster, covering_plan(problem, requirements(problem),
                                                               roster))
    feeds = sorted(tmp_path.rglob("*.ics"))
    assert len(feeds) == len(problem.agents) + 1
    titles = []
    for path in feeds:
        for event in Calendar.from_ical(path.read_bytes()).walk("VEVENT"):
            words = f"{event['SUMMARY']}\n{event.get('DESCRIPTION', '')}"
            assert not INTERNAL_ID.search(words), (path.name, words)
            titles.append(str(event["SUMMARY"]))
    assert len(titles) == 2 * len(roster.shifts)
    on_duty = re.compile(r"(Nightowl SaaS support|[A-Z][a-z]+ [A-Z][a-z]+) — on duty "
                         r"\d\d:\d\d–\d\d:\d\d$")
    assert all(on_duty.match(t) for t in titles), titles[:3]


def test_roster_csv_and_workbook_name_flexible_shifts_by_their_times(
        fixture_team: tuple[Problem, Roster]) -> None:
    problem, roster = fixture_team
    plan = covering_plan(problem, requirements(problem), roster)
    frame = roster_frame(problem, roster, plan)
    assert len(frame) == len(roster.shifts)
    for row in frame.itertuples():
        assert INTERNAL_ID.fullmatch(row.shift)  # the key check and re-reading use
        assert row.shift_name == f"{row.start[11:16]}–{row.end[11:16]}"
    book = roster_workbook(problem, roster, requirements(problem), plan)
    cells = [str(c.value) for c in book.worksheets[0].iter_rows() for c in c if c.value]
    assert not any(INTERNAL_ID.search(c) for c in cells)


def test_ideal_length_findings_speak_in_hours() -> None:
    problem = team(flexible=flex(2, 8, ideal=6, weight=3), settings=rules(ideal_length={}),
                   ana=[(8, 12, "preferred")])
    found = IdealLengthRule().evaluate(
        Roster(shifts=(Shift(agent="ana", day=0, template="F-0800-0400"),)), problem,
        requirements(problem))
    assert [(v.message, v.penalty) for v in found] == [
        ("Ana on Mon 01 Jan: shift of 4 h, 2 h shorter than the ideal 6 h", 12)]


def test_level_findings_speak_in_hours() -> None:
    problem = team(flexible=flex(2, 4), settings=rules(preference_levels={}),
                   ana=[(8, 10, "preferred"), (10, 12, "if needed")])
    found = PreferenceLevelRule().evaluate(
        Roster(shifts=(Shift(agent="ana", day=0, template="F-0900-0300"),)), problem,
        requirements(problem))
    assert [v.message for v in found] == ["Ana on Mon 01 Jan: 1 h preferred, 2 h if needed"]


def test_workbook_has_the_headcount_sheet_instead_of_an_empty_coverage_sheet(
        fixture_team: tuple[Problem, Roster]) -> None:
    problem, roster = fixture_team
    needs = requirements(problem)
    book = roster_workbook(problem, roster, needs, covering_plan(problem, needs, roster))
    assert "Coverage" not in book.sheetnames  # no queues: nothing per queue to show
    sheet = book["Headcount"]
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert len(rows) == problem.clock.n_intervals  # one coverage row: "any"
    view = headcount_measure(problem, needs, roster)
    assert view is not None
    assert sum(r[7] for r in rows) == view.headline.short
    monday_noon = next(r for r in rows if r[2] == "2026-11-30 12:00")
    assert (monday_noon[3], monday_noon[4], monday_noon[5]) == ("everyone", 3, 3)


def test_the_terminal_summary_speaks_headcount(fixture_team: tuple[Problem, Roster]) -> None:
    from rich.console import Console

    from scheduler.cli.views import headline_table
    from scheduler.kpi import measure

    problem, roster = fixture_team
    needs = requirements(problem)
    kpis = measure(problem, needs, roster, covering_plan(problem, needs, roster))
    console = Console(width=160, record=True)
    console.print(headline_table(problem, kpis))
    text = console.export_text()
    h = kpis.headcount.headline
    assert "agent-half-hours short of coverage.csv's minimum" in " ".join(text.split())
    week = next(line for line in text.splitlines() if line.strip("│ ").startswith("week"))
    assert week.split("│")[3].strip() == str(h.short)
    assert f"{h.agents_with_hours} of {h.agents_available} agents with hours" in text
