"""Where the solves run: here, in local processes, or on a Dask distributed cluster.

Each solve is one pure task: a :class:`Task` (a name, a ``Problem`` and the solve settings)
goes in, an :class:`Outcome` (status, the roster's shifts, its measures) comes out. The same
task gives the same outcome wherever it runs, because the solve stops on CP-SAT's
deterministic clock (keep ``time_limit`` a safety net above what ``work_limit`` needs).

Scheduling is left to existing engines: :class:`concurrent.futures.ProcessPoolExecutor` on
this machine, ``distributed.Client`` on a cluster. A task that fails (no roster, an error, a
worker lost) comes back as an outcome saying why; the others still finish.
"""

from __future__ import annotations

import multiprocessing
import time
import uuid
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from scheduler.domain import Problem, Roster, Shift
from scheduler.evaluation import Evaluation
from scheduler.whatif.targets import missed_units, service_frame

FAILED = "FAILED"
CONNECT_TIMEOUT = 10  # seconds to reach a Dask scheduler


class ClusterError(RuntimeError):
    """The Dask cluster cannot be reached or refused us (a one-line message)."""


@dataclass(frozen=True)
class SolveOptions:
    """Settings of every solve: wall-clock safety net, deterministic work, threads, seed."""

    time_limit: float = 60.0
    work_limit: float | None = None
    workers: int = 1
    seed: int = 0


@dataclass(frozen=True)
class Task:
    """One solve to run: a name (scenario, or hires/leavers count), its problem, and the
    shifts of a neighbouring roster to start from (``hint``; none: the published roster)."""

    name: str
    problem: Problem
    options: SolveOptions = SolveOptions()
    hint: tuple[Shift, ...] = ()


@dataclass(frozen=True, eq=False)  # holds a DataFrame: compare fields, not outcomes
class Outcome:
    """What one solve gave.

    Attributes
    ----------
    name
        The task's name.
    status
        The solver's status (``OPTIMAL``, ``FEASIBLE``, ``INFEASIBLE``, ``UNKNOWN``) or
        ``FAILED`` when the task itself failed.
    reason
        Why there is no roster (the conflict, the error), empty otherwise.
    shifts
        The roster's shifts (empty without a roster).
    headline
        The roster's single figures (:class:`scheduler.kpi.Headline`), None without a roster.
    daily
        Coverage per queue and local day (``date``, ``queue``, ``coverage``, ...).
    penalties
        Penalty per rule of the roster.
    missed
        ``(queue, interval)`` pairs where the roster misses the queue's service target: live
        queues below their service level in an interval with contacts, e-mail answered late.
    objective, gap, wall_time_s
        From the solve report.
    headcount
        Teams whose need is a headcount (coverage.csv): the roster's
        :class:`scheduler.kpi.headcount.HeadcountHeadline` (short and over the limits, agents
        with hours, fair-share distance, preferred share); None otherwise.
    service
        Live service and late e-mail per queue and interval, with the interval's day and week
        (:func:`scheduler.whatif.targets.service_frame`): what :meth:`missed_by` reads.
    bound
        The solve's proven lower bound of the penalty (None without one).
    carried_from
        Empty for the solver's own roster; else the name of the neighbouring task whose
        roster is reported instead, because it is better here (see
        :func:`scheduler.whatif.monotone.better_of`).
    """

    name: str
    status: str
    reason: str = ""
    shifts: tuple[Shift, ...] = ()
    headline: Any = None
    daily: pd.DataFrame = field(default_factory=pd.DataFrame)
    penalties: dict[str, int] = field(default_factory=dict)
    missed: tuple[tuple[str, int], ...] = ()
    objective: int | None = None
    gap: float | None = None
    wall_time_s: float = 0.0
    headcount: Any = None
    service: pd.DataFrame = field(default_factory=pd.DataFrame)
    bound: float | None = None
    carried_from: str = ""

    @property
    def solved(self) -> bool:
        """True when the solve gave a roster."""
        return self.headline is not None

    def missed_by(self, criterion: str, queues: Sequence[str] | None = None
                  ) -> tuple[tuple[str, int], ...]:
        """``(queue, unit)`` pairs missing the target, read per ``criterion`` (interval, day
        or week; :func:`scheduler.whatif.targets.missed_units`)."""
        if len(self.service.columns) == 0:  # an outcome made by hand: intervals only
            if criterion != "interval":
                raise ValueError("an outcome without its service frame can only be read per "
                                 "interval")
            return tuple(m for m in self.missed if queues is None or m[0] in queues)
        return missed_units(self.service, criterion, queues)


def solve_task(task: Task) -> Outcome:
    """Solve one task and measure its roster (pure: the same task gives the same outcome)."""
    from scheduler.solvers.roster import solve
    from scheduler.staffing import requirements

    started = time.perf_counter()
    problem, options = task.problem, task.options
    needs = requirements(problem)
    result = solve(problem, needs, time_limit=options.time_limit, work_limit=options.work_limit,
                   workers=options.workers, seed=options.seed,
                   hint=Roster(shifts=task.hint) if task.hint else None)
    report = result.report
    if result.roster is None:
        return Outcome(task.name, report.status, "; ".join(report.conflict) or
                       f"no roster found ({report.status.lower()})",
                       wall_time_s=time.perf_counter() - started)
    assert result.evaluation is not None
    return _measured(task.name, problem, needs, result.roster, result.evaluation,
                     report.status, report.bound, started)


