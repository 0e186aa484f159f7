"""``scheduler check`` on oversized rosters: time and peak memory against roster size.

A roster of N rows that repeats one shift (every row after the first is a duplicate) is read
for fixtures/small, as ``scheduler check`` does. Memory should stay flat (problems beyond the
first 20 per file and column are counted, rows are read one at a time) and time grow linearly.
Prints one line per size with the ratios against the smallest size; run
``python -m benchmarks.check_scale``.
"""

from __future__ import annotations

import tempfile
import time
import tracemalloc
from pathlib import Path

from scheduler.errors import TeamFolderError
from scheduler.load import load_team, read_roster

ROOT = Path(__file__).resolve().parents[1]
SIZES = (1_000, 10_000, 100_000, 260_000)


def measure(rows: int) -> tuple[float, int, int]:
    """Seconds, peak traced bytes and problems found for a roster of ``rows`` rows."""
    problem = load_team(ROOT / "fixtures" / "small")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "roster.csv"
        path.write_text("agent,date,shift\n" + "ana,2026-11-30,E\n" * rows, encoding="utf-8")
        tracemalloc.start()
        started = time.perf_counter()
        try:
            read_roster(path, problem)
            found = 0
        except TeamFolderError as exc:
            found = exc.total
        seconds = time.perf_counter() - started
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return seconds, peak, found


def main() -> None:
    base: tuple[float, int, int] | None = None
    for rows in SIZES:
        seconds, peak, found = measure(rows)
        base = base or (seconds, peak, found)
        print(f"{rows:>8} rows: {seconds:6.2f} s ({seconds / base[0]:6.1f}x), peak "
              f"{peak / 2**20:6.1f} MB ({peak / base[1]:5.1f}x), {found} problems")


if __name__ == "__main__":
    main()
