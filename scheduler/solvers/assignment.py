"""Ticket assignment: CP-SAT, and the simple routers it is measured against.

The model (see docs/tickets.md): each ticket to at most one agent whose skill and tier allow it
and whose ticket minutes hold it; every agent works earliest-due-first, so ticket ``j`` on agent
``a`` breaches unless the effort of ``a``'s tickets up to ``j`` fits in ``a``'s minutes before
``j``'s due time. The objective is lexicographic (one weighted sum, :func:`multipliers`):
weighted breaches (an unassigned ticket counts as breached), unassigned tickets, the highest
load (assigned over available minutes), the spread of loads, tickets moved off their current
assignee.

Scale: one exact model up to :data:`EXACT_JOBS` tickets. Above that the tickets are cut, in
earliest-due-first order, into chunks that are solved one after the other with the minutes the
earlier chunks used: exact for breaches (a later ticket never delays an earlier one), myopic
only for balance and spare capacity; each ticket considers its :data:`CANDIDATES` least-loaded
agents (plus its current assignee and the greedy's pick). Every chunk is hinted with the
balanced greedy, and the result is never worse than that greedy: the better of the two is kept.

Baselines: :func:`round_robin` and :func:`least_loaded` by skill (what Zendesk and Freshdesk
routing do by default, in arrival order) and :func:`edf_greedy` (earliest due first to the
agent who finishes it first).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from ortools.sat.python import cp_model

from scheduler.desk import PERMILLE, Desk, DeskAgent, Job, Outcome, evaluate, multipliers

EXACT_JOBS = 150
CHUNK = 150
CANDIDATES = 6
Assignment = dict[str, str | None]


@dataclass
class AssignResult:
    """An assignment and what it achieves.

    Attributes
    ----------
    assignment
        Ticket id → agent id, or None when nobody could take it.
    reasons
        Ticket id → why it is unassigned.
    outcome
        :func:`~scheduler.desk.evaluate` of the assignment.
    method
        ``cp-sat`` (one exact model), ``cp-sat chunks`` or ``greedy`` (the hint was better).
    optimal
        Whether the exact model proved its optimum.
    objective
        The solver's objective (exact model), for checking against ``outcome.scalar``.
    seconds
        Wall time.
    """

    assignment: Assignment
    reasons: dict[str, str]
    outcome: Outcome
    method: str
    optimal: bool = False
    objective: int | None = None
    seconds: float = 0.0


def assign(desk: Desk, *, work_limit: float = 20.0, time_limit: float = 30.0,
           workers: int = 2, seed: int = 0) -> AssignResult:
    """Assign the desk's tickets (see the module note).

    Parameters
    ----------
    work_limit
        CP-SAT deterministic time for the whole desk (split over the chunks); with ``seed``
        and ``workers`` fixed the result is the same on every run.
    time_limit
        Wall-clock safety limit in seconds (only reached on a very slow machine).
    """
    began = time.perf_counter()
    hint = balanced_greedy(desk)
    if len(desk.jobs) <= EXACT_JOBS:
        chosen, optimal, objective = _solve(desk, list(desk.jobs), {}, None, work_limit,
                                            time_limit, workers, seed, hint)
        method = "cp-sat"
    else:
        chosen, optimal, objective = _chunks(desk, hint, work_limit, time_limit, workers, seed)
        method = "cp-sat chunks"
    outcome = evaluate(desk, chosen)
    greedy = evaluate(desk, hint)
    if greedy.score < outcome.score:
        chosen, outcome, method, optimal, objective = hint, greedy, "greedy", False, None
    reasons = {j.id: desk.reason(j) for j in desk.jobs if chosen.get(j.id) is None}
    return AssignResult(chosen, reasons, outcome, method, optimal, objective,
                        time.perf_counter() - began)


def _chunks(desk: Desk, hint: Assignment, work_limit: float, time_limit: float, workers: int,
            seed: int) -> tuple[Assignment, bool, int | None]:
    jobs = list(desk.jobs)
    parts = [jobs[i:i + CHUNK] for i in range(0, len(jobs), CHUNK)]
    used = {a.id: 0 for a in desk.agents}
    chosen: Assignment = {}
    began = time.perf_counter()
    for index, part in enumerate(parts):
        left = max(0.05, time_limit - (time.perf_counter() - began))
        candidates = _candidates(desk, part, used, hint)
        local_hint = _greedy_on(desk, part, used, candidates)
        found, _, _ = _solve(desk, part, used, candidates, work_limit / len(parts),
                             left / (len(parts) - index), workers, seed, local_hint)
        for job in part:
            agent = found.get(job.id)
            chosen[job.id] = agent
            if agent is not None:
                used[agent] += job.effort
    return chosen, False, None


def _candidates(desk: Desk, part: Sequence[Job], used: dict[str, int],
                hint: Assignment) -> dict[str, list[DeskAgent]]:
    """Per job: the least-loaded agents who can take it, its assignee and the greedy's pick."""
    found = {}
    for job in part:
        able = [a for a in desk.eligible(job) if used[a.id] + job.effort <= a.capacity]
        able.sort(key=lambda a: (used[a.id] / a.capacity, a.id))
        keep = able[:CANDIDATES]
        for extra in (job.ticket.assignee, hint.get(job.id)):
            keep += [a for a in able[CANDIDATES:] if a.id == extra and a not in keep]
        found[job.id] = keep
    return found


