"""An agent's least priced rota by a dynamic program over runs of days (template teams).

Column generation (:mod:`.columns`) asks, round after round, for each agent's least-cost rota
at the coverage rows' prices. On teams of fixed shift templates over weeks (Curtois & Qu's
instances, a contact centre's month) CP-SAT answers in 100-200 ms an agent; this program
answers the same question in a few milliseconds. A rota is a path through the days: each day
off or one offered shift, a shift only after one it may follow (rest, forbidden successions),
runs of working days no longer than the agent's maximum and, inside the horizon, no shorter
than their minimum, likewise for runs of days off, at most so many weekends, and the
horizon's paid minutes priced by the rules that count them (contract hours, fair share,
minimum hours). The states after each day are (the day's template or off, the run's length,
minutes, weekends worked).

Templates with a maximum number of shifts are counted only once a path breaks their maximum
(decremental state-space relaxation): the program is then run again with that template's
count as one more part of the state, and remembers it for the agent's later pricings.

The program is a relaxation of the agent's block: it keeps the shifts' and days' prices
exactly, the costs of the rules above exactly, and leaves out any other rule of the block
(whose costs are never negative), the last roster and clashes more than a day apart. Its
least value is therefore a lower bound of the block's priced cost; its rota is completed into
the block's variables (:class:`.pricing.Completion`), and when that costs what the program
said, the value is exact. Otherwise the agent is priced by CP-SAT.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import reduce

import numpy as np

from scheduler.constraints.consecutive import limits as run_limits
from scheduler.constraints.contract import limits
from scheduler.constraints.rest import Clashes
from scheduler.constraints.weekends import weekend_limit
from scheduler.model import ModelContext
from scheduler.settings import Level
from scheduler.solvers.blocks import Cut
from scheduler.solvers.pricing import (
    Path,
    Targets,
    finite_part,
    forbidden,
    hours_and_days,
    targets_of,
)
from scheduler.solvers.rota_kernel import forward

# a template's count joins the state only while the states stay below this many per day
# (Curtois 13 counts up to two of its templates with a maximum of 6 or 10 within it)
MOST_STATES = 1_000_000
# deterministic seconds a move of the program counts for (a state followed into a day's
# template): Curtois 13, about 1.5 ns a move on a quiet machine, counted like CP-SAT's
# 1.5-3 real seconds per deterministic second
WORK_PER_MOVE = 1e-9


@dataclass
class Rota:
    """One agent's horizon as the program sees it.

    ``local[d, t]`` is the block position of template ``t`` on day ``d`` (-1: not offered or
    forbidden), ``work[d]`` the day's work variable; ``units[t]`` the paid minutes in steps of
    the agent's unit, ``hours`` the cost of each number of units over the horizon.
    ``follows[d][a, b]`` says whether ``b`` on day ``d + 1`` may follow ``a`` on day ``d``.
    ``longest`` / ``shortest`` / ``least_off`` are the runs' limits (0: none), ``weekend[d]``
    the day's place in its weekend (-1: none) and ``weekends`` how many may be worked (-1:
    any); ``most[t]`` each template's maximum (-1: none), ``days`` the cost of each number of
    days worked (one entry: they cost that, whatever their number) and ``counted`` the
    templates whose count is part of the state.
    """

    local: np.ndarray
    every: np.ndarray
    work: np.ndarray
    units: np.ndarray
    hours: np.ndarray
    follows: list[np.ndarray]
    longest: int
    shortest: int
    least_off: int
    weekend: np.ndarray
    after_weekend_day: np.ndarray
    weekends: int
    most: np.ndarray
    days: np.ndarray = field(default_factory=lambda: np.zeros(1))
    counted: list[int] = field(default_factory=list)


def rotas_of(ctx: ModelContext, split: Cut) -> list[Rota | None]:
    """Each block's rota for the program (None where the program cannot price it)."""
    targets = targets_of(ctx.problem)
    return [rota_of(ctx, split, i, targets) for i in range(len(split.blocks))]


