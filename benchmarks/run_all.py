"""Run every benchmark in turn and print its table (``make bench``).

Each benchmark appends its rows to ``benchmarks/results/*.csv``. Pass ``--quick`` for a short
run (small cases, 5-second limits) that checks everything still works end to end.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent

FULL = [
    ["staffing_speed"],
    ["roster_scaling"],
    ["roster_scaling", "--kind", "availability"],
    ["curtois"],
    ["peers"],
    ["calendars"],
    ["whatif"],
]
QUICK = [
    ["staffing_speed"],
    ["roster_scaling", "--sizes", "25", "--time-limit", "10", "--no-save"],
    ["roster_scaling", "--kind", "availability", "--sizes", "25", "--time-limit", "20",
     "--no-save"],
    ["curtois", "1", "2", "--time-limit", "5", "--no-save"],
    ["peers", "--quick"],
    ["calendars", "--no-save"],
    ["whatif", "--team", "fixtures/small", "--scenarios", "fixtures/small-scenarios.yaml",
     "--work-limit", "0.2", "--hire", "skills=chat,phone; hours=0-24", "--no-save"],
]


def main() -> int:
    """Run the benchmarks; the exit code is the first failure's, else 0."""
    failed = 0
    for args in QUICK if "--quick" in sys.argv else FULL:
        print(f"\n=== {' '.join(args)}", flush=True)
        code = subprocess.run([sys.executable, "-m", f"benchmarks.{args[0]}", *args[1:]],
                              cwd=HERE.parent, check=False)
        failed = failed or code.returncode
    return failed


if __name__ == "__main__":
    sys.exit(main())
