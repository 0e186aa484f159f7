"""Benchmark figures appended to an existing CSV land under their own column names."""

from __future__ import annotations

import csv
from pathlib import Path

from benchmarks.results import append_rows


def test_rows_follow_the_existing_header_whatever_their_key_order(tmp_path: Path) -> None:
    path = tmp_path / "runs.csv"
    append_rows(path, [{"instance": "I13", "objective": None, "checks": "no roster"},
                       {"instance": "I15", "objective": 11186, "checks": "ok",
                        "stopped_by": "time limit"}])
    # a later run's row has the same names in another order, and one the file lacks
    append_rows(path, [{"instance": "I13", "stopped_by": "time limit", "objective": 9657,
                        "checks": "ok", "first_s": 58.2}])
    with path.open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0]) == ["instance", "objective", "checks", "stopped_by"]
    assert rows[2] == {"instance": "I13", "objective": "9657", "checks": "ok",
                       "stopped_by": "time limit"}