def rota_of(ctx: ModelContext, split: Cut, index: int, targets: Targets) -> Rota | None:
    """The agent's rota for the program, or None when the program cannot price the block (its
    other variables are priced by the linking rows or may cost less than nothing)."""
    block = split.blocks[index]
    problem = ctx.problem
    agent = problem.agent_index[block.agent]
    position = {int(v): i for i, v in enumerate(block.variables)}
    names = sorted({t for d in range(problem.days) for t, _ in ctx.day_vars[agent.id, d]},
                   key=[t.id for t in problem.templates].index)
    if not names:
        return None
    column = {t: i for i, t in enumerate(names)}
    local = np.full((problem.days, len(names)), -1, dtype=np.int64)
    for d in range(problem.days):
        for t, var in ctx.day_vars[agent.id, d]:
            local[d, column[t]] = position[var.index]
    work = np.array([position[ctx.work_days[agent.id, d].index] for d in range(problem.days)])
    every = local[local >= 0]
    others = np.ones(len(block.variables), dtype=bool)
    others[every] = others[work] = False
    outside = block.variables[others]
    if np.any(split.cost[outside] < 0) or split.rows[:, outside].nnz:
        return None
    local[np.isin(local, list(forbidden(block, set(every.tolist()))))] = -1
    paid = np.array([problem.template_index[t].paid_minutes for t in names])
    if _weekly(ctx, agent.id, local, paid):
        return None
    unit = reduce(math.gcd, paid.tolist(), 0) or 1
    top = sum(int(paid[local[d] >= 0].max(initial=0)) for d in range(problem.days)) // unit
    hours, days = hours_and_days(ctx, agent.id, unit, top, problem.days, targets)
    hours, days = finite_part(hours), finite_part(days)
    if np.all(days == days[0]):
        days = days[:1]  # the days worked cost nothing the program must count
    longest, shortest, least_off = _runs(ctx, agent.id)
    weekend, after, weekends = _weekends(ctx, agent.id)
    return Rota(local, every, work, paid // unit, hours, _follows(ctx, agent.id, names),
                longest, shortest, least_off, weekend, after, weekends,
                _most(ctx, agent.id, names, local), days)


def _weekly(ctx: ModelContext, agent: str, local: np.ndarray, paid: np.ndarray) -> bool:
    """Whether the agent's contract limits some week (not the whole horizon) in a way that may
    bind: the program counts the horizon only, so its rotas would break such a limit and be
    priced by CP-SAT after all (a team's default of at most 5 days a week: such teams are
    priced by CP-SAT from the start)."""
    problem = ctx.problem
    if problem.rules.contract.level == Level.OFF:
        return False
    for lim in limits(problem.agent_index[agent], problem, problem.rules.contract):
        if lim.days == range(problem.days) or lim.what == "shifts":
            continue
        days = list(lim.days)
        most = len(days) if lim.what == "days" else \
            sum(int(paid[local[d] >= 0].max(initial=0)) for d in days)
        if lim.low > 0 or (lim.high is not None and lim.high < most):
            return True
    return False


def _runs(ctx: ModelContext, agent: str) -> tuple[int, int, int]:
    """The longest run of working days, the shortest inside the horizon and the fewest days
    off in a row (0: no limit; all 0 when the rule is soft, whose costs are left out)."""
    settings = ctx.problem.rules.consecutive
    if settings.level != Level.HARD:
        return 0, 0, 0
    most, least, rest = run_limits(ctx.problem.agent_index[agent], settings)
    return most or 0, least or 0, rest or 0


