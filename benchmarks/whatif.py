"""What-if speed: six scenarios (and the baseline) solved one after the other, in two local
processes and on a two-worker Dask LocalCluster; then the headcount search.

Run ``python -m benchmarks.whatif`` (fixtures/acme-support, the six scenarios of
fixtures/acme-scenarios.yaml, 1 deterministic second per solve). Every way must give the same
rosters (the solves are deterministic); the run fails otherwise. Prints wall times and their
ratio to the serial run, each scenario's gap (and whose roster is reported when a team with less
capacity gave a better one), the headcount search's answer (``--criterion``, day by default),
number of solves and wall time, and appends the rows to ``benchmarks/results/whatif-gaps.csv``.
"""

from __future__ import annotations

import argparse
import sys
import time
from functools import partial
from pathlib import Path

from benchmarks.results import append_rows, environment
from scheduler.load import load_team
from scheduler.whatif.compare import compare_scenarios
from scheduler.whatif.headcount import search_headcount
from scheduler.whatif.parse import hire, parse_change
from scheduler.whatif.run import Outcome, SolveOptions, run_tasks
from scheduler.whatif.scenarios import read_scenarios
from scheduler.whatif.targets import read_targets

ROOT = Path(__file__).resolve().parents[1]
# whatif.csv holds the rows before each scenario's gap was recorded (no gaps column)
RESULTS = ROOT / "benchmarks" / "results" / "whatif-gaps.csv"


def _rosters(outcomes: list[Outcome]) -> list[tuple[str, object]]:
    return [(o.name, o.shifts) for o in outcomes]


def comparison_rows(team: Path, scenario_file: Path, work: float) -> tuple[list[dict], bool]:
    """Wall time of the comparison serial, in 2 processes and on a 2-worker LocalCluster."""
    from distributed import LocalCluster

    problem = load_team(team)
    scenarios = read_scenarios(scenario_file, problem)
    options = SolveOptions(time_limit=600, work_limit=work, workers=1)
    ways = {"serial": partial(run_tasks, jobs=1), "processes (--jobs 2)": partial(run_tasks,
                                                                                   jobs=2)}
    timed: dict[str, tuple[float, list[Outcome]]] = {}
    for way, run in ways.items():
        started = time.perf_counter()
        _, outcomes = compare_scenarios(problem, scenarios, options, run)
        timed[way] = (time.perf_counter() - started, outcomes)
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                      dashboard_address=None) as cluster:
        started = time.perf_counter()
        _, outcomes = compare_scenarios(problem, scenarios, options,
                                        partial(run_tasks, cluster=cluster.scheduler_address))
        timed["Dask LocalCluster (2 workers)"] = (time.perf_counter() - started, outcomes)
    serial = timed["serial"]
    same = all(_rosters(o) == _rosters(serial[1]) for _, o in timed.values())
    rows = [{"measure": f"{len(scenarios)} scenarios + baseline", "way": way,
             "team": team.name, "work_limit": work, "solves": len(o), "seconds": round(s, 2),
             "ratio_to_serial": round(serial[0] / s, 2), "same_rosters": same,
             "gaps": _gaps(o)} for way, (s, o) in timed.items()]
    return rows, same


def _gaps(outcomes: list[Outcome]) -> str:
    """Each scenario's gap, and the scenario whose roster it reports when not its own."""
    return "; ".join(f"{o.name} {'–' if o.gap is None else f'{o.gap:.0%}'}"
                     + (f" (roster of {o.carried_from})" if o.carried_from else "")
                     for o in outcomes)


def headcount_rows(team: Path, work: float, spec: str, target: str, volume: str,
                   limit: int, criterion: str) -> list[dict]:
    """Solves, wall time, answer and deciding gap of the headcount search (2 processes)."""
    problem = load_team(team)
    problem = parse_change(f"volume {volume}", problem).apply(problem)
    problem, queues = read_targets([target], problem)
    kind = hire(spec, problem)
    options = SolveOptions(time_limit=1200, work_limit=work, workers=1)
    started = time.perf_counter()
    answer = search_headcount(problem, kind, queues, options=options,
                              run=partial(run_tasks, jobs=2), batch=2, limit=limit,
                              criterion=criterion)
    seconds = time.perf_counter() - started
    short = [f"{p.hires}: {p.outcome.headline.short_hours_total:g} h"
             for p in answer.probes if p.outcome.solved]
    return [{"measure": f"headcount search ({target} per {criterion}, volume {volume}, {spec})",
             "way": "processes (--jobs 2)", "team": team.name, "work_limit": work,
             "solves": answer.solves, "seconds": round(seconds, 2),
             "answer": answer.hires, "bound": answer.bound,
             "gaps": f"deciding gap {answer.largest_gap or 0:.0%}; "
                     f"under-covered {', '.join(short)}"}]


def main(argv: list[str] | None = None) -> int:
    """Measure, print and (unless --no-save) append the rows; 1 when rosters differ."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--team", type=Path, default=ROOT / "fixtures" / "acme-support")
    parser.add_argument("--scenarios", type=Path, default=ROOT / "fixtures" /
                        "acme-scenarios.yaml")
    parser.add_argument("--work-limit", type=float, default=1.0)
    parser.add_argument("--hire", default="skills=chat; hours=0-40")
    parser.add_argument("--target", default="chat:80/60")
    parser.add_argument("--criterion", default="day")
    parser.add_argument("--volume", default="+20%")
    parser.add_argument("--max-hires", type=int, default=8)
    parser.add_argument("--no-save", action="store_true")
    args = parser.parse_args(argv)
    rows, same = comparison_rows(args.team, args.scenarios, args.work_limit)
    rows += headcount_rows(args.team, args.work_limit, args.hire, args.target, args.volume,
                           args.max_hires, args.criterion)
    for row in rows:
        print(" | ".join(f"{k}={v}" for k, v in row.items()))
    if not args.no_save:
        stamp = environment()
        append_rows(RESULTS, [stamp | row for row in rows])
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