def _solve(desk: Desk, jobs: list[Job], used: dict[str, int],
           candidates: dict[str, list[DeskAgent]] | None, work_limit: float, time_limit: float,
           workers: int, seed: int, hint: Assignment) -> tuple[Assignment, bool, int | None]:
    """One CP-SAT model over ``jobs`` (EDF order) on top of minutes already ``used``."""
    if candidates is None:
        candidates = {j.id: desk.eligible(j) for j in jobs}
    model = cp_model.CpModel()
    x: dict[tuple[str, str], cp_model.IntVar] = {}
    for job in jobs:
        for agent in candidates[job.id]:
            x[job.id, agent.id] = model.new_bool_var(f"x_{job.id}_{agent.id}")
    breach = {j.id: model.new_bool_var(f"b_{j.id}") for j in jobs}
    for job in jobs:
        model.add(sum(x[job.id, a.id] for a in candidates[job.id]) + breach[job.id] >= 1)
        model.add(sum(x[job.id, a.id] for a in candidates[job.id]) <= 1)
    _agent_constraints(model, desk, jobs, used, candidates, x, breach)
    top, low = _balance(model, desk, jobs, used, x)
    m_move, m_spread, m_max, m_unassigned, m_breach = multipliers(len(jobs))
    assigned = sum(x.values())
    holder = {j.id: j.ticket.assignee for j in jobs}
    moved = sum(var for (job_id, agent_id), var in x.items()
                if holder[job_id] not in (None, agent_id))
    model.minimize(m_breach * sum(j.weight * breach[j.id] for j in jobs)
                   + m_unassigned * (len(jobs) - assigned) + m_max * top
                   + m_spread * (top - low) + m_move * moved)
    for (job_id, agent_id), var in x.items():
        model.add_hint(var, hint.get(job_id) == agent_id)
    solver = cp_model.CpSolver()
    solver.parameters.max_deterministic_time = work_limit
    solver.parameters.max_time_in_seconds = time_limit
    solver.parameters.num_workers = workers
    solver.parameters.random_seed = seed
    status = solver.solve(model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return {j.id: hint.get(j.id) for j in jobs}, False, None
    chosen: Assignment = {j.id: None for j in jobs}
    for (job_id, agent_id), var in x.items():
        if solver.boolean_value(var):
            chosen[job_id] = agent_id
    return chosen, status == cp_model.OPTIMAL, round(solver.objective_value)


def _agent_constraints(model: cp_model.CpModel, desk: Desk, jobs: list[Job],
                       used: dict[str, int], candidates: dict[str, list[DeskAgent]],
                       x: dict[tuple[str, str], cp_model.IntVar],
                       breach: dict[str, cp_model.IntVar]) -> None:
    """Capacity, and the EDF breach condition of every (job, agent) pair."""
    for agent in desk.agents:
        mine = [j for j in jobs if (j.id, agent.id) in x]
        if not mine:
            continue
        base = used.get(agent.id, 0)
        model.add(base + sum(j.effort * x[j.id, agent.id] for j in mine) <= agent.capacity)
        total = base
        for k, job in enumerate(mine):
            total += job.effort
            room = agent.worked_by(job.due)
            if total <= room:
                continue  # fits in time even with every earlier job on this agent
            var = x[job.id, agent.id]
            if base + job.effort > room:
                model.add_implication(var, breach[job.id])
                continue
            load = base + sum(j.effort * x[j.id, agent.id] for j in mine[:k + 1])
            model.add(load <= room).only_enforce_if([var, breach[job.id].Not()])


def _balance(model: cp_model.CpModel, desk: Desk, jobs: list[Job], used: dict[str, int],
             x: dict[tuple[str, str], cp_model.IntVar]) -> tuple[cp_model.IntVar,
                                                                   cp_model.IntVar]:
    """Highest load rounded up and lowest rounded down, in permille of each agent's minutes."""
    top = model.new_int_var(0, PERMILLE, "max_load")
    low = model.new_int_var(0, PERMILLE, "min_load")
    if not desk.balanced:
        model.add(top == 0)
        model.add(low == 0)
    for agent in desk.balanced:
        load = used.get(agent.id, 0) + sum(j.effort * x[j.id, agent.id] for j in jobs
                                           if (j.id, agent.id) in x)
        model.add(top * agent.capacity >= PERMILLE * load)
        model.add(low * agent.capacity <= PERMILLE * load)
    return top, low


# --------------------------------------------------------------------------------------------
# Greedy rules


def balanced_greedy(desk: Desk) -> Assignment:
    """Earliest due first; each ticket to the agent who makes it in time with the lowest load
    after it (the current assignee on a tie): the hint and safety net of :func:`assign`."""
    used = {a.id: 0 for a in desk.agents}
    candidates = {j.id: desk.eligible(j) for j in desk.jobs}
    return _greedy_on(desk, list(desk.jobs), used, candidates)


def _greedy_on(desk: Desk, jobs: Sequence[Job], used: dict[str, int],
               candidates: dict[str, list[DeskAgent]]) -> Assignment:
    used = dict(used)
    chosen: Assignment = {}

    def key(job: Job, agent: DeskAgent) -> tuple[bool, float, bool, str]:
        load = used[agent.id] + job.effort
        late = agent.finish_of(load) > job.due
        return late, load / agent.capacity, agent.id != job.ticket.assignee, agent.id

    for job in jobs:
        able = [a for a in candidates[job.id] if used[a.id] + job.effort <= a.capacity]
        best = min(able, key=lambda a: key(job, a), default=None)
        chosen[job.id] = best.id if best else None
        if best is not None:
            used[best.id] += job.effort
    return chosen


def _route(desk: Desk, jobs: Sequence[Job],
           pick: Callable[[Job, list[DeskAgent], dict[str, int], dict[str, int]],
                          DeskAgent | None]) -> Assignment:
    minutes = {a.id: 0 for a in desk.agents}
    counts = {a.id: 0 for a in desk.agents}
    chosen: Assignment = {}
    for job in jobs:
        able = [a for a in desk.eligible(job) if minutes[a.id] + job.effort <= a.capacity]
        agent = pick(job, able, minutes, counts) if able else None
        chosen[job.id] = agent.id if agent else None
        if agent is not None:
            minutes[agent.id] += job.effort
            counts[agent.id] += 1
    return chosen


def _arrival(desk: Desk) -> list[Job]:
    return sorted(desk.jobs, key=lambda j: (j.ticket.created, j.id))


def round_robin(desk: Desk) -> Assignment:
    """Arrival order; per queue, the next agent in turn (by id) who can take the ticket."""
    turn: dict[str, int] = {}
    order = [a.id for a in desk.agents]

    def pick(job: Job, able: list[DeskAgent], minutes: dict[str, int],
             counts: dict[str, int]) -> DeskAgent:
        start = turn.get(job.queue, 0)
        ranked = sorted(able, key=lambda a: (order.index(a.id) - start) % len(order))
        turn[job.queue] = order.index(ranked[0].id) + 1
        return ranked[0]

    return _route(desk, _arrival(desk), pick)


def least_loaded(desk: Desk) -> Assignment:
    """Arrival order; to the agent who can take it holding the fewest tickets (then id)."""
    return _route(desk, _arrival(desk),
                  lambda job, able, minutes, counts: min(able, key=lambda a: (counts[a.id],
                                                                              a.id)))


def edf_greedy(desk: Desk) -> Assignment:
    """Earliest due first; to the agent who would finish it first (then id)."""
    return _route(desk, list(desk.jobs),
                  lambda job, able, minutes, counts: min(
                      able, key=lambda a: (a.finish_of(minutes[a.id] + job.effort), a.id)))


BASELINES: dict[str, Callable[[Desk], Assignment]] = {
    "round robin": round_robin, "least loaded": least_loaded, "EDF greedy": edf_greedy}


def run_baselines(desk: Desk) -> dict[str, tuple[Outcome, float]]:
    """Every baseline's outcome on the desk, with its wall time in seconds."""
    found = {}
    for name, rule in BASELINES.items():
        began = time.perf_counter()
        chosen = rule(desk)
        found[name] = (evaluate(desk, chosen), time.perf_counter() - began)
    return found
