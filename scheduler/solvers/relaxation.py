"""A lower bound on the penalty from the linear relaxation of the roster model (HiGHS).

CP-SAT's own bound comes from the same relaxation and more (cuts), but on large teams its root
relaxation may not settle within the time CP-SAT on the whole model is given, and its bound then
stays near zero. HiGHS solves the plain relaxation in seconds, so the report's gap means
something on every team. Constraints the relaxation cannot express are left out, which can only
lower the bound: it stays a valid bound.
"""

from __future__ import annotations

import logging
import math
import multiprocessing
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from multiprocessing.connection import Connection
from typing import Any

import numpy as np
from ortools.sat.python import cp_model
from scipy.optimize import linprog
from scipy.sparse import csr_array, vstack

log = logging.getLogger(__name__)

HUGE = 1 << 60  # CP-SAT writes an unbounded side as the extreme of int64


class Rows:
    """Rows ``low <= sum(coef * var) <= high`` over a model's variables, built up."""

    def __init__(self) -> None:
        self.row: list[int] = []
        self.col: list[int] = []
        self.val: list[float] = []
        self.low: list[float] = []
        self.high: list[float] = []

    def add(self, terms: list[tuple[int, float]], low: float, high: float) -> None:
        """One row; a term's variable index may be a negated literal (``-index - 1``)."""
        shift = 0.0
        at = len(self.low)
        for var, coef in terms:
            if var < 0:  # literal "not x" is 1 - x
                var, shift, coef = -var - 1, shift + coef, -coef
            self.row.append(at)
            self.col.append(var)
            self.val.append(coef)
        self.low.append(low - shift)
        self.high.append(high - shift)

    def arrays(self, count: int) -> tuple[csr_array, np.ndarray, np.ndarray]:
        """The rows as a matrix over ``count`` variables, and their low and high sides."""
        matrix = csr_array((self.val, (self.row, self.col)), shape=(len(self.low), count))
        return matrix, np.array(self.low), np.array(self.high)


def _side(value: int) -> float:
    return math.inf if value >= HUGE else -math.inf if value <= -HUGE else float(value)


def variable_bounds(proto: Any) -> tuple[np.ndarray, np.ndarray]:
    """Each variable's least and greatest value (infinite where CP-SAT leaves it unbounded)."""
    low = np.array([_side(v.domain[0]) for v in proto.variables])
    high = np.array([_side(v.domain[len(v.domain) - 1]) for v in proto.variables])
    return low, high


def objective_vector(proto: Any) -> tuple[np.ndarray, float]:
    """The objective as ``cost @ values + offset`` over the model's variables, scaled."""
    cost, offset = np.zeros(len(proto.variables)), float(proto.objective.offset)
    for var, coef in zip(proto.objective.vars, proto.objective.coeffs, strict=True):
        if var < 0:  # "not x" is 1 - x
            cost[-var - 1] -= coef
            offset += coef
        else:
            cost[var] += coef
    scale = proto.objective.scaling_factor or 1.0
    return cost * scale, offset * scale

Terms = list[tuple[int, float]]


def linear_rows(ct: Any) -> list[tuple[Terms, float, float]]:
    """The rows ``low <= sum(coef * literal) <= high`` a constraint implies (ignoring any
    enforcement), as (terms, low, high); empty for a kind the relaxation does not express.

    A term's variable index may be a negated literal (``-index - 1``).
    """
    if ct.has_linear():
        lin = ct.linear
        return [(list(zip(lin.vars, map(float, lin.coeffs), strict=True)),
                 _side(lin.domain[0]), _side(lin.domain[len(lin.domain) - 1]))]
    if ct.has_bool_or():
        return [([(lit, 1.0) for lit in ct.bool_or.literals], 1, math.inf)]
    if ct.has_at_most_one():
        return [([(lit, 1.0) for lit in ct.at_most_one.literals], -math.inf, 1)]
    if ct.has_exactly_one():
        return [([(lit, 1.0) for lit in ct.exactly_one.literals], 1, 1)]
    if ct.has_bool_and():
        return [([(lit, 1.0)], 1, 1) for lit in ct.bool_and.literals]
    if ct.has_lin_max():  # target >= every expression is the relaxation of target = max
        target = ct.lin_max.target
        found = []
        for expr in ct.lin_max.exprs:
            terms = [(v, float(c)) for v, c in zip(target.vars, target.coeffs, strict=True)]
            terms += [(v, -float(c)) for v, c in zip(expr.vars, expr.coeffs, strict=True)]
            found.append((terms, float(expr.offset - target.offset), math.inf))
        return found
    return []


