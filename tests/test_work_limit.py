"""`scheduler roster --work-limit`: the solve stops on CP-SAT's deterministic clock, so two runs
give the same roster, byte for byte, whatever else the machine is doing."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from scheduler.cli import app

SMALL = Path(__file__).resolve().parents[1] / "fixtures" / "small"


def test_roster_at_a_work_limit_is_the_same_roster_twice(tmp_path: Path) -> None:
    runs = []
    for name in ("one", "two"):
        out = tmp_path / name
        result = CliRunner().invoke(app, ["roster", str(SMALL), "--out", str(out), "--quiet",
                                          "--work-limit", "0.3", "--time-limit", "600",
                                          "--workers", "2", "--seed", "1"])
        assert result.exit_code == 0, result.output
        report = json.loads((out / "solve-report.json").read_text())
        assert report["work_limit"] == 0.3 and report["time_limit_s"] == 600
        assert report["stopped_by"] != "time limit"
        runs.append((out / "roster.csv").read_bytes())
    assert runs[0] == runs[1]


def test_a_work_limit_below_its_minimum_is_refused_with_exit_2(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["roster", str(SMALL), "--out", str(tmp_path / "x"),
                                      "--work-limit", "0"])
    assert result.exit_code == 2
    assert "--work-limit" in result.output
    assert not (tmp_path / "x").exists()
