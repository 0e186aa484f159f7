"""An agent's least priced week by a dynamic program over the days (column generation's pricing).

Column generation (:mod:`.columns`) asks, round after round, for each agent's least-cost week at
the coverage rows' prices. CP-SAT answers in about 10 ms an agent; on teams of flexible shifts a
dynamic program over the days answers the same question in about a millisecond. An agent's week
is a path through their offered shifts: at most one a day, each shift on a day priced at its
variable's price (preference level, ideal length, coverage duals) plus the day's work variable,
a shift only after one that left the rest the team asks for, and the week's paid minutes and
days worked priced by the rules that count them (contract hours and days, fair share, minimum
hours). The states after each day are (end of the day's shift or none, minutes, days).

The program is a relaxation of the agent's block of the model: it keeps the shifts' and days'
prices exactly, the costs of the rules above exactly, and leaves out any other rule of the block
(whose costs are never negative). Its least value is therefore a lower bound of the block's
priced cost, which keeps the Lagrangian bound valid; the week it finds is completed into the
block's variables (the shifts fixed, CP-SAT sets the rest at least cost, remembered per week),
and when the completed week costs what the program said, the value is exact. A week the block
refuses, or costs more than the program's value (a rule the program left out), goes to CP-SAT.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import reduce

import numpy as np
from ortools.sat.python import cp_model
from scipy.sparse import csr_array

from scheduler.constraints.contract import limits
from scheduler.constraints.fair_share import convex_penalty, least_minutes
from scheduler.domain import Problem
from scheduler.model import ModelContext
from scheduler.settings import Level
from scheduler.solvers.blocks import Block, Cut
from scheduler.solvers.cpsat import one_thread
from scheduler.staffing.fair_share import fair_targets

# deterministic seconds a state of the program counts for: the states a pricing visits times
# this is its work. Availability team, 50 agents, quiet machine: 86,000 states and 0.76 ms a
# pricing, about 0.4 deterministic ms at the 1.5-3 real seconds per deterministic second the
# plan (WORK_PER_SECOND) is measured with
WORK_PER_STATE = 5e-9
# ... and completing a week into the block's variables (CP-SAT with every shift fixed, 1.2 ms,
# which CP-SAT's own clock counts as next to nothing)
COMPLETION_WORK = 5e-4


@dataclass(frozen=True)
class Week:
    """One agent's week as the dynamic program sees it.

    Shifts are given by their position in the block (``local``), day, start and end (minutes of
    the horizon) and paid minutes in ``unit`` steps; ``work`` is each day's work variable in
    the block (-1 when none). ``hours`` prices the week's paid minutes (index: units),
    ``days`` the days worked (infinite where a hard rule forbids), and a shift may follow one
    on the day before only when it starts ``rest`` minutes after its end. Variables the block
    defines by an equation over the shifts (the agents on duty in an interval only this agent
    can cover, the week's paid minutes) are priced through the shifts: ``fold`` moves their
    prices there and ``fixed`` is what each costs with no shift.
    """

    local: np.ndarray
    every: np.ndarray
    day: np.ndarray
    start: np.ndarray
    end: np.ndarray
    paid: np.ndarray
    work: np.ndarray
    hours: np.ndarray
    days: np.ndarray
    rest: int
    fold: csr_array | None = None
    fixed: np.ndarray | None = None


@dataclass(frozen=True)
class Path:
    """The program's least week: its value (a lower bound of the block's priced cost) and the
    chosen shifts (positions in the block)."""

    value: float
    shifts: tuple[int, ...]
    work: float


def forbidden(block: Block, shifts: set[int]) -> set[int]:
    """Shift variables the block fixes at 0 (a domain of 0, or a sum of shifts with positive
    coefficients held below the least of them: a forbidden shift, a clash with last week)."""
    found = set()
    proto = block.model.proto
    for local in shifts:
        domain = proto.variables[local].domain
        if domain[len(domain) - 1] <= 0:
            found.add(local)
    for ct in proto.constraints:
        if not ct.has_linear() or len(ct.enforcement_literal):
            continue
        refs, coeffs = list(ct.linear.vars), list(ct.linear.coeffs)
        if refs and all(r >= 0 and r in shifts for r in refs) and min(coeffs) > 0 and \
                ct.linear.domain[len(ct.linear.domain) - 1] < min(coeffs):
            found.update(refs)
    return found


@dataclass(frozen=True)
class Targets:
    """Each agent's fair-share target and least minutes, worked out once for the team."""

    fair: dict[str, int]
    least: dict[str, int]


