"""Loading a team folder with a large availability.csv: 700 agents × 7 days × 42 half-hours,
205,800 rows (issue 26: "a 200,000-row availability.csv takes 8 s alone").

Run ``python -m benchmarks.availability_load`` (``--agents N`` for another size). The folder is
generated (fixtures/availability-team's team.yaml, one row per agent, day and half-hour of the
06:00-03:00 support day, levels drawn with NumPy) and loaded in a child process per reader:
``columns`` (the default: :mod:`scheduler.load.availability_columns`) and ``rows`` (the row
reader every file used before), on the same machine in the same run; ``--code DIR`` also loads
it with another checkout (e.g. main before the change). Printed and appended to
``benchmarks/results/availability_load.csv``: read_availability alone and the whole load_team
(wall and CPU seconds), peak memory and the load average.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import yaml

from benchmarks.results import append_rows, environment

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results" / "availability_load.csv"
LEVELS = ("preferred", "available", "if needed", "unavailable")

CHILD = """
import contextlib, json, resource, sys, time
from pathlib import Path
from unittest import mock
from scheduler.errors import Problems
from scheduler.load import load_team
import scheduler.load.availability as availability
from scheduler.load.files import Refs, read_agents
from scheduler.load.team_yaml import read_team

folder, mode = Path(sys.argv[1]), sys.argv[2]
patch = mock.patch.object(availability, "read_availability_columns", lambda *_: None,
                          create=True) if mode == "rows" else contextlib.nullcontext()
with patch:
    problems = Problems()
    team = read_team(folder, problems)
    refs = Refs(team.clock, tuple(team.templates), team.template_ids, team.queue_ids,
                rules=team.rules, day_starts_at=team.policy.day_starts_at)
    read_agents(folder, refs, problems)
    wall, cpu = time.perf_counter(), time.process_time()
    rows = availability.read_availability(folder, refs, problems)
    read = (time.perf_counter() - wall, time.process_time() - cpu)
    wall, cpu = time.perf_counter(), time.process_time()
    problem = load_team(folder)
    whole = (time.perf_counter() - wall, time.process_time() - cpu)
print(json.dumps({"rows": len(rows), "read_wall_s": round(read[0], 2),
                  "read_cpu_s": round(read[1], 2), "load_wall_s": round(whole[0], 2),
                  "load_cpu_s": round(whole[1], 2), "offers": len(problem.offers),
                  "peak_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)}))
"""


def write_team(folder: Path, agents: int, seed: int = 0) -> int:
    """A team folder of ``agents`` agents with one availability row per half-hour; row count."""
    from fixtures.availability import team_yaml

    rng = np.random.default_rng(seed)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "team.yaml").write_text(yaml.safe_dump(team_yaml(7), sort_keys=False))
    ids = [f"a{i:04d}" for i in range(agents)]
    (folder / "agents.csv").write_text("id,name\n" + "".join(f"{a},Agent {a}\n" for a in ids))
    clocks = [f"{m // 60:02d}:{m % 60:02d}" for m in range(360, 27 * 60 + 1, 30)]
    level = rng.choice(len(LEVELS), size=(agents, 7, len(clocks) - 1), p=(.5, .25, .1, .15))
    days = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
    lines = ["agent,day,from,to,level"] + [
        f"{a},{d},{clocks[k]},{clocks[k + 1]},{LEVELS[level[i, j, k]]}"
        for i, a in enumerate(ids) for j, d in enumerate(days) for k in range(len(clocks) - 1)]
    (folder / "availability.csv").write_text("\n".join(lines) + "\n")
    return len(lines) - 1


def run(folder: Path, mode: str, code: Path) -> dict[str, object]:
    """Load the folder in a child process with one reader (and one checkout)."""
    child = subprocess.run([sys.executable, "-c", CHILD, str(folder), mode], cwd=code,
                           capture_output=True, text=True, check=False,
                           env=os.environ | {"PYTHONPATH": str(code)})
    if child.returncode:
        raise SystemExit(f"{mode} failed:\n{child.stderr[-2000:]}")
    return json.loads(child.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    """Generate the folder, load it with each reader, print and record the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--agents", type=int, default=700)
    parser.add_argument("--code", type=Path, help="also load with this checkout (before)")
    parser.add_argument("--no-save", action="store_true")
    args = parser.parse_args(argv)
    folder = Path(tempfile.mkdtemp()) / "team"
    count = write_team(folder, args.agents)
    runs = [("columns", ROOT), ("rows", ROOT)] + ([("rows", args.code)] if args.code else [])
    found = []
    for mode, code in runs:
        row = {"agents": args.agents, "csv_rows": count, "reader": mode,
               "code": "this" if code == ROOT else str(code)} | run(folder, mode, code)
        row["load_avg"] = round(os.getloadavg()[0], 1)
        found.append(row)
        print("  ".join(f"{k}={v}" for k, v in row.items()), flush=True)
    base = found[-1]
    for key in ("read_cpu_s", "load_cpu_s"):
        ratio = float(str(base[key])) / max(float(str(found[0][key])), 1e-9)
        print(f"{key}: {base['reader']} ({base['code']}) / columns = {ratio:.1f}x")
    if not args.no_save:
        append_rows(RESULTS, [environment() | row for row in found])
    return 0


if __name__ == "__main__":
    sys.exit(main())
