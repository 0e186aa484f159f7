"""Column generation over agents: a strong lower bound and a good roster from whole schedules.

Each agent's part of the model (:mod:`.blocks`) is a small problem CP-SAT solves in
milliseconds: the agent's best schedule for given prices on the linking rows (coverage). A
master linear program chooses a mix of the schedules found so far; its duals price the rows,
and each agent's best schedule at those prices is added when it lowers the master's cost. The
bound is Lagrangian: for *any* prices, the rows' value plus each agent's least priced schedule
(CP-SAT's proven bound) is a lower bound of the whole roster's penalty, so it is valid whenever
the generation stops. This bound is far stronger than the linear relaxation of the CP-SAT
model, since each agent's consecutive-day, weekend and hour rules hold exactly in it (Curtois
and Qu proved their benchmark's optima by branch and price on this decomposition). Finally a
small CP-SAT model picks one generated schedule per agent: a good whole roster.

Every search is single-threaded and stops on CP-SAT's deterministic clock, and the agents are
priced in a fixed order, so the same input and seed give the same bound and roster.
"""

from __future__ import annotations

import logging
import math
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
from ortools.linear_solver import pywraplp
from ortools.sat.python import cp_model
from scipy.optimize import linprog
from scipy.sparse import csc_array, csr_array, hstack, vstack

from scheduler.model import ModelContext
from scheduler.solvers.blocks import Block, Cut, cut
from scheduler.solvers.cpsat import one_thread
from scheduler.solvers.pricing import Completion, Week, cheapest, weeks_of
from scheduler.solvers.rota import Rota, cheapest_rota, rotas_of

log = logging.getLogger(__name__)

Values = dict[int, bool]
PRECISION = 2.0**20  # prices are rounded to multiples of 1/PRECISION for CP-SAT
# Wentges smoothing: each round prices at this mix of the best bound's duals and the master's,
# which damps the duals' swings (availability team, 50 agents: without it the bound fell from
# 1702 at zero prices to -23 million in the next round and was back at 1265 only after 20)
SMOOTHING = 0.7


@dataclass(frozen=True)
class Priced:
    """One agent's best schedule at given prices: its values, priced cost and proven bound."""

    values: np.ndarray | None
    priced: float
    bound: float
    work: float
    counted: bool = False  # the work counts what was done (the dynamic program's states)


def box_bound(block: Block, prices: np.ndarray) -> float:
    """A lower bound of the block's priced cost from the variables' ranges alone."""
    return -float(np.sum(np.abs(prices) * block.upper))


