"""The searches a solve runs: a quick first roster, and CP-SAT on the whole model.

Every search is single-threaded and stops on CP-SAT's deterministic clock, so its outcome is
reproducible; several run side by side in threads (CP-SAT releases the interpreter).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from functools import partial

from ortools.sat.python import cp_model

from scheduler.check import check
from scheduler.model import ModelContext
from scheduler.solvers.cpsat import (
    STATUS,
    Values,
    extract,
    fixed_model,
    one_thread,
    shift_values,
    single_worker,
)
from scheduler.solvers.plan import SearchResult, StopReason
from scheduler.solvers.progress import Watcher

log = logging.getLogger(__name__)

# No search here sets CP-SAT's ``repair_hint``: with a hint, it solves a copy of the model that
# minimises the distance to the hint first, and when the work or time limit runs out while
# that copy loads, OR-Tools 9.15 aborts the whole process (``Check failed:
# heuristics.fixed_search != nullptr``; Curtois 13's empty roster repaired with 2.4
# deterministic seconds, while 0.05, 5, 10 and 50 did not). The hint alone is still followed
# first (CP-SAT tries it before its own search).


def _first_try(ctx: ModelContext, *, local_search: bool, seed: int, work: float,
               seconds: float, descent: float = 0.0) -> tuple[float, Values | None]:
    """One quick search for a first roster: (objective, values), values None when none.

    With ``descent`` > 0 local search does not stop at its first roster but improves it until
    ``descent`` deterministic seconds are spent.
    """
    solver = cp_model.CpSolver()
    descend = local_search and descent > 0
    single_worker(solver, seed=seed, work=max(work, descent) if descend else work,
                  seconds=seconds)
    solver.parameters.linearization_level = 0
    solver.parameters.use_ls_only = local_search
    solver.parameters.stop_after_first_solution = not descend
    status = solver.solve(ctx.model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return float("inf"), None
    return solver.objective_value, shift_values(ctx, solver)


def empty_roster(ctx: ModelContext) -> Values | None:
    """The roster where nobody works, when it breaks no hard rule (else None).

    Teams that plan from availability and headcount allow it (every need is soft), and it is
    a roster like any other, with its coverage penalties; local search finds nothing on their
    models (50 agents: no roster in 20 s). Teams whose contracts ask for hours never allow it.
    """
    empty = {var.index: False for var in ctx.x.values()}
    fixed = fixed_model(ctx, empty, lambda agent, day: False)
    status = one_thread(seconds=10).solve(fixed)
    return empty if status in (cp_model.OPTIMAL, cp_model.FEASIBLE) else None


def holds(ctx: ModelContext, values: Values) -> bool:
    """Whether a roster breaks no hard rule of the model."""
    fixed = fixed_model(ctx, values, lambda agent, day: False)
    return one_thread(seconds=10).solve(fixed) in (cp_model.OPTIMAL, cp_model.FEASIBLE)


def repaired(ctx: ModelContext, values: Values, *, seed: int, work: float,
             seconds: float) -> Values | None:
    """The roster itself when it breaks no hard rule; else repaired by CP-SAT from it, first
    on the neighbourhood of the agents it breaks a rule for (:func:`around`), then on the
    whole model (a search without linear relaxation that starts from it); else None."""
    if holds(ctx, values):
        return values
    near = around(ctx, values)
    for keep in ([near] if near else []) + [lambda agent, day: True]:
        found = _repair(ctx, values, keep, seed=seed, work=work, seconds=seconds)
        log.info("first roster repaired (%s): %s", "near" if keep is near else "whole",
                 found is not None)
        if found is not None:
            return found
    return None


def around(ctx: ModelContext, values: Values) -> Callable[[str, int], bool] | None:
    """The agents a roster breaks a hard rule for, over the whole horizon, and on the days
    they are offered shifts everyone on duty when they could be (None: no agent named)."""
    problem = ctx.problem
    broken = {v.agent for v in check(problem, extract(ctx, values), ctx.requirements).hard
              if v.agent}
    if not broken:
        return None
    reach: dict[int, list[tuple[int, int]]] = {}
    for (agent, day, template) in ctx.x:
        if agent in broken:
            reach.setdefault(day, []).append(ctx.span(agent, day, template))
    near: set[tuple[str, int]] = set()
    for (agent, day, template), var in ctx.x.items():
        if values[var.index] and day in reach:
            start, end = ctx.span(agent, day, template)
            if any(s < end and start < e for s, e in reach[day]):
                near.add((agent, day))
    return lambda agent, day: agent in broken or (agent, day) in near


def _repair(ctx: ModelContext, values: Values, keep: Callable[[str, int], bool], *,
            seed: int, work: float, seconds: float) -> Values | None:
    model = fixed_model(ctx, values, keep)
    solver = cp_model.CpSolver()
    single_worker(solver, seed=seed, work=work, seconds=seconds)
    solver.parameters.linearization_level = 0
    solver.parameters.stop_after_first_solution = True
    if solver.solve(model) not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    return shift_values(ctx, solver)


def first_roster(ctx: ModelContext, *, seed: int, work: float, seconds: float,
                 workers: int, descent: float = 0.0) -> Values | None:
    """A quick first roster, or None: the better of local search and a repaired hint.

    Local search finds rosters fast when the hard rules are loose; a search without linear
    relaxation that repairs the hint (last week's pattern) when they are tight. Without a hint
    that second search is slow, so it runs only when local search (with two seeds) finds
    nothing. With two or more workers two searches run at once. The main search, which spends
    its effort on the linear relaxation, starts from this roster.

    Only the first local search descends: the second seed stops at its first roster (a spare
    in case the first finds none), which leaves a core to the phases beside this one (Curtois
    13 at load 5: the sub-models' index and the relaxation; two descents took 33 s of 60).
    """
    run = partial(_first_try, ctx, work=work, seconds=seconds)
    # reading proto.solution_hint would create an empty hint, which changes CP-SAT's search
    hinted = ctx.model.proto.has_solution_hint()
    kinds = [(True, seed, descent), (False, seed, 0.0) if hinted else (True, seed + 1, 0.0)]
    if workers > 1:
        with ThreadPoolExecutor(max_workers=2) as pool:
            jobs = [pool.submit(run, local_search=ls, seed=s, descent=d) for ls, s, d in kinds]
            tries = [job.result() for job in jobs]
    else:
        tries = [run(local_search=ls, seed=s, descent=d) for ls, s, d in kinds]
    if all(values is None for _, values in tries) and not hinted:
        tries = [run(local_search=False, seed=seed)]
    found = [t for t in tries if t[1] is not None]
    return min(found, key=lambda t: t[0])[1] if found else None


def exact_search(ctx: ModelContext, *, seed: int, work: float, seconds: float,
                 linearization: int = 2, watcher: Watcher | None = None,
                 log_progress: bool = False,
                 solver: cp_model.CpSolver | None = None) -> SearchResult:
    """CP-SAT on the whole model, one thread, with its linear relaxation (proves optima).

    ``solver`` may be given so that another thread can stop the search.
    """
    solver = solver or cp_model.CpSolver()
    single_worker(solver, seed=seed, work=work, seconds=seconds)
    if linearization != 2:
        solver.parameters.linearization_level = linearization
    solver.parameters.log_search_progress = log_progress
    status = STATUS[solver.solve(ctx.model, watcher)]
    if status == "OPTIMAL":
        stopped = StopReason.OPTIMAL
    elif solver.wall_time >= seconds - 0.05:
        stopped = StopReason.TIME_LIMIT
    else:
        stopped = StopReason.WORK_LIMIT
    bound = max(0.0, solver.best_objective_bound)
    if status not in ("OPTIMAL", "FEASIBLE"):
        return SearchResult(status, None, float("inf"), bound, stopped)
    return SearchResult(status, shift_values(ctx, solver), solver.objective_value, bound, stopped)


def two_seeds(ctx: ModelContext, search: Callable[..., SearchResult], *,
              seed: int) -> SearchResult:
    """CP-SAT on the whole model with two seeds side by side; the first (``search``) wins ties.

    ``search()`` runs the first; ``search(seed=..., watcher=None, log_progress=False,
    solver=...)`` the second, with ``seed`` and a solver the first may stop. Only the first
    search stops the second (when it has proven its answer), never the reverse, so the outcome
    does not depend on which thread finishes first.
    """
    twin = cp_model.CpSolver()
    with ThreadPoolExecutor(max_workers=1) as pool:
        second = pool.submit(search, seed=seed, watcher=None, log_progress=False, solver=twin)
        one = search()
        proven = one.status in ("OPTIMAL", "INFEASIBLE")
        if proven:
            twin.stop_search()
        two = second.result()
    best = two if not proven and two.objective < one.objective - 1e-6 else one
    return replace(best, bound=max(one.bound, two.bound))
