"""scheduler absence / requests / roster --publish: parse, call, print; bad input exit 2."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from scheduler.cli import app

ROOT = Path(__file__).resolve().parents[2]
runner = CliRunner(env={"COLUMNS": "250"})


@pytest.fixture
def team(tmp_path: Path) -> Path:
    """fixtures/small with its roster published as the product writes it (every column)."""
    folder = tmp_path / "team"
    shutil.copytree(ROOT / "fixtures" / "small", folder)
    shutil.copy(ROOT / "tests" / "data" / "published" / "small-roster.csv",
                folder / "published_roster.csv")
    return folder


def test_absence_prints_options_and_writes_the_one_taken(team: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    done = runner.invoke(app, ["absence", str(team), "--agent", "ana", "--from", "2026-12-01",
                               "--to", "2026-12-02", "--options", "1", "--work-limit", "0.3",
                               "--prefer", "coverage", "--out", str(out)])
    assert done.exit_code == 0, done.output
    assert "Ways to cover the gap" in done.output and "Ana Berg" in done.output
    changes = (out / "changes.csv").read_text().splitlines()
    assert changes[0] == "agent,agent_name,date,weekday,before,after"
    assert "ana,Ana Berg,2026-12-01,Tue,E," in changes
    roster = (out / "roster.csv").read_text()
    assert "ana,Ana Berg,2026-11-30" in roster and "ana,Ana Berg,2026-12-01" not in roster
    updates = sorted(p.stem for p in (out / "calendar-updates").glob("*.ics"))
    assert "ana" in updates
    assert set(updates) >= {line.split(",")[0] for line in changes[1:]}


@pytest.mark.parametrize(("options", "column"), [
    (["--agent", "zoe", "--from", "2026-12-01", "--to", "2026-12-01"], "--agent"),
    (["--agent", "ana", "--from", "2026-12-08", "--to", "2026-12-09"], "--from"),
    (["--agent", "ana", "--from", "2026-12-01", "--to", "2027-01-09"], "--to"),
    (["--agent", "ana", "--from", "2026-12-01", "--to", "2026-12-01", "--at",
      "2026-11-29T08:00"], "--at"),
    (["--agent", "ana", "--from", "1 Dec", "--to", "2026-12-01"], "--from"),
])
def test_absence_bad_input_exit_2_nothing_written(team: Path, tmp_path: Path,
                                                  options: list[str], column: str) -> None:
    out = tmp_path / "out"
    done = runner.invoke(app, ["absence", str(team), *options, "--out", str(out)])
    assert done.exit_code == 2, done.output
    assert column in done.output and "Traceback" not in done.output
    assert not out.exists()


def test_requests_grant_unknown_id_exit_2(team: Path) -> None:
    text = (team / "time_off.csv").read_text()
    done = runner.invoke(app, ["requests", str(team), "--grant", "nobody-2026-12-01"])
    assert done.exit_code == 2 and "nobody-2026-12-01" in done.output
    assert (team / "time_off.csv").read_text() == text
    done = runner.invoke(app, ["requests", str(team), "--grant", "ben-2026-12-02"])
    assert done.exit_code == 0, done.output
    assert "ben,2026-12-02 13:00,2026-12-02 18:00,approved" in (team / "time_off.csv").read_text()


def test_requests_recommends(team: Path) -> None:
    done = runner.invoke(app, ["requests", str(team), "--work-limit", "0.3"])
    assert done.exit_code == 0, done.output
    assert "ben-2026-12-02" in done.output and ("grant" in done.output
                                                or "decline" in done.output)


def test_the_products_roster_csv_is_a_published_roster(team: Path) -> None:
    from scheduler.load import load_team, read_roster

    problem = load_team(team)  # published_roster.csv has every column roster.csv has
    assert problem.reference and set(problem.reference) == set(
        read_roster(team / "published_roster.csv", problem).shifts)


def test_roster_publish_writes_published_roster(team: Path, tmp_path: Path) -> None:
    (team / "published_roster.csv").unlink()
    done = runner.invoke(app, ["roster", str(team), "--out", str(tmp_path / "out"), "--quiet",
                               "--time-limit", "20", "--publish"])
    assert done.exit_code == 0, done.output
    assert (team / "published_roster.csv").read_bytes() == (
        tmp_path / "out" / "roster.csv").read_bytes()
