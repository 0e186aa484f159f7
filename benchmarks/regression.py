"""Regression harness for engine refactors: same model, same roster, byte for byte.

For every fixture and every Curtois instance it records the SHA-256 of the CP-SAT model as
built (the proto in text form) and, for the fixtures, of the roster (its shifts and covering
plan: what roster.csv says, independent of the file's format) solved at
a fixed seed, worker count and deterministic work limit (a generous wall clock, so that the
run stops on CP-SAT's deterministic clock and a busy machine cannot change it); Curtois 5, 8
and 12 (one per solve plan: small, medium, large) are solved the same way.

Usage::

    python -m benchmarks.regression record  benchmarks/results/regression.json
    python -m benchmarks.regression compare benchmarks/results/regression.json

``compare`` exits 1 and lists what differs.
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path
from typing import Any

from benchmarks.curtois import DEFAULT_DATA, to_problem
from benchmarks.curtois_format import read_instance
from scheduler.domain import Problem
from scheduler.load import load_team
from scheduler.staffing import requirements

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ("small", "acme-support")
WORK_LIMIT = 4.0  # deterministic seconds per search thread
SEED, WORKERS = 0, 2
SOLVED, CURTOIS_WORK = (5, 8, 12), 3.0


def model_digest(problem: Problem) -> str:
    """SHA-256 of the CP-SAT model of a problem, as the solve builds it (hints included)."""
    from scheduler.solvers.cpsat import add_hints, build

    ctx = build(problem, requirements(problem))
    add_hints(ctx)
    return hashlib.sha256(str(ctx.model.proto).encode()).hexdigest()


def roster_digest(problem: Problem, work: float = WORK_LIMIT) -> tuple[str, int | None]:
    """SHA-256 of roster.csv solved at the fixed seed, workers and work limit; its penalty."""
    from scheduler.solvers.roster import solve
    from scheduler.staffing.covering import covering_plan

    needs = requirements(problem)
    result = solve(problem, needs, time_limit=3600, work_limit=work, workers=WORKERS,
                   seed=SEED)
    assert result.roster is not None
    plan = covering_plan(problem, needs, result.roster)
    # the shifts and who serves which queue when: what roster.csv says, in no file format
    text = result.roster.model_dump_json() + plan.to_csv(index=False)
    return hashlib.sha256(text.encode()).hexdigest(), result.report.objective


def measure() -> dict[str, Any]:
    """Digests of every fixture and Curtois instance."""
    found: dict[str, Any] = {}
    for name in FIXTURES:
        problem = load_team(ROOT / "fixtures" / name)
        digest, objective = roster_digest(problem)
        found[name] = {"model": model_digest(problem), "roster": digest, "objective": objective}
        print(name, found[name], flush=True)
    for number in range(1, 13):
        problem = to_problem(read_instance(DEFAULT_DATA / f"Instance{number}.txt"))
        found[f"Instance{number}"] = {"model": model_digest(problem)}
        if number in SOLVED:  # one instance per plan: small, medium, large
            digest, objective = roster_digest(problem, CURTOIS_WORK)
            found[f"Instance{number}"] |= {"roster": digest, "objective": objective}
        print(number, found[f"Instance{number}"], flush=True)
    return found


def main() -> int:
    mode, path = sys.argv[1], Path(sys.argv[2])
    found = measure()
    if mode == "record":
        path.write_text(json.dumps(found, indent=1) + "\n")
        return 0
    before = json.loads(path.read_text())
    differ = [f"{name}.{key}" for name, values in before.items()
              for key, value in values.items() if found.get(name, {}).get(key) != value]
    print("identical" if not differ else "differ: " + ", ".join(differ))
    return 1 if differ else 0


if __name__ == "__main__":
    raise SystemExit(main())
