"""``scheduler forecast`` end to end: history → forecast.csv → roster; bad input exits 2 with
nothing written."""

from __future__ import annotations

import csv
import os
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from scheduler.cli import app
from scheduler.forecast.report import forecast_section
from scheduler.load import load_team

from .helpers import ACME, SMALL, small_history, team_copy

runner = CliRunner()
START = date(2026, 11, 30)
OUTPUTS = ("forecast.csv", "forecast-bands.csv", "forecast-backtest.csv", "forecast.svg")


def run(*args: object) -> Any:
    return runner.invoke(app, [str(a) for a in args], env={"COLUMNS": "200"})


@pytest.fixture(scope="module")
def history(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("history")
    small_history(folder, 5, START)
    return folder / "counts.csv"


def volumes(path: Path) -> dict[tuple[str, str], float]:
    with path.open() as handle:
        return {(r["interval_start"], r["queue"]): float(r["volume"])
                for r in csv.DictReader(handle)}


def test_forecast_then_roster_on_the_small_team(tmp_path: Path, history: Path) -> None:
    team = team_copy(SMALL, tmp_path / "team")
    result = run("forecast", team, "--history", history)
    assert result.exit_code == 0, result.output
    assert "Backtest, one week ahead" in result.output and "Median 4 wk" in result.output
    for name in OUTPUTS:
        assert (team / name).is_file()
    written = volumes(team / "forecast.csv")
    problem = load_team(team)  # the team folder reads it as it is
    assert {(f"{r.start:%Y-%m-%d %H:%M}", r.queue): r.volume for r in problem.forecast} \
        == pytest.approx(written, abs=0.006)
    assert {r.start.date() for r in problem.forecast} == {START + timedelta(days=d)
                                                           for d in range(problem.days)}
    roster = run("roster", team, "--out", tmp_path / "out", "--time-limit", "10",
                 "--workers", "1", "--quiet", "--report")
    assert roster.exit_code == 0, roster.output
    assert (tmp_path / "out" / "roster.csv").is_file()
    page = (tmp_path / "out" / "report.html").read_text()
    assert '<section id="forecast"' in page and 'data-queue="phone"' in page
    assert 'id="series-chat-forecast"' in page and 'id="series-chat-band80"' in page
    later = (team / "forecast-backtest.csv").stat().st_mtime + 60
    os.utime(team / "forecast.csv", (later, later))  # edited by hand after the forecast
    assert forecast_section(team) is None


def test_quantile_and_evaluate(tmp_path: Path, history: Path) -> None:
    team = team_copy(SMALL, tmp_path / "team")
    mean_out, safe_out = tmp_path / "mean" / "forecast.csv", tmp_path / "safe" / "forecast.csv"
    assert run("forecast", team, "--history", history, "--out", mean_out).exit_code == 0
    safe = run("forecast", team, "--history", history, "--out", safe_out, "--quantile", "0.8")
    assert safe.exit_code == 0, safe.output
    mean, high = volumes(mean_out), volumes(safe_out)
    assert mean.keys() == high.keys()
    assert sum(high.values()) > 1.1 * sum(mean.values())
    week = run("forecast", team, "--history", history, "--evaluate",
               str(START - timedelta(weeks=1)))
    assert week.exit_code == 0, week.output
    assert "forecast against what arrived" in week.output
    assert not (team / "forecast.csv").exists()  # evaluating writes nothing


def test_bad_history_exits_2_and_writes_nothing(tmp_path: Path, history: Path) -> None:
    team = team_copy(SMALL, tmp_path / "team")
    wrong = tmp_path / "agents.csv"
    wrong.write_text("agent,name\nana,Ana\n")
    result = run("forecast", team, "--history", wrong, "--history", history)
    assert result.exit_code == 2
    assert "agents.csv" in result.output and "neither a ticket export" in result.output
    late = tmp_path / "late"
    late.mkdir()
    small_history(late, 4, START + timedelta(weeks=2))
    result = run("forecast", team, "--history", late / "counts.csv")
    assert result.exit_code == 2 and "after the planning week" in result.output
    result = run("forecast", team, "--history", history, "--evaluate", "last week")
    assert result.exit_code == 2 and "YYYY-MM-DD" in result.output
    assert not any((team / name).exists() for name in OUTPUTS)


def test_bad_forecast_settings_name_the_key(tmp_path: Path, history: Path) -> None:
    team = team_copy(SMALL, tmp_path / "team", extra="forecast:\n  closed: [someday]\n"
                     "  origins: 0\n")
    result = run("forecast", team, "--history", history)
    assert result.exit_code == 2
    assert "forecast.closed" in result.output and "forecast.origins" in result.output


@pytest.mark.slow
def test_acme_from_a_generated_history_to_a_roster(tmp_path: Path) -> None:
    from fixtures.history import ACME_YAML, acme_history

    team = team_copy(ACME, tmp_path / "acme", extra=ACME_YAML)
    acme_history(tmp_path / "history", weeks=10)
    result = run("forecast", team, "--history", tmp_path / "history")
    assert result.exit_code == 0, result.output
    assert len(load_team(team).forecast) > 500
    roster = run("roster", team, "--out", tmp_path / "out", "--time-limit", "120",
                 "--work-limit", "0.5", "--quiet")
    assert roster.exit_code == 0, roster.output
