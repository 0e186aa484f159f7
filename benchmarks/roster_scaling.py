"""How the roster engine scales: generated teams of 25 to 400 agents, one week, 30-minute
intervals, 4 queues (fixtures/generate.py, volumes scaled with the team).

For each size, in its own process (so peak memory is that size's alone): time to the first
roster, time until the gap to the proven bound is at most 1 %, the final gap at the time limit,
and peak memory.

``--kind availability`` runs the availability series instead: both fixtures of availability-driven
teams, fixtures/availability-team (50 agents: flexible 2-8 h shifts, 1-3 agents per half-hour of
a 06:00-03:00 support day, four levels, fair share, two onboarding agents) and the week team of
fixtures/week_team.py (55 agents Monday to Friday, tracks with the maximum equal to the minimum,
hard contract hours, two onboarding agents with whole-shift mentors), then teams of 100 and 200
agents generated with the availability-team's structure (``--teams`` picks others, e.g.
``week:100``). Each row adds what a coordinator asks of such a roster
(:func:`scheduler.kpi.availability.roster_figures`), the share of agents whose fair share asks
for hours who got hours, and the plain greedy roster (:func:`plain_greedy`: agents furthest
below their fair share first, each given their most preferred shifts) with its penalty, its hard
rules broken and the engine's penalty as a share of it. ``--kind week`` runs the week team only.
``--baseline-plan large`` solves each team with the size-only plan first, a baseline in the same
run; ``--work-limit`` makes runs reproducible on a loaded machine.

    python -m benchmarks.roster_scaling [--sizes 25 50 100 200 400] [--time-limit 60]
    python -m benchmarks.roster_scaling --kind availability [--teams availability-team week-team
                                        availability:100 availability:200] [--work-limit 4]
    python -m benchmarks.roster_scaling --kind week --baseline-plan large
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

from benchmarks.results import append_rows, environment

if TYPE_CHECKING:
    import pandas as pd

    from scheduler.domain import Problem, Roster

ROOT = Path(__file__).resolve().parents[1]

AVAILABILITY_FIGURES = ("intervals_outside_limits", "share_with_hours_pct", "preferred_share_pct",
                        "mean_fair_distance_h", "most_above_h", "longest_shift_h")


def make_folder(team: str, seed: int) -> tuple[Path, int]:
    """The folder of a team spec and its agents: ``availability-team`` and ``week-team`` (the
    two fixtures), or ``KIND:AGENTS`` generated (``availability``, ``week``, ``forecast``)."""
    from fixtures.availability import make_availability_team
    from fixtures.generate import make_team
    from fixtures.week_team import AGENTS, make_week_team

    if team == "availability-team":
        return ROOT / "fixtures" / "availability-team", 50
    kind, _, size = team.partition(":")
    agents = AGENTS if team == "week-team" else int(size)
    folder = Path(tempfile.mkdtemp()) / f"team-{agents}"
    if kind in ("week", "week-team"):
        make_week_team(folder, agents=agents, seed=seed)
    elif kind == "availability":
        make_availability_team(folder, agents=agents, seed=seed)
    else:
        make_team(folder, agents=agents, queues=4, days=7, seed=seed)
    return folder, agents


def one(team: str, time_limit: float, workers: int, seed: int, plan: str | None = None,
        work_limit: float | None = None) -> dict[str, object]:
    """Generate (or take), load and solve one team; return its figures (``plan``: the name of
    a solve plan to use instead of the engine's choice, for a baseline in the same run)."""
    from scheduler.kpi.availability import roster_figures
    from scheduler.load import load_team
    from scheduler.solvers import plan as plans
    from scheduler.solvers.roster import Progress, solve
    from scheduler.staffing import requirements

    folder, agents = make_folder(team, seed)
    started = time.perf_counter()
    problem = load_team(folder)
    load_s = time.perf_counter() - started
    within: list[float] = []

    def watch(step: Progress) -> None:
        if not within and step.gap is not None and step.gap <= 0.01:
            within.append(step.elapsed_s)

    needs = requirements(problem)
    chosen = None if plan is None else getattr(plans, plan.upper())
    result = solve(problem, needs, time_limit=time_limit, workers=workers,
                   seed=seed, on_progress=watch, plan=chosen, work_limit=work_limit)
    report = result.report
    if not within and report.gap is not None and report.gap <= 0.01:
        within.append(report.wall_time_s)
    evaluation = result.evaluation
    identity = evaluation is not None and evaluation.total_penalty == report.objective \
        and not evaluation.hard
    figures: dict[str, object] = {}
    if not team.startswith("forecast") and result.roster is not None:
        figures = dict(roster_figures(problem, result.roster, needs))
        figures["asked_with_hours_pct"] = asked_with_hours(problem, result.roster)
        greedy, broken = plain_greedy(problem, needs)
        figures |= {"greedy_objective": greedy, "greedy_hard": broken,
                    "vs_greedy": None if not greedy or report.objective is None
                    else round(report.objective / greedy, 3)}
    row: dict[str, object] = {
        "team": team, "agents": agents, "plan": plan or "engine", "status": report.status,
        "load_s": round(load_s, 2),
        "first_s": None if report.first_solution_s is None else round(report.first_solution_s, 1),
        "gap_1pct_s": round(within[0], 1) if within else None,
        "final_gap_pct": None if report.gap is None else round(100 * report.gap, 2),
        "objective": report.objective, "bound": round(report.bound or 0),
        "wall_s": round(report.wall_time_s, 1), "stopped_by": report.stopped_by,
        "shift_variables": report.shift_variables,
        "peak_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "identity": "ok" if identity else "MISMATCH"}
    return figures | row


def asked_with_hours(problem: Problem, roster: Roster) -> float:
    """Of the agents whose fair share asks for hours, the share (%) given any shift."""
    from scheduler.staffing.fair_share import fair_targets

    asked = {agent for agent, minutes in fair_targets(problem).items() if minutes > 0}
    working = {shift.agent for shift in roster.shifts}
    return round(100 * len(asked & working) / max(1, len(asked)), 1)


def plain_greedy(problem: Problem, needs: pd.DataFrame) -> tuple[int, int]:
    """The plain greedy roster (:func:`scheduler.solvers.construct.plain_roster`: agents
    furthest below their fair share first, each given their most preferred offered shifts until
    their share is met): its penalty by the rules' ``evaluate()`` and its hard rules broken."""
    from scheduler.check import check
    from scheduler.solvers.construct import plain_roster
    from scheduler.solvers.cpsat import build, extract

    ctx = build(problem, needs)
    evaluation = check(problem, extract(ctx, plain_roster(ctx)), needs)
    return evaluation.total_penalty, len(evaluation.hard)


TEAMS = {"availability": ["availability-team", "week-team", "availability:100",
                          "availability:200"], "week": ["week-team"]}


def teams_of(args: argparse.Namespace) -> list[str]:
    """The team specs to run: ``--teams``, else ``--sizes`` of the kind, else its default."""
    if args.teams:
        return list(args.teams)
    if args.sizes:
        return [f"{args.kind}:{size}" for size in args.sizes]
    return TEAMS.get(args.kind, [f"forecast:{size}" for size in (25, 50, 100, 200, 400)])


def main(argv: list[str] | None = None) -> int:
    """Run every team in a child process and print the table."""
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="*")
    parser.add_argument("--teams", nargs="*", help="availability-team, week-team or KIND:AGENTS")
    parser.add_argument("--kind", choices=("forecast", "availability", "week"),
                        default="forecast")
    parser.add_argument("--time-limit", type=float, default=60.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--work-limit", type=float,
                        help="deterministic seconds per thread (reproducible on a loaded "
                        "machine; give a time limit long enough not to stop first)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--baseline-plan", choices=("small", "medium", "large"),
                        help="also solve each team with this plan first (a baseline measured "
                        "in the same run)")
    parser.add_argument("--plan", help=argparse.SUPPRESS)
    parser.add_argument("--one", help=argparse.SUPPRESS)
    parser.add_argument("--no-save", action="store_true")
    args = parser.parse_args(argv)
    if args.one:
        print(json.dumps(one(args.one, args.time_limit, args.workers, args.seed, args.plan,
                             args.work_limit)))
        return 0
    columns = ["team", "agents", "plan", "status", "first_s", "gap_1pct_s", "final_gap_pct",
               "objective", "bound", "wall_s", "peak_mib", "identity"]
    if args.kind != "forecast":
        columns += ["shift_variables", *AVAILABILITY_FIGURES, "asked_with_hours_pct",
                    "greedy_objective", "greedy_hard", "vs_greedy"]
    print("  ".join(f"{c:>13}" for c in columns))
    rows = []
    runs = [(team, plan) for team in teams_of(args)
            for plan in ([args.baseline_plan] if args.baseline_plan else []) + [None]]
    for team, plan in runs:
        row = _child(team, plan, args)
        if row is None:
            return 1
        rows.append(row)
        print("  ".join(f"{row.get(c)!s:>13}" for c in columns), flush=True)
    if not args.no_save:
        extra = environment() | {"time_limit": args.time_limit, "workers": args.workers,
                                 "work_limit": args.work_limit}
        name = {"forecast": "roster_scaling.csv", "week": "roster_scaling_week.csv"}.get(
            args.kind, "roster_scaling_availability.csv")
        append_rows(ROOT / "benchmarks" / "results" / name, [extra | r for r in rows])
    return 0 if all(r["identity"] == "ok" for r in rows) else 1


def _child(team: str, plan: str | None, args: argparse.Namespace) -> dict[str, object] | None:
    """One team solved in its own process (its peak memory alone), with the load beside it."""
    child = subprocess.run(
        [sys.executable, "-m", "benchmarks.roster_scaling", "--one", team,
         "--time-limit", str(args.time_limit), "--workers", str(args.workers),
         "--seed", str(args.seed), *(["--plan", plan] if plan else []),
         *(["--work-limit", str(args.work_limit)] if args.work_limit else [])],
        capture_output=True, text=True, check=False, cwd=ROOT)
    if child.returncode:
        print(f"{team} failed:\n{child.stderr[-2000:]}", file=sys.stderr)
        return None
    row: dict[str, object] = json.loads(child.stdout.strip().splitlines()[-1])
    return row | {"load": round(os.getloadavg()[0], 1)}


if __name__ == "__main__":
    sys.exit(main())
