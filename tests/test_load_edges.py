"""The loader's traps of issue 26, each refused with a clear problem or stated: balance.csv with
an unknown column, coverage.csv with only its header, a weekly minimum scaled by a partial week,
coverage after the horizon's end; and the column-wise availability reader, which returns exactly
what the row reader returns or hands the file to it (by hand and with Hypothesis)."""

from __future__ import annotations

from pathlib import Path
from unittest import mock

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from scheduler.cli import app
from scheduler.constraints.contract import limits
from scheduler.errors import InputProblem, Problems, TeamFolderError
from scheduler.load import availability, availability_columns, load_team
from scheduler.load.files import Refs, read_agents
from scheduler.load.horizon_edges import notices, past_the_end
from scheduler.load.team_yaml import read_team
from scheduler.settings import ContractSettings
from scheduler.staffing.needs import coverage_frame
from tests.conftest import copy_of

MINI = Path(__file__).resolve().parent / "data" / "availability-mini"
RUN = settings(max_examples=40, deadline=None,
               suppress_health_check=[HealthCheck.function_scoped_fixture])



def problems_of(folder: Path) -> set[tuple[str, int | None, str | None]]:
    with pytest.raises(TeamFolderError) as caught:
        load_team(folder)
    for item in caught.value.problems:
        assert item.message and item.fix and "internal error" not in item.message
    return {(p.file, p.row, p.column) for p in caught.value.problems}


def test_balance_refuses_an_unknown_column_and_ignores_a_comment_column():
    with copy_of(MINI) as folder:
        (folder / "balance.csv").write_text("agent,hours,notes\nana,1.5,late\n")
        assert problems_of(folder) == {("balance.csv", 1, "notes")}
        (folder / "balance.csv").write_text("agent,hours,#notes\nana,1.5,late\n")
        assert [(b.agent, b.minutes) for b in load_team(folder).balance] == [("ana", 90)]


def test_coverage_with_only_its_header_is_refused_and_validate_exits_2():
    with copy_of(MINI) as folder:
        header = (MINI / "coverage.csv").read_text().splitlines()[0]
        (folder / "coverage.csv").write_text(header + "\n\n")
        assert problems_of(folder) == {("coverage.csv", 1, None)}
        result = CliRunner().invoke(app, ["validate", str(folder)], env={"COLUMNS": "200"})
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert "header but no rows" in result.output


def _with_contract(folder: Path, days: int, min_hours: str, period: str) -> None:
    team = (folder / "team.yaml").read_text().replace("days: 2", f"days: {days}")
    (folder / "team.yaml").write_text(team)
    (folder / "agents.csv").write_text("id,name,min_hours,max_hours,hours_period\n"
                                       f"ana,Ana,{min_hours},8,{period}\nben,Ben,,,\ncid,Cid,,,\n")


def test_a_weekly_minimum_a_partial_week_would_scale_is_refused_with_both_readings():
    with copy_of(MINI) as folder:
        _with_contract(folder, 5, "8", "week")
        with pytest.raises(TeamFolderError) as caught:
            load_team(folder)
    [problem] = caught.value.problems
    assert (problem.file, problem.row, problem.column) == ("agents.csv", 2, "hours_period")
    # 8 h × 5 / 7 = 5.71 h, rounded down to whole minutes as the contract rule counts it
    assert "would count as 5.7 h" in problem.message and "5 of its 7 days" in problem.message
    assert "hours_period horizon to ask 8 h in these 5 days" in problem.fix


@pytest.mark.parametrize(("days", "min_hours", "period", "column"), [
    (5, "8", "", "min_hours"),  # week by default: the cell the coordinator wrote is named
    (12, "8", "week", "hours_period"),  # a whole week and a partial one
])
def test_the_default_period_and_a_longer_horizon_are_refused_too(days, min_hours, period, column):
    with copy_of(MINI) as folder:
        _with_contract(folder, days, min_hours, period)
        assert problems_of(folder) == {("agents.csv", 2, column)}


@pytest.mark.parametrize(("days", "min_hours", "period"), [
    (5, "8", "horizon"), (7, "8", "week"), (14, "8", "week"), (5, "0", "week"),
    (5, "", "week")])
