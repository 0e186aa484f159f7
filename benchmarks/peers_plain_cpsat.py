"""A plain CP-SAT model of the Curtois & Qu benchmark, written from scratch as a peer.

The model follows the style of OR-Tools' ``shift_scheduling_sat.py`` example and nothing more:

- one boolean ``x[e, d, s]`` per employee, day and shift (none on a day off or for a shift type
  the employee may not work), at most one per employee and day, and ``work[e, d]`` their sum;
- every hard rule as a plain constraint: forbidden successions as two-literal clauses, shift
  counts and total minutes as linear bounds, the longest run as a sliding window, the weekend
  limit through one boolean per weekend;
- the shortest runs of working days and of days off by forbidding each too-short pattern
  (``off, work x k, off`` and ``work, off x k, work`` for ``k`` below the limit) with a clause,
  only where the whole pattern lies inside the horizon (runs touching either end are exempt);
- soft cover with an under and an over slack per cover row, and the shift requests as linear
  terms of the objective.

No symmetry breaking, no hints, no neighbourhood search, no redundant constraints: it shows
what the project's engine adds through its encodings and search. Schedules are verified with
``curtois_format.check_schedule``, which shares no code with this model or with the engine.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from benchmarks.curtois_format import Instance, check_schedule

STATUS = {cp_model.OPTIMAL: "OPTIMAL", cp_model.FEASIBLE: "FEASIBLE",
          cp_model.INFEASIBLE: "INFEASIBLE", cp_model.MODEL_INVALID: "MODEL_INVALID",
          cp_model.UNKNOWN: "UNKNOWN"}


@dataclass
class PlainResult:
    """Outcome of one plain solve, with the independent check of its schedule.

    ``objective`` is the checker's objective of the schedule (None without one);
    ``solver_objective`` is what CP-SAT reported (the same unless a slack was left loose).
    """

    status: str
    objective: int | None
    solver_objective: int | None
    bound: float | None
    time_s: float
    first_solution_s: float | None
    plan: dict[tuple[str, int], str] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)


@dataclass
class PlainModel:
    """The CP-SAT model of one instance and its shift variables."""

    model: cp_model.CpModel
    x: dict[tuple[str, int, str], cp_model.IntVar]


def build(inst: Instance) -> PlainModel:
    """The plain model of an instance (see the module docstring)."""
    model = cp_model.CpModel()
    h = inst.days
    shifts = list(inst.lengths)
    x: dict[tuple[str, int, str], cp_model.IntVar] = {}
    objective: list[cp_model.LinearExprT] = []
    constant = 0
    for s in inst.staff:
        off = inst.days_off.get(s.id, set())
        allowed = [t for t in shifts if s.max_shifts.get(t, h) > 0]
        work = []
        for d in range(h):
            mine = []
            if d not in off:
                for t in allowed:
                    x[s.id, d, t] = model.new_bool_var(f"x[{s.id},{d},{t}]")
                    mine.append(x[s.id, d, t])
            w = model.new_bool_var(f"work[{s.id},{d}]")
            model.add(sum(mine) == w)  # at most one shift a day; an empty sum fixes w to 0
            work.append(w)
        # Rotation: a shift forbids its "cannot follow" shifts the next day.
        for d in range(h - 1):
            for t in allowed:
                for u in inst.cannot_follow[t]:
                    if (s.id, d, t) in x and (s.id, d + 1, u) in x:
                        model.add_bool_or([x[s.id, d, t].Not(), x[s.id, d + 1, u].Not()])
        # Shift counts per type and total minutes.
        for t in allowed:
            most = s.max_shifts.get(t, h)
            if most < h:
                model.add(sum(x[s.id, d, t] for d in range(h) if (s.id, d, t) in x) <= most)
        minutes = sum(inst.lengths[t] * v for (e, _, t), v in x.items() if e == s.id)
        model.add_linear_constraint(minutes, s.min_minutes, s.max_minutes)
        # Longest run of working days: every window of max + 1 days has a day off.
        if s.max_consecutive < h:
            for d in range(h - s.max_consecutive):
                model.add(sum(work[d:d + s.max_consecutive + 1]) <= s.max_consecutive)
        # Shortest runs, inside the horizon only: forbid each too-short pattern.
        for k in range(1, s.min_consecutive):
            for d in range(1, h - k):
                model.add_bool_or([work[d - 1], *(w.Not() for w in work[d:d + k]), work[d + k]])
        for k in range(1, s.min_days_off):
            for d in range(1, h - k):
                model.add_bool_or([work[d - 1].Not(), *work[d:d + k], work[d + k].Not()])
        # Weekends: a weekend is worked when either day is.
        if s.max_weekends < h // 7:
            worked = []
            for k in range(h // 7):
                weekend = model.new_bool_var(f"weekend[{s.id},{k}]")
                model.add_implication(work[7 * k + 5], weekend)
                model.add_implication(work[7 * k + 6], weekend)
                worked.append(weekend)
            model.add(sum(worked) <= s.max_weekends)
    # Requests: an unmet on-request and a met off-request cost their weight.
    for e, d, t, weight in inst.on_requests:
        constant += weight
        if (e, d, t) in x:
            objective.append(-weight * x[e, d, t])
    for e, d, t, weight in inst.off_requests:
        if (e, d, t) in x:
            objective.append(weight * x[e, d, t])
    # Soft cover: total + under - over == required.
    staff = len(inst.staff)
    for d, t, required, under_w, over_w in inst.cover:
        total = sum(x[s.id, d, t] for s in inst.staff if (s.id, d, t) in x)
        under = model.new_int_var(0, required, f"under[{d},{t}]")
        over = model.new_int_var(0, staff, f"over[{d},{t}]")
        model.add(total + under - over == required)
        objective += [under_w * under, over_w * over]
    model.minimize(sum(objective) + constant)
    return PlainModel(model, x)


def solve_plain(inst: Instance, *, time_limit: float, workers: int = 2,
                seed: int = 0) -> PlainResult:
    """Build, solve within ``time_limit`` wall seconds on ``workers`` workers, and check."""
    started = time.perf_counter()
    plain = build(inst)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(0.1, time_limit - (time.perf_counter() - started))
    solver.parameters.num_workers = workers
    solver.parameters.random_seed = seed
    first: list[float] = []

    class FirstSolution(cp_model.CpSolverSolutionCallback):
        def on_solution_callback(self) -> None:
            if not first:
                first.append(time.perf_counter() - started)

    status = STATUS[solver.solve(plain.model, FirstSolution())]
    elapsed = time.perf_counter() - started
    if status not in ("OPTIMAL", "FEASIBLE"):
        return PlainResult(status, None, None, None, elapsed, None)
    plan = {(e, d): t for (e, d, t), v in plain.x.items() if solver.boolean_value(v)}
    objective, errors = check_schedule(inst, plan)
    return PlainResult(status=status, objective=objective,
                       solver_objective=round(solver.objective_value),
                       bound=solver.best_objective_bound, time_s=elapsed,
                       first_solution_s=first[0] if first else None, plan=plan, errors=errors)
