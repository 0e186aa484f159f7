"""Same input, seed and workers: the same roster, in this process and in a fresh one."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from scheduler.domain import Problem, ShiftCover
from scheduler.settings import ConsecutiveSettings, CoverageSettings, FairnessSettings, RuleSettings
from scheduler.solvers.roster import solve
from scheduler.staffing import requirements

from .helpers import agent, problem, time_off

SOLVE_IN_A_FRESH_PROCESS = """
import sys
from scheduler.domain import Problem
from scheduler.solvers.roster import solve
from scheduler.staffing import requirements
problem = Problem.model_validate_json(sys.stdin.read())
result = solve(problem, requirements(problem), time_limit=5, workers=1, seed=7)
print(result.roster.model_dump_json())
"""


def busy_week() -> Problem:
    """Many equally good rosters: five agents, headcount rows each day, fair late shifts."""
    cover = tuple(ShiftCover(day=d, template=t, required=2, under_weight=50, over_weight=3)
                  for d in range(5) for t in ("E", "L"))
    rules = RuleSettings(coverage=CoverageSettings(),
                         fairness=FairnessSettings(late_templates=("L",)),
                         consecutive=ConsecutiveSettings(max_days=3))
    return problem(*(agent(n, max_minutes=1920) for n in ("ana", "ben", "cid", "dee", "eve")),
                   days=5, shift_cover=cover, rules=rules, time_off=(time_off("ben", 1, 2),))


@pytest.mark.parametrize("workers", [1, 2])
def test_same_roster_twice(workers):
    prob = busy_week()
    first = solve(prob, requirements(prob), time_limit=5, workers=workers, seed=7)
    second = solve(prob, requirements(prob), time_limit=5, workers=workers, seed=7)
    assert first.roster is not None
    assert first.roster == second.roster
    assert first.report.objective == second.report.objective


@pytest.mark.slow
def test_same_roster_whatever_the_hash_seed():
    # Python salts str hashes per process: no set or dict order may leak into the model.
    prob = busy_week()
    rosters = []
    for hash_seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": hash_seed}
        done = subprocess.run([sys.executable, "-c", SOLVE_IN_A_FRESH_PROCESS],
                              input=prob.model_dump_json(), capture_output=True, text=True,
                              env=env, check=True, timeout=120,
                              cwd=Path(__file__).parents[2])
        rosters.append(done.stdout)
    here = solve(prob, requirements(prob), time_limit=5, workers=1, seed=7).roster
    assert here is not None
    assert rosters[0] == rosters[1] == here.model_dump_json() + "\n"
