"""Roster exports: CSV columns and times, the workbook, and whole-or-nothing writing."""

from __future__ import annotations

import json
from datetime import date, datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

import pandas as pd
import pytest
from openpyxl import load_workbook

from scheduler.domain import Agent, Problem, Queue, Roster, Shift, ShiftTemplate, TimeOff
from scheduler.export import tables
from scheduler.export.files import Writer, write_atomic, write_group, write_text_atomic
from scheduler.export.segments import amount_runs
from scheduler.export.tables import (
    ROSTER_COLUMNS,
    roster_frame,
    staffing_by_day,
    write_report_json,
    write_roster_csv,
    write_roster_outputs,
    write_roster_xlsx,
)
from scheduler.solvers.result import SolveReport, SolveResult
from scheduler.staffing.covering import covering_plan

BERLIN = ZoneInfo("Europe/Berlin")


def make_problem(start: date = date(2025, 3, 3), days: int = 2) -> Problem:
    """Two agents (one working from London), one phone queue, early and late shifts."""
    return Problem(
        team="Test team",
        time_zone="Europe/Berlin",
        start=start,
        days=days,
        interval_minutes=30,
        queues=(Queue(id="phone", name="Phone", channel="phone"),),
        templates=(
            ShiftTemplate(id="E", name="Early", start=time(7), paid_minutes=480, break_minutes=30),
            ShiftTemplate(id="L", name="Late", start=time(14), paid_minutes=450, break_minutes=30),
            ShiftTemplate(id="N", name="Night", start=time(22), paid_minutes=480, break_minutes=30),
        ),
        agents=(
            Agent(id="ana", name="Ana Lopez", skills=("phone",)),
            Agent(id="ben", name="Ben Shaw", time_zone="Europe/London", skills=("phone",)),
        ),
        time_off=(
            TimeOff(agent="ben", start=datetime(2025, 3, 4, tzinfo=BERLIN),
                    end=datetime(2025, 3, 5, tzinfo=BERLIN), status="approved", note="dentist"),
        ),
    )


ROSTER = Roster(shifts=(
    Shift(agent="ana", day=1, template="L"),
    Shift(agent="ben", day=0, template="L"),
    Shift(agent="ana", day=0, template="E"),
))

# Ana's early shift (07:00-15:30) on phone with a half-hour gap at 11:00; Ben late on phone.
PLAN = pd.DataFrame(
    [("ana", i, "phone") for i in range(14, 22)]
    + [("ana", i, "phone") for i in range(23, 31)]
    + [("ben", i, "phone") for i in range(28, 43)]
    + [("ana", 48 + i, "phone") for i in range(28, 43)],
    columns=["agent", "interval", "queue"],
)

REQUIREMENTS = pd.DataFrame({"interval": [14, 15, 28], "queue": ["phone"] * 3, "agents": [1, 2, 3]})

REPORT = SolveReport(status="OPTIMAL", objective=0, bound=0.0, gap=0.0, wall_time_s=0.1)


@pytest.fixture
def stub_plan(monkeypatch: pytest.MonkeyPatch) -> None:
    """Use PLAN instead of the covering plan (hand-made, predictable)."""
    monkeypatch.setattr(tables, "covering_plan", lambda problem, needs, roster: PLAN)


# ---------------------------------------------------------------------------------------------
# roster_frame and CSV


def test_roster_frame_rows_sorted_by_date_then_agent() -> None:
    frame = roster_frame(make_problem(), ROSTER, PLAN)
    assert tuple(frame.columns) == ROSTER_COLUMNS
    assert list(zip(frame["date"], frame["agent"], strict=True)) == [
        ("2025-03-03", "ana"), ("2025-03-03", "ben"), ("2025-03-04", "ana")]
    assert list(frame["weekday"]) == ["Mon", "Mon", "Tue"]


