"""The command line: exit codes, error tables instead of tracebacks, files written.

Tests on ``fixtures/small`` run the real loader and solver; the others patch the scheduler
functions the CLI calls (by their real names), so they test the CLI alone.
"""

from __future__ import annotations

import types
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import typer
from test_export import PLAN, ROSTER, make_problem
from typer.testing import CliRunner

import scheduler.check
import scheduler.load
import scheduler.solvers.roster
import scheduler.staffing
from scheduler.cli import app
from scheduler.errors import InputProblem, TeamFolderError
from scheduler.evaluation import Evaluation, Violation
from scheduler.export import tables
from scheduler.solvers.result import SolveReport, SolveResult

ROOT = Path(__file__).resolve().parents[1]
SMALL = ROOT / "fixtures" / "small"
runner = CliRunner()


@pytest.fixture
def team(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A team folder whose loading gives the hand-built problem of test_export."""
    folder = tmp_path / "team"
    folder.mkdir()
    monkeypatch.setattr(scheduler.load, "load_team", lambda path: make_problem())
    monkeypatch.setattr(tables, "covering_plan", lambda problem, needs, roster: PLAN)
    return folder


def run(*args: str) -> Any:
    result = runner.invoke(app, [str(a) for a in args])
    assert "Traceback" not in result.output
    return result


# ---------------------------------------------------------------------------------------------
# Usage


def test_version() -> None:
    result = run("--version")
    assert result.exit_code == 0
    assert result.output.startswith("support-scheduler ")


def test_help_has_examples() -> None:
    result = run("--help")
    assert result.exit_code == 0
    for command in ("validate", "staffing", "roster", "check"):
        assert f"scheduler {command} fixtures/small" in result.output


def test_unknown_option_is_usage_error(tmp_path: Path) -> None:
    assert run("roster", tmp_path, "--out", tmp_path / "o", "--workers", "0").exit_code == 2
    assert run("roster", tmp_path).exit_code == 2  # --out is required


def test_validate_missing_folder_exits_2(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # a short path, so the message is not wrapped
    result = run("validate", "nope")
    assert result.exit_code == 2
    assert "does not exist" in result.output


def test_team_folder_error_is_a_table(team: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    problem = InputProblem(file="agents.csv", row=4, column="skills", value="phnoe",
                           message="unknown queue 'phnoe'", fix="use one of: phone, chat")

    def broken(path: Path) -> None:
        raise TeamFolderError([problem], str(path))

    monkeypatch.setattr(scheduler.load, "load_team", broken)
    for command in (["validate"], ["staffing"], ["roster", "--out", str(team / "out")]):
        result = run(command[0], team, *command[1:])
        assert result.exit_code == 2
        for text in ("agents.csv", "skills", "phnoe", "unknown queue", "use one of"):
            assert text in result.stderr
    assert not (team / "out").exists()


# ---------------------------------------------------------------------------------------------
# Commands with the scheduler stubbed


def test_validate_summary(team: Path) -> None:
    result = run("validate", team)
    assert result.exit_code == 0
    assert "is valid" in result.output
    assert "1 approved, 0 pending" in result.output
    assert "2025-03-03" in result.output


def test_staffing_table_and_csv(team: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    needs = pd.DataFrame({"interval": [14, 15, 62], "queue": ["phone"] * 3, "volume": 1.0,
                          "aht_s": 300.0, "agents": [1, 2, 3]})
    monkeypatch.setattr(scheduler.staffing, "requirements", lambda problem: needs)
    result = run("staffing", team, "--out", team / "needs.csv")
    assert result.exit_code == 0
    assert "Mon 2025-03-03" in result.output and "Tue 2025-03-04" in result.output
    assert "3.0" in result.output  # total agent-hours
    written = pd.read_csv(team / "needs.csv")
    assert list(written["start"]) == ["2025-03-03T07:00+01:00", "2025-03-03T07:30+01:00",
                                     "2025-03-04T07:00+01:00"]
    assert list(written["agents"]) == [1, 2, 3]


def stub_solve(monkeypatch: pytest.MonkeyPatch, result: SolveResult) -> list[dict[str, Any]]:
    calls: list[dict[str, Any]] = []

    def solve(problem: Any, needs: pd.DataFrame, **options: Any) -> SolveResult:
        calls.append(options)
        if options.get("on_progress"):
            progress = types.SimpleNamespace(objective=12, bound=10.0, gap=0.17, elapsed_s=0.5,
                                             solutions=2)
            options["on_progress"](progress)
        return result

    monkeypatch.setattr(scheduler.solvers.roster, "solve", solve)
    return calls


def test_roster_writes_three_files(team: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    report = SolveReport(status="OPTIMAL", objective=12, bound=12.0, gap=0.0,
                         penalties={"coverage": 10, "fairness": 2, "rest": 0},
                         worst={"coverage": ["Mon 07:00 phone: 1 agent short"]})
    evaluation = Evaluation((Violation("coverage", "Mon 07:00 phone: 1 agent short", penalty=10),
                             Violation("fairness", "Ana works more late shifts", penalty=2)))
    calls = stub_solve(monkeypatch, SolveResult(ROSTER, report, evaluation))
    out = team / "out"
    result = run("roster", team, "--out", out, "--time-limit", "5", "--workers", "1",
                 "--seed", "3")
    assert result.exit_code == 0, result.output
    assert calls[0]["time_limit"] == 5.0 and calls[0]["workers"] == 1 and calls[0]["seed"] == 3
    assert sorted(p.name for p in out.iterdir()) == [
        "roster.csv", "roster.xlsx", "solve-report.json"]
    assert "coverage" in result.output and "83%" in result.output
    assert "1 agent short" in result.output


def test_roster_infeasible_writes_nothing(team: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    report = SolveReport(status="INFEASIBLE",
                         conflict=["Ben's approved time off on Tue and the 2 late shifts needed"])
    stub_solve(monkeypatch, SolveResult(None, report))
    result = run("roster", team, "--out", team / "out", "--quiet")
    assert result.exit_code == 1
    assert "approved time off" in result.output
    assert not (team / "out").exists()


def test_roster_unwritable_output_exits_2(team: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    stub_solve(monkeypatch, SolveResult(ROSTER, SolveReport(status="FEASIBLE", objective=0)))
    (team / "file").write_text("")
    result = run("roster", team, "--out", team / "file" / "out", "-q")
    assert result.exit_code == 2
    assert "Cannot write" in result.stderr


def stub_check(monkeypatch: pytest.MonkeyPatch, evaluation: Evaluation) -> None:
    monkeypatch.setattr(scheduler.load, "read_roster", lambda path, problem: ROSTER)
    monkeypatch.setattr(scheduler.check, "check", lambda problem, roster, needs: evaluation)


def test_check_clean_roster(team: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    stub_check(monkeypatch, Evaluation((Violation("fairness", "Ana works 2 late shifts",
                                                  penalty=4, agent="ana"),)))
    (team / "roster.csv").write_text("agent,date,shift\n")
    result = run("check", team, team / "roster.csv")
    assert result.exit_code == 0
    assert "no hard rule broken" in result.output and "penalty 4" in result.output
    assert "Ana works 2 late shifts" in result.output


def test_check_hard_violation_exits_1(team: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    stub_check(monkeypatch, Evaluation((Violation(
        "rest", "Ana has 6.5 hours of rest between Mon and Tue", hard=True, agent="ana", day=1),)))
    (team / "roster.csv").write_text("agent,date,shift\n")
    result = run("check", team, team / "roster.csv")
    assert result.exit_code == 1
    assert "6.5 hours of rest" in result.output and "Tue 2025-03-04" in result.output


def test_check_bad_roster_file_exits_2(team: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(path: Path, problem: Any) -> None:
        raise TeamFolderError([InputProblem("roster.csv", 2, "shift", "X", "unknown shift",
                                            "use one of: E, L, N")])

    monkeypatch.setattr(scheduler.load, "read_roster", broken)
    (team / "roster.csv").write_text("agent,date,shift\nana,2025-03-03,X\n")
    result = run("check", team, team / "roster.csv")
    assert result.exit_code == 2
    assert "unknown shift" in result.stderr


# ---------------------------------------------------------------------------------------------
# The real thing on fixtures/small


def test_validate_small() -> None:
    result = run("validate", SMALL)
    assert result.exit_code == 0, result.output
    assert "is valid" in result.output


def test_staffing_small(tmp_path: Path) -> None:
    result = run("staffing", SMALL, "--out", tmp_path / "needs.csv")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "needs.csv").is_file()


def test_roster_then_check_small(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = run("roster", SMALL, "--out", out, "--time-limit", "10")
    assert result.exit_code == 0, result.output
    for name in ("roster.csv", "roster.xlsx", "solve-report.json"):
        assert (out / name).is_file()
    result = run("check", SMALL, out / "roster.csv")
    assert result.exit_code == 0, result.output


def test_a_validation_error_reaching_the_cli_is_a_problem_table(
        capsys: pytest.CaptureFixture[str]) -> None:
    from pydantic import BaseModel

    from scheduler.cli.console import input_errors

    class Weights(BaseModel):
        weight: int

    with pytest.raises(typer.Exit) as info, input_errors(Path("rules.yaml")):
        Weights(weight="heavy")  # type: ignore[arg-type]
    assert info.value.exit_code == 2
    text = " ".join(capsys.readouterr().err.split())
    assert "1 problem in rules.yaml" in text and "weight" in text and "heavy" in text
    assert "pydantic" not in text and "validation error" not in text
