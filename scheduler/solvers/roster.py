"""Build the CP-SAT model from the rules, solve it, and extract a roster with its report."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from functools import partial

from ortools.sat.python import cp_model

from scheduler.check import check
from scheduler.constraints import RULES
from scheduler.domain import Problem
from scheduler.solvers.columns import generate
from scheduler.solvers.context import ModelContext
from scheduler.solvers.explain import explain
from scheduler.solvers.lns import (
    Values,
    extract,
    fixed_model,
    improve,
    shift_values,
    single_worker,
)
from scheduler.solvers.relaxation import lp_bound
from scheduler.solvers.result import SolveReport, SolveResult

log = logging.getLogger(__name__)

# Default CP-SAT deterministic seconds of search per wall-clock second of time limit. On this
# project's reference machine (2 cores) a deterministic second takes 1.5-3 real seconds, so teams
# up to about 60 agents stop on the work limit (reproducibly) or a proof; larger ones may run
# into the wall-clock limit, which the report says.
WORK_PER_SECOND = 0.4

# Above this many shift variables the full linear relaxation (level 2) costs more than it gives:
# on a generated 200-agent week the root bound took three times as long to settle.
LARGE_MODEL = 9000

# Up to this many shift variables CP-SAT on the whole model often proves the optimum: it runs
# with two seeds and gets most of the effort. Above it neighbourhood search finds far better
# rosters (Curtois 8-12), and CP-SAT on the whole model only runs long enough to give a bound.
SMALL_MODEL = 3000

# Above LARGE_MODEL local search (CP-SAT's feasibility jump) first improves its roster for this
# share of the work limit: early on it descends faster per thread than neighbourhood search
# (Curtois 12: 17402 -> 6625 in 10 deterministic seconds, where neighbourhood search needs
# about 30 thread-seconds). On medium models (Curtois 8-11) it gave nothing. Over seeds 0 and 2
# on Curtois 12, 0.25 / 0.4 / 0.6 of the work ended at 4439 / 4425 / 4541 and 4737 / 4538 / 4545.
DESCENT = 0.4


def exact_share(ctx: ModelContext, lns: bool) -> float:
    """The share of the work limit given to CP-SAT on the whole model."""
    if not lns or len(ctx.x) <= SMALL_MODEL:
        return 0.9
    # on the largest it gains nothing in a minute beyond the relaxation's bound (Curtois 12:
    # 3628 both), while neighbourhood search still improves steeply at the end: it gets the time
    return 0.3 if len(ctx.x) <= LARGE_MODEL else 0.02

STATUS = {cp_model.OPTIMAL: "OPTIMAL", cp_model.FEASIBLE: "FEASIBLE",
          cp_model.INFEASIBLE: "INFEASIBLE", cp_model.MODEL_INVALID: "MODEL_INVALID",
          cp_model.UNKNOWN: "UNKNOWN"}


@dataclass(frozen=True)
class Progress:
    """One improvement seen while solving."""

    objective: int
    bound: float
    gap: float | None
    elapsed_s: float
    solutions: int


def gap_of(objective: float, bound: float) -> float:
    """Relative distance between the best roster and the proven bound."""
    return max(0.0, objective - bound) / max(1.0, abs(objective))


def build(problem: Problem, *, explain_mode: bool = False) -> ModelContext:
    """The model context with every active rule encoded and the objective set."""
    ctx = ModelContext(problem, explain=explain_mode)
    for rule in RULES:
        if rule.active(problem):
            rule.encode(ctx)
    ctx.model.minimize(ctx.objective())
    return ctx


def add_hints(ctx: ModelContext) -> None:
    """Start from the published roster, else from last week's pattern on the same weekday."""
    problem = ctx.problem
    source = {(s.agent, s.day): s.template for s in problem.reference}
    if not source:
        source = {(s.agent, s.day + 7): s.template for s in problem.history}
    if not source:
        return
    for (agent, day, template), var in ctx.x.items():
        ctx.model.add_hint(var, source.get((agent, day)) == template)


