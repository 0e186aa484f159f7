"""Ticket assignment: the model against round robin, least-loaded and EDF greedy.

Run ``python -m benchmarks.assignment`` (``--quick`` for the smallest case only, ``--no-save``
to leave the results file alone). Generated desks: 500, 2,000 and 10,000 open tickets over 20,
50 and 200 agents, each under-loaded (work 80 % of the agents' minutes) and over-loaded
(130 %). Six queues; every agent has two or three skills, a fifth are tier 2; tickets get
priorities urgent 5 %, high 20 %, normal 55 %, low 20 % and due times as an SLA policy sets them
(first response 1, 4, 8 and 24 hours after creation; created up to 1.1 times that long ago,
so about one in eleven is already late). Agents' minutes in the window start and end at
different times.

Per method: weighted breaches (an unassigned ticket counts as breached) beside the unavoidable
ones (tickets nobody could finish in time even as their only ticket), breaches, unassigned,
max and mean load, moves and wall time, the model's unassigned tickets by reason and the
process's peak memory so far (cases run smallest first); rows are appended to
``benchmarks/results/assignment.csv``. The
targets checked and printed: the model never has more weighted breaches than any baseline; on
the under-loaded cases max load ≤ 1.1 × mean load and no ticket is left unowned for "taking it
would make more urgent tickets breach".
"""

from __future__ import annotations

import argparse
import csv
import platform
import random
import resource
import sys
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

from scheduler.domain import Ticket
from scheduler.solvers.assignment import assign, run_baselines
from scheduler.tickets.desk import Desk, DeskAgent, make_desk
from scheduler.tickets.policy import TicketPolicy

RESULTS = Path(__file__).resolve().parent / "results" / "assignment.csv"
CASES = ((500, 20), (2_000, 50), (10_000, 200))
LOADS = (("under", 0.8), ("over", 1.3))
QUEUES = ("email", "billing", "tech", "returns", "shipping", "accounts")
SLA_MINUTES = {"urgent": 60, "high": 240, "normal": 480, "low": 1440}
HANDLE = {"email": 10, "billing": 14, "tech": 20, "returns": 8, "shipping": 8, "accounts": 12}
COLUMNS = ("date", "machine", "case", "tickets", "agents", "load", "method", "weighted_breaches",
           "unavoidable", "breaches", "unassigned", "max_load", "mean_load", "moves", "seconds",
           "unassigned_by_reason", "peak_mib")
CROWDED_OUT = "taking it would make more urgent tickets breach"
AT = datetime(2026, 11, 30, 9, tzinfo=UTC)


def generated_desk(n_tickets: int, n_agents: int, load: float, seed: int = 0) -> Desk:
    """A reproducible desk of the given size whose work is ``load`` × the agents' minutes."""
    rng = random.Random(seed)
    tickets = []
    for i in range(n_tickets):
        queue = rng.choices(QUEUES, weights=(30, 15, 20, 15, 10, 10))[0]
        priority = rng.choices(tuple(SLA_MINUTES), weights=(5, 20, 55, 20))[0]
        created = AT - timedelta(minutes=rng.uniform(0, 1.1) * SLA_MINUTES[priority])
        effort = max(1, round(HANDLE[queue] * rng.uniform(0.5, 1.8)))
        tickets.append(Ticket(
            id=str(100_000 + i), queue=queue, priority=priority, created=created,  # type: ignore[arg-type]
            due=created + timedelta(minutes=SLA_MINUTES[priority]), effort_minutes=effort,
            tier=2 if rng.random() < 0.05 else 1,
            assignee=f"a{rng.randrange(n_agents):03d}" if rng.random() < 0.3 else None))
    work = sum(t.effort_minutes for t in tickets)
    per_agent = work / load / n_agents
    agents = []
    for a in range(n_agents):
        skills = frozenset(rng.sample(QUEUES, rng.choice((2, 3))))
        length = max(30, round(per_agent * rng.uniform(0.7, 1.3)))
        start = rng.choice((0, 0, 0, 30, 60))
        agents.append(DeskAgent(f"a{a:03d}", skills, 2 if rng.random() < 0.2 else 1,
                                ((start, start + length),)))
    window = max(end for a in agents for _, end in a.segments)
    return make_desk(tuple(tickets), tuple(agents), AT, window, TicketPolicy())