def test_whole_weeks_the_horizon_or_no_minimum_load(days, min_hours, period):
    with copy_of(MINI) as folder:
        _with_contract(folder, days, min_hours, period)
        problem = load_team(folder)
    ana = problem.agent_index["ana"]
    lows = [lim.low for lim in limits(ana, problem, ContractSettings()) if lim.what == "minutes"]
    want = int(float(min_hours or 0) * 60)
    assert all(low == want for low in lows)  # never a scaled minimum


def test_coverage_past_the_horizons_end_is_stated_and_a_day_more_plans_it():
    problem = load_team(MINI)  # Tuesday 18:00-27:00 on a Monday-Tuesday horizon
    assert past_the_end(problem) == [(1, 18 * 60, 27 * 60, 180)]
    [note] = notices(problem)
    assert "Tue 18:00-27:00" in note and "Up to 3 h" in note and "days: 3" in note
    kept = set(coverage_frame(problem)["interval"])
    assert max(kept) == problem.clock.n_intervals - 1  # the 6 half-hours after are dropped
    with copy_of(MINI) as folder:
        (folder / "team.yaml").write_text((folder / "team.yaml").read_text().replace(
            "days: 2", "days: 3"))
        longer = load_team(folder)
        result = CliRunner().invoke(app, ["validate", str(folder)])
    assert not notices(longer) and result.exit_code == 0 and "Note:" not in result.output
    after = set(coverage_frame(longer)["interval"])
    assert after - kept == set(range(96, 102))  # Wednesday 00:00-03:00 now needs agents


def test_validate_prints_the_note_and_still_exits_0():
    result = CliRunner().invoke(app, ["validate", str(MINI)], env={"COLUMNS": "200"})
    assert result.exit_code == 0 and "Note: coverage.csv: 1 row reaches past" in result.output


# --------------------------------------------------------------------- column-wise reading


def _readers(folder: Path) -> tuple[object, object, list[InputProblem]]:
    """(column-wise result or None, row reader's rows, the row reader's problems)."""
    problems = Problems()
    team = read_team(folder, problems)
    refs = Refs(team.clock, tuple(team.templates), team.template_ids, team.queue_ids,
                rules=team.rules, day_starts_at=team.policy.day_starts_at)
    read_agents(folder, refs, problems)
    before = len(problems)
    with mock.patch.object(availability_columns, "MIN_ROWS", 0):
        quick = availability_columns.read_availability_columns(
            folder / "availability.csv", refs, availability.LEVELS)
    with mock.patch.object(availability, "read_availability_columns", lambda *_: None):
        rows = availability.read_availability(folder, refs, problems)
    return quick, rows, problems.items[before:]


def _dump(rows: object) -> list[dict[str, object]]:
    return [r.model_dump() for r in rows]  # type: ignore[attr-defined]


def test_column_wise_reading_gives_the_row_readers_rows_in_its_order():
    quick, rows, problems = _readers(MINI)
    assert not problems and quick is not None
    # Ben's dated Tuesday replaces no weekday row; Ana's Tuesday rows stay
    assert _dump(quick) == _dump(rows) and len(rows) == 7  # type: ignore[arg-type]


def test_a_clean_file_is_read_column_wise_and_a_bad_one_row_by_row():
    lines = ["agent,day,from,to,level"] + [
        f"{a},{d},{h}:00,{h}:30,{'available' if d[0] == '2' else 'preferred'}"
        for a in ("ana", "ben", "cid") for d in ("mon", "tue", "2026-12-01")
        for h in range(18, 27)]
    with copy_of(MINI) as folder:
        (folder / "availability.csv").write_text("\n".join(lines) + "\n")
        quick, rows, problems = _readers(folder)
        assert quick is not None and not problems
        assert _dump(quick) == _dump(rows) and len(rows) == 3 * 2 * 9  # type: ignore[arg-type]
        # the dated Tuesday replaces the weekday Tuesday for every agent
        assert {r.level.value for r in rows if r.day == 1} == {"available"}
        bad = lines.index("ben,mon,20:00,20:30,preferred")
        lines[bad] = "ben,mon,20:15,20:30,preferred"
        (folder / "availability.csv").write_text("\n".join(lines) + "\n")
        quick, rows, problems = _readers(folder)
    assert quick is None
    assert {(p.file, p.row, p.column) for p in problems} == {
        ("availability.csv", bad + 1, "from")}


