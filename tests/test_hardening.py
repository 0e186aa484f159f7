"""What the fault-and-fuzz campaign broke (issue 22), one test per class of failure.

Numbers out of range, Rich markup in names, spreadsheet formulas, files that are not files,
huge rosters and cells, settings out of order: each is reported with file, row and column (or
shown as written) instead of a traceback, a hang, a live formula or a silently ignored file.
"""

from __future__ import annotations

import csv
import io
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import yaml
from openpyxl import load_workbook
from typer.testing import CliRunner

import scheduler.solvers.roster
from benchmarks.campaign import deadline, replace_file
from scheduler.cli import app
from scheduler.domain import Roster, Shift
from scheduler.errors import MAX_PER_KIND, InputProblem, TeamFolderError
from scheduler.export.cells import csv_safe
from scheduler.export.tables import roster_frame, roster_workbook, write_roster_csv
from scheduler.load import load_team
from scheduler.solvers.result import SolveReport, SolveResult
from scheduler.staffing import requirements

ROOT = Path(__file__).resolve().parents[1]

SMALL = ROOT / "fixtures" / "small"


def team_copy(tmp_path: Path) -> Path:
    folder = tmp_path / "team"
    shutil.copytree(SMALL, folder)
    (folder / "cover.csv").write_text("date,shift,required,under_weight,over_weight\n"
                                      "2026-11-30,E,2,50,1\n", encoding="utf-8")
    return folder


def set_cell(folder: Path, file: str, row: int, column: str, value: str) -> None:
    """Set one cell (``row`` is the file's line: the header is line 1)."""
    rows = list(csv.reader(io.StringIO((folder / file).read_text(encoding="utf-8"))))
    rows[row - 1][rows[0].index(column)] = value
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    (folder / file).write_text(buffer.getvalue(), encoding="utf-8")


def set_key(folder: Path, change: Callable[[dict[str, Any]], None]) -> None:
    data = yaml.safe_load((folder / "team.yaml").read_text(encoding="utf-8"))
    change(data)
    (folder / "team.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")


def problems_of(folder: Path) -> list[InputProblem]:
    with pytest.raises(TeamFolderError) as caught:
        load_team(folder)
    return caught.value.problems


def named(problems: list[InputProblem], file: str, row: int | None, column: str) -> bool:
    return any(p.file == file and p.row == row and p.column == column for p in problems)


# ------------------------------------------------------------------------ 2. numbers in range


@pytest.mark.parametrize(("file", "row", "column", "value"), [
    ("forecast.csv", 2, "aht_s", "1e308"),
    ("forecast.csv", 3, "volume", "1e12"),
    ("cover.csv", 2, "under_weight", "1e18"),
    ("cover.csv", 2, "required", "4294967296"),
    ("agents.csv", 2, "max_hours", "1e9"),
])
def test_huge_numbers_in_csv_name_the_cell(tmp_path: Path, file: str, row: int, column: str,
                                           value: str) -> None:
    folder = team_copy(tmp_path)
    set_cell(folder, file, row, column, value)
    problems = problems_of(folder)
    assert named(problems, file, row, column), problems
    assert "at most" in " ".join(p.fix for p in problems)


@pytest.mark.parametrize(("key", "change"), [
    ("rules.coverage.weight",
     lambda d: d["rules"].setdefault("coverage", {}).update(weight=9223372036854775807)),
    ("queues[0].priority", lambda d: d["queues"][0].update(priority=10**21)),
    ("rules.rest.weight", lambda d: d["rules"]["rest"].update(weight=10**6)),
])
def test_huge_numbers_in_team_yaml_name_the_key(tmp_path: Path, key: str,
                                                change: Callable[[dict[str, Any]], None]) -> None:
    folder = team_copy(tmp_path)
    set_key(folder, change)
    assert any(p.file == "team.yaml" and p.column == key and p.row
               for p in problems_of(folder))