def unavoidable(desk: Desk) -> int:
    """A lower bound on weighted breaches: tickets no agent could finish in time even if it
    were the only ticket they worked."""
    return sum(j.weight for j in desk.jobs
               if not any(a.worked_by(j.due) >= j.effort for a in desk.eligible(j)))


def run_case(n_tickets: int, n_agents: int, label: str, load: float,
             work_limit: float) -> list[dict[str, object]]:
    """Rows for the model and every baseline on one generated desk."""
    desk = generated_desk(n_tickets, n_agents, load)
    result = assign(desk, work_limit=work_limit, time_limit=60.0, workers=2, seed=0)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    assert not result.outcome.violations, result.outcome.violations[:3]
    reasons = Counter(result.reasons.values())
    found = [(f"model ({result.method})", result.outcome, result.seconds)]
    found += [(name, o, s) for name, (o, s) in run_baselines(desk).items()]
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M")
    floor = unavoidable(desk)
    return [{"date": stamp, "machine": platform.node(), "case": f"{n_tickets}x{n_agents} {label}",
             "tickets": n_tickets, "agents": n_agents, "load": label, "method": name,
             "weighted_breaches": o.weighted_breaches, "unavoidable": floor,
             "breaches": o.breaches,
             "unassigned": o.unassigned, "max_load": round(o.max_load / 1000, 3),
             "mean_load": round(o.mean_load, 3), "moves": o.moves, "seconds": round(s, 3),
             "unassigned_by_reason": "; ".join(f"{r}: {n}" for r, n in sorted(reasons.items()))
             if name.startswith("model") else "",
             "peak_mib": round(peak, 1) if name.startswith("model") else ""}
            for name, o, s in found]


def targets(rows: list[dict[str, object]]) -> list[str]:
    """The targets a case misses, in words (empty when all are met)."""
    model, *baselines = rows
    missed = []
    best = min(int(b["weighted_breaches"]) for b in baselines)  # type: ignore[call-overload]
    if int(model["weighted_breaches"]) > best:  # type: ignore[call-overload]
        missed.append(f"{model['case']}: more weighted breaches than a baseline")
    if model["load"] == "under" and float(model["max_load"]) > 1.1 * float(  # type: ignore[arg-type]
            model["mean_load"]):  # type: ignore[arg-type]
        missed.append(f"{model['case']}: max load above 1.1 × mean")
    if model["load"] == "under" and CROWDED_OUT in str(model["unassigned_by_reason"]):
        missed.append(f"{model['case']}: tickets left unowned though an agent had the minutes")
    return missed


def save(rows: list[dict[str, object]]) -> None:
    """Append the rows; an older file gets the newer columns (empty in its rows)."""
    old: list[dict[str, str]] = []
    if RESULTS.exists():
        with RESULTS.open(newline="", encoding="utf-8") as handle:
            old = list(csv.DictReader(handle))
    with RESULTS.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS, restval="")
        writer.writeheader()
        writer.writerows(old)
        writer.writerows(rows)


def main(argv: list[str] | None = None) -> int:
    """Run the cases, print the table, append the rows; exit 1 when a target is missed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="only 500 tickets x 20 agents")
    parser.add_argument("--no-save", action="store_true", help="do not append to the CSV")
    parser.add_argument("--work-limit", type=float, default=0.5, help="CP-SAT work units")
    args = parser.parse_args(argv)
    rows, missed = [], []
    for n_tickets, n_agents in CASES[:1] if args.quick else CASES:
        for label, load in LOADS:
            case = run_case(n_tickets, n_agents, label, load, args.work_limit)
            missed += targets(case)
            rows += case
            for row in case:
                print(f"{row['case']:<18} {row['method']:<22} wb {row['weighted_breaches']:>8} "
                      f"(floor {row['unavoidable']:>7}) "
                      f"br {row['breaches']:>5} un {row['unassigned']:>5} "
                      f"max {row['max_load']:>5} mean {row['mean_load']:>5} "
                      f"mv {row['moves']:>5} {row['seconds']:>7.2f}s "
                      f"{row['peak_mib']} MiB {row['unassigned_by_reason']}", flush=True)
    if not args.no_save:
        save(rows)
    for line in missed:
        print("missed:", line)
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
