"""Large-neighbourhood search over agents and weeks, on top of CP-SAT.

CP-SAT's own neighbourhoods know nothing of rosters. Here a neighbourhood frees the shifts of
a few agents, or of every agent over a run of days, keeps the rest of the roster fixed, and lets
CP-SAT re-plan the freed part to optimality (or until its small budget runs out). A better
roster replaces the current one. Work is counted in CP-SAT's deterministic time, so the same
seed and workers give the same rosters.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable
from dataclasses import dataclass

from ortools.sat.python import cp_model

from scheduler.solvers.context import ModelContext

log = logging.getLogger(__name__)

Values = dict[int, bool]


@dataclass(frozen=True)
class Neighbourhood:
    """The shift variables to free: by agent, by day, or both."""

    agents: frozenset[str]
    days: frozenset[int]

    def frees(self, agent: str, day: int) -> bool:
        """Whether (agent, day) is re-planned."""
        return agent in self.agents or day in self.days


def pick(ctx: ModelContext, rng: random.Random, size: float) -> Neighbourhood:
    """A random neighbourhood of about ``size`` (a fraction of the roster)."""
    agents = [a.id for a in ctx.problem.agents]
    days = ctx.problem.days
    kind = rng.random()
    if kind < 0.5 or days <= 7:
        chosen = rng.sample(agents, max(2, min(len(agents), round(size * len(agents)))))
        return Neighbourhood(frozenset(chosen), frozenset())
    if kind < 0.8:
        span = max(2, round(size * days))
        first = rng.randrange(0, max(1, days - span + 1))
        return Neighbourhood(frozenset(), frozenset(range(first, first + span)))
    chosen = rng.sample(agents, max(2, min(len(agents), round(2 * size * len(agents)))))
    span = max(3, round(2 * size * days))
    first = rng.randrange(0, max(1, days - span + 1))
    return Neighbourhood(frozenset(chosen), frozenset(range(first, first + span)))


def improve(ctx: ModelContext, values: Values, objective: float, *, budget: float, workers: int,
            seed: int, deadline: float, bound: float = 0.0, step_budget: float = 2.0,
            on_better: Callable[[float], None] | None = None) -> tuple[Values, float, str]:
    """Re-plan neighbourhoods until ``budget`` deterministic seconds are spent.

    Parameters
    ----------
    ctx
        The built model (objective set).
    values, objective
        The current roster (shift variable index → chosen) and its objective.
    budget, step_budget
        Deterministic seconds for the whole search and for one neighbourhood.
    deadline
        ``time.perf_counter()`` value at which to stop whatever the budget left.
    bound
        A proven lower bound: the search stops when it reaches it.
    workers, seed
        CP-SAT workers per neighbourhood and the random seed.
    on_better
        Called with each better objective.

    Returns
    -------
    tuple
        The best roster's values, its objective, and what stopped the search.
    """
    rng = random.Random(seed)
    size, spent = 0.15, 0.0
    keys = list(ctx.x.items())
    while spent < budget:
        if time.perf_counter() >= deadline:
            return values, objective, "time limit"
        if objective <= bound + 1e-6:
            return values, objective, "optimal"
        hood = pick(ctx, rng, size)
        sub = ctx.model.clone()
        sub.clear_hints()
        for (agent, day, _), var in keys:
            twin = sub.get_bool_var_from_proto_index(var.index)
            if hood.frees(agent, day):
                sub.add_hint(twin, values[var.index])
            else:
                sub.add(twin == int(values[var.index]))
        solver = cp_model.CpSolver()
        solver.parameters.num_workers = workers
        solver.parameters.interleave_search = workers > 1
        solver.parameters.random_seed = rng.randrange(1 << 30)
        solver.parameters.max_deterministic_time = min(step_budget, budget - spent)
        solver.parameters.max_time_in_seconds = max(0.05, deadline - time.perf_counter())
        status = solver.solve(sub)
        spent += max(solver.deterministic_time, 0.01)
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            size = max(0.05, size * 0.9)
            continue
        found = solver.objective_value
        # grow neighbourhoods that solve to optimality, shrink the ones that do not
        size = min(0.6, size * 1.1) if status == cp_model.OPTIMAL else max(0.05, size * 0.9)
        if found < objective - 1e-6:
            objective = found
            values = {var.index: solver.boolean_value(var) for _, var in keys}
            log.info("neighbourhood search: penalty %.0f", objective)
            if on_better:
                on_better(objective)
    return values, objective, "work limit"