def test_largest_accepted_numbers_give_a_model_cp_sat_accepts(tmp_path: Path) -> None:
    from scheduler.solvers.cpsat import build

    folder = team_copy(tmp_path)
    set_cell(folder, "cover.csv", 2, "under_weight", "100000")
    set_cell(folder, "forecast.csv", 2, "aht_s", "14400")
    set_cell(folder, "forecast.csv", 2, "volume", "10000")
    set_key(folder, lambda d: (d["queues"][0].update(priority=100),
                               d["rules"].setdefault("coverage", {}).update(weight=100000)))
    problem = load_team(folder)
    assert build(problem, requirements(problem)).model.validate() == ""


def test_a_model_the_solver_rejects_is_a_bug_report_not_advice() -> None:
    text = SolveReport(status="MODEL_INVALID").summary()
    assert "bug" in text and "input checks" in text
    assert "relax" not in text and "time-limit" not in text


def test_cli_gives_no_advice_for_a_rejected_model(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    result = SolveResult(None, SolveReport(status="MODEL_INVALID"))
    monkeypatch.setattr(scheduler.solvers.roster, "solve", lambda *a, **k: result)
    run = CliRunner().invoke(app, ["roster", str(team_copy(tmp_path)), "--out",
                                   str(tmp_path / "out"), "-q"])
    assert run.exit_code == 1
    assert "bug" in run.output and "relax" not in run.output


# ------------------------------------------------------------------------ 3. Rich markup


@pytest.mark.parametrize("command", ["validate", "staffing", "roster"])
def test_markup_in_names_is_shown_as_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                            command: str) -> None:
    folder = team_copy(tmp_path)
    set_key(folder, lambda d: d.update(team="Support [/b] team"))
    set_cell(folder, "agents.csv", 2, "name", "[bold]Ana[/]")
    roster = Roster(shifts=(Shift(agent="ana", day=0, template="E"),))
    report = SolveReport(status="FEASIBLE", objective=0, penalties={"coverage": 5},
                         worst={"coverage": ["[red]short[/red] for [bold]Ana[/]"]})
    monkeypatch.setattr(scheduler.solvers.roster, "solve",
                        lambda *a, **k: (k["on_progress"](_progress()) if k.get("on_progress")
                                         else None) or SolveResult(roster, report))
    extra = ["--out", str(tmp_path / "out"), "--time-limit", "1"] if command == "roster" else []
    for quiet in ([], ["--quiet"]) if command == "roster" else ([],):
        run = CliRunner().invoke(app, [command, str(folder), *extra, *quiet])
        assert run.exception is None or isinstance(run.exception, SystemExit), run.exception
        assert run.exit_code == 0, run.output
        assert "Support [/b] team" in run.output
    if command == "roster":
        assert "[red]short[/red] for [bold]Ana[/]" in run.output


def _progress() -> Any:
    from types import SimpleNamespace

    return SimpleNamespace(objective=1, bound=0.0, gap=None, elapsed_s=0.1, solutions=1)


# ------------------------------------------------------------------------ 4. formulas


FORMULAS = ['=HYPERLINK("http://example.com","click")', "@SUM(A1)", "+1+2", "-2+3"]


def test_names_never_become_formulas(tmp_path: Path) -> None:
    folder = team_copy(tmp_path)
    for row, name in enumerate(FORMULAS, start=2):
        set_cell(folder, "agents.csv", row, "name", name)
    problem = load_team(folder)
    roster = Roster(shifts=(Shift(agent="ana", day=0, template="E"),))
    wb = roster_workbook(problem, roster, requirements(problem), pd.DataFrame(
        columns=["agent", "interval", "queue"]))
    path = tmp_path / "r.xlsx"
    wb.save(path)
    sheet = load_workbook(path).worksheets[0]
    names = [sheet.cell(row=r, column=2) for r in range(2, 2 + len(FORMULAS))]
    assert [c.value for c in names] == FORMULAS
    assert all(c.data_type == "s" for c in names)
    frame = roster_frame(problem, roster, pd.DataFrame(columns=["agent", "interval", "queue"]))
    frame.loc[0, "agent_name"] = FORMULAS[0]
    text = write_roster_csv(tmp_path / "r.csv", frame).read_text(encoding="utf-8")
    assert "'=HYPERLINK(" in text and ",=HYPERLINK" not in text