def _weekends(ctx: ModelContext, agent: str) -> tuple[np.ndarray, np.ndarray, int]:
    """Each day's place in its weekend (-1: a weekday), whether the day before is the
    weekend's day before it, and how many weekends may be worked (-1: any)."""
    problem = ctx.problem
    settings = problem.rules.weekends
    place = np.full(problem.days, -1, dtype=np.int64)
    after = np.zeros(problem.days, dtype=bool)
    limit = weekend_limit(problem.agent_index[agent], settings)
    groups = problem.clock.weekends(settings.weekend_days)
    if settings.level != Level.HARD or limit is None or limit >= len(groups):
        return place, after, -1
    for days in groups:
        for i, d in enumerate(days):
            place[d] = i
            after[d] = i > 0 and days[i - 1] == d - 1
    return place, after, limit


def _follows(ctx: ModelContext, agent: str, names: list[str]) -> list[np.ndarray]:
    """For each day but the last, which template the next day may follow which: shifts may
    not overlap, and with hard rest they may not clash as the rest rule says
    (:class:`.rest.Clashes`: its hours, forbidden successions)."""
    problem = ctx.problem
    settings = problem.rules.rest
    clashes = Clashes(problem, settings) if settings.level == Level.HARD else None
    lates = tuple(names)
    found = []
    for d in range(problem.days - 1):
        ends = np.array([ctx.span(agent, d, t)[1] for t in names])
        starts = np.array([ctx.span(agent, d + 1, t)[0] for t in names])
        allowed = starts[None, :] >= ends[:, None]
        if clashes is not None:
            for a, early in enumerate(names):
                allowed[a, clashes.among(d, early, d + 1, lates)] = False
        found.append(allowed)
    return found


def _most(ctx: ModelContext, agent: str, names: list[str], local: np.ndarray) -> np.ndarray:
    """Each template's hard maximum over the horizon, when it could bind (-1: none)."""
    problem = ctx.problem
    most = np.full(len(names), -1, dtype=np.int64)
    if problem.rules.contract.level != Level.HARD:
        return most
    for lim in limits(problem.agent_index[agent], problem, problem.rules.contract):
        if lim.what == "shifts" and lim.template in names and lim.high is not None:
            t = names.index(lim.template)
            if lim.high < int(np.sum(local[:, t] >= 0)):
                most[t] = lim.high
    return most


def cheapest_rota(rota: Rota, prices: np.ndarray) -> Path:
    """The least priced rota at the block's variable ``prices`` (a lower bound of the block's
    least priced cost, equal to it when the block has no rule the program leaves out).

    A path that breaks a template's maximum makes the program count that template and run
    again, while its states stay few enough; past that the relaxed path is returned (its
    value is still a lower bound). Returns an infinite value when no rota meets the limits.
    """
    work = 0.0
    while True:
        path, counts = _Program(rota, prices).run()
        work += path.work
        over = [t for t in np.flatnonzero((rota.most >= 0) & (counts > rota.most)).tolist()
                if t not in rota.counted]
        size = _states(rota, [*rota.counted, *over[:1]])
        if not over or size > MOST_STATES:
            return Path(path.value, path.shifts, work)
        rota.counted.append(int(over[0]))


def _lengths(rota: Rota) -> tuple[int, int]:
    """How many run lengths the states tell apart: of work (up to the longest run, or one past
    the shortest, the last standing for every longer run) and of days off (one past the
    fewest)."""
    runs = max(rota.longest, rota.shortest, 1) if rota.longest else max(rota.shortest, 1) + 1
    return runs, max(rota.least_off, 1) + 1


def _tail(rota: Rota, counted: list[int]) -> tuple[int, ...]:
    """The sizes of the states' axes after the run's: minutes, weekends, days worked, then
    each counted template's count."""
    return (len(rota.hours), max(rota.weekends, 0) + 1, len(rota.days),
            *(int(rota.most[t]) + 1 for t in counted))


def _states(rota: Rota, counted: list[int]) -> int:
    """The states a day holds when these templates are counted."""
    runs, rests = _lengths(rota)
    return (len(rota.units) * runs + rests) * int(np.prod(_tail(rota, counted)))


