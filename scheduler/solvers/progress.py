"""Progress of a solve, kept apart from the searches: one thread-safe recorder.

Searches tell the recorder of each better roster and each better proven bound; it logs the
step and calls the caller's ``on_progress`` with the best bound known at that moment. Several
searches run in threads at once, so every update happens under one lock.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass

from ortools.sat.python import cp_model

from scheduler.solvers.plan import Budget

log = logging.getLogger(__name__)


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


class Recorder:
    """The best roster and bound seen so far, reported to ``on_progress`` as they improve."""

    def __init__(self, budget: Budget,
                 on_progress: Callable[[Progress], None] | None = None) -> None:
        self.budget = budget
        self.on_progress = on_progress
        self.best = float("inf")
        self.bound = 0.0
        self.solutions = 0
        self.first_s: float | None = None
        self._lock = threading.Lock()

    def bound_proven(self, bound: float) -> None:
        """A search (or the relaxation) proved this lower bound."""
        with self._lock:
            self.bound = max(self.bound, bound)

    def roster_found(self, objective: float, bound: float = 0.0) -> None:
        """A search found a roster of this penalty (and proved ``bound``)."""
        with self._lock:
            self.solutions += 1
            self.bound = max(self.bound, bound)
            if self.first_s is None:
                self.first_s = self.budget.elapsed()
            if objective >= self.best:
                return
            self.best = objective
            step = Progress(int(objective), self.bound, gap_of(objective, self.bound),
                            self.budget.elapsed(), self.solutions)
            log.info("roster #%d: penalty %d, bound %.0f, gap %.2f%%, %.1f s", step.solutions,
                     step.objective, step.bound, 100 * (step.gap or 0), step.elapsed_s)
            if self.on_progress:
                self.on_progress(step)


class Watcher(cp_model.CpSolverSolutionCallback):
    """Tells the recorder of each roster CP-SAT finds; stops the search once a roster meets
    ``stop_at``, a bound already proven (that roster is optimal)."""

    def __init__(self, recorder: Recorder, stop_at: float = -1.0) -> None:
        super().__init__()
        self.recorder = recorder
        self.stop_at = stop_at

    def on_solution_callback(self) -> None:
        objective = int(self.objective_value)
        self.recorder.roster_found(objective, self.best_objective_bound)
        if objective <= self.stop_at + 1e-6:
            self.stop_search()