def price(block: Block, prices: np.ndarray, *, seed: int, work: float,
          seconds: float) -> Priced:
    """The block's least-cost schedule for per-variable ``prices`` (CP-SAT, one thread).

    The prices are rounded for CP-SAT; the bound returned accounts for the rounding, so it
    stays a proven lower bound of the exact priced cost.
    """
    largest = float(np.max(np.abs(prices) * block.upper, initial=0.0)) * len(prices)
    scale = min(PRECISION, 2.0**50 / max(1.0, largest))
    whole = np.rint(prices * scale)
    error = float(np.sum(np.abs(prices - whole / scale) * block.upper))
    model = block.model
    model.proto.clear_objective()
    used = np.flatnonzero(whole)
    model.proto.objective.vars.extend(used.tolist())
    model.proto.objective.coeffs.extend(whole[used].astype(np.int64).tolist())
    solver = one_thread(seed=seed, work=work, seconds=max(0.05, seconds))
    status = solver.solve(model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        # a search stopped before it began reports a bound of 0, which is no bound at all
        # when some price is negative: fall back on what the variables' ranges allow
        bound = math.inf if status == cp_model.INFEASIBLE else box_bound(block, prices)
        return Priced(None, math.inf, bound, solver.deterministic_time)
    bound = solver.best_objective_bound / scale - error
    values = np.array(solver.response_proto.solution, dtype=float)
    return Priced(values, float(prices @ values), bound, solver.deterministic_time)


class Pricer:
    """Each agent's pricing: a dynamic program over the days where it can price the agent's
    block (:mod:`.pricing` for flexible shifts, :mod:`.rota` for templates over weeks), CP-SAT
    on the block otherwise, or when the program's week is not one the block takes at the
    program's value."""

    def __init__(self, ctx: ModelContext, split: Cut, *, by_days: bool) -> None:
        self.split = split
        programs: list[Week | Rota | None] = [None] * len(split.blocks)
        if by_days:
            programs = list(weeks_of(ctx, split) if ctx.problem.flexible else
                            rotas_of(ctx, split))
        self.programs = programs
        self.completions: list[Completion | None] = [None] * len(split.blocks)

    def price(self, index: int, prices: np.ndarray, *, seed: int, work: float,
              seconds: float, deadline: float = math.inf) -> Priced:
        """The agent's least priced schedule at the block's variable ``prices`` (none, and no
        bound, once past the ``deadline``: that round then proves nothing)."""
        if time.perf_counter() >= deadline:
            return Priced(None, math.inf, -math.inf, 0.0, counted=True)
        block, program = self.split.blocks[index], self.programs[index]
        if program is None:
            return price(block, prices, seed=seed, work=work, seconds=seconds)
        path = cheapest(program, prices) if isinstance(program, Week) else \
            cheapest_rota(program, prices)
        if math.isfinite(path.value):
            completion = self._completion(index, program.every)
            values, spent = completion.values(path.shifts, seed=seed)
            if values is not None:
                priced = float(prices @ values)
                if abs(priced - path.value) <= 1e-6 * max(1.0, abs(priced)):
                    return Priced(values, priced, path.value, path.work + spent, counted=True)
        found = price(block, prices, seed=seed, work=work, seconds=seconds)
        # the program's value is a lower bound of the block's (a relaxation) in every case
        return Priced(found.values, found.priced, max(found.bound, path.value),
                      found.work + path.work)

    def _completion(self, index: int, every: np.ndarray) -> Completion:
        found = self.completions[index]
        if found is None:
            block = self.split.blocks[index]
            found = Completion(block, every, self.split.cost[block.variables])
            self.completions[index] = found
        return found


@dataclass(frozen=True)
class Outcome:
    """What column generation found: a lower bound, and a roster (shift values) with its
    penalty when the master could pick one."""

    bound: float
    values: Values | None
    objective: float
    rounds: int
    columns: int
    work: float = 0.0  # deterministic seconds counted: pricing and the pick


class _Master:
    """The restricted master: the schedules found so far and the linking rows."""

    def __init__(self, split: Cut) -> None:
        self.split = split
        self.glob = split.global_vars
        self.columns: list[tuple[int, np.ndarray]] = []  # (block, values)
        self.seen: set[tuple[int, bytes]] = set()
        self.coefs: list[np.ndarray] = []
        self.costs: list[float] = []
        self.block_rows = [split.rows[:, b.variables] for b in split.blocks]
        self.mix = np.zeros(0)  # the last master's solution: each column's share
        scale = float(np.max(np.abs(split.cost), initial=1.0))
        self.artificial = 1000.0 * max(1.0, scale)

    def add(self, block: int, values: np.ndarray) -> bool:
        key = (block, np.asarray(values, dtype=np.int64).tobytes())
        if key in self.seen:
            return False
        self.seen.add(key)
        self.columns.append((block, values))
        self.coefs.append(self.block_rows[block] @ values)
        self.costs.append(float(self.split.cost[self.split.blocks[block].variables] @ values))
        return True

    def solve(self) -> tuple[float, np.ndarray, np.ndarray] | None:
        """The master LP's value, the rows' prices (duals) and each agent's dual."""
        split, glob = self.split, self.glob
        nrows, nblocks = len(split.low), len(split.blocks)
        a = hstack([csc_array(np.column_stack(self.coefs)) if self.coefs else
                    csc_array((nrows, 0)), split.rows[:, glob]]).tocsr()
        cost = np.concatenate([self.costs, split.cost[glob]])
        bounds = [(0, None)] * len(self.costs) + list(
            zip(np.where(np.isinf(split.var_low[glob]), None, split.var_low[glob]),
                np.where(np.isinf(split.var_high[glob]), None, split.var_high[glob]),
                strict=True))
        equal = split.low == split.high
        upper = np.isfinite(split.high) & ~equal
        lower = np.isfinite(split.low) & ~equal
        convex = csc_array((np.ones(len(self.columns)),
                            ([b for b, _ in self.columns], range(len(self.columns)))),
                           shape=(nblocks, len(self.columns)))
        convex = hstack([convex, csc_array((nblocks, len(glob)))])
        # artificial slack on every side keeps the master feasible while columns are few
        n_up, n_low, n_eq = int(upper.sum()), int(lower.sum()), int(equal.sum())
        slack = n_up + n_low + 2 * n_eq
        a_ub = hstack([vstack([a[upper], -a[lower]]),
                       -csc_array(np.eye(n_up + n_low, slack))])
        eq_slack = np.hstack([np.zeros((n_eq, n_up + n_low)), np.eye(n_eq), -np.eye(n_eq)])
        a_eq = vstack([hstack([a[equal], csc_array(eq_slack)]),
                       hstack([convex, csc_array((nblocks, slack))])])
        found = linprog(np.concatenate([cost, np.full(slack, self.artificial)]),
                        A_ub=a_ub, b_ub=np.concatenate([split.high[upper], -split.low[lower]]),
                        A_eq=a_eq, b_eq=np.concatenate([split.low[equal], np.ones(nblocks)]),
                        bounds=bounds + [(0, None)] * slack, method="highs-ds")
        if found.status != 0:
            log.info("column generation master not solved: %s", found.message)
            return None
        duals = np.zeros(nrows)
        up, down = found.ineqlin.marginals[:n_up], found.ineqlin.marginals[n_up:]
        duals[upper] += up
        duals[lower] -= down
        duals[equal] = found.eqlin.marginals[:n_eq]
        self.mix = found.x[:len(self.columns)]
        return float(found.fun), duals, found.eqlin.marginals[n_eq:]


class _IncrementalMaster(_Master):
    """The restricted master kept in GLOP between rounds: a round adds its columns to the
    solved linear program and GLOP starts from the last basis (generated 200-agent team: the
    master from scratch took 0.76 s a round, three quarters of column generation's time)."""

    def __init__(self, split: Cut) -> None:
        super().__init__(split)
        self.lp = pywraplp.Solver.CreateSolver("GLOP")
        big = self.lp.infinity()
        self.rows = [self.lp.Constraint(-big if math.isinf(lo) else lo,
                                        big if math.isinf(hi) else hi)
                     for lo, hi in zip(split.low, split.high, strict=True)]
        self.convex = [self.lp.Constraint(1, 1) for _ in split.blocks]
        objective = self.lp.Objective()
        for row, lo, hi in zip(self.rows, split.low, split.high, strict=True):
            # artificial slack on every side keeps the master feasible while columns are few
            for side, sign in ((lo, 1.0), (hi, -1.0)):
                if math.isfinite(side):
                    self._column(0.0, big, self.artificial, [(row, sign)])
        rows = split.rows.tocsc()
        for g, lo, hi in zip(self.glob, split.var_low[self.glob], split.var_high[self.glob],
                             strict=True):
            start, stop = rows.indptr[g], rows.indptr[g + 1]
            self._column(-big if math.isinf(lo) else lo, big if math.isinf(hi) else hi,
                         float(split.cost[g]),
                         [(self.rows[r], float(c)) for r, c in
                          zip(rows.indices[start:stop], rows.data[start:stop], strict=True)])
        objective.SetMinimization()
        self.chosen: list[pywraplp.Variable] = []

    def _column(self, low: float, high: float, cost: float,
                terms: list[tuple[pywraplp.Constraint, float]]) -> pywraplp.Variable:
        var = self.lp.NumVar(low, high, "")
        self.lp.Objective().SetCoefficient(var, cost)
        for row, coef in terms:
            row.SetCoefficient(var, coef)
        return var

    def add(self, block: int, values: np.ndarray) -> bool:
        if not super().add(block, values):
            return False
        coef = self.coefs[-1]
        used = np.flatnonzero(coef)
        terms = [(self.rows[r], float(coef[r])) for r in used.tolist()]
        self.chosen.append(self._column(0.0, self.lp.infinity(), self.costs[-1],
                                        [*terms, (self.convex[block], 1.0)]))
        return True

    def solve(self) -> tuple[float, np.ndarray, np.ndarray] | None:
        """The master LP's value, the rows' prices (duals) and each agent's dual."""
        if self.lp.Solve() != pywraplp.Solver.OPTIMAL:
            log.info("column generation master not solved")
            return None
        self.mix = np.array([v.solution_value() for v in self.chosen])
        duals = np.array([row.dual_value() for row in self.rows])
        convex = np.array([row.dual_value() for row in self.convex])
        return float(self.lp.Objective().Value()), duals, convex


def _usable(split: Cut, duals: np.ndarray) -> np.ndarray:
    """The duals with those of a side that is infinite set to zero (they would price nothing
    and make the bound infinite)."""
    duals = np.where((duals > 0) & np.isinf(split.low), 0.0, duals)
    return np.where((duals < 0) & np.isinf(split.high), 0.0, duals)


def lagrangian(split: Cut, duals: np.ndarray, bounds: list[float]) -> float:
    """The Lagrangian bound at ``duals`` given each block's least priced cost (a bound)."""
    duals = _usable(split, duals)
    side = np.where(duals > 0, split.low, np.where(duals < 0, split.high, 0.0))
    value = float(np.sum(duals * np.where(duals != 0, side, 0.0))) + split.offset + sum(bounds)
    glob = split.global_vars
    reduced = split.cost[glob] - split.rows[:, glob].T @ duals
    for r, lo, hi in zip(reduced, split.var_low[glob], split.var_high[glob], strict=True):
        if abs(r) < 1e-12:
            continue
        end = lo if r > 0 else hi
        if math.isinf(end):
            return -math.inf
        value += r * end
    return value


def reduced_prices(split: Cut, duals: np.ndarray) -> np.ndarray:
    """Each variable's cost less what the linking rows' duals pay for it."""
    duals = _usable(split, duals)
    return split.cost - split.rows.T @ duals


def generate(ctx: ModelContext, *, seed: int, work: float, deadline: float, workers: int,
             pricing_work: float = 0.5, target: float = math.inf,
             pick_roster: bool = True, start: Values | None = None,
             pick_seconds: float = 0.0, stall: int = 0, pick_work: float | None = None,
             least_work: float = 0.0, by_days: bool = False,
             incremental: bool = False, pick_linearization: int | None = None
             ) -> Outcome | None:
    """Column generation on the model of ``ctx`` until ``work`` deterministic seconds of
    pricing are spent, the bound meets ``target``, the master is proven, ``stall`` rounds
    (when not 0) have passed without a better bound, or ``deadline``;
    then, unless ``pick_roster`` is False (only the bound is wanted), a roster is picked
    with ``pick_work`` deterministic seconds (default a fifth of ``work``, at least 0.5)
    within ``pick_seconds`` more, or what is left until the deadline, whichever is longer,
    at CP-SAT's ``pick_linearization`` level (None: its default).

    ``start``, a roster, gives each agent's first column, so that the master has a roster from
    the first round and its duals mean something from there. Each agent's pricing counts as at
    least ``least_work`` deterministic seconds (CP-SAT counts next to nothing for a small
    model, so without it only the deadline stops the generation, and not reproducibly).
    With ``by_days`` agents are priced by the dynamic program over the days where it can price
    them (:class:`Pricer`); its pricings count the states they visit. With
    ``incremental`` the master is kept in GLOP and each round starts from the last basis.

    Returns None when the model cannot be cut into agents.
    """
    split = cut(ctx)
    if split is None or not split.blocks:
        return None
    master = _IncrementalMaster(split) if incremental else _Master(split)
    pricer = Pricer(ctx, split, by_days=by_days)
    if start is not None:
        for i, column in enumerate(_columns_of(split, start, seed=seed)):
            if column is not None:
                master.add(i, column)
    duals = np.zeros(len(split.low))  # the master's duals
    center = duals  # the duals of the best bound so far (stabilisation's centre)
    convex = np.full(len(split.blocks), math.inf)
    best, spent, rounds, value, alpha = -math.inf, 0.0, 0, math.inf, SMOOTHING
    gained = 0  # the round that last found a better bound
    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        while True:
            rounds += 1
            at = alpha * center + (1 - alpha) * duals
            prices = reduced_prices(split, at)
            left = deadline - time.perf_counter()
            jobs = [pool.submit(pricer.price, i, prices[b.variables], seed=seed,
                                work=pricing_work, seconds=left, deadline=deadline)
                    for i, b in enumerate(split.blocks)]
            found = [job.result() for job in jobs]
            spent += sum(p.work if p.counted else max(p.work, least_work) for p in found)
            if any(math.isinf(p.bound) and p.bound > 0 for p in found):
                return Outcome(math.inf, None, math.inf, rounds, len(master.columns))
            bound = lagrangian(split, at, [p.bound for p in found])
            if bound > best:
                best, center, gained = bound, at, rounds
            added = _add_columns(split, master, found, duals, convex)
            log.info("columns round %d: bound %.2f (best %.2f, master %.2f), %d added",
                     rounds, bound, best, value, added)
            if not added and alpha > 0:  # nothing prices out at the master's duals: look
                alpha = 0.0              # there alone before concluding
                continue
            if not added or best >= min(target, value) - 1e-6 or spent >= work or \
                    0 < stall <= rounds - gained or time.perf_counter() >= deadline:
                break
            solved = master.solve()
            if solved is None:
                break
            value, duals, convex = solved
            value += split.offset  # the rows' constant terms, which the bound counts too
            alpha = SMOOTHING
    values, objective = None, math.inf
    if pick_roster:
        values, objective, picked = pick(
            ctx, split, master, seed=seed,
            work=max(0.5, 0.2 * work) if pick_work is None else pick_work,
            seconds=max(0.1, pick_seconds, deadline - time.perf_counter()),
            linearization=pick_linearization)
        spent += picked
    return Outcome(rounded(best), values, objective, rounds, len(master.columns), spent)


def _columns_of(split: Cut, roster: Values, *, seed: int) -> list[np.ndarray | None]:
    """Each agent's column in a roster: their shifts as given, every other variable of their
    block at its least cost (None when the block's own rules refuse those shifts)."""
    found: list[np.ndarray | None] = []
    for block in split.blocks:
        fixed = block.model.clone()
        for local, var in enumerate(block.variables.tolist()):
            if var in roster:
                domain = fixed.proto.variables[local].domain
                domain[0] = domain[1] = int(roster[var])
        alone = Block(block.agent, block.variables, fixed, block.upper)
        priced = price(alone, split.cost[block.variables], seed=seed, work=1.0, seconds=10.0)
        found.append(priced.values)
    return found


def _add_columns(split: Cut, master: _Master, found: list[Priced], duals: np.ndarray,
                 convex: np.ndarray) -> int:
    """Add the schedules found whose reduced cost at the master's duals is negative."""
    at_master = reduced_prices(split, duals)
    added = 0
    for i, p in enumerate(found):
        if p.values is None:
            continue
        reduced = float(at_master[split.blocks[i].variables] @ p.values) - convex[i]
        added += reduced < -1e-6 and master.add(i, p.values)
    return added


def rounded(bound: float) -> float:
    """An integer penalty's bound, rounded up (less a tolerance for the floating point)."""
    if math.isinf(bound):
        return max(0.0, bound)
    return max(0.0, math.ceil(bound - 1e-6 * max(1.0, abs(bound))))


def pick(ctx: ModelContext, split: Cut, master: _Master, *, seed: int, work: float,
         seconds: float, linearization: int | None = None
         ) -> tuple[Values | None, float, float]:
    """One generated schedule per agent, the best mix of them (a small CP-SAT model at this
    ``linearization`` level): the shifts, their cost and the deterministic seconds spent."""
    model = cp_model.CpModel()
    chosen = [model.new_bool_var(f"column{i}") for i in range(len(master.columns))]
    for b in range(len(split.blocks)):
        model.add_exactly_one([v for v, (k, _) in zip(chosen, master.columns, strict=True)
                               if k == b])
    glob = split.global_vars
    gvars = [model.new_int_var(int(max(lo, -2**40)), int(min(hi, 2**40)), f"g{g}")
             for g, lo, hi in zip(glob, split.var_low[glob], split.var_high[glob], strict=True)]
    coefs = _whole_rows(master.coefs, len(split.low))
    rows_g = split.rows[:, glob].tocsr()
    for r in range(len(split.low)):
        lo, hi = coefs.indptr[r], coefs.indptr[r + 1]
        terms = [(chosen[k], int(c)) for k, c in
                 zip(coefs.indices[lo:hi], coefs.data[lo:hi], strict=True)]
        lo, hi = rows_g.indptr[r], rows_g.indptr[r + 1]
        terms += [(gvars[j], int(round(c))) for j, c in
                  zip(rows_g.indices[lo:hi], rows_g.data[lo:hi], strict=True)]
        expr = sum(c * v for v, c in terms)
        if math.isfinite(split.low[r]):
            model.add(expr >= math.ceil(split.low[r] - 1e-9))
        if math.isfinite(split.high[r]):
            model.add(expr <= math.floor(split.high[r] + 1e-9))
    model.minimize(sum(int(round(c)) * v for v, c in zip(chosen, master.costs, strict=True))
                   + sum(int(round(c)) * v for v, c in zip(gvars, split.cost[glob],
                                                             strict=True)))
    _hint_largest(model, chosen, master)
    solver = one_thread(seed=seed, work=work, seconds=seconds, linearization=linearization)
    if solver.solve(model) not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None, math.inf, solver.deterministic_time
    full = np.zeros(len(split.owner))
    for var, (b, values) in zip(chosen, master.columns, strict=True):
        if solver.boolean_value(var):
            full[split.blocks[b].variables] = values
    shifts = {v.index: bool(full[v.index]) for v in ctx.x.values()}
    return shifts, solver.objective_value + split.offset, solver.deterministic_time


def _whole_rows(coefs: list[np.ndarray], count: int) -> csr_array:
    """The columns' coefficients on the linking rows, rounded, as a sparse matrix by row (a
    dense one of a 200-agent team's 4,000 rows and columns took seconds to read)."""
    rows, cols, vals = [], [], []
    for k, column in enumerate(coefs):
        whole = np.rint(column)
        used = np.flatnonzero(whole)
        rows.append(used)
        cols.append(np.full(len(used), k))
        vals.append(whole[used])
    if not coefs:
        return csr_array((count, 0))
    return csr_array((np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))),
                     shape=(count, len(coefs)))


def _hint_largest(model: cp_model.CpModel, chosen: list[cp_model.IntVar], master: _Master) -> None:
    """Hint each agent's column with the largest share in the last master (the rounded linear
    relaxation: availability team, a start near the columns' best roster)."""
    if not len(master.mix):
        return
    best: dict[int, int] = {}
    for k, (b, _) in enumerate(master.columns[:len(master.mix)]):
        if b not in best or master.mix[k] > master.mix[best[b]]:
            best[b] = k
    picked = set(best.values())
    for k, var in enumerate(chosen):
        model.add_hint(var, k in picked)