def test_roster_frame_local_times_and_agent_zone() -> None:
    frame = roster_frame(make_problem(), ROSTER, PLAN).set_index(["agent", "date"])
    ana = frame.loc[("ana", "2025-03-03")]
    assert (ana["shift"], ana["shift_name"]) == ("E", "Early")
    assert (ana["start"], ana["end"]) == ("2025-03-03T07:00+01:00", "2025-03-03T15:30+01:00")
    assert (ana["start_agent_tz"], ana["end_agent_tz"]) == (ana["start"], ana["end"])
    assert ana["paid_hours"] == 8.0
    ben = frame.loc[("ben", "2025-03-03")]
    assert (ben["start"], ben["end"]) == ("2025-03-03T14:00+01:00", "2025-03-03T22:00+01:00")
    assert (ben["start_agent_tz"], ben["end_agent_tz"]) == ("2025-03-03T13:00+00:00",
                                                        "2025-03-03T21:00+00:00")


def test_roster_frame_compresses_queue_segments() -> None:
    frame = roster_frame(make_problem(), ROSTER, PLAN).set_index(["agent", "date"])
    assert frame.loc[("ana", "2025-03-03"), "queues"] == "07:00-11:00 phone; 11:30-15:30 phone"
    assert frame.loc[("ben", "2025-03-03"), "queues"] == "14:00-21:30 phone"


def test_queue_segments_switch_queues() -> None:
    plan = pd.DataFrame(
        [("ana", i, "phone") for i in range(14, 22)] + [("ana", i, "chat") for i in range(22, 31)],
        columns=["agent", "interval", "queue"])
    roster = Roster(shifts=(Shift(agent="ana", day=0, template="E"),))
    frame = roster_frame(make_problem(), roster, plan)
    assert frame.loc[0, "queues"] == "07:00-11:00 phone; 11:00-15:30 chat"


def test_roster_frame_over_daylight_saving_change() -> None:
    # Berlin moves clocks forward at 02:00 on Sunday 30 March 2025: a night shift of 8.5 real
    # hours from Saturday 22:00 ends at 07:30 local time.
    problem = make_problem(start=date(2025, 3, 29))
    roster = Roster(shifts=(Shift(agent="ana", day=0, template="N"),
                            Shift(agent="ben", day=1, template="L")))
    frame = roster_frame(problem, roster, PLAN.iloc[:0]).set_index("agent")
    assert (frame.loc["ana", "start"], frame.loc["ana", "end"]) == (
        "2025-03-29T22:00+01:00", "2025-03-30T07:30+02:00")
    assert frame.loc["ben", "start"] == "2025-03-30T14:00+02:00"
    assert frame.loc["ben", "start_agent_tz"] == "2025-03-30T13:00+01:00"


def test_roster_frame_over_the_fall_back_night() -> None:
    # Berlin turns clocks back from 03:00 to 02:00 on Sunday 26 October 2025: 8-hour shifts
    # (8.5 h with the break) from 18:00 and 19:00 both end at wall time 02:30, an hour apart;
    # the offsets tell them apart.
    base = make_problem(start=date(2025, 10, 25))
    problem = Problem(**{**{name: getattr(base, name) for name in Problem.model_fields},
                         "templates": (
        ShiftTemplate(id="A", start=time(18), paid_minutes=480, break_minutes=30),
        ShiftTemplate(id="B", start=time(19), paid_minutes=480, break_minutes=30))})
    roster = Roster(shifts=(Shift(agent="ana", day=0, template="A"),
                            Shift(agent="ben", day=0, template="B")))
    frame = roster_frame(problem, roster, PLAN.iloc[:0]).set_index("agent")
    assert frame.loc["ana", "end"] == "2025-10-26T02:30+02:00"
    assert frame.loc["ben", "end"] == "2025-10-26T02:30+01:00"
    for agent in ("ana", "ben"):
        start, end = (datetime.fromisoformat(frame.loc[agent, c]) for c in ("start", "end"))
        assert (end - start).total_seconds() == 8.5 * 3600


def test_empty_roster_gives_empty_frame_with_columns() -> None:
    frame = roster_frame(make_problem(), Roster(), PLAN.iloc[:0])
    assert frame.empty
    assert tuple(frame.columns) == ROSTER_COLUMNS


