"""The roster engine on the Curtois & Qu shift scheduling benchmark (any instance present, 1–24).

Each instance becomes the project's own ``Problem`` (shift templates, contracts, time off,
shift requests, headcount cover rows, forbidden successions, consecutive and weekend rules),
is solved by the project's roster engine, checked by the rules' ``evaluate()`` and by the
independent checker in ``curtois_format.py``, and compared with the best known objective.

    python -m benchmarks.curtois [1 2 5 ...] [--time-limit 60] [--work-limit W] [--workers 2]
                                 [--seed 0] [--data DIR]

Without instance numbers every instance in the data folder is solved. ``--work-limit`` stops
each search on CP-SAT's deterministic clock (per thread) rather than the wall clock: give a
generous ``--time-limit`` with it and a rerun on a busy machine gives the same roster.
"""

from __future__ import annotations

import argparse
import csv
import os
import sys
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

from benchmarks.curtois_format import Instance, check_schedule, read_instance
from benchmarks.results import append_rows, environment
from scheduler.domain import (
    Agent,
    Contract,
    Problem,
    ShiftCover,
    ShiftRequest,
    ShiftTemplate,
    TimeOff,
)
from scheduler.settings import (
    ConsecutiveSettings,
    ContractSettings,
    FairnessSettings,
    Level,
    RestSettings,
    RuleSettings,
    StabilitySettings,
    WeekendSettings,
)
from scheduler.solvers.roster import solve
from scheduler.staffing import requirements

DEFAULT_DATA = Path(__file__).resolve().parent / "data" / "curtois"
MONDAY = date(2024, 1, 1)


def to_problem(inst: Instance) -> Problem:
    """The instance as the project's own Problem (day 0 is a Monday, times in UTC)."""
    templates = tuple(ShiftTemplate(id=t, start=time(0), paid_minutes=m)
                      for t, m in inst.lengths.items())
    agents = tuple(Agent(id=s.id, contract=Contract(
        min_minutes=s.min_minutes, max_minutes=s.max_minutes, period="horizon",
        max_shifts=s.max_shifts, max_consecutive_days=s.max_consecutive,
        min_consecutive_days=s.min_consecutive, min_consecutive_days_off=s.min_days_off,
        max_weekends=s.max_weekends)) for s in inst.staff)
    midnight = datetime.combine(MONDAY, time(0), tzinfo=UTC)
    time_off = tuple(TimeOff(agent=e, start=midnight + timedelta(days=d),
                             end=midnight + timedelta(days=d + 1))
                     for e, days in inst.days_off.items() for d in sorted(days))
    requests = tuple(ShiftRequest(agent=e, day=d, template=t, on=True, weight=w)
                     for e, d, t, w in inst.on_requests)
    requests += tuple(ShiftRequest(agent=e, day=d, template=t, on=False, weight=w)
                      for e, d, t, w in inst.off_requests)
    cover = tuple(ShiftCover(day=d, template=t, required=r, under_weight=u, over_weight=o)
                  for d, t, r, u, o in inst.cover)
    successions = tuple((a, b) for a, later in inst.cannot_follow.items() for b in sorted(later))
    rules = RuleSettings(
        contract=ContractSettings(max_days_per_week=None),
        rest=RestSettings(min_rest_hours=0, forbidden_successions=successions),
        consecutive=ConsecutiveSettings(max_days=None),
        weekends=WeekendSettings(),
        fairness=FairnessSettings(level=Level.OFF),
        stability=StabilitySettings(level=Level.OFF),
    )
    return Problem(team=inst.name, time_zone="UTC", start=MONDAY, days=inst.days,
                   interval_minutes=60, templates=templates, agents=agents, time_off=time_off,
                   requests=requests, shift_cover=cover, rules=rules)


def best_known(data: Path) -> dict[str, tuple[int, int]]:
    """Best known objective and lower bound per instance name."""
    with (data / "best-known.csv").open() as handle:
        return {r["instance"]: (int(r["best_known"]), int(r["lower_bound"]))
                for r in csv.DictReader(handle)}


def run(path: Path, known: dict[str, tuple[int, int]], time_limit: float, workers: int,
        seed: int, work_limit: float | None = None) -> dict[str, object]:
    """Solve one instance and check the roster both ways."""
    inst = read_instance(path)
    problem = to_problem(inst)
    result = solve(problem, requirements(problem), time_limit=time_limit, workers=workers,
                   seed=seed, work_limit=work_limit)
    report = result.report
    row: dict[str, object] = {"instance": inst.name, "status": report.status,
                              "best_known": known.get(inst.name, (None, None))[0],
                              "time_s": round(report.wall_time_s, 1)}
    if result.roster is None or result.evaluation is None:
        return row | {"objective": None, "gap_pct": None, "bound": None, "checks": "no roster"}
    plan = {(s.agent, s.day): s.template for s in result.roster.shifts}
    independent, errors = check_schedule(inst, plan)
    agree = independent == report.objective == result.evaluation.total_penalty
    clean = not errors and not result.evaluation.hard
    best = known.get(inst.name, (None, None))[0]
    gap = None if best is None or report.objective is None else \
        round(100 * (report.objective - best) / best, 2)
    return row | {"objective": report.objective, "gap_pct": gap, "stopped_by": report.stopped_by,
                  "bound": round(report.bound or 0), "first_s": report.first_solution_s,
                  "checks": "ok" if agree and clean else
                  f"MISMATCH solver={report.objective} rules={result.evaluation.total_penalty} "
                  f"independent={independent} hard={len(errors) + len(result.evaluation.hard)}"}


def main(argv: list[str] | None = None) -> int:
    """Command line entry point."""
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("instances", nargs="*", help="instance numbers (default: all present)")
    parser.add_argument("--time-limit", type=float, default=60.0)
    parser.add_argument("--work-limit", type=float, default=None,
                        help="deterministic seconds per search thread")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--no-save", action="store_true", help="do not append to results/")
    args = parser.parse_args(argv)
    if not (args.data / "Instance1.txt").exists():
        print(f"No Curtois instances in {args.data}. Download Instance1.txt ... Instance12.txt "
              "from schedulingbenchmarks.org (Shift Scheduling Benchmark Data Sets) and pass "
              "--data DIR.", file=sys.stderr)
        return 2
    numbers = args.instances or sorted(
        (p.stem.removeprefix("Instance") for p in args.data.glob("Instance*.txt")), key=int)
    known = best_known(args.data)
    rows = []
    print(f"{'instance':<11}{'objective':>10}{'best':>7}{'gap %':>8}{'bound':>8}{'time s':>8}"
          "  checks")
    for number in numbers:
        row = run(args.data / f"Instance{number}.txt", known, args.time_limit, args.workers,
                  args.seed, args.work_limit)
        rows.append(row)
        print(f"{row['instance']!s:<11}{row['objective']!s:>10}{row['best_known']!s:>7}"
              f"{row.get('gap_pct')!s:>8}{row.get('bound')!s:>8}{row['time_s']!s:>8}  "
              f"{row['checks']} ({row.get('stopped_by')}, load {os.getloadavg()[0]:.1f})",
              flush=True)
    if not args.no_save:
        extra = environment() | {"time_limit": args.time_limit, "work_limit": args.work_limit,
                                 "workers": args.workers, "seed": args.seed,
                                 "load": round(os.getloadavg()[0], 1)}
        append_rows(Path(__file__).parent / "results" / "curtois_runs.csv",
                    [extra | r for r in rows])
    return 0 if all(str(r["checks"]) == "ok" for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