def hours_and_days(ctx: ModelContext, agent: str, unit: int, most: int, count: int,
                    targets: Targets) -> tuple[np.ndarray, np.ndarray]:
    """The cost of working ``m * unit`` paid minutes (m = 0 .. most) and of ``k`` days
    (k = 0 .. count), by the rules that count them over the whole horizon."""
    problem = ctx.problem
    rules = problem.rules
    minutes = np.arange(most + 1) * unit
    hours = np.zeros(most + 1)
    days = np.zeros(count + 1)
    worked = np.arange(count + 1)
    whole = range(problem.days)
    if rules.contract.level != Level.OFF:
        hard = rules.contract.level == Level.HARD
        weight = rules.contract.weight
        for lim in limits(problem.agent_index[agent], problem, rules.contract):
            if lim.days != whole or lim.what == "shifts":
                continue  # left out: the program stays a relaxation
            amount, costs = (minutes, hours) if lim.what == "minutes" else (worked, days)
            unit_weight = weight * (1 if lim.what == "minutes" else 60)
            short = np.maximum(0, lim.low - amount)
            over = np.zeros_like(amount) if lim.high is None else \
                np.maximum(0, amount - lim.high)
            if hard:
                costs[(short > 0) | (over > 0)] = math.inf
            else:
                costs += unit_weight * (short + over)
    if rules.fair_share.level != Level.OFF:
        target = targets.fair[agent]
        hours += [convex_penalty(abs(int(m) - target), rules.fair_share) for m in minutes]
    if rules.min_hours.level != Level.OFF:
        least = targets.least[agent]
        short = np.maximum(0, least - minutes) if least else np.zeros_like(minutes)
        if rules.min_hours.level == Level.HARD:
            hours[short > 0] = math.inf
        else:
            hours += rules.min_hours.weight * short
    return hours, days


def finite_part(costs: np.ndarray) -> np.ndarray:
    """The costs up to the last finite one (what lies past it no state may reach)."""
    return costs[:int(np.flatnonzero(np.isfinite(costs)).max(initial=0)) + 1]


def targets_of(problem: Problem) -> Targets:
    """Each agent's fair-share target and least minutes."""
    return Targets(fair_targets(problem) if problem.rules.fair_share.level != Level.OFF
                    else {}, least_minutes(problem, problem.rules.min_hours))


def weeks_of(ctx: ModelContext, split: Cut) -> list[Week | None]:
    """Each block's week for the program (None where the program cannot price it)."""
    targets = targets_of(ctx.problem)
    return [week_of(ctx, split, i, targets) for i in range(len(split.blocks))]


def week_of(ctx: ModelContext, split: Cut, index: int, targets: Targets) -> Week | None:
    """The agent's week for the program, or None when the program cannot price the block
    (its other variables are priced by the linking rows or may cost less than nothing, or
    shifts two days apart may clash)."""
    block = split.blocks[index]
    problem = ctx.problem
    position = {int(v): i for i, v in enumerate(block.variables)}
    table = _shift_table(ctx, block.agent, position)
    work = np.array([position[ctx.work_days[block.agent, d].index]
                     for d in range(problem.days)])
    aux = np.ones(len(block.variables), dtype=bool)
    aux[table[:, 0]] = aux[work] = False
    fold, fixed, defined = _defined(block, aux)
    aux[defined] = False
    others = block.variables[aux]
    rest = _rest(ctx)
    if rest is None or np.any(split.cost[others] < 0) or split.rows[:, others].nnz:
        return None
    if not len(table):  # the rules that count hours tie nothing to this block
        return Week(*(np.empty(0, dtype=np.int64),) * 7, np.zeros(1), np.zeros(1), 0)
    local, day, start, end, paid = (table[:, c] for c in range(5))
    if not _apart(day, start, end, rest, problem.days):
        return None
    every = local
    keep = ~np.isin(local, list(forbidden(block, set(local.tolist()))))
    local, day, start, end, paid = local[keep], day[keep], start[keep], end[keep], paid[keep]
    unit = reduce(math.gcd, paid.tolist(), 0) or 1
    most = sum(int(paid[day == d].max(initial=0)) for d in range(problem.days)) // unit
    hours, days = hours_and_days(ctx, block.agent, unit, most, problem.days, targets)
    hours = finite_part(hours)
    if np.all(days[:len(np.unique(day)) + 1] == days[0]):
        days = days[:1]  # the days worked cost nothing the program must count
    return Week(local, every, day, start, end, paid // unit, work, hours, days, rest, fold,
                fixed)


