"""CP-SAT helpers every phase of the solve shares: the model built from the rules, one-thread
parameters, reading a roster out of a solution, fixing all but a neighbourhood, and the exact
penalty of a roster."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
from ortools.sat.python import cp_model

from scheduler.constraints import RULES
from scheduler.domain import Problem, Roster, Shift
from scheduler.model import ModelContext

Values = dict[int, bool]  # shift variable index → chosen

STATUS = {cp_model.OPTIMAL: "OPTIMAL", cp_model.FEASIBLE: "FEASIBLE",
          cp_model.INFEASIBLE: "INFEASIBLE", cp_model.MODEL_INVALID: "MODEL_INVALID",
          cp_model.UNKNOWN: "UNKNOWN"}


def build(problem: Problem, requirements: pd.DataFrame, *,
          explain_mode: bool = False) -> ModelContext:
    """The model context with every active rule encoded and the objective set.

    With ``explain_mode`` every hard constraint is guarded by its group's literal (see
    :mod:`scheduler.solvers.explain`).
    """
    ctx = ModelContext(problem, requirements, explain=explain_mode)
    for rule in RULES:
        if rule.active(problem):
            rule.encode(ctx)
    ctx.model.minimize(ctx.objective())
    return ctx


def add_hints(ctx: ModelContext, hint: Roster | None = None) -> None:
    """Start from ``hint`` when given (a what-if's neighbouring roster), else from the
    published roster, else from last week's pattern on the same weekday."""
    problem = ctx.problem
    if hint is not None:
        source = {(s.agent, s.day): s.template for s in hint.shifts}
        for (agent, day, template), var in ctx.x.items():
            ctx.model.add_hint(var, source.get((agent, day)) == template)
        return
    source = {(s.agent, s.day): s.template for s in problem.reference}
    if not source:
        source = {(s.agent, s.day + 7): s.template for s in problem.history}
    if not source:
        return
    for (agent, day, template), var in ctx.x.items():
        ctx.model.add_hint(var, source.get((agent, day)) == template)


def one_thread(solver: cp_model.CpSolver | None = None, *, seconds: float,
               seed: int | None = None, work: float | None = None,
               linearization: int | None = None) -> cp_model.CpSolver:
    """A CP-SAT solver on one thread, stopped after ``seconds`` (wall clock) or ``work``
    deterministic seconds; the other parameters are CP-SAT's defaults unless given."""
    solver = solver or cp_model.CpSolver()
    params = solver.parameters
    params.num_workers = 1
    if seed is not None:
        params.random_seed = seed
    if linearization is not None:
        params.linearization_level = linearization
    if work is not None:
        params.max_deterministic_time = work
    params.max_time_in_seconds = seconds
    return solver


def single_worker(solver: cp_model.CpSolver, *, seed: int, work: float, seconds: float) -> None:
    """Parameters of one deterministic search thread with the full linear relaxation."""
    one_thread(solver, seed=seed, work=max(0.01, work), seconds=max(0.05, seconds),
               linearization=2)


def shift_values(ctx: ModelContext, solver: cp_model.CpSolver) -> Values:
    """The shift variables' values in the solver's last solution (read in one piece)."""
    solution = solver.response_proto.solution
    return {v.index: bool(solution[v.index]) for v in ctx.x.values()}


def extract(ctx: ModelContext, values: Values) -> Roster:
    """The chosen shifts, in (day, agent) order."""
    chosen = [Shift(agent=a, day=d, template=t) for (a, d, t), v in ctx.x.items()
              if values[v.index]]
    return Roster(shifts=tuple(sorted(chosen, key=lambda s: (s.day, s.agent))))


def fixed_model(ctx: ModelContext, values: Values, keep: Callable[[str, int], bool]
                ) -> cp_model.CpModel:
    """A copy of the model with every shift variable fixed except those ``keep`` frees."""
    sub = ctx.model.clone()
    sub.clear_hints()
    variables = sub.proto.variables  # looked up once: each lookup crosses into C++
    freed: list[int] = []
    hints: list[int] = []
    for (agent, day, _), var in ctx.x.items():
        value = int(values[var.index])
        if keep(agent, day):
            freed.append(var.index)
            hints.append(value)
        else:
            domain = variables[var.index].domain
            domain[0] = domain[1] = value
    sub.proto.solution_hint.vars.extend(freed)
    sub.proto.solution_hint.values.extend(hints)
    return sub


def polish(ctx: ModelContext, values: Values) -> dict[str, int]:
    """Penalty per rule of a roster, with every penalty variable at its least value.

    Within a time limit CP-SAT may return a roster whose slack variables are not yet tight;
    fixing the shifts leaves a tiny problem that is solved to optimality, so the objective is
    exactly the penalty the rules' ``evaluate`` finds.
    """
    fixed = fixed_model(ctx, values, lambda agent, day: False)
    exact = one_thread(seconds=60)
    if exact.solve(fixed) not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        raise RuntimeError("the roster found does not satisfy its own model")
    penalties: dict[str, int] = {}
    for term in ctx.penalties:
        value = term.expr if isinstance(term.expr, int) else exact.value(term.expr)
        penalties[term.rule] = penalties.get(term.rule, 0) + term.weight * int(value)
    return penalties
