"""Large-neighbourhood search over agents and days, on top of CP-SAT.

CP-SAT's own neighbourhoods know nothing of rosters. Here a neighbourhood frees the shifts of
a few agents, of every agent over a run of days, of many agents over one week (anywhere, or
around a day where the roster pays a penalty, drawn by the square root of the penalty), or of
some agents on every weekend (when a weekend limit ties the weekends together), keeps the rest
of the roster fixed, and lets CP-SAT re-plan the freed part. Each kind has its own size, grown
while CP-SAT proves its re-plans optimal and shrunk when it runs out of time, as CP-SAT does for
its own neighbourhoods. Each round tries one neighbourhood per worker at once (threads;
CP-SAT releases the interpreter while it searches), each a single-worker search stopped on
CP-SAT's deterministic clock, and keeps the best improvement. So the same seed and workers give
the same rosters, and the cores are used.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Protocol

import numpy as np
from ortools.sat.python import cp_model

from scheduler.check import check
from scheduler.constraints import RULES
from scheduler.model import ModelContext
from scheduler.solvers.cpsat import Values, extract, fixed_model, shift_values, single_worker
from scheduler.solvers.plan import SearchResult, StopReason
from scheduler.solvers.subproblem import Splitter, full_values

Current = tuple[Splitter, np.ndarray]

log = logging.getLogger(__name__)

# a neighbourhood's shift variables at first: 15 % of Curtois 8-12 (500-2,500) re-plan within a
# step; 15 % of Curtois 13 (9,000) found no roster in a step, so no size ever grew
FIRST_FREED = 2500

KINDS = ("agents", "days", "block", "weekends", "penalties")
# how often each kind is tried; a weekends draw falls back to agents when no limit ties the
# weekends together (see weekend_days), a penalties draw to block when nothing is penalised
CHANCE = (0.3, 0.25, 0.15, 0.15, 0.15)


@dataclass(frozen=True)
class Neighbourhood:
    """The shift variables to free: some agents' whole horizon (``agents``), some days of every
    agent (``days``), many agents over a week (``block``), where agents swap shifts, or some
    agents on every weekend and the days either side (``weekends``), where they trade weekends,
    or many agents over the week around a penalised day (``penalties``)."""

    kind: str
    agents: frozenset[str]
    days: frozenset[int]

    def frees(self, agent: str, day: int) -> bool:
        """Whether (agent, day) is re-planned."""
        if self.kind not in ("agents", "days"):
            return agent in self.agents and day in self.days
        return agent in self.agents or day in self.days


Spot = tuple[int, str | None, int]
# where a roster pays, or how to find it when a neighbourhood needs it (see :class:`LazySpots`)
Spots = list[Spot] | Callable[[], list[Spot]] | None


class Picker(Protocol):
    """Draws a neighbourhood (as :func:`pick` does); ``kinds``: those it may draw."""

    kinds: tuple[str, ...]

    def __call__(self, ctx: ModelContext, rng: random.Random, sizes: dict[str, float],
                 spots: Spots = None) -> Neighbourhood: ...


def hot_spots(ctx: ModelContext, values: Values) -> list[Spot]:
    """Where a roster pays: (penalty, agent or None, day) of each soft finding on a day."""
    return [(v.penalty, v.agent, v.day) for v in check(ctx.problem, extract(ctx, values),
                                                ctx.requirements).violations
            if v.penalty > 0 and v.day is not None]


def pick(ctx: ModelContext, rng: random.Random, sizes: dict[str, float],
         spots: Spots = None, kind: str | None = None) -> Neighbourhood:
    """A random neighbourhood; ``sizes`` gives, per kind, the fraction of the roster to free,
    ``spots`` where the current roster pays (see :func:`hot_spots`), or a function that finds
    them, called only when a penalties neighbourhood is drawn; ``kind`` one of ``KINDS``
    (default: drawn)."""
    agents = [a.id for a in ctx.problem.agents]
    days = ctx.problem.days
    if kind is None:
        kind = rng.choices(KINDS, CHANCE)[0] if days >= 4 else "agents"
    around = weekend_days(ctx)
    if kind == "weekends" and not around:
        kind = "agents"
    if kind == "penalties" and callable(spots):
        spots = spots()
    if kind == "penalties" and not spots:
        kind = "block"
    size = sizes[kind]
    if kind in ("agents", "weekends"):
        count = max(2, min(len(agents), round(size * len(agents))))
        return Neighbourhood(kind, frozenset(rng.sample(agents, count)),
                             around if kind == "weekends" else frozenset())
    span = max(2, round(size * days)) if kind == "days" else min(days, 7)
    spot = None
    if kind == "penalties" and isinstance(spots, list) and spots:
        spot = draw_spot(rng, spots)
    if spot is None:
        first = rng.randrange(0, max(1, days - span + 1))
    else:  # the week centred on the penalised day, kept inside the horizon
        first = min(max(0, spot[2] - span // 2), days - span)
    chosen = frozenset(range(first, first + span))
    if kind == "days":
        return Neighbourhood(kind, frozenset(), chosen)
    many = min(len(agents), max(2, round(size * len(agents) * days / span)))
    team = set(rng.sample(agents, many))
    if spot is not None and spot[1] is not None and spot[1] not in team:
        team.discard(rng.choice(sorted(team)))  # the agent who pays is among those re-planned
        team.add(spot[1])
    return Neighbourhood(kind, frozenset(team), chosen)


def draw_spot(rng: random.Random, spots: list[Spot]) -> Spot:
    """A place where the roster pays, drawn the more likely the more it pays there."""
    return rng.choices(spots, [s[0] ** 0.5 for s in spots])[0]


def weekend_days(ctx: ModelContext) -> frozenset[int]:
    """The days the active rules tie together (see ``Rule.tied_days``): when a weekend limit
    ties the weekends of the horizon together, every weekend day and the days either side."""
    problem = ctx.problem
    return frozenset().union(*(rule.tied_days(problem) for rule in RULES if rule.active(problem)))


class LazySpots:
    """The hot spots of the current roster, found when first asked for (checking a roster of
    120 agents over 28 days costs about a second: Curtois 13 spent a third of its neighbourhood
    search there when it was done after every improvement; most rounds draw no penalties
    neighbourhood)."""

    def __init__(self, ctx: ModelContext, values: Values) -> None:
        self.ctx, self.values = ctx, values
        self.found: list[Spot] | None = None

    def __call__(self) -> list[Spot]:
        if self.found is None:
            self.found = hot_spots(self.ctx, self.values)
        return self.found


@dataclass(frozen=True)
class Attempt:
    """The outcome of re-planning one neighbourhood."""

    status: cp_model.CpSolverStatus
    objective: float
    work: float
    values: Values | None
    full: np.ndarray | None = None


def attempt(ctx: ModelContext, values: Values, hood: Neighbourhood, *, seed: int, work: float,
            seconds: float, current: Current | None = None) -> Attempt:
    """Re-plan one neighbourhood; the values are those of the roster found, if any.

    With ``current`` (the roster's every variable, see :mod:`.subproblem`) the sub-model holds
    only the constraints the neighbourhood touches; the attempt's ``full`` values are then the
    new roster's every variable.
    """
    if current is not None:
        splitter, full = current
        sub, index = splitter.sub_model(full, hood.frees)
    else:
        sub = fixed_model(ctx, values, hood.frees)
    solver = cp_model.CpSolver()
    single_worker(solver, seed=seed, work=work, seconds=seconds)
    status = solver.solve(sub)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return Attempt(status, float("inf"), solver.deterministic_time, None)
    if current is None:
        found = shift_values(ctx, solver)
        return Attempt(status, solver.objective_value, solver.deterministic_time, found)
    new = current[1].copy()
    new[index] = np.asarray(solver.response_proto.solution, dtype=np.int64)[:len(index)]
    found = {v.index: bool(new[v.index]) for v in ctx.x.values()}
    return Attempt(status, solver.objective_value, solver.deterministic_time, found, new)


def first_size(ctx: ModelContext) -> float:
    """The share of the roster a neighbourhood frees at first: 15 %, at most ``FIRST_FREED``
    shift variables (:func:`adapt` then sizes each kind by what CP-SAT closes)."""
    return max(0.02, min(0.15, FIRST_FREED / max(1, len(ctx.x))))


def adapt(sizes: dict[str, float], hoods: list[Neighbourhood], runs: list[Attempt]) -> None:
    """Each kind grows while CP-SAT closes it, shrinks when it does not: about half of the
    attempts end proven optimal, where neighbourhoods are largest yet useful."""
    for hood, run in zip(hoods, runs, strict=True):
        grow = 1.1 if run.status == cp_model.OPTIMAL else 1 / 1.1
        sizes[hood.kind] = min(0.9, max(0.02, sizes[hood.kind] * grow))


def improve(ctx: ModelContext, values: Values, objective: float, *, budget: float, workers: int,
            seed: int, deadline: float, bound: float = 0.0, step_budget: float = 0.25,
            on_better: Callable[[float], None] | None = None,
            cancelled: Callable[[], bool] = lambda: False,
            splitter: Splitter | None = None, picker: Picker | None = None) -> SearchResult:
    """Re-plan neighbourhoods until ``budget`` deterministic seconds are spent.

    Parameters
    ----------
    ctx
        The built model (objective set).
    values, objective
        The current roster (shift variable index → chosen) and its objective.
    budget, step_budget
        Deterministic seconds for the whole search and for one neighbourhood.
    workers, seed
        Neighbourhoods tried at once, and the random seed.
    deadline
        ``time.perf_counter()`` value at which to stop whatever the budget left.
    bound
        A proven lower bound: the search stops when it reaches it.
    on_better
        Called with each better objective.
    cancelled
        Checked before each round: True stops the search (another search proved the optimum).
    splitter
        The model's constraints by variable (:class:`.subproblem.Splitter`), built once per
        solve: neighbourhoods are then solved as models of their own size. None: the whole
        model with the kept shifts fixed.
    picker
        Draws the neighbourhoods (default :func:`pick` over ``KINDS``), with its ``kinds``.

    Returns
    -------
    SearchResult
        The best roster's values and objective, ``bound``, and what stopped the search.
    """
    def result(stopped: StopReason) -> SearchResult:
        return SearchResult("FEASIBLE", values, objective, bound, stopped)

    rng = random.Random(seed)
    draw = picker or pick
    sizes, spent = dict.fromkeys(getattr(draw, "kinds", KINDS), first_size(ctx)), 0.0
    spots = LazySpots(ctx, values)
    full = full_values(ctx, values) if splitter is not None and splitter.usable else None
    if full is not None and splitter is not None:
        objective = min(objective, splitter.value(full))
    with ThreadPoolExecutor(max_workers=workers) as pool:
        while spent < budget:
            if objective <= bound + 1e-6 or cancelled():
                return result(StopReason.OPTIMAL)
            seconds = deadline - time.perf_counter()
            if seconds <= 0:
                return result(StopReason.TIME_LIMIT)
            hoods = [draw(ctx, rng, sizes, spots) for _ in range(workers)]
            seeds = [rng.randrange(1 << 30) for _ in hoods]
            step = min(step_budget, (budget - spent) / workers)
            current = None if full is None or splitter is None else (splitter, full)
            jobs = [pool.submit(attempt, ctx, values, h, seed=s, work=step, seconds=seconds,
                                current=current)
                    for h, s in zip(hoods, seeds, strict=True)]
            runs = [job.result() for job in jobs]
            spent += sum(max(r.work, 0.01) for r in runs)
            adapt(sizes, hoods, runs)
            best = min(runs, key=lambda r: r.objective)
            if best.values is not None and best.objective < objective - 1e-6:
                values, objective, full = best.values, best.objective, best.full
                spots = LazySpots(ctx, values)
                log.info("neighbourhood search: penalty %.0f", objective)
                if on_better:
                    on_better(objective)
    return result(StopReason.WORK_LIMIT)