def test_csv_safe_leaves_numbers_and_plain_text() -> None:
    frame = pd.DataFrame({"name": ["@x", "Ana", "-1", "\tx"], "hours": [-1.5, 2.0, 3.0, 0.0]})
    safe = csv_safe(frame)
    assert list(safe["name"]) == ["'@x", "Ana", "'-1", "'\tx"]
    assert list(safe["hours"]) == [-1.5, 2.0, 3.0, 0.0]


def test_ids_cannot_start_like_a_formula(tmp_path: Path) -> None:
    folder = team_copy(tmp_path)
    set_cell(folder, "agents.csv", 2, "id", "@ana")
    assert named(problems_of(folder), "agents.csv", 2, "id")


# ------------------------------------------------------------------------ 5. not files


@pytest.mark.parametrize(("file", "fault", "words"), [
    ("forecast.csv", "fifo", "named pipe"),
    ("team.yaml", "fifo", "named pipe"),
    ("time_off.csv", "broken_link", "broken link"),
    ("cover.csv", "link_loop", "link loop"),
    ("last_roster.csv", "folder", "folder"),
])
def test_files_that_are_not_files(tmp_path: Path, file: str, fault: str, words: str) -> None:
    folder = team_copy(tmp_path)
    replace_file(folder, file, fault, SMALL)
    with deadline(20):
        problems = problems_of(folder)
    assert any(p.file == file and words in p.message for p in problems), problems


# ------------------------------------------------------------------------ 6. bounded work


def test_check_on_a_huge_roster_lists_a_few_problems_and_counts_the_rest(tmp_path: Path) -> None:
    folder = team_copy(tmp_path)
    roster = tmp_path / "roster.csv"
    roster.write_text("agent,date,shift\n" + "ana,2026-11-30,E\n" * 20_000, encoding="utf-8")
    run = CliRunner().invoke(app, ["check", str(folder), str(roster)])
    assert run.exit_code == 2
    assert "19999 problems in" in run.output  # every duplicate counted
    assert "19979 more" in run.output  # 20 listed
    assert len(run.output) < 100_000
    assert run.output.count("already has a shift") <= MAX_PER_KIND


def test_an_oversized_cell_names_row_and_column(tmp_path: Path) -> None:
    folder = team_copy(tmp_path)
    set_cell(folder, "agents.csv", 3, "name", "x" * 200_000)
    assert named(problems_of(folder), "agents.csv", 3, "name")


# ------------------------------------------------------------------------ 7. order and range


@pytest.mark.parametrize(("key", "change"), [
    ("rules.weekends.weekend_days", lambda d: d["rules"].update(weekends={"weekend_days": [7]})),
    ("rules.weekends.weekend_days",
     lambda d: d["rules"].update(weekends={"weekend_days": [5, 5]})),
    ("rules.consecutive",
     lambda d: d["rules"].update(consecutive={"min_days": 3, "max_days": 2})),
])
def test_settings_out_of_range_or_order(tmp_path: Path, key: str,
                                        change: Callable[[dict[str, Any]], None]) -> None:
    folder = team_copy(tmp_path)
    set_key(folder, change)
    assert any(p.file == "team.yaml" and p.column == key for p in problems_of(folder))


def test_an_agents_shortest_run_above_the_teams_longest(tmp_path: Path) -> None:
    folder = team_copy(tmp_path)
    text = (folder / "agents.csv").read_text(encoding="utf-8").splitlines()
    text[0] += ",min_consecutive_days"
    text[1:] = [line + "," for line in text[1:]]
    text[2] += "7"  # the team's rules.consecutive.max_days is 6
    (folder / "agents.csv").write_text("\n".join(text) + "\n", encoding="utf-8")
    assert named(problems_of(folder), "agents.csv", 3, "min_consecutive_days")