class _Watcher(cp_model.CpSolverSolutionCallback):
    """Reports each improving roster through logging and an optional callback."""

    def __init__(self, on_progress: Callable[[Progress], None] | None,
                 stop_at: float = -1.0) -> None:
        super().__init__()
        self.on_progress = on_progress
        self.stop_at = stop_at  # a proven bound: a roster that meets it is optimal
        self.solutions = 0
        self.first_s: float | None = None

    def on_solution_callback(self) -> None:
        self.solutions += 1
        if self.first_s is None:
            self.first_s = self.wall_time
        objective, bound = int(self.objective_value), self.best_objective_bound
        step = Progress(objective, bound, gap_of(objective, bound), self.wall_time, self.solutions)
        log.info("roster #%d: penalty %d, bound %.0f, gap %.2f%%, %.1f s", step.solutions,
                 step.objective, step.bound, 100 * (step.gap or 0), step.elapsed_s)
        if self.on_progress:
            self.on_progress(step)
        if objective <= self.stop_at + 1e-6:
            self.stop_search()


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
    solver.parameters.repair_hint = not local_search
    solver.parameters.stop_after_first_solution = not descend
    status = solver.solve(ctx.model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return float("inf"), None
    return solver.objective_value, shift_values(ctx, solver)


def first_roster(ctx: ModelContext, *, seed: int, work: float, seconds: float,
                 workers: int, descent: float = 0.0) -> Values | None:
    """A quick first roster, or None: the better of local search and a repaired hint.

    Local search finds rosters fast when the hard rules are loose; a search without linear
    relaxation that repairs the hint (last week's pattern) when they are tight. Without a hint
    that second search is slow, so it runs only when local search (with two seeds) finds
    nothing. With two or more workers two searches run at once. The main search, which spends
    its effort on the linear relaxation, starts from this roster. Every search is
    single-threaded and stops on the deterministic clock (reproducible).
    """
    run = partial(_first_try, ctx, work=work, seconds=seconds, descent=descent)
    # reading proto.solution_hint would create an empty hint, which changes CP-SAT's search
    hinted = ctx.model.proto.has_solution_hint()
    kinds = [(True, seed), (False, seed) if hinted else (True, seed + 1)]
    if workers > 1:
        with ThreadPoolExecutor(max_workers=2) as pool:
            jobs = [pool.submit(run, local_search=ls, seed=s) for ls, s in kinds]
            tries = [job.result() for job in jobs]
    else:
        tries = [run(local_search=ls, seed=s) for ls, s in kinds]
    if all(values is None for _, values in tries) and not hinted:
        tries = [run(local_search=False, seed=seed)]
    found = [t for t in tries if t[1] is not None]
    return min(found, key=lambda t: t[0])[1] if found else None


def polish(ctx: ModelContext, values: Values) -> dict[str, int]:
    """Penalty per rule of a roster, with every penalty variable at its least value.

    Within a time limit CP-SAT may return a roster whose slack variables are not yet tight;
    fixing the shifts leaves a tiny problem that is solved to optimality, so the objective is
    exactly the penalty the rules' ``evaluate`` finds.
    """
    fixed = fixed_model(ctx, values, lambda agent, day: False)
    exact = cp_model.CpSolver()
    exact.parameters.num_workers = 1
    exact.parameters.max_time_in_seconds = 60
    if exact.solve(fixed) not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        raise RuntimeError("the roster found does not satisfy its own model")
    penalties: dict[str, int] = {}
    for term in ctx.penalties:
        value = term.expr if isinstance(term.expr, int) else exact.value(term.expr)
        penalties[term.rule] = penalties.get(term.rule, 0) + term.weight * int(value)
    return penalties


@dataclass(frozen=True)
class Search:
    """The outcome of one search: the roster found (if any), its objective, the bound."""

    status: str
    values: Values | None
    objective: float
    bound: float
    stopped: str


def exact_search(ctx: ModelContext, *, seed: int, work: float, seconds: float,
                 watcher: _Watcher | None = None, log_progress: bool = False,
                 solver: cp_model.CpSolver | None = None) -> Search:
    """CP-SAT on the whole model, one thread, strong linear relaxation (proves optima).

    ``solver`` may be given so that another thread can stop the search.
    """
    solver = solver or cp_model.CpSolver()
    single_worker(solver, seed=seed, work=work, seconds=seconds)
    if len(ctx.x) > LARGE_MODEL:
        solver.parameters.linearization_level = 1
    solver.parameters.log_search_progress = log_progress
    status = STATUS[solver.solve(ctx.model, watcher)]
    if status == "OPTIMAL":
        stopped = "optimal"
    else:
        stopped = "time limit" if solver.wall_time >= seconds - 0.05 else "work limit"
    if status not in ("OPTIMAL", "FEASIBLE"):
        return Search(status, None, float("inf"), max(0.0, solver.best_objective_bound), stopped)
    values = shift_values(ctx, solver)
    return Search(status, values, solver.objective_value, max(0.0, solver.best_objective_bound),
                  stopped)


def two_seeds(ctx: ModelContext, search: Callable[[], Search], *, seed: int, work: float,
              seconds: float) -> Search:
    """CP-SAT on the whole model with two seeds side by side; the first (``search``) wins ties.

    On small models the seed decides much: Curtois 5 ends at 1144 or 1247 by seed alone. Only
    the first search stops the second (when it has proven its answer), never the reverse, so
    the outcome does not depend on which thread finishes first.
    """
    twin = cp_model.CpSolver()
    with ThreadPoolExecutor(max_workers=1) as pool:
        second = pool.submit(exact_search, ctx, seed=seed + 1, work=work, seconds=seconds,
                             solver=twin)
        one = search()
        proven = one.status in ("OPTIMAL", "INFEASIBLE")
        if proven:
            twin.stop_search()
        two = second.result()
    best = two if not proven and two.objective < one.objective - 1e-6 else one
    return replace(best, bound=max(one.bound, two.bound))


def solve(problem: Problem, *, time_limit: float = 60.0, work_limit: float | None = None,
          workers: int = 2, seed: int = 0, neighbourhood_search: bool = True,
          log_progress: bool = False,
          on_progress: Callable[[Progress], None] | None = None) -> SolveResult:
    """Build and solve the roster of a problem.

    The linear relaxation's bound (HiGHS, :mod:`.relaxation`) and a quick first roster; then,
    side by side, CP-SAT on the whole model (one thread, strong linear relaxation: it proves
    optima and gives the bound) and neighbourhood search from the first roster on the other
    threads (on small models, CP-SAT on the whole model with a second seed instead: see
    :func:`two_seeds`); then neighbourhood search from the better of the two with every thread.
    The reported bound is the better of CP-SAT's and the relaxation's. On large teams the
    search does not wait for the relaxation, and on the largest (``LARGE_MODEL``) local search
    first improves its roster (``DESCENT``) and neighbourhood search gets nearly all the work.
    Every search stops on CP-SAT's deterministic clock and the two meet only at that fixed
    point, so the same input, seed and workers give the same roster.

    Parameters
    ----------
    problem
        The validated team problem.
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
        Called with each improving roster.

    Returns
    -------
    SolveResult
        The roster (None when none was found), the report and the rules' evaluation.
    """
    started = time.perf_counter()
    work = time_limit * WORK_PER_SECOND if work_limit is None else work_limit
    ctx = build(problem)
    add_hints(ctx)
    background = ThreadPoolExecutor(max_workers=1)
    relaxation = background.submit(lp_bound, ctx.model, time_limit=0.25 * time_limit)
    background.shutdown(wait=False)  # the relaxation runs on; its result is awaited below
    small, large = len(ctx.x) <= SMALL_MODEL, len(ctx.x) > LARGE_MODEL
    first = first_roster(ctx, seed=seed, work=0.15 * work, seconds=0.25 * time_limit,
                         workers=workers, descent=DESCENT * work if large else 0.0)
    # on large teams the relaxation takes longer than the first roster (Curtois 12: 6 s and
    # 1.4 s), so the search starts without its bound and collects it after the first phase
    relaxed = relaxation.result() if small else 0.0
    first_s = time.perf_counter() - started if first else None
    if small:
        # column generation's bound proves optima the model's own relaxation cannot (Curtois
        # 4: 1716 in 4 s, where CP-SAT's bound stays near 1590); on larger teams it would take
        # the time the roster search needs
        columns = generate(ctx, seed=seed, work=0.1 * work * workers,
                           deadline=started + 0.2 * time_limit, workers=workers,
                           pick_roster=False)
        if columns and columns.bound < float("inf"):
            relaxed = max(relaxed, columns.bound)
    if first and not small:
        # on small models CP-SAT finds good rosters by itself, and a hint of a poor first
        # roster steers its search there (Curtois 5 and 6 end 1-5 % worse with it)
        ctx.model.clear_hints()
        for var in ctx.x.values():
            ctx.model.add_hint(var, first[var.index])
    watcher = _Watcher(on_progress, stop_at=relaxed)
    best: list[float] = [float("inf")]

    def better(found: float) -> None:
        if found < best[0]:
            best[0] = found
            watcher.solutions += 1
            if on_progress:
                on_progress(Progress(int(found), 0.0, None, time.perf_counter() - started,
                                     watcher.solutions))

    lns = neighbourhood_search and first is not None
    share = exact_share(ctx, lns)
    phase_end = started + time_limit * min(0.95, share + 0.05)
    wall = phase_end - time.perf_counter()
    exact_run = partial(exact_search, ctx, seed=seed, work=share * work, seconds=wall,
                        watcher=watcher, log_progress=log_progress)
    done = threading.Event()
    if lns and first is not None and workers > 1 and small:
        exact = two_seeds(ctx, exact_run, seed=seed, work=share * work, seconds=wall)
        local = (first, float("inf"), "not run")
    elif lns and first is not None and workers > 1:
        with ThreadPoolExecutor(max_workers=2) as pool:
            exact_job = pool.submit(lambda: _signal(exact_run(), done))
            local_job = pool.submit(improve, ctx, first, float("inf"),
                                    budget=share * work * (workers - 1), workers=workers - 1,
                                    seed=seed + 1, deadline=phase_end, bound=relaxed,
                                    on_better=better, cancelled=done.is_set)
            exact, local = exact_job.result(), local_job.result()
    else:
        exact, local = exact_run(), (first or {}, float("inf"), "not run")
    if exact.status == "INFEASIBLE" or (exact.values is None and first is None):
        conflict = explain(problem, time_limit=time_limit) if exact.status == "INFEASIBLE" \
            else []
        report = SolveReport(status=exact.status, wall_time_s=time.perf_counter() - started,
                             conflict=conflict, stopped_by=exact.stopped, time_limit_s=time_limit,
                             work_limit=work, workers=workers, seed=seed,
                             agents=len(problem.agents), shift_variables=len(ctx.x))
        return SolveResult(None, report)
    if exact.values is not None and exact.objective <= local[1]:
        values, objective, stopped = exact.values, exact.objective, exact.stopped
    elif local[1] < float("inf"):
        values, objective, stopped = local
    else:
        assert first is not None
        values, objective, stopped = first, float(sum(polish(ctx, first).values())), "work limit"
    relaxed = max(relaxed, relaxation.result())
    bound = max(exact.bound, relaxed)
    if lns and stopped != "optimal" and objective > bound + 1e-6:
        values, objective, stopped = improve(
            ctx, values, objective, budget=(1 - share) * work * workers, workers=workers,
            seed=seed + 2,
            deadline=started + 0.95 * time_limit, bound=bound, on_better=better)
    return _result(problem, ctx, values, bound, stopped, started,
                   first_s if first_s is not None else watcher.first_s,
                   dict(time_limit_s=time_limit, work_limit=work, workers=workers, seed=seed))


def _signal(search: Search, done: threading.Event) -> Search:
    """Tell the neighbourhood search to stop once the exact search has proven the optimum."""
    if search.status == "OPTIMAL":
        done.set()
    return search


def _result(problem: Problem, ctx: ModelContext, values: Values, bound: float, stopped: str,
            started: float, first_s: float | None, settings: dict[str, float]) -> SolveResult:
    """The roster, its exact per-rule penalties, its evaluation and the report."""
    roster = extract(ctx, values)
    penalties = polish(ctx, values)
    objective = sum(penalties.values())
    status = "OPTIMAL" if objective <= bound + 1e-6 else "FEASIBLE"
    evaluation = check(problem, roster)
    report = SolveReport(
        status=status, objective=int(objective), bound=bound, gap=gap_of(objective, bound),
        wall_time_s=time.perf_counter() - started, first_solution_s=first_s,
        stopped_by="optimal" if status == "OPTIMAL" else stopped, penalties=penalties,
        worst={r: evaluation.worst(r) for r in penalties}, agents=len(problem.agents),
        shift_variables=len(ctx.x), **settings)
    return SolveResult(roster, report, evaluation)
