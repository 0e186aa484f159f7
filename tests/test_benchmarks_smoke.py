"""Smoke tests of the benchmark entries: each on its smallest case with a 5 s limit.

They check that the rows are well-formed and that every roster passed its checks; they never
assert timings. The Curtois instances are in the repository (``benchmarks/data/curtois``);
pyworkforce is an optional peer: tests needing it skip with a reason.
"""

from __future__ import annotations

import csv
import math
from pathlib import Path

import pytest

from benchmarks import curtois, peers, whatif
from benchmarks.curtois_format import check_schedule, read_instance
from benchmarks.peers_plain_cpsat import solve_plain

ROOT = Path(__file__).resolve().parents[1]

DATA = ROOT / "benchmarks" / "data" / "curtois"
LIMIT = 5.0

needs_pyworkforce = pytest.mark.skipif(
    peers.pyworkforce_version() is None,
    reason="pyworkforce is not installed (pip install pyworkforce, the 'bench' extra)")


def well_formed(rows: list[dict[str, object]], comparison: str) -> None:
    """Every row has exactly the peers columns, names its comparison, case and solver."""
    assert rows
    for row in rows:
        assert tuple(row) == peers.COLUMNS
        assert row["comparison"] == comparison
        assert row["case"] and row["solver"] and row["status"]


def test_curtois_engine_on_instance1() -> None:
    assert curtois.main(["1", "--time-limit", str(LIMIT), "--no-save", "--data", str(DATA)]) == 0


def test_plain_cpsat_on_instance1_passes_the_independent_check() -> None:
    inst = read_instance(DATA / "Instance1.txt")
    result = solve_plain(inst, time_limit=LIMIT, workers=2)
    assert result.status in ("OPTIMAL", "FEASIBLE")
    assert result.objective is not None
    objective, errors = check_schedule(inst, result.plan)
    assert errors == []
    assert objective == result.objective == result.solver_objective
    best, lower = curtois.best_known(DATA)["Instance1"]
    assert objective >= lower


def test_peers_curtois_rows() -> None:
    rows, clean = peers.curtois_rows(["1"], DATA, LIMIT, 2, 0)
    assert clean
    well_formed(rows, "curtois")
    assert [r["solver"] for r in rows] == ["plain CP-SAT", "ours"]
    for row in rows:
        assert row["case"] == "Instance1"
        assert str(row["checks"]).startswith("ok")
        assert isinstance(row["objective"], int) and row["best_known"] == 607


@needs_pyworkforce
def test_peers_staffing_rows() -> None:
    rows = peers.staffing_rows(seed=0)
    well_formed(rows, "staffing")
    ours, theirs = rows
    n = ours["intervals"]
    assert isinstance(n, int) and n > 0
    assert isinstance(ours["per_s"], int) and isinstance(theirs["per_s"], int)
    for column in ("same_base", "same_scheduled"):
        same, total = map(int, str(theirs[column]).split("/"))
        assert total == n and 0 <= same <= n


@needs_pyworkforce
def test_peers_scheduling_rows() -> None:
    rows, clean = peers.scheduling_rows(LIMIT, 2, 0)
    assert clean
    well_formed(rows, "scheduling")
    assert len(rows) == 4
    for row in rows:
        for column in ("under_h", "over_h", "scheduled_h"):
            value = row[column]
            assert isinstance(value, float) and not math.isnan(value) and value >= 0
        assert isinstance(row["shifts"], int) and row["shifts"] > 0
    assert all(str(r["checks"]) == "checks ok" for r in rows if str(r["solver"]).startswith("ours"))


def test_peers_cli_appends_well_formed_csv(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                           ) -> None:
    out = tmp_path / "peers.csv"
    monkeypatch.setattr(peers, "RESULTS", out)
    assert peers.main(["--quick", "--only", "staffing"]) == 0
    if peers.pyworkforce_version() is None:
        assert not out.exists()  # nothing measured, nothing written
        pytest.skip("pyworkforce is not installed: the staffing comparison was skipped")
    with out.open(newline="") as handle:
        reader = csv.DictReader(handle)
        found = list(reader)
    assert reader.fieldnames is not None
    assert set(peers.COLUMNS) <= set(reader.fieldnames)
    assert {"date", "machine", "ortools", "pyworkforce", "time_limit", "workers"} <= set(
        reader.fieldnames)
    assert len(found) == 2 and all(r["comparison"] == "staffing" for r in found)


@pytest.mark.slow
@pytest.mark.dask
def test_whatif_benchmark_on_small(capsys: pytest.CaptureFixture[str]) -> None:
    assert whatif.main(["--team", str(ROOT / "fixtures/small"), "--scenarios",
                        str(ROOT / "tests/data/small-two-scenarios.yaml"), "--work-limit", "0.2",
                        "--hire", "skills=chat,phone; hours=0-24", "--max-hires", "4",
                        "--no-save"]) == 0
    printed = capsys.readouterr().out
    assert printed.count("same_rosters=True") == 3
    assert "headcount search" in printed and "answer=" in printed