def test_write_roster_csv(tmp_path: Path) -> None:
    frame = roster_frame(make_problem(), ROSTER, PLAN)
    path = write_roster_csv(tmp_path / "roster.csv", frame)
    back = pd.read_csv(path)
    assert tuple(back.columns) == ROSTER_COLUMNS
    assert back.loc[1, "start_agent_tz"] == "2025-03-03T13:00+00:00"
    assert back.loc[0, "agent_name"] == "Ana Lopez"


# ---------------------------------------------------------------------------------------------
# XLSX


def test_roster_xlsx_sheets_and_cells(tmp_path: Path) -> None:
    path = write_roster_xlsx(tmp_path / "roster.xlsx", make_problem(), ROSTER, REQUIREMENTS, PLAN)
    wb = load_workbook(path)
    assert wb.sheetnames == ["Week 1 (2025-03-03)", "Coverage", "Shifts"]
    week = wb["Week 1 (2025-03-03)"]
    header = [c.value for c in week[1]]
    assert header == ["Agent", "Name", "Mon 2025-03-03", "Tue 2025-03-04", "Paid hours"]
    assert week["A2"].value == "ana"
    assert week["C2"].value == "E 07:00-15:30"
    assert week["D2"].value == "L 14:00-22:00"
    assert week["E2"].value == 15.5
    assert week["C3"].value == "L 14:00-22:00"
    assert week["D3"].value == "off (approved)"
    assert week["E3"].value == 7.5
    assert week.freeze_panes == "C2"
    assert week["C2"].fill.fgColor.rgb != week["C3"].fill.fgColor.rgb  # colour per template
    assert week["C3"].comment is not None and "13:00-21:00" in week["C3"].comment.text

    coverage = wb["Coverage"]
    assert [c.value for c in coverage[1]][:6] == [
        "Interval", "Day", "Local time", "phone required", "phone scheduled", "phone short"]
    assert coverage.max_row == 1 + 96
    row = [c.value for c in coverage[2 + 15]]  # interval 15: 07:30, 2 required, Ana on duty
    assert row == [15, "Mon", "2025-03-03 07:30", 2, 1, 1]
    row = [c.value for c in coverage[2 + 28]]  # 14:00: 3 required, Ana and Ben
    assert row == [28, "Mon", "2025-03-03 14:00", 3, 2, 1]


def test_roster_xlsx_weeks(tmp_path: Path) -> None:
    problem = make_problem(days=10)
    path = write_roster_xlsx(tmp_path / "r.xlsx", problem, ROSTER, REQUIREMENTS, PLAN)
    wb = load_workbook(path)
    assert wb.sheetnames[:2] == ["Week 1 (2025-03-03)", "Week 2 (2025-03-10)"]
    assert wb["Week 2 (2025-03-10)"].max_column == 2 + 3 + 1


# ---------------------------------------------------------------------------------------------
# Outputs as a group


def test_write_roster_outputs(tmp_path: Path, stub_plan: None) -> None:
    result = SolveResult(roster=ROSTER, report=REPORT)
    out = write_roster_outputs(tmp_path / "out", make_problem(), REQUIREMENTS, result)
    assert [p.name for p in out if p is not None] == ["roster.csv", "roster.xlsx",
                                                     "solve-report.json"]
    assert out.balance is None  # only teams that plan by availability carry a balance
    assert all(p.is_file() for p in out if p is not None)
    assert json.loads(out.report.read_text())["status"] == "OPTIMAL"
    assert len(pd.read_csv(out.csv)) == 3
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        "roster.csv", "roster.xlsx", "solve-report.json"]


def test_write_roster_outputs_refuses_missing_roster(tmp_path: Path) -> None:
    result = SolveResult(roster=None, report=SolveReport(status="INFEASIBLE"))
    with pytest.raises(ValueError, match="no roster"):
        write_roster_outputs(tmp_path, make_problem(), REQUIREMENTS, result)
    assert list(tmp_path.iterdir()) == []


