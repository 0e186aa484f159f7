"""Roster solves started from the web app: one at a time per team, each in a worker process.

The worker loads the team folder, solves with :func:`scheduler.solvers.roster.solve` and writes
the roster's files into the team's ``roster/`` folder (as ``scheduler roster --out`` does),
telling the server of each better roster through a queue. The server process only reads that
queue, so it keeps answering other pages; cancelling ends the worker (nothing half-written:
the files are written as one group at the very end).
"""

from __future__ import annotations

import multiprocessing
import queue
import threading
import time
from dataclasses import dataclass, field
from multiprocessing.context import SpawnProcess
from pathlib import Path
from typing import Any

__all__ = ["ROSTER_DIR", "Job", "Jobs", "SolveOptions"]

ROSTER_DIR = "roster"  # inside the team folder: the last solve's roster.csv, .xlsx, report
_spawn = multiprocessing.get_context("spawn")


@dataclass(frozen=True)
class SolveOptions:
    """What the coordinator chose on the plan page."""

    time_limit: float = 30.0
    workers: int = 1
    seed: int = 0
    work_limit: float | None = None


def solve_in_worker(folder: str, options: SolveOptions, events: Any) -> None:
    """The worker process: solve, write ``roster/``, report progress and the end on ``events``."""
    from scheduler.errors import TeamFolderError
    from scheduler.export.tables import write_roster_outputs
    from scheduler.load import load_team
    from scheduler.solvers.roster import solve
    from scheduler.staffing import requirements

    def progress(step: Any) -> None:
        events.put({"kind": "progress", "objective": step.objective, "bound": step.bound,
                    "gap": step.gap, "elapsed": step.elapsed_s, "solutions": step.solutions})

    try:
        problem = load_team(folder)
        needs = requirements(problem)
        result = solve(problem, needs, time_limit=options.time_limit, workers=options.workers,
                       seed=options.seed, work_limit=options.work_limit, on_progress=progress)
        report = result.report
        if result.roster is None or not report.solved:
            events.put({"kind": "failed", "message": report.summary()})
            return
        write_roster_outputs(Path(folder) / ROSTER_DIR, problem, needs, result)
        hard = len(result.evaluation.hard) if result.evaluation is not None else 0
        events.put({"kind": "progress", "objective": report.objective,
                    "bound": report.bound or 0.0, "gap": report.gap,
                    "elapsed": report.wall_time_s, "solutions": 1})
        events.put({"kind": "done", "message": report.summary(), "hard": hard,
                    "objective": report.objective})
    except TeamFolderError as exc:
        events.put({"kind": "failed", "message": str(exc)})
    except Exception as exc:  # the coordinator sees a sentence, the server goes on
        events.put({"kind": "failed", "message": f"the solve stopped: {exc}"})


@dataclass
class Job:
    """One solve: its worker, what it reported so far, and how it ended."""

    team: str
    options: SolveOptions
    process: SpawnProcess
    events: Any
    started: float = field(default_factory=time.monotonic)
    best: dict[str, Any] | None = None
    end: dict[str, Any] | None = None

    def poll(self) -> None:
        """Read what the worker reported since the last look."""
        while True:
            try:
                event = self.events.get_nowait()
            except queue.Empty:
                break
            if event["kind"] == "progress":
                count = (self.best or {}).get("solutions", 0)
                self.best = {**event, "solutions": max(count, event["solutions"])}
            else:
                self.end = event
        if self.end is None and not self.process.is_alive():
            self.process.join(0.1)
            try:  # the last words may arrive just after the process ended
                self.end = self.events.get(timeout=0.5)
            except queue.Empty:
                self.end = {"kind": "failed", "message": "the solve stopped unexpectedly"}

    @property
    def running(self) -> bool:
        """True until the worker reported its end (or was cancelled)."""
        return self.end is None

    def elapsed(self) -> float:
        """Seconds since the solve started."""
        return time.monotonic() - self.started

    def state(self) -> dict[str, Any]:
        """Best penalty, bound, gap and elapsed time, and the end once there is one."""
        self.poll()
        return {"best": self.best, "end": self.end, "elapsed": self.elapsed(),
                "running": self.running, "options": self.options}


class Jobs:
    """The server's solves, at most one running per team."""

    def __init__(self) -> None:
        self._jobs: dict[str, Job] = {}
        self._lock = threading.Lock()

    def get(self, team: str) -> Job | None:
        """The team's current or last solve."""
        with self._lock:
            return self._jobs.get(team)

    def start(self, team: str, folder: Path, options: SolveOptions) -> Job:
        """Start a solve for ``team`` unless one is running (then that one is returned)."""
        with self._lock:
            current = self._jobs.get(team)
            if current is not None:
                current.poll()
                if current.running:
                    return current
            events = _spawn.Queue()
            process = _spawn.Process(target=solve_in_worker, args=(str(folder), options, events),
                                     daemon=True, name=f"solve {team}")
            process.start()
            job = Job(team, options, process, events)
            self._jobs[team] = job
            return job

    def cancel(self, team: str) -> bool:
        """End the team's running solve; False when none runs."""
        job = self.get(team)
        if job is None or not job.running:
            return False
        job.process.terminate()
        job.process.join(5)
        job.end = {"kind": "cancelled", "message": "cancelled: no roster was written"}
        return True

    def stop_all(self) -> None:
        """End every running worker (the server is shutting down)."""
        for team in list(self._jobs):
            self.cancel(team)