def lp_bound(model: cp_model.CpModel, *, time_limit: float = 30.0) -> float:
    """The least penalty of the model's linear relaxation, rounded up (0 when not solved).

    Parameters
    ----------
    model
        The roster model with its objective (to minimise, integer coefficients).
    time_limit
        Seconds HiGHS may take.

    Returns
    -------
    float
        A proven lower bound on the model's objective.
    """
    proto = model.proto
    low, high = variable_bounds(proto)
    rows = Rows()
    for ct in proto.constraints:
        if not len(ct.enforcement_literal):  # conditional: leaving it out keeps the bound valid
            for terms, lo, hi in linear_rows(ct):
                rows.add(terms, lo, hi)
    cost, offset = objective_vector(proto)
    matrix, floor, ceiling = rows.arrays(len(proto.variables))
    equal = floor == ceiling
    upper = np.isfinite(ceiling) & ~equal
    lower = np.isfinite(floor) & ~equal
    # interior point: on the largest Curtois instance 4 s, where the simplex takes 14-21 s
    try:
        found = linprog(cost, A_ub=vstack([matrix[upper], -matrix[lower]]),
                        b_ub=np.concatenate([ceiling[upper], -floor[lower]]),
                        A_eq=matrix[equal], b_eq=floor[equal],
                        bounds=np.column_stack([low, high]), method="highs-ipm",
                        options={"time_limit": time_limit})
    except ValueError as error:  # the bound is a nicety: never lose the roster over it
        log.warning("linear relaxation not built: %s", error)
        return 0.0
    if found.status != 0 or found.fun is None:
        log.info("linear relaxation not solved: %s", found.message)
        return 0.0
    value = found.fun + offset
    # the penalty is an integer: round up, less HiGHS's tolerance
    return max(0.0, math.ceil(value - 1e-6 * max(1.0, abs(value))))


Bound = Callable[..., float]  # (model, *, time_limit) -> bound, as :func:`lp_bound`


class Relaxation:
    """The linear relaxation's bound, solved beside the search in a child process that the
    solve ends at ``deadline`` (``time.perf_counter()`` value) whatever HiGHS is doing.

    HiGHS's own time limit is not enough: it is not checked while the rows are built, nor
    everywhere in HiGHS, and Curtois 13's relaxation on a busy machine ran 9 s past it, and
    the solve with it. The child is a fork, so the model is shared rather than copied (only
    the pages either side writes are); where fork is missing, or in a daemon process (a Dask
    worker), which may have no child, the bound is solved in a thread with HiGHS's own time
    limit.

    Parameters
    ----------
    model
        The roster model with its objective.
    deadline
        When the bound is given up (0) if it is not known by then.
    bound_of
        How the bound is found (default :func:`lp_bound`).
    """

    def __init__(self, model: cp_model.CpModel, *, deadline: float,
                 bound_of: Bound = lp_bound) -> None:
        self.deadline = deadline
        self.started = time.perf_counter()
        self.bound: float | None = None
        self._thread: Future[float] | None = None
        self._child: Any = None
        self._lock = threading.Lock()
        seconds = deadline - self.started
        if seconds <= 0:  # not asked for
            self.bound = 0.0
            return
        if "fork" in multiprocessing.get_all_start_methods() and \
                not multiprocessing.current_process().daemon:  # a daemon may have no child
            context = multiprocessing.get_context("fork")
            self._receive, send = context.Pipe(duplex=False)
            self._child = context.Process(target=_in_child, args=(bound_of, model, seconds, send),
                                          daemon=True)
            self._child.start()
            send.close()  # the child holds the only sending end: its death ends the pipe
            # ended at the deadline even when nobody asks for the bound then: past it the
            # child would only take a core from the search
            self._timer = threading.Timer(seconds, self._expire)
            self._timer.daemon = True
            self._timer.start()
            return
        pool = ThreadPoolExecutor(max_workers=1)
        self._thread = pool.submit(bound_of, model, time_limit=seconds)
        pool.shutdown(wait=False)

    def result(self, *, wait: bool = True) -> float:
        """The bound, 0 when it was not found by the deadline; without ``wait``, 0 too while
        it is still being solved before the deadline (asking again later may find it)."""
        if self.bound is not None:
            return self.bound
        left = max(0.0, self.deadline - time.perf_counter())
        found = self._wait(left if wait else 0.0)
        if found is None and wait is False and left > 0:
            return 0.0
        self.bound = 0.0 if found is None else found
        if found is None:
            log.info("linear relaxation not solved in its %.1f s",
                     self.deadline - self.started)
        self.stop()
        return self.bound

    def _wait(self, seconds: float) -> float | None:
        if self._thread is not None:
            try:
                return self._thread.result(timeout=seconds)
            except TimeoutError:
                return None
        try:
            if not self._receive.poll(seconds):
                return None
            value, seconds, peak_kb = self._receive.recv()
        except (EOFError, OSError):  # the child died without an answer
            return None
        log.info("linear relaxation: bound %s in %.1f s (child's peak memory %d MB)",
                 value, seconds, peak_kb // 1024)
        return value  # as the bound function gave it

    @property
    def running(self) -> bool:
        """Whether a child is still solving."""
        return self._child is not None and self._child.is_alive()

    def _expire(self) -> None:
        with self._lock:
            if self._child is not None and self._child.is_alive():
                self._child.kill()  # an answer already sent stays in the pipe

    def stop(self) -> None:
        """End the child, if it still runs (idempotent)."""
        if self._child is None:
            return
        self._timer.cancel()
        with self._lock:
            if self._child.is_alive():
                self._child.kill()
            self._child.join()
            self._child.close()
            self._receive.close()
            self._child = None
        if self.bound is None:
            self.bound = 0.0


def _in_child(bound_of: Bound, model: cp_model.CpModel, seconds: float,
              send: Connection) -> None:
    """The child's work: the bound and the child's peak memory (kB), sent to the parent."""
    import resource  # POSIX only, as fork is

    started = time.perf_counter()
    try:
        value = bound_of(model, time_limit=seconds)
        send.send((value, time.perf_counter() - started,
                   resource.getrusage(resource.RUSAGE_SELF).ru_maxrss))
    finally:
        send.close()
