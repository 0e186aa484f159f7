"""Peers side by side with the project's engine, in one run.

1. Staffing: ``scheduler.staffing`` against pyworkforce's ``ErlangC`` on the phone intervals of
   a generated week (100 agents, 15-minute intervals): same agent counts, and intervals per
   second of each in the same process.
2. Scheduling: pyworkforce's ``MinAbsDifference`` and ``MinRequiredResources`` against the
   roster engine on the same week of requirements of a generated one-queue team (what
   pyworkforce cannot express is listed in ``peers_pyworkforce.py``): under- and over-coverage
   in agent-hours, shifts and time.
3. Curtois: a plain CP-SAT model written from scratch (``peers_plain_cpsat.py``) against the
   engine on the Curtois & Qu instances, same time limit and workers; both schedules verified
   by the independent checker of ``curtois_format.py``.

    python -m benchmarks.peers [--time-limit 60] [--workers 2] [--instances 1 2 3 ...] [--quick]
                               [--only staffing scheduling curtois] [--data DIR] [--no-save]

``--quick``: 5 s limits and the smallest cases (Curtois instance 1). Tables go to stdout, rows
are appended to ``benchmarks/results/peers.csv``. Timings are reported, never asserted. Exit
status 1 when a roster fails its checks, else 0 (a missing peer or data set is skipped, and
a solver that finds no roster within the limit is reported, not failed).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from benchmarks import curtois
from benchmarks.curtois_format import read_instance
from benchmarks.peers_plain_cpsat import solve_plain
from benchmarks.peers_pyworkforce import (
    compare_scheduling,
    compare_staffing,
    generated_team,
    pyworkforce_version,
)
from benchmarks.results import append_rows, environment

RESULTS = Path(__file__).resolve().parent / "results" / "peers.csv"
SECTIONS = ("staffing", "scheduling", "curtois")
COLUMNS = ("comparison", "case", "solver", "status", "objective", "best_known", "bound",
           "time_s", "first_s", "intervals", "per_s", "same_base", "same_scheduled", "shifts",
           "scheduled_h", "under_h", "over_h", "checks")
STAFFING_AGENTS = 100
TEAM_AGENTS = 30


def row(**values: object) -> dict[str, object]:
    """A result row with every column present (empty where it does not apply)."""
    unknown = set(values) - set(COLUMNS)
    if unknown:
        raise KeyError(f"unknown columns {sorted(unknown)}")
    return {c: values.get(c) for c in COLUMNS}


def _r(value: float | None, digits: int = 2) -> float | None:
    return None if value is None else round(value, digits)


def staffing_rows(seed: int) -> list[dict[str, object]]:
    """Erlang C: ours against pyworkforce on the phone intervals of a generated week."""
    name = pyworkforce_version()
    print("\n== Staffing: Erlang C agents per interval ==")
    if name is None:
        print("skipped: pyworkforce is not installed (pip install pyworkforce)")
        return []
    team = generated_team(agents=STAFFING_AGENTS, queues=4, interval_minutes=15, seed=seed)
    found = compare_staffing(team)
    case = (f"generated week, {STAFFING_AGENTS} agents, phone+billing, "
            f"{team.interval_minutes}-min, {found.intervals} intervals with traffic")
    n = found.intervals
    print(case)
    print(f"{'solver':<28}{'intervals/s':>14}{'same before shrinkage':>24}"
          f"{'same after':>12}")
    print(f"{'ours (scheduler.staffing)':<28}{found.ours_per_s:>14,.0f}")
    print(f"{f'pyworkforce {name} ErlangC':<28}{found.theirs_per_s:>14,.0f}"
          f"{f'{found.same_base}/{n}':>24}{f'{found.same_scheduled}/{n}':>12}")
    print(f"speed ratio ours/theirs: {found.ours_per_s / found.theirs_per_s:.1f}x")
    for line in found.differences[:10]:
        print(f"  differs: {line}")
    common = dict(comparison="staffing", case=case, status="ok", intervals=n)
    return [row(**common, solver="ours (scheduler.staffing)", per_s=round(found.ours_per_s)),
            row(**common, solver=f"pyworkforce {name} ErlangC",
                per_s=round(found.theirs_per_s), same_base=f"{found.same_base}/{n}",
                same_scheduled=f"{found.same_scheduled}/{n}",
                checks=f"{len(found.differences)} intervals differ")]


def scheduling_rows(time_limit: float, workers: int, seed: int
                    ) -> tuple[list[dict[str, object]], bool]:
    """Shift scheduling: pyworkforce against the roster engine on the same requirements."""
    name = pyworkforce_version()
    print("\n== Scheduling: the same week of requirements ==")
    if name is None:
        print("skipped: pyworkforce is not installed (pip install pyworkforce)")
        return [], True
    team = generated_team(agents=TEAM_AGENTS, queues=1, seed=seed)
    need, found = compare_scheduling(team, time_limit=time_limit, workers=workers, seed=seed)
    hours = team.interval_minutes / 60
    case = (f"generated week, {TEAM_AGENTS} agents, 1 queue, {team.interval_minutes}-min, "
            f"{need.sum() * hours:g} agent-h required")
    print(case)
    print(f"{'solver':<34}{'status':>10}{'shifts':>8}{'sched h':>9}{'under h':>9}{'over h':>9}"
          f"{'time s':>8}  note")
    rows = []
    for c in found:
        print(f"{c.solver:<34}{c.status:>10}{c.shifts:>8}{c.scheduled_h:>9g}{c.under_h:>9g}"
              f"{c.over_h:>9g}{c.time_s:>8.2f}  {c.note}", flush=True)
        rows.append(row(comparison="scheduling", case=case, solver=c.solver, status=c.status,
                        time_s=_r(c.time_s), shifts=c.shifts, scheduled_h=c.scheduled_h,
                        under_h=c.under_h, over_h=c.over_h, checks=c.note))
    clean = all(c.note in ("checks ok", "no roster") for c in found if c.solver.startswith("ours"))
    return rows, clean


def curtois_rows(numbers: list[str], data: Path, time_limit: float, workers: int, seed: int
                 ) -> tuple[list[dict[str, object]], bool]:
    """The plain CP-SAT model against the engine on Curtois instances."""
    print("\n== Curtois: plain CP-SAT model against the engine ==")
    if not (data / "Instance1.txt").exists():
        print(f"skipped: no Curtois instances in {data} (see benchmarks/curtois.py)")
        return [], True
    known = curtois.best_known(data)
    print(f"{'instance':<11}{'best':>7}{'plain':>8}{'plain s':>9}{'ours':>8}{'ours s':>8}"
          "  checks (plain / ours)")
    rows, clean = [], True
    for number in numbers:
        path = data / f"Instance{number}.txt"
        inst = read_instance(path)
        best = known.get(inst.name, (None, None))[0]
        plain = solve_plain(inst, time_limit=time_limit, workers=workers, seed=seed)
        plain_checks = "ok" if plain.objective is not None and not plain.errors else \
            ("no schedule" if plain.objective is None else f"{len(plain.errors)} hard errors: "
             + "; ".join(plain.errors[:3]))
        if plain.objective is not None and plain.solver_objective != plain.objective:
            plain_checks += f" (solver reported {plain.solver_objective})"
        ours = curtois.run(path, known, time_limit, workers, seed)
        first = ours.get("first_s")
        # A solver that found nothing in time is a result; a schedule failing a check is not.
        clean &= not plain.errors and str(ours["checks"]) in ("ok", "no roster")
        print(f"{inst.name:<11}{best!s:>7}{plain.objective!s:>8}{plain.time_s:>9.1f}"
              f"{ours['objective']!s:>8}{ours['time_s']!s:>8}  {plain_checks} / "
              f"{ours['checks']}", flush=True)
        rows.append(row(comparison="curtois", case=inst.name, solver="plain CP-SAT",
                        status=plain.status, objective=plain.objective, best_known=best,
                        bound=_r(plain.bound, 0), time_s=_r(plain.time_s),
                        first_s=_r(plain.first_solution_s), checks=plain_checks))
        rows.append(row(comparison="curtois", case=inst.name, solver="ours",
                        status=ours["status"], objective=ours["objective"], best_known=best,
                        bound=ours.get("bound"), time_s=ours["time_s"],
                        first_s=_r(first) if isinstance(first, float) else None,
                        checks=ours["checks"]))
    return rows, clean


def main(argv: list[str] | None = None) -> int:
    """Command line entry point."""
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--time-limit", type=float, default=60.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--instances", nargs="+", default=None,
                        help="Curtois instance numbers (default: all 1-12)")
    parser.add_argument("--quick", action="store_true",
                        help="5 s limits and the smallest cases")
    parser.add_argument("--only", nargs="+", choices=SECTIONS, default=list(SECTIONS))
    parser.add_argument("--data", type=Path, default=curtois.DEFAULT_DATA)
    parser.add_argument("--no-save", action="store_true", help="do not append to results/")
    args = parser.parse_args(argv)
    time_limit = 5.0 if args.quick else args.time_limit
    numbers = args.instances or (["1"] if args.quick else [str(n) for n in range(1, 13)])
    rows: list[dict[str, object]] = []
    clean = True
    if "staffing" in args.only:
        rows += staffing_rows(args.seed)
    if "scheduling" in args.only:
        found, ok = scheduling_rows(time_limit, args.workers, args.seed)
        rows += found
        clean &= ok
    if "curtois" in args.only:
        found, ok = curtois_rows(numbers, args.data, time_limit, args.workers, args.seed)
        rows += found
        clean &= ok
    if rows and not args.no_save:
        extra = environment() | {"pyworkforce": pyworkforce_version() or "",
                                 "time_limit": time_limit, "workers": args.workers,
                                 "seed": args.seed}
        append_rows(RESULTS, [extra | r for r in rows])
        print(f"\nappended {len(rows)} rows to {RESULTS}")
    if not clean:
        print("\nSOME ROSTERS FAILED THEIR CHECKS (see above)", file=sys.stderr)
    return 0 if clean else 1


if __name__ == "__main__":
    sys.exit(main())
