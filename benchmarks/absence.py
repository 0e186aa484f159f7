"""An absence on fixtures/acme-support with its published roster: answer time and what changes.

Run ``python -m benchmarks.absence [--full] [--no-save]``. Amelia Taylor (Wed L, Thu M in the
published roster, tests/data/published/acme-roster.csv) is off Wednesday and Thursday from
Wednesday 00:00. Measures, in one run, for each priority (stability, coverage): the seconds to
the first answer (one option, ``plan_absence(options=1)``) and to three options, the shifts
and agents changed, and the agents whose calendar events change with the covering plan kept
stable against worked out afresh. ``--full`` adds today's way, a full re-solve with the
published roster as the stability reference (``solve()``, ``--full-seconds``, 60 s): its
changed shifts and agents and its time, the baseline measured in the same run. Appends one row
per priority to ``benchmarks/results/absence.csv``. Times depend on the machine's load: report
it beside them.
"""

from __future__ import annotations

import argparse
import os
import time
from datetime import datetime
from pathlib import Path

from results import append_rows, environment

from scheduler.domain import Problem, Roster
from scheduler.export.calendar_state import reconcile
from scheduler.export.ical import in_horizon, planned_events
from scheduler.load import load_team, read_roster
from scheduler.operations import (
    Absence,
    plan_absence,
    replan_problem,
    roster_changes,
)
from scheduler.operations.absence import absence_problem
from scheduler.operations.replan import rebuilt
from scheduler.solvers.roster import solve
from scheduler.staffing import requirements
from scheduler.staffing.covering import covering_plan, empty_plan

ROOT = Path(__file__).resolve().parents[1]

RESULTS = Path(__file__).resolve().parent / "results" / "absence.csv"
AGENT = "amelia.taylor"


def calendar_agents(first: Problem, roster: Roster, second: Problem, new: Roster,
                    stable: bool) -> int:
    """How many agents' own feeds get an event created, updated or cancelled."""
    needs = requirements(first)
    now = datetime(2026, 11, 27, 12).astimezone()
    agents = [a.id for a in first.agents]
    state = reconcile({}, planned_events(first, roster, covering_plan(first, needs, roster)),
                      in_horizon(first, agents), now).state
    plan = covering_plan(second, needs, new, None if stable else empty_plan())
    result = reconcile(state, planned_events(second, new, plan), in_horizon(second, agents), now)
    return len({c.record.feed for c in result.changes if c.kind != "same"
                and c.record.feed in agents})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--full", action="store_true", help="also time a full re-solve")
    parser.add_argument("--full-seconds", type=float, default=60.0,
                        help="time limit of the full re-solve")
    parser.add_argument("--no-save", action="store_true")
    args = parser.parse_args()
    base = load_team(ROOT / "fixtures" / "acme-support")
    published = read_roster(ROOT / "tests" / "data" / "published" / "acme-roster.csv", base)
    acme = rebuilt(base, reference=published.shifts)
    needs = requirements(acme)
    zone = acme.clock.zone
    absence = Absence(AGENT, datetime(2026, 12, 2, tzinfo=zone),
                      datetime(2026, 12, 4, tzinfo=zone))
    rows = []
    load = os.getloadavg()[0]
    for prefer in ("stability", "coverage"):
        began = time.perf_counter()
        answer = plan_absence(acme, needs, absence, prefer=prefer, options=1)
        first_s = time.perf_counter() - began
        began = time.perf_counter()
        three = plan_absence(acme, needs, absence, prefer=prefer, options=3)
        three_s = time.perf_counter() - began
        best = answer.options[0]
        changes = best.changes
        row = environment() | {
            "prefer": prefer, "load_1min": round(load, 1), "first_answer_s": round(first_s, 2),
            "three_options_s": round(three_s, 2), "options": len(three.options),
            "shifts_changed": len(changes), "agents_changed": len({c.agent for c in changes}),
            "calendar_agents_stable": calendar_agents(acme, published, answer.problem,
                                                      best.roster, True),
            "calendar_agents_afresh": calendar_agents(acme, published, answer.problem,
                                                      best.roster, False),
            "penalty": best.evaluation.total_penalty}
        rows.append(row)
        print(row)
    if args.full:
        problem = replan_problem(absence_problem(acme, absence, published), published, 0,
                                 prefer="coverage")
        problem = rebuilt(problem, fixed_before=None, rules=base.rules)
        began = time.perf_counter()
        result = solve(problem, needs, time_limit=args.full_seconds)
        seconds = round(time.perf_counter() - began, 2)
        changes = [] if result.roster is None else roster_changes(published, result.roster)
        full = {"full_resolve_s": seconds, "full_found": result.roster is not None,
                "full_shifts_changed": len(changes),
                "full_agents_changed": len({c.agent for c in changes}),
                "full_before_at": sum(1 for c in changes if c.day < 2)}
        print(full)
        rows = [row | full for row in rows]
    if not args.no_save:
        append_rows(RESULTS, rows)


if __name__ == "__main__":
    main()