class _Program:
    """One run of the program: the layers of states day by day, then the path back.

    Work states are ``work[t, r, m, w, k, c...]`` (template ``t`` today, the run's length
    ``r + 1``, ``m`` units, ``w`` weekends, ``k`` days worked, one count per counted
    template); days off ``off[q, m, w, k, c...]`` likewise. A run as long as the days so far
    began on the first day, so the minimums do not hold for it.
    """

    def __init__(self, rota: Rota, prices: np.ndarray) -> None:
        self.rota = rota
        days, kinds = rota.local.shape
        cost = np.where(rota.local >= 0, prices[np.maximum(rota.local, 0)], math.inf)
        self.cost = cost + prices[rota.work][:, None]
        self.runs, self.rests = _lengths(rota)
        self.counted = list(rota.counted)
        self.tail = _tail(rota, self.counted)
        self.layers: list[tuple[np.ndarray, np.ndarray]] = []
        self.kinds = kinds
        # how far working each template on each day moves each axis of the tail, after a day
        # off and after a day of work: (day, template, axis)
        self.steps = [self._all_steps(after) for after in (True, False)]

    def run(self) -> tuple[Path, np.ndarray]:
        """The least path and each template's count in it."""
        rota, tail = self.rota, self.tail
        days = rota.local.shape[0]
        size = int(np.prod(tail))
        coords = np.indices(tail).reshape(len(tail), -1)
        strides = np.array([int(np.prod(tail[k + 1:])) for k in range(len(tail))])
        layers_work = np.empty((days + 1, self.kinds, self.runs, size))
        layers_off = np.empty((days + 1, self.rests, size))
        follows = np.array(rota.follows, dtype=np.bool_).reshape(-1, self.kinds, self.kinds)
        moves = forward(
            self.cost, follows, self.steps[0], self.steps[1], coords, np.array(tail), strides,
            np.array([self._may_end(d) for d in range(days)]),
            np.array([self._may_start(d) for d in range(days)]), bool(rota.longest),
            _lowest(rota), layers_work, layers_off)
        self.layers = [(layers_work[d].reshape(self.kinds, self.runs, *tail),
                        layers_off[d].reshape(self.rests, *tail)) for d in range(days + 1)]
        work, off = self.layers[-1]
        ends = rota.hours.reshape((-1,) + (1,) * (len(tail) - 1)) + \
            rota.days.reshape((1, 1, -1) + (1,) * (len(tail) - 3))
        final_work = work + ends
        final_off = off + ends
        best_work = float(final_work.min(initial=math.inf))
        best_off = float(final_off.min(initial=math.inf))
        spent = moves * WORK_PER_MOVE
        counts = np.zeros(self.kinds, dtype=np.int64)
        if not math.isfinite(min(best_work, best_off)):
            return Path(math.inf, (), spent), counts
        final, kind = (final_work, "work") if best_work < best_off else (final_off, "off")
        at = np.unravel_index(int(np.argmin(final)), final.shape)
        chosen = self._back((kind, *(int(i) for i in at)))
        for _, t in chosen:
            counts[t] += 1
        shifts = tuple(sorted(int(rota.local[d, t]) for d, t in chosen))
        return Path(min(best_work, best_off), shifts, spent), counts

    def _all_steps(self, after_off: bool) -> np.ndarray:
        """How far working each template on each day moves each axis of the tail (after a
        day off or not), ``(day, template, axis)``."""
        days, kinds = self.rota.local.shape
        found = np.zeros((days, kinds, len(self.tail)), dtype=np.int64)
        found[:, :, 0] = self.rota.units[None, :]
        found[:, :, 1] = np.array([self._weekend(d, after_off) for d in range(days)])[:, None]
        found[:, :, 2] = int(len(self.rota.days) > 1)
        for axis, t in enumerate(self.counted):
            found[:, t, 3 + axis] = 1
        return found

    def _steps(self, t: int, d: int, after_off: bool) -> list[int]:
        """How far working template ``t`` on day ``d`` moves each axis of the tail."""
        return self.steps[0 if after_off else 1][d, t].tolist()

    def _weekend(self, d: int, after_off: bool) -> int:
        """Whether working day ``d`` adds a weekend (after a day off or not)."""
        if self.rota.weekends < 0:
            return 0
        place = int(self.rota.weekend[d])
        if place == 0:
            return 1
        return int(place == 1 and self.rota.after_weekend_day[d] and after_off)

    def _may_end(self, d: int) -> np.ndarray:
        """Which run lengths may end the day before day ``d``: long enough, or begun on the
        first day."""
        ok = np.arange(self.runs) >= max(self.rota.shortest, 1) - 1
        if d - 1 < self.runs:
            ok[d - 1] = True
        return ok

    def _may_start(self, d: int) -> np.ndarray:
        """Which runs of days off before day ``d`` a run of work may follow."""
        ok = np.arange(self.rests) >= max(self.rota.least_off, 1) - 1
        if d - 1 < self.rests:
            ok[d - 1] = True
        return ok

    def _back(self, state: tuple) -> list[tuple[int, int]]:
        """The (day, template) pairs of the path ending in ``state`` after the last day."""
        chosen = []
        for d in range(len(self.layers) - 1, 1, -1):
            if state[0] == "work":
                chosen.append((d - 1, state[1]))
                state = self._before_work(d - 1, state[1], state[2], tuple(state[3:]))
            else:
                state = self._before_off(d - 1, state[1], tuple(state[2:]))
        if state[0] == "work":
            chosen.append((0, state[1]))
        return chosen

    def _before_work(self, d: int, t: int, r: int, tail: tuple[int, ...]) -> tuple:
        """The state after day ``d - 1`` a work state (t, r, tail) after day ``d`` came from."""
        work, off = self.layers[d]
        value = self.layers[d + 1][0][(t, r, *tail)] - self.cost[d, t]
        if r == 0:
            before = _less(tail, self._steps(t, d, True))
            for q in np.flatnonzero(self._may_start(d)):
                if _same(off[(int(q), *before)], value):
                    return ("off", int(q), *before)
            raise AssertionError("no state before a run's first day")
        before = _less(tail, self._steps(t, d, False))
        rows = [r - 1] + ([r] if not self.rota.longest and r == self.runs - 1 else [])
        for a in np.flatnonzero(self.rota.follows[d - 1][:, t]):
            for rr in rows:
                if _same(work[(int(a), rr, *before)], value):
                    return ("work", int(a), rr, *before)
        raise AssertionError("no state before a run's next day")

    def _before_off(self, d: int, q: int, tail: tuple[int, ...]) -> tuple:
        """The state after day ``d - 1`` a day-off state (q, tail) after day ``d`` came from."""
        work, off = self.layers[d]
        value = self.layers[d + 1][1][(q, *tail)]
        if q == 0:
            for r in np.flatnonzero(self._may_end(d)):
                for t in range(self.kinds):
                    if _same(work[(t, int(r), *tail)], value):
                        return ("work", t, int(r), *tail)
            raise AssertionError("no state before a run of days off")
        if q == self.rests - 1 and _same(off[(q, *tail)], value):
            return ("off", q, *tail)
        return ("off", q - 1, *tail)


def _lowest(rota: Rota) -> np.ndarray:
    """For each day, the fewest minutes (units) after the day before from which a path can
    still end at a finite cost: the hours' first finite cost less every day after at its
    longest shift."""
    longest = np.where(rota.local >= 0, rota.units[None, :], 0).max(axis=1)
    to_come = longest[::-1].cumsum()[::-1]  # days d .. the last
    first = int(np.flatnonzero(np.isfinite(rota.hours)).min(initial=len(rota.hours)))
    return np.maximum(0, first - to_come)


def _less(tail: tuple[int, ...], steps: list[int]) -> tuple[int, ...]:
    return tuple(i - s for i, s in zip(tail, steps, strict=True))


def _same(a: float, b: float) -> bool:
    return math.isfinite(a) and abs(a - b) <= 1e-9 * max(1.0, abs(b))