def _defined(block: Block, aux: np.ndarray) -> tuple[csr_array | None, np.ndarray, list[int]]:
    """The block's variables defined by equations ``a * v + sum(b * t) == c`` over shifts,
    days and variables defined before (chains of them: the agents on duty in neighbouring
    intervals), as a matrix taking the prices to what they add to each shift's and day's
    price, each variable's value with no shift, and the variables."""
    equations = []
    for ct in block.model.proto.constraints:
        if not ct.has_linear() or len(ct.enforcement_literal):
            continue  # (reading ``ct.linear`` of another kind would make it an empty linear)
        lin = ct.linear
        if len(lin.domain) == 2 and lin.domain[0] == lin.domain[1] and \
                all(r >= 0 for r in lin.vars):
            equations.append((list(lin.vars), list(lin.coeffs), lin.domain[0]))
    terms: dict[int, tuple[dict[int, float], float]] = {}  # v = sum(coef * base) + constant
    found = True
    while found:
        found = False
        for refs, coeffs, total in equations:
            unknown = [(r, c) for r, c in zip(refs, coeffs, strict=True)
                       if aux[r] and r not in terms]
            if len(unknown) != 1:
                continue
            var, coef = unknown[0]
            expr: dict[int, float] = {}
            constant = total / coef
            for r, c in zip(refs, coeffs, strict=True):
                if r == var:
                    continue
                inner, offset = terms.get(r, ({r: 1.0}, 0.0))
                constant -= c / coef * offset
                for base, weight in inner.items():
                    expr[base] = expr.get(base, 0.0) - c / coef * weight
            terms[var] = (expr, constant)
            found = True
    fixed = np.zeros(len(aux))
    if not terms:
        return None, fixed, []
    rows, cols, vals = [], [], []
    for var, (expr, constant) in terms.items():
        fixed[var] = constant
        rows += list(expr)
        cols += [var] * len(expr)
        vals += list(expr.values())
    return csr_array((vals, (rows, cols)), shape=(len(aux), len(aux))), fixed, list(terms)


def _shift_table(ctx: ModelContext, agent: str, position: dict[int, int]) -> np.ndarray:
    """One row per shift the agent is offered: its position in the block, day, start, end
    and paid minutes."""
    rows = []
    for d in range(ctx.problem.days):
        for template, var in ctx.day_vars[agent, d]:
            first, last = ctx.span(agent, d, template)
            paid = ctx.problem.template_index[template].paid_minutes
            rows.append((position[var.index], d, first, last, paid))
    return np.array(rows, dtype=np.int64).reshape(-1, 5)


def _rest(ctx: ModelContext) -> int | None:
    """Minutes of rest a shift needs after one the day before (None: the rest rule forbids
    pairs the program cannot see, named successions)."""
    settings = ctx.problem.rules.rest
    if settings.level != Level.HARD:
        return 0  # soft rest is left out (a relaxation); shifts may still not overlap
    if settings.forbidden_successions:
        return None
    return int(settings.min_rest_hours * 60)


def _apart(day: np.ndarray, start: np.ndarray, end: np.ndarray, rest: int, count: int) -> bool:
    """Whether no shift clashes with one two or more days later (the program looks back one
    day only)."""
    for d in range(count - 2):
        ends = end[day == d]
        starts = start[day > d + 1]
        if len(ends) and len(starts) and starts.min() - ends.max() < rest:
            return False
    return True