def _measured(name: str, problem: Problem, needs: pd.DataFrame, roster: Roster,
              evaluation: Evaluation, status: str, bound: float | None, started: float,
              carried_from: str = "") -> Outcome:
    """The outcome of a roster: its measures, penalty, and gap against ``bound``."""
    from scheduler.kpi import measure
    from scheduler.staffing.covering import covering_plan

    kpis = measure(problem, needs, roster, covering_plan(problem, needs, roster), evaluation)
    view = kpis.headcount
    objective = evaluation.total_penalty
    gap = None if bound is None else max(0.0, objective - bound) / max(1.0, abs(objective))
    service = service_frame(problem, kpis.service, kpis.backlog)
    return Outcome(name, status, "", roster.shifts, kpis.headline, kpis.daily,
                   {r: p for r, p in evaluation.penalty_by_rule.items() if p},
                   missed_units(service, "interval"), objective, gap,
                   time.perf_counter() - started, None if view is None else view.headline,
                   service, bound, carried_from)


def measure_roster(task: Task, shifts: Sequence[Shift], bound: float | None,
                   carried_from: str) -> Outcome | None:
    """The outcome of a given roster (a neighbour's) on the task's problem, without solving:
    None when it breaks a hard rule there. ``bound`` is the task's own solve's bound."""
    from scheduler.check import check
    from scheduler.staffing import requirements

    started = time.perf_counter()
    problem = task.problem
    known = problem.agent_index
    roster = Roster(shifts=tuple(s for s in shifts if s.agent in known))
    needs = requirements(problem)
    try:
        evaluation = check(problem, roster, needs)
    except KeyError:  # a shift on a template the problem no longer offers
        return None
    if evaluation.hard:
        return None
    optimal = bound is not None and evaluation.total_penalty <= bound + 1e-6
    return _measured(task.name, problem, needs, roster, evaluation,
                     "OPTIMAL" if optimal else "FEASIBLE", bound, started, carried_from)


def roster_of(outcome: Outcome) -> Roster:
    """The outcome's roster."""
    return Roster(shifts=outcome.shifts)


def failed(name: str, exc: BaseException) -> Outcome:
    """The outcome of a task that raised instead of returning."""
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return Outcome(name, FAILED, f"{type(exc).__name__}: {text}".rstrip(": "))


Event = Callable[[str, Outcome | None], None]
"""Called with a task name and None when it is handed out, and with its outcome when done."""


def run_tasks(tasks: Sequence[Task], *, jobs: int = 1, cluster: str | None = None,
              on_event: Event | None = None) -> list[Outcome]:
    """Solve every task and return the outcomes in the order of ``tasks``.

    Parameters
    ----------
    tasks
        The solves (names must differ).
    jobs
        Local processes; 1 solves one after the other in this process.
    cluster
        Address of a Dask scheduler (``tcp://host:8786``); when given, the solves run there
        and ``jobs`` is ignored.
    on_event
        Told when a task is handed out and when it is done (for a progress display).

    Raises
    ------
    ClusterError
        When the cluster cannot be reached.
    """
    notify = on_event or (lambda name, outcome: None)
    if cluster is not None:
        done = _on_cluster(tasks, cluster, notify)
    elif jobs <= 1 or len(tasks) <= 1:
        done = {}
        for task in tasks:
            notify(task.name, None)
            try:
                done[task.name] = solve_task(task)
            except Exception as exc:  # reported in the task's row; the others still run
                done[task.name] = failed(task.name, exc)
            notify(task.name, done[task.name])
    else:
        done = _in_processes(tasks, jobs, notify)
    return [done[task.name] for task in tasks]


def _in_processes(tasks: Sequence[Task], jobs: int, notify: Event) -> dict[str, Outcome]:
    # spawn, not fork: the parent may have threads (a progress display, CP-SAT's pools)
    context = multiprocessing.get_context("spawn")
    done: dict[str, Outcome] = {}
    with ProcessPoolExecutor(max_workers=min(jobs, len(tasks)), mp_context=context) as pool:
        futures: dict[Future[Outcome], str] = {}
        for task in tasks:
            futures[pool.submit(solve_task, task)] = task.name
            notify(task.name, None)
        for future in as_completed(futures):
            name = futures[future]
            error = future.exception()
            done[name] = failed(name, error) if error is not None else future.result()
            notify(name, done[name])
    return done


def _on_cluster(tasks: Sequence[Task], address: str, notify: Event) -> dict[str, Outcome]:
    from distributed import Client
    from distributed import as_completed as finished

    try:
        client = Client(address, timeout=CONNECT_TIMEOUT, set_as_default=False)
    except (OSError, TimeoutError, ValueError) as exc:
        raise ClusterError(f"cannot reach the Dask scheduler at {address}: {exc}") from None
    done: dict[str, Outcome] = {}
    try:
        names = {}
        for task in tasks:
            future = client.submit(solve_task, task, pure=False,
                                   key=f"whatif-{task.name}-{uuid.uuid4().hex[:8]}")
            names[future] = task.name
            notify(task.name, None)
        for future in finished(list(names), loop=client.loop):
            name = names[future]
            try:
                done[name] = future.result()
            except Exception as exc:  # the task raised, or its worker was lost
                done[name] = failed(name, exc)
            notify(name, done[name])
    finally:
        client.close()
    return done
