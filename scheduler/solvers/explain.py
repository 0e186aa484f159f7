"""Explain an infeasible set of hard rules: the smallest conflicting groups, in words.

Every hard constraint belongs to a group (rule, subject) guarded by a literal. Solving with
all literals as assumptions yields a conflicting subset from CP-SAT; dropping each member in
turn and keeping it only when the rest becomes feasible shrinks that subset to a minimal one.
"""

from __future__ import annotations

from ortools.sat.python import cp_model

from scheduler.model import ModelContext
from scheduler.solvers.cpsat import one_thread

SHRINK_SECONDS = 5.0


def _infeasible(model: cp_model.CpModel, assumptions: list[cp_model.IntVar],
                seconds: float) -> tuple[bool, list[int]]:
    """Whether the model is infeasible under the assumptions, and CP-SAT's core."""
    model.clear_assumptions()
    model.add_assumptions(assumptions)
    solver = one_thread(seconds=seconds)
    status = solver.solve(model)
    if status != cp_model.INFEASIBLE:
        return False, []
    return True, list(solver.sufficient_assumptions_for_infeasibility())


def explain(ctx: ModelContext, *, time_limit: float = 60.0) -> list[str]:
    """Sentences naming a minimal set of hard rules that cannot all hold.

    Parameters
    ----------
    ctx
        The model of a problem whose hard rules admit no roster, built in explain mode
        (``build(problem, requirements, explain_mode=True)``: every hard constraint guarded by
        its group's literal). Its objective is cleared.
    time_limit
        Seconds for the first, whole-model search for a conflict.
    """
    ctx.model.clear_objective()
    by_index = {g.literal.index: g for g in ctx.groups.values()}
    literals = [g.literal for g in ctx.groups.values()]
    infeasible, core = _infeasible(ctx.model, literals, time_limit)
    if not infeasible:
        return ["the hard rules could not be shown to conflict within the time limit; "
                "try a longer --time-limit"]
    members = [by_index[i] for i in core if i in by_index]
    for group in list(members):
        if group not in members:
            continue
        rest = [g for g in members if g is not group]
        still, smaller = _infeasible(ctx.model, [g.literal for g in rest], SHRINK_SECONDS)
        if still:
            members = [g for g in rest if g.literal.index in smaller] or rest
    if not members:
        return ["the shift templates themselves leave no possible roster"]
    return ["These hard rules cannot all hold together:"] + \
        [f"{g.description} ({g.rule})" for g in members]