def cheapest(week: Week, prices: np.ndarray) -> Path:
    """The least priced week at the block's variable ``prices`` (a lower bound of the block's
    least priced cost, equal to it when the block has no rule the program leaves out).

    Returns an infinite value and no shifts when no week meets the hard limits.
    """
    constant = 0.0
    if week.fold is not None and week.fixed is not None:
        constant = float(prices @ week.fixed)
        prices = prices + week.fold @ prices
    cost = prices[week.local] + prices[week.work[week.day]]
    width, count = len(week.hours), len(week.days)
    step = int(count > 1)
    off = np.full((width, count), math.inf)
    off[0, 0] = 0.0
    layer = off[None]  # the states after a day: no shift, then each end of the day's shifts
    ends = np.empty(0, dtype=np.int64)
    trail: list[_Day] = []
    visited = 0
    for d in range(int(week.day.max(initial=-1)) + 1):
        on = np.flatnonzero(week.day == d)
        stacked = np.minimum.accumulate(layer, axis=0)
        reach = np.searchsorted(ends, week.start[on] - week.rest, side="right")
        before = stacked[reach]  # (shifts, minutes, days): the best state each may follow
        after = np.full_like(before, math.inf)
        for p in np.unique(week.paid[on]):
            if p >= width:
                continue  # longer than any week the hard limits allow
            same = week.paid[on] == p
            after[same, p:, step:] = cost[on][same, None, None] + \
                before[same, :width - p, :count - step]
        order = np.argsort(week.end[on], kind="stable")
        ends, first = np.unique(week.end[on][order], return_index=True)
        trail.append(_Day(on, layer, reach, after, order, first))
        states = np.minimum.reduceat(after[order], first, axis=0) if len(on) else \
            np.empty((0, width, count))
        layer = np.concatenate([stacked[-1][None], states])
        visited += (2 * len(on) + len(layer)) * width * count
    final = layer + week.hours[None, :, None] + week.days[None, None, :] + constant
    at = np.unravel_index(int(np.argmin(final)), final.shape)
    value = float(final[at])
    work = visited * WORK_PER_STATE
    if not math.isfinite(value):
        return Path(math.inf, (), work)
    shifts = _back(week, trail, int(at[0]), int(at[1]), int(at[2]), step)
    return Path(value, shifts, work)


@dataclass(frozen=True)
class _Day:
    """What the program kept of a day to trace its path back: the day's shifts (indices in
    the week), the states before it, how far back each shift may follow, each shift's value
    by (minutes, days), and the shifts sorted by end with the first of each end."""

    on: np.ndarray
    layer: np.ndarray
    reach: np.ndarray
    after: np.ndarray
    order: np.ndarray
    first: np.ndarray


def _back(week: Week, trail: list[_Day], state: int, m: int, k: int,
          step: int) -> tuple[int, ...]:
    """The shifts (positions in the block) of the path ending in ``state`` (0: no shift that
    day, else 1 + the rank of its end among the day's ends) with ``m`` units and ``k`` days."""
    chosen = []
    for day in reversed(trail):
        if state == 0:  # no shift this day: the best state before it
            state = int(np.argmin(day.layer[:, m, k]))
            continue
        stop = day.first[state] if state < len(day.first) else len(day.order)
        group = day.order[day.first[state - 1]:stop]
        b = int(group[np.argmin(day.after[group, m, k])])
        shift = int(day.on[b])
        chosen.append(int(week.local[shift]))
        m, k = m - int(week.paid[shift]), k - step
        state = int(np.argmin(day.layer[:int(day.reach[b]) + 1, m, k]))
    return tuple(sorted(chosen))


class Completion:
    """Weeks of one block completed into all its variables: the shifts fixed, CP-SAT sets the
    rest at least cost. The completion does not depend on the prices (the block's other
    variables are priced by their own costs alone), so each week is completed once."""

    def __init__(self, block: Block, every: np.ndarray, cost: np.ndarray) -> None:
        self.model = block.model.clone()
        self.every = every.tolist()
        proto = self.model.proto
        used = np.flatnonzero(np.rint(cost))
        proto.objective.vars.extend(used.tolist())
        proto.objective.coeffs.extend(np.rint(cost[used]).astype(np.int64).tolist())
        self.known: dict[tuple[int, ...], np.ndarray | None] = {}

    def values(self, shifts: tuple[int, ...], *, seed: int) -> tuple[np.ndarray | None, float]:
        """The block's values for the week of these shifts (None when the block refuses it),
        and the deterministic seconds spent (0 when completed before)."""
        if shifts in self.known:
            return self.known[shifts], 0.0
        chosen = set(shifts)
        for local in self.every:
            domain = self.model.proto.variables[local].domain
            domain[0] = domain[1] = int(local in chosen)
        solver = one_thread(seed=seed, work=1.0, seconds=10.0)
        status = solver.solve(self.model)
        found = np.array(solver.response_proto.solution, dtype=float) \
            if status == cp_model.OPTIMAL else None
        self.known[shifts] = found
        return found, max(solver.deterministic_time, COMPLETION_WORK)
