"""Loading availability-driven team folders: availability, coverage, balance, flexible shifts,
mentors. By hand on tests/data/availability-mini, and with Hypothesis (random cells and YAML
values: a Problem or a clear report, never anything else; random windows: overlaps reported,
the rest read exactly)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from scheduler.cli import app
from scheduler.domain import Preference, Problem
from scheduler.errors import TeamFolderError
from scheduler.load import load_team
from scheduler.load.levels import Levels
from tests.conftest import copy_of

MINI = Path(__file__).resolve().parent / "data" / "availability-mini"
FILES = ("availability.csv", "coverage.csv", "balance.csv", "agents.csv")
RUN = settings(max_examples=40, deadline=None,
               suppress_health_check=[HealthCheck.function_scoped_fixture])
TOKENS = ["", "mon", "sun", "monday", "2026-11-30", "2026-12-02", "2026-02-30", "18:00",
          "17:30", "27:00", "27:30", "48:00", "48:01", "24:00", "9", "18:15", "preferred",
          "if needed", "IF_NEEDED", "maybe", "unavailable", "any", "phone", "hard", "soft",
          "-1", "0", "3", "1.5", "-2.25", "x", "ana", "zoe", "ana;ben", "cid", "ana;zoe", "ü"]
cells = st.one_of(st.sampled_from(TOKENS), st.text(max_size=12),
                  st.integers(-100, 100).map(str))



def loads_or_reports(folder: Path) -> Problem | None:
    try:
        return load_team(folder)
    except TeamFolderError as exc:
        assert exc.problems
        for item in exc.problems:
            assert item.file and item.message and item.fix, item
            assert "internal error" not in item.message, item
        return None


def test_the_mini_team_loads_whole():
    prob = load_team(MINI)
    assert prob.policy.day_starts_at == 18 * 60
    assert [(b.agent, b.minutes) for b in prob.balance] == [("ana", 90), ("ben", -60)]
    assert [(o.agent, o.mentors) for o in prob.onboarding] == [("cid", ("ana", "ben"))]
    assert prob.agent_index["ben"].ideal_minutes == 240
    # Ben's weekday rows are Monday only; Tuesday is a dated row (22:00-27:00)
    assert sorted((r.day, r.start_minute, r.end_minute) for r in prob.availability
                  if r.agent == "ben") == [(0, 1200, 1560), (1, 1320, 1620)]
    # 2-4 h on a one-hour grid in Ben's Tuesday 22:00-03:00: 4 + 3 + 2 shapes
    assert len(prob.offer_index["ben", 1]) == 9
    rows = {(c.day, c.max_weight) for c in prob.coverage}
    assert rows == {(0, None), (1, 20)}
    flexible = prob.flexible[0]
    assert (flexible.latest_end, flexible.break_for(240)) == (27 * 60, 15)


BROKEN = {
    "availability.csv": "agent,day,from,to,level\nana,mon,18:00,22:00,preferred\n"
                        "ana,mon,21:00,23:00,available\nben,mon,19:00,21:00,sometimes\n"
                        "ben,tue,12:00,14:00,available\n",
    "coverage.csv": "queue,day,from,to,min_agents,max_agents\nany,mon,18:00,27:00,3,2\n",
    "agents.csv": "id,name,mentors\nana,Ana,\nben,Ben,\ncid,Cid,zoe\n",
}


def broken(folder: Path) -> None:
    for name, content in BROKEN.items():
        (folder / name).write_text(content, encoding="utf-8")


def test_every_problem_is_reported_at_once_with_file_row_column():
    with copy_of(MINI) as folder:
        broken(folder)
        with pytest.raises(TeamFolderError) as caught:
            load_team(folder)
    found = {(p.file, p.row, p.column) for p in caught.value.problems}
    assert found == {
        ("availability.csv", 3, "from"),  # overlaps row 2
        ("availability.csv", 4, "level"),  # sometimes
        ("availability.csv", 5, "from"),  # 12:00 before the support day (18:00)
        ("coverage.csv", 2, "max_agents"),  # 2 below 3
        ("agents.csv", 4, "mentors"),  # zoe
    }
    messages = " | ".join(p.message for p in caught.value.problems)
    for words in ("overlaps row 2", "not an availability level", "outside the support day",
                  "below min_agents", "mentor zoe"):
        assert words in messages


def test_validate_exits_2_without_traceback():
    with copy_of(MINI) as folder:
        broken(folder)
        result = CliRunner().invoke(app, ["validate", str(folder)])
    assert result.exit_code == 2
    assert "Traceback" not in result.output and "5 problems" in result.output


@RUN
@given(file=st.sampled_from(FILES), row=st.integers(0, 50), column=st.integers(0, 12),
       value=cells)
def test_any_cell(file: str, row: int, column: int, value: str) -> None:
    with copy_of(MINI) as folder:
        lines = [line.split(",") for line in
                 (folder / file).read_text(encoding="utf-8").splitlines()]
        cells_of = lines[row % len(lines)]
        cells_of[column % len(cells_of)] = value.replace(",", ";").replace("\n", " ")
        (folder / file).write_text("\n".join(",".join(c) for c in lines) + "\n",
                                   encoding="utf-8")
        loads_or_reports(folder)


def _paths(data: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    yield path
    if isinstance(data, dict):
        for key, value in data.items():
            yield from _paths(value, (*path, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from _paths(value, (*path, index))


@RUN
@given(choice=st.integers(0, 10**6),
       value=st.one_of(st.sampled_from(TOKENS), st.integers(-5, 60), st.none(),
                       st.lists(st.sampled_from(TOKENS), max_size=2),
                       st.dictionaries(st.sampled_from(TOKENS), st.integers(-2, 9), max_size=2)))
def test_any_yaml_value_of_the_new_blocks(choice: int, value: Any) -> None:
    with copy_of(MINI) as folder:
        data = yaml.safe_load((folder / "team.yaml").read_text(encoding="utf-8"))
        paths = [p for p in _paths(data) if p and p[0] in ("availability", "shifts")]
        target = paths[choice % len(paths)]
        node = data
        for key in target[:-1]:
            node = node[key]
        node[target[-1]] = value
        (folder / "team.yaml").write_text(yaml.safe_dump(data), encoding="utf-8")
        loads_or_reports(folder)


windows = st.lists(st.tuples(st.integers(36, 53), st.integers(1, 8)), min_size=1, max_size=5)


@RUN
@given(spans=windows)
def test_overlaps_are_reported_and_the_rest_read_exactly(spans: list[tuple[int, int]]) -> None:
    """Half-hour windows for Ana on Monday between 18:00 and 27:00."""
    spans = [(s, min(s + n, 54)) for s, n in spans if s < 54]
    lines = ["agent,day,from,to,level"] + [
        f"ana,mon,{s // 2:02d}:{s % 2 * 30:02d},{e // 2:02d}:{e % 2 * 30:02d},preferred"
        for s, e in spans]
    overlapping = {i + 3 for i, (s, e) in enumerate(spans[1:])
                   if any(s < e2 and s2 < e for s2, e2 in spans[:i + 1])}
    with copy_of(MINI) as folder:
        (folder / "availability.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
        if overlapping:
            with pytest.raises(TeamFolderError) as caught:
                load_team(folder)
            assert {p.row for p in caught.value.problems} == overlapping
            return
        prob = load_team(folder)
    levels = Levels(prob).of("ana")
    monday = {i for s, e in spans for i in range(s, e)}  # Monday's intervals count from 0
    assert {i for i in range(96) if levels[i] == Preference.PREFERRED} == monday


def test_validate_states_the_team_default():
    result = CliRunner().invoke(app, ["validate", str(MINI)], env={"COLUMNS": "200"})
    assert result.exit_code == 0
    assert "0 agents without rows follow the team default (unavailable)" in result.output


def test_balance_written_after_a_roster_is_read_by_the_next_week(tmp_path: Path):
    from scheduler.domain import Roster, Shift
    from scheduler.export.tables import write_roster_outputs
    from scheduler.solvers.result import SolveReport, SolveResult
    from scheduler.staffing import requirements
    from scheduler.staffing.fair_share import fair_targets

    prob = load_team(MINI)
    roster = Roster(shifts=(Shift(agent="ana", day=0, template="F-1800-0400"),))
    report = SolveReport(status="FEASIBLE", objective=0)
    written = write_roster_outputs(tmp_path / "out", prob, requirements(prob),
                                   SolveResult(roster, report))
    assert written.balance is not None
    targets = fair_targets(prob)
    # Ana worked 3.75 paid hours (4 h with a 15-minute break) of her target
    expected = {a: targets[a] / 60 for a in targets} | {"ana": (targets["ana"] - 225) / 60}
    with copy_of(MINI) as folder:
        shutil.copy(written.balance, folder / "balance.csv")
        carried = {b.agent: b.minutes / 60 for b in load_team(folder).balance}
    assert carried == pytest.approx(expected)