def test_roster_frame_with_the_real_covering_plan() -> None:
    problem = make_problem()
    plan = covering_plan(problem, REQUIREMENTS, ROSTER)
    # interval 15 needs two on phone: Ana (on duty from 07:00, interval 14) serves it
    assert set(plan[plan["interval"] == 15]["agent"]) == {"ana"}
    frame = roster_frame(problem, ROSTER, plan)
    assert all(frame["queues"].str.contains("phone"))


def test_write_report_json(tmp_path: Path) -> None:
    path = write_report_json(tmp_path / "report.json", REPORT)
    assert json.loads(path.read_text())["objective"] == 0


def test_staffing_by_day() -> None:
    daily = staffing_by_day(make_problem(), REQUIREMENTS)
    assert daily.to_dict("records") == [
        {"date": "2025-03-03", "weekday": "Mon", "queue": "phone", "peak_agents": 3,
         "agent_hours": 3.0}]


# ---------------------------------------------------------------------------------------------
# Whole or nothing


def test_atomic_write_leaves_no_partial_file(tmp_path: Path) -> None:
    target = tmp_path / "roster.csv"

    def broken(temp: Path) -> None:
        temp.write_text("agent,da")
        raise RuntimeError("disk on fire")

    with pytest.raises(RuntimeError):
        write_atomic(target, broken)
    assert list(tmp_path.iterdir()) == []

    write_text_atomic(target, "old\n")
    with pytest.raises(RuntimeError):
        write_atomic(target, broken)
    assert target.read_text() == "old\n"
    assert list(tmp_path.iterdir()) == [target]


def test_atomic_write_keeps_usual_permissions(tmp_path: Path) -> None:
    target = write_text_atomic(tmp_path / "a.txt", "x")
    assert target.stat().st_mode & 0o644 == 0o644


def test_group_write_leaves_none_when_last_fails(tmp_path: Path) -> None:
    def text(content: str) -> Writer:
        return lambda temp: temp.write_text(content)

    def broken(temp: Path) -> None:
        raise OSError("no space left")

    names = ["roster.csv", "roster.xlsx", "solve-report.json"]
    with pytest.raises(OSError, match="no space"):
        write_group([(tmp_path / names[0], text("a")), (tmp_path / names[1], text("b")),
                     (tmp_path / names[2], broken)])
    assert list(tmp_path.iterdir()) == []

    write_group([(tmp_path / n, text("old")) for n in names])
    with pytest.raises(OSError):
        write_group([(tmp_path / names[0], text("new")), (tmp_path / names[1], text("new")),
                     (tmp_path / names[2], broken)])
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(names)
    assert all((tmp_path / n).read_text() == "old" for n in names)


def test_group_write_rolls_back_when_a_rename_fails(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("old")
    (tmp_path / "c.txt").mkdir()  # a folder where a file should go: its rename fails
    with pytest.raises(OSError):
        write_group([(tmp_path / "a.txt", lambda t: t.write_text("new")),
                     (tmp_path / "b.txt", lambda t: t.write_text("new")),
                     (tmp_path / "c.txt", lambda t: t.write_text("new"))])
    assert (tmp_path / "a.txt").read_text() == "old"
    assert not (tmp_path / "b.txt").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.txt", "c.txt"]


def test_amount_runs_split_where_the_amount_or_the_time_changes(small_problem: Problem) -> None:
    # 30-minute intervals from Monday 00:00 Berlin: 16-17 short by 2, 18 by 1, 21 by 1
    pairs = [(16, 2), (17, 2), (18, 1), (21, 1)]
    assert amount_runs(small_problem, pairs, "short") == [
        (16, 17, 2, "Mon 08:00–09:00 short by 2"),
        (18, 18, 1, "Mon 09:00–09:30 short by 1"),
        (21, 21, 1, "Mon 10:30–11:00 short by 1"),
    ]
    assert amount_runs(small_problem, [], "over") == []