TOKENS = ["", " ", "mon", "Monday", "SUN", "2026-11-30", "2026-12-01", "2026-12-02",
          "2026-02-30", "18:00", "17:30", "27:00", "27:30", "48:00", "9:00", "18:15", "22:00",
          "preferred", " If  Needed ", "if_needed", "maybe", "unavailable", "ana", "zoe",
          "ben ", "x" * 20, "ü", "#", '"a,b"']
cells = st.one_of(st.sampled_from(TOKENS), st.text(max_size=8))


@RUN
@given(edits=st.lists(st.tuples(st.integers(0, 50), st.integers(0, 7), cells), max_size=3),
       extra=st.lists(st.tuples(st.sampled_from(["ana", "ben", "cid"]),
                                st.sampled_from(["mon", "tue", "2026-11-30", "2026-12-01"]),
                                st.integers(36, 53), st.integers(1, 4),
                                st.sampled_from(["preferred", "available"])), max_size=4))
def test_column_wise_reading_never_differs_from_the_row_reader(edits, extra):
    """Random rows and cells: the column-wise reader returns the row reader's rows exactly, or
    None (always None when the row reader finds a problem)."""
    with copy_of(MINI) as folder:
        lines = [line.split(",") for line in
                 (folder / "availability.csv").read_text().splitlines()]
        lines += [[a, d, f"{s // 2:02d}:{s % 2 * 30:02d}",
                   f"{(s + n) // 2:02d}:{(s + n) % 2 * 30:02d}", level]
                  for a, d, s, n, level in extra]
        for row, column, value in edits:
            cells_of = lines[row % len(lines)]
            cells_of[column % len(cells_of)] = value.replace("\n", " ").replace("\r", " ")
        (folder / "availability.csv").write_text("\n".join(",".join(c) for c in lines) + "\n",
                                                 encoding="utf-8")
        quick, rows, problems = _readers(folder)
    if problems:
        assert quick is None
    elif quick is not None:
        assert _dump(quick) == _dump(rows)


@RUN
@given(days=st.integers(2, 16), min_hours=st.sampled_from(["", "0", "1.5", "4", "6.5", "8"]),
       period=st.sampled_from(["", "week", "horizon", "Week"]))
def test_a_minimum_is_never_scaled_without_a_word(days, min_hours, period):
    """Any horizon and contract: the folder loads with every minimum as written, or ana's row
    is refused on the cell that asked for a week."""
    with copy_of(MINI) as folder:
        _with_contract(folder, days, min_hours, period)
        try:
            problem = load_team(folder)
        except TeamFolderError as exc:
            assert {(p.file, p.row) for p in exc.problems} == {("agents.csv", 2)}
            assert days % 7 and float(min_hours) > 0 and period.lower() != "horizon"
            return
    ana = problem.agent_index["ana"]
    lows = {lim.low for lim in limits(ana, problem, ContractSettings()) if lim.what == "minutes"}
    assert lows <= {int(float(min_hours or 0) * 60)}


@RUN
@given(name=st.text(min_size=1, max_size=10).filter(lambda n: "," not in n and "\n" not in n
                                                    and "\r" not in n and '"' not in n))
def test_balance_accepts_no_column_but_its_own_and_comments(name):
    column = name.strip().lower()
    with copy_of(MINI) as folder:
        (folder / "balance.csv").write_text(f"agent,hours,{name}\nana,1.5,x\n", encoding="utf-8")
        if column.startswith("#"):
            assert [(b.agent, b.minutes) for b in load_team(folder).balance] == [("ana", 90)]
            return
        found = problems_of(folder)
    if not column:  # a value under a nameless column
        assert found == {("balance.csv", 2, None)}
    else:  # unknown, or agent/hours twice
        assert found == {("balance.csv", 1, column)}
