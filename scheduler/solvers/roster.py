"""Solve a roster: build the model from the rules, run the plan's phases, report the roster.

The phases, in order (their shares of the work are in :mod:`.plan`, chosen by model size):

1. the linear relaxation's bound (HiGHS, :mod:`.relaxation`), in the background;
2. a quick first roster (:func:`.searches.first_roster`), on availability-driven teams built
   shift by shift (:mod:`.construct`);
3. on small models, column generation's bound (:mod:`.columns`);
4. the main search: CP-SAT on the whole model (it proves optima and gives the bound) beside a
   second seed (small models) or neighbourhood search from the first roster (:mod:`.lns`);
   on availability-driven teams column generation gives the bound in place of CP-SAT;
5. neighbourhood search from the best roster with every thread, until the plan's end.

Every search stops on CP-SAT's deterministic clock and they meet only at fixed points, so the
same input, seed and workers give the same roster.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import partial

import pandas as pd

from scheduler.check import check
from scheduler.domain import Problem, Roster
from scheduler.model import ModelContext
from scheduler.solvers.columns import Outcome, generate
from scheduler.solvers.construct import shared_then_filled
from scheduler.solvers.cpsat import Values, add_hints, build, extract, polish
from scheduler.solvers.explain import explain
from scheduler.solvers.hoods import Reach
from scheduler.solvers.lns import improve
from scheduler.solvers.plan import (
    WORK_PER_SECOND,
    Budget,
    SearchResult,
    SolvePlan,
    StopReason,
    plan_for,
    priced_by_rota,
)
from scheduler.solvers.progress import Progress, Recorder, Watcher, gap_of
from scheduler.solvers.relaxation import Relaxation, lp_bound
from scheduler.solvers.result import SolveReport, SolveResult
from scheduler.solvers.searches import (
    empty_roster,
    exact_search,
    first_roster,
    holds,
    repaired,
    two_seeds,
)
from scheduler.solvers.subproblem import Splitter

__all__ = ["Progress", "SolvePlan", "build", "solve"]


@dataclass
class Run:
    """One solve in progress: the model, its plan and budget, and what is known so far."""

    ctx: ModelContext
    plan: SolvePlan
    budget: Budget
    recorder: Recorder
    seed: int
    neighbourhood_search: bool
    log_progress: bool = False
    first: Values | None = None
    first_s: float | None = None
    bound: float = 0.0
    splitter: Splitter | None = None
    picker: Reach | None = None


def solve(problem: Problem, requirements: pd.DataFrame, *, time_limit: float = 60.0,
          work_limit: float | None = None, workers: int = 2, seed: int = 0,
          neighbourhood_search: bool = True, log_progress: bool = False,
          on_progress: Callable[[Progress], None] | None = None,
          plan: SolvePlan | None = None, hint: Roster | None = None) -> SolveResult:
    """Build and solve the roster of a problem (see the module note for the phases).

    Parameters
    ----------
    problem
        The validated team problem.
    requirements
        The staffing stage's frame (:func:`scheduler.staffing.requirements`).
    time_limit
        Wall-clock seconds for the whole solve (a safety net; see ``work_limit``).
    work_limit
        CP-SAT deterministic seconds per search thread (default ``WORK_PER_SECOND`` times the
        time limit). A solve that stops on it is reproducible.
    workers, seed
        Threads and random seed.
    neighbourhood_search
        Use neighbourhood search (see :mod:`.lns`) besides CP-SAT on the whole model.
    log_progress
        Print CP-SAT's own search log.
    on_progress
        Called with each improving roster and the best bound known then.
    plan
        The phases and their shares (default: :func:`.plan.plan_for` the model's size).
    hint
        A roster to start from instead of the published one (what-if: the neighbouring
        scenario's roster); shifts of agents or templates the problem lacks are ignored.

    Returns
    -------
    SolveResult
        The roster (None when none was found), the report and the rules' evaluation.
    """
    work = time_limit * WORK_PER_SECOND if work_limit is None else work_limit
    budget = Budget(time_limit, work, workers)
    ctx = build(problem, requirements)
    add_hints(ctx, hint)
    if plan is None:
        plan = plan_for(len(ctx.x), flexible=bool(problem.flexible),
                        by_rota=priced_by_rota(problem))
    run = Run(ctx, plan, budget, Recorder(budget, on_progress), seed, neighbourhood_search,
              log_progress)
    until = budget.deadline(plan.relaxation_share(len(ctx.x), time_limit))
    relaxation = Relaxation(ctx.model, deadline=until, bound_of=lp_bound)
    try:
        return _phases(run, relaxation)
    finally:
        relaxation.stop()


def _phases(run: Run, relaxation: Relaxation) -> SolveResult:
    """The phases of the module note, in order, with the relaxation solving beside them."""
    ctx, budget, seed, workers = run.ctx, run.budget, run.seed, run.budget.workers
    _first_phase(run, relaxation)
    if _searching(run) and run.plan.availability_hoods:
        run.picker = Reach(ctx)
    if run.plan.columns_work or (run.plan.columns_beside and _searching(run) and
                                 run.budget.workers == 1):
        _columns_phase(run)
    exact, local = _main_phase(run)
    if exact.status == "INFEASIBLE" or (exact.values is None and run.first is None):
        return _no_roster(run, exact)
    best = _best_of(run, exact, local)
    # the relaxation may still be solving (large models): the search goes on without it
    run.bound = max(exact.bound, run.bound, relaxation.result(wait=False))
    if _searching(run) and best.stopped != StopReason.OPTIMAL and \
            best.objective > run.bound + 1e-6:
        best = improve(ctx, best.values or {}, best.objective,
                       budget=(1 - run.plan.exact_share) * budget.work * workers,
                       workers=workers,
                       seed=seed + 2, deadline=budget.deadline(run.plan.end), bound=run.bound,
                       on_better=run.recorder.roster_found, splitter=run.splitter,
                       picker=run.picker)
    run.bound = max(run.bound, relaxation.result())
    return _result(run, best)


def _first_phase(run: Run, relaxation: Relaxation) -> None:
    """A quick first roster (nobody working, when the hard rules allow it); small models then
    wait for the relaxation's bound.

    On large teams the relaxation takes longer than the first roster (Curtois 12: 6 s and
    1.4 s), so the search starts without its bound and collects it after the main phase.
    """
    plan, budget = run.plan, run.budget
    seconds = max(0.05, min(plan.first_time * budget.time_limit, budget.seconds_until(plan.end)))
    with ThreadPoolExecutor(max_workers=1) as side:
        # the sub-models' index is pure Python and CP-SAT releases the interpreter, so it is
        # built while the first roster is searched (Curtois 13: 11 s at load 7)
        splitter = side.submit(Splitter, run.ctx) if plan.compact_neighbourhoods and \
            run.neighbourhood_search else None
        if plan.construct:
            run.first = repaired(run.ctx, shared_then_filled(run.ctx), seed=run.seed,
                                 work=plan.repair_work * budget.work, seconds=seconds)
        run.first = run.first or empty_roster(run.ctx) or \
            first_roster(run.ctx, seed=run.seed, work=plan.first_work * budget.work,
                         seconds=seconds, workers=budget.workers,
                         descent=plan.descent * budget.work)
        run.splitter = splitter.result() if splitter and run.first is not None else None
    if plan.wait_for_relaxation:
        run.bound = relaxation.result()
        run.recorder.bound_proven(run.bound)
    if run.first is not None:
        run.first_s = run.budget.elapsed()
        if plan.hint_first:
            run.ctx.model.clear_hints()
            for var in run.ctx.x.values():
                run.ctx.model.add_hint(var, run.first[var.index])


def _columns_phase(run: Run) -> None:
    """Column generation's bound (no roster: the searches find better ones)."""
    budget = run.budget
    plan = run.plan
    share = plan.columns_work or plan.exact_share
    until = plan.columns_time if plan.columns_work else plan.exact_share
    columns = generate(run.ctx, seed=run.seed, work=share * budget.work * budget.workers,
                       deadline=budget.deadline(until), workers=budget.workers,
                       pick_roster=False, start=run.first, stall=plan.columns_stall,
                       by_days=plan.price_by_days, incremental=plan.incremental_master)
    _take_bound(run, columns)


def _take_bound(run: Run, columns: Outcome | None) -> None:
    """Keep column generation's bound when it is better."""
    if columns and columns.bound < float("inf") and columns.bound > run.bound:
        run.bound = columns.bound
        run.recorder.bound_proven(run.bound)


def _beside(run: Run) -> bool:
    """Whether column generation runs beside neighbourhood search in the main phase."""
    return run.plan.columns_beside and _searching(run) and run.budget.workers > 1


def _columns_beside(run: Run, phase_end: float) -> SearchResult:
    """Column generation on one thread for the main phase: its bound, and (when the plan
    says so) the best roster of its columns, when it breaks no hard rule."""
    budget, plan = run.budget, run.plan
    columns = generate(run.ctx, seed=run.seed, work=plan.exact_share * budget.work,
                       deadline=phase_end, workers=1, pick_roster=plan.columns_roster,
                       start=run.first, pick_work=plan.pick_work * budget.work,
                       pick_seconds=plan.pick_time * budget.time_limit,
                       least_work=plan.price_work, by_days=plan.price_by_days,
                       incremental=plan.incremental_master,
                       pick_linearization=plan.pick_linearization)
    _take_bound(run, columns)
    stopped = StopReason.TIME_LIMIT if time.perf_counter() >= phase_end else \
        StopReason.WORK_LIMIT
    found = SearchResult("UNKNOWN", None, float("inf"), run.bound, stopped)
    if columns is not None and columns.values is not None and holds(run.ctx, columns.values):
        objective = float(sum(polish(run.ctx, columns.values).values()))
        run.recorder.roster_found(objective)
        found = SearchResult("FEASIBLE", columns.values, objective, run.bound, stopped)
    left = plan.exact_share * budget.work - (columns.work if columns else 0.0)
    start = _better_start(run, found)
    if plan.search_columns and left > 0 and start.values is not None and \
            run.bound < start.objective:
        # the thread is free long before the phase ends: improve the columns' roster, or the
        # first roster when the columns' is worse (template teams: the best integer mix of
        # the columns is often far from their linear one)
        found = improve(run.ctx, start.values, start.objective, budget=left, workers=1,
                        seed=run.seed + 3, deadline=phase_end, bound=run.bound,
                        on_better=run.recorder.roster_found, splitter=run.splitter,
                        picker=run.picker)
    return found


def _better_start(run: Run, found: SearchResult) -> SearchResult:
    """The columns' roster, or the first roster when that costs less."""
    if run.first is None:
        return found
    objective = float(sum(polish(run.ctx, run.first).values()))
    if objective < found.objective:
        return SearchResult("FEASIBLE", run.first, objective, run.bound, found.stopped)
    return found


def _searching(run: Run) -> bool:
    """Whether neighbourhood search runs: asked for, and a first roster to start from."""
    return run.neighbourhood_search and run.first is not None


def _main_phase(run: Run) -> tuple[SearchResult, SearchResult]:
    """CP-SAT on the whole model, beside a second seed or neighbourhood search."""
    plan, budget, lns = run.plan, run.budget, _searching(run)
    share = plan.exact_work(lns)
    phase_end = budget.deadline(plan.main_end(lns))
    exact_run = partial(exact_search, run.ctx, seed=run.seed, work=share * budget.work,
                        seconds=phase_end - time.perf_counter(),
                        linearization=plan.linearization,
                        watcher=Watcher(run.recorder, stop_at=run.bound),
                        log_progress=run.log_progress)
    not_run = SearchResult("FEASIBLE", run.first, float("inf"), 0.0, StopReason.NOT_RUN)
    if not lns or budget.workers == 1:
        return exact_run(), not_run
    if plan.two_seeds:
        return two_seeds(run.ctx, exact_run, seed=run.seed + 1), not_run
    with ThreadPoolExecutor(max_workers=2) as pool:
        if _beside(run):
            exact_job = pool.submit(_columns_beside, run, phase_end)
        else:
            exact_job = pool.submit(_proving, exact_run, budget)
        local_job = pool.submit(improve, run.ctx, run.first or {}, float("inf"),
                                budget=share * budget.work * (budget.workers - 1),
                                workers=budget.workers - 1, seed=run.seed + 1,
                                deadline=phase_end, bound=run.bound,
                                on_better=run.recorder.roster_found,
                                cancelled=budget.cancelled.is_set, splitter=run.splitter,
                                picker=run.picker)
        return exact_job.result(), local_job.result()


def _proving(search: Callable[[], SearchResult], budget: Budget) -> SearchResult:
    """Run a search; once it has proven the optimum, cancel the others."""
    found = search()
    if found.status == "OPTIMAL":
        budget.cancelled.set()
    return found


def _best_of(run: Run, exact: SearchResult, local: SearchResult) -> SearchResult:
    """The better roster of the main phase (CP-SAT wins ties), else the first roster."""
    if exact.values is not None and exact.objective <= local.objective:
        return exact
    if local.objective < float("inf"):
        return local
    assert run.first is not None
    objective = float(sum(polish(run.ctx, run.first).values()))
    return SearchResult("FEASIBLE", run.first, objective, 0.0, StopReason.WORK_LIMIT)


def _settings(run: Run) -> dict[str, float]:
    budget = run.budget
    return dict(time_limit_s=budget.time_limit, work_limit=budget.work,
                workers=budget.workers, seed=run.seed,
                agents=len(run.ctx.problem.agents), shift_variables=len(run.ctx.x))


def _no_roster(run: Run, exact: SearchResult) -> SolveResult:
    """No roster: the hard rules conflict (explained in words), or none was found in time."""
    ctx, time_limit = run.ctx, run.budget.time_limit
    conflict = explain(build(ctx.problem, ctx.requirements, explain_mode=True),
                       time_limit=time_limit) if exact.status == "INFEASIBLE" else []
    report = SolveReport(status=exact.status, wall_time_s=run.budget.elapsed(),
                         conflict=conflict, not_found=[] if conflict else _why_none(run, exact),
                         stopped_by=exact.stopped, **_settings(run))
    return SolveResult(None, report)


def _why_none(run: Run, exact: SearchResult) -> list[str]:
    """Why no roster was found in time, phase by phase, and what to change."""
    problem, plan = run.ctx.problem, run.plan
    return [
        f"the model has {len(run.ctx.x):,} shift variables ({len(problem.agents)} agents, "
        f"{problem.days} days; plan for {plan.size} models)",
        f"the first-roster phase (local search, {plan.first_time:.0%} of the time) found none, "
        "and the hard rules do not allow an empty roster",
        f"CP-SAT on the whole model found none before its {exact.stopped}",
        "to change: a longer --time-limit; fewer shift templates or flexible-shift starts; or "
        "make coverage and contract hours soft, so that an incomplete roster is a roster",
    ]


def _result(run: Run, best: SearchResult) -> SolveResult:
    """The roster, its exact per-rule penalties, its evaluation and the report.

    A proven bound above the roster's exact penalty would make the report claim an optimum
    it does not have: that is a bug in a bound, and it stops here rather than mislead.
    """
    ctx, bound = run.ctx, run.bound
    assert best.values is not None
    roster = extract(ctx, best.values)
    penalties = polish(ctx, best.values)
    objective = sum(penalties.values())
    if bound > objective + 1e-6:
        raise RuntimeError(f"the proven bound {bound} is above the roster's penalty "
                           f"{objective}: a bound is wrong (please report this)")
    status = "OPTIMAL" if objective <= bound + 1e-6 else "FEASIBLE"
    evaluation = check(ctx.problem, roster, ctx.requirements)
    report = SolveReport(
        status=status, objective=int(objective), bound=bound, gap=gap_of(objective, bound),
        wall_time_s=run.budget.elapsed(),
        first_solution_s=run.first_s if run.first_s is not None else run.recorder.first_s,
        stopped_by=StopReason.OPTIMAL if status == "OPTIMAL" else best.stopped,
        penalties=penalties, worst={r: evaluation.worst(r) for r in penalties},
        **_settings(run))
    return SolveResult(roster, report, evaluation)
