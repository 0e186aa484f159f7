"""Ticket assignment: CP-SAT, and the simple routers it is measured against.

The model (see docs/tickets.md): each ticket to at most one agent whose skill and tier allow it
and whose ticket minutes hold it; every agent works earliest-due-first, so ticket ``j`` on agent
``a`` breaches unless the effort of ``a``'s tickets up to ``j`` fits in ``a``'s minutes before
``j``'s due time. The objective is lexicographic (one weighted sum, :func:`multipliers`):
weighted breaches (an unassigned ticket counts as breached), unassigned tickets, the highest
load (assigned over available minutes), the spread of loads, tickets moved off their current
assignee.

Scale: one exact model up to :data:`EXACT_JOBS` tickets (a 150-ticket exact model already
needs tens of seconds to close its gap on two cores). Above that, a fast heuristic does the
bulk and CP-SAT improves it (benchmarks/assignment.py has the figures):
:func:`insertion_greedy` places the weightiest tickets first into the agent's earliest-due-first
queue where they, and every on-time ticket already there, stay on time; then
:func:`_improve` re-solves, exactly, the tickets of a few agents who share a skill (each
agent's breaches depend only on its own tickets, so such a neighbourhood is an exact
sub-model), worst agents first, while the work budget lasts. Whatever the path, the result is
never worse than its greedy start (on small desks the better of :func:`insertion_greedy` and
:func:`balanced_greedy`): that one is kept when the solver ends without improving it. The
neighbourhoods are solved on one thread each (parallel CP-SAT is not reproducible); the exact
model uses ``workers`` threads with interleaved search, which is.

Baselines: :func:`round_robin` and :func:`least_loaded` by skill (what Zendesk and Freshdesk
routing do by default, in arrival order) and :func:`edf_greedy` (earliest due first to the
agent who finishes it first).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from ortools.sat.python import cp_model

from scheduler.tickets.desk import (
    PERMILLE,
    Desk,
    DeskAgent,
    Job,
    Outcome,
    evaluate,
    multipliers,
    work_order,
)

EXACT_JOBS = 60
LNS_WORK = 0.05
LNS_WAITING = 20
LNS_PEERS = 2
LNS_BUSIEST = 10
BREACH_SHARE = 0.7
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
        :func:`~scheduler.tickets.desk.evaluate` of the assignment.
    method
        ``cp-sat`` (one exact model), ``greedy + cp-sat neighbourhoods`` (large desks) or
        ``greedy`` (the solver ended without beating its start).
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


def assign(desk: Desk, *, work_limit: float = 2.0, time_limit: float = 30.0,
           workers: int = 2, seed: int = 0) -> AssignResult:
    """Assign the desk's tickets (see the module note).

    Parameters
    ----------
    work_limit
        CP-SAT deterministic time for the whole desk (shared by the neighbourhoods); with
        ``seed`` and ``workers`` fixed the result is the same on every run.
    time_limit
        Wall-clock safety limit in seconds (only reached on a very slow machine).
    """
    began = time.perf_counter()
    if len(desk.jobs) <= EXACT_JOBS:
        hint = min((balanced_greedy(desk), insertion_greedy(desk)),
                   key=lambda chosen: evaluate(desk, chosen).score)
        chosen, optimal, objective, _ = _solve(desk, list(desk.jobs), {}, None, work_limit,
                                               time_limit, workers, seed, hint)
        method = "cp-sat"
    else:  # on-time work first; tickets late anyway fill the minutes left, at the back
        start = insertion_greedy(desk, late=False)
        chosen = place_late(desk, _improve(desk, start, work_limit, time_limit, seed))
        hint = place_late(desk, start)
        optimal, objective, method = False, None, "greedy + cp-sat neighbourhoods"
    outcome = evaluate(desk, chosen)
    greedy = evaluate(desk, hint)
    if greedy.score < outcome.score:
        chosen, outcome, method, optimal, objective = hint, greedy, "greedy", False, None
    reasons = {j.id: desk.reason(j, outcome.minutes) for j in desk.jobs
               if chosen.get(j.id) is None}
    return AssignResult(chosen, reasons, outcome, method, optimal, objective,
                        time.perf_counter() - began)


def _improve(desk: Desk, start: Assignment, work_limit: float, time_limit: float,
             seed: int) -> Assignment:
    """Large neighbourhood search: re-solve exactly, with CP-SAT, the tickets of a few agents
    who share a skill (plus waiting tickets they could take) while the work budget lasts:
    first around breaches (:data:`BREACH_SHARE` of the budget), then around the most loaded
    agents. Each agent's breaches depend only on its own tickets, so every such sub-model is
    exact; a change is kept when it is no worse for those agents."""
    chosen = dict(start)
    began, spent = time.perf_counter(), 0.0
    for groups_of, share in ((_groups, BREACH_SHARE), (_busiest, 1.0)):
        for _, group in groups_of(desk, chosen):
            left = time_limit - (time.perf_counter() - began)
            if spent >= work_limit * share or left <= 0:
                break
            spent += _neighbourhood(desk, group, chosen, min(LNS_WORK, work_limit - spent),
                                    left, seed)
    return chosen


def _neighbourhood(desk: Desk, group: list[DeskAgent], chosen: Assignment, work: float,
                   left: float, seed: int) -> float:
    """Re-solve one neighbourhood in place; the work it took."""
    names = {a.id for a in group}
    used = _loads(desk, chosen)
    used.update({name: 0 for name in names})
    jobs = []
    for job in (j for j in desk.jobs if chosen[j.id] in names):
        if any(a.can_take(job) and a.worked_by(job.due) >= job.effort for a in group):
            jobs.append(job)
        else:  # late wherever it goes in the group: stays put, at the back
            used[chosen[job.id]] += job.effort  # type: ignore[index]
    waiting = sorted((j for j in desk.jobs if chosen[j.id] is None and j.due > 0
                      and any(a.can_take(j) and a.worked_by(j.due) >= j.effort
                              for a in group)), key=lambda j: (-j.weight, j.order))
    jobs = sorted(jobs + waiting[:LNS_WAITING], key=lambda j: j.order)
    if not jobs:
        return 0.0
    candidates = {j.id: [a for a in group if a.can_take(j) and a.capacity >= j.effort]
                  for j in jobs}
    found, _, _, spent = _solve(desk, jobs, used, candidates, work, left, 1, seed, chosen)
    if _local(desk, group, jobs, found) <= _local(desk, group, jobs, chosen):
        chosen.update(found)
    return spent


def _busiest(desk: Desk, chosen: Assignment) -> list[tuple[int, list[DeskAgent]]]:
    """The most loaded agents, each with the two least-loaded agents sharing a skill."""
    load = _loads(desk, chosen)
    ratio = {a.id: load[a.id] / a.capacity for a in desk.agents if a.capacity}
    busy = sorted(ratio, key=lambda name: (-ratio[name], name))[:LNS_BUSIEST]
    index = desk.agent_index
    groups = []
    for name in busy:
        agent = index[name]
        peers = sorted((a for a in desk.agents if a.id != name and a.capacity
                        and a.skills & agent.skills), key=lambda a: (ratio[a.id], a.id))
        groups.append((0, [agent, *peers[:LNS_PEERS]]))
    return groups


def _loads(desk: Desk, chosen: Assignment) -> dict[str, int]:
    load = {a.id: 0 for a in desk.agents}
    for job in desk.jobs:
        agent = chosen.get(job.id)
        if agent is not None:
            load[agent] += job.effort
    return load


def _groups(desk: Desk, chosen: Assignment) -> list[tuple[int, list[DeskAgent]]]:
    """Neighbourhoods, weightiest first: each agent with breaches and the two least-loaded
    agents sharing one of its skills; each waiting ticket that could be on time alone, with
    the three agents who have the most minutes before its due (weight of what drives it)."""
    outcome = evaluate(desk, chosen)
    late = {a.id: 0 for a in desk.agents}
    load = _loads(desk, chosen)
    found: dict[frozenset[str], tuple[int, list[DeskAgent]]] = {}

    def add(weight: int, group: list[DeskAgent]) -> None:
        key = frozenset(a.id for a in group)
        if key not in found or found[key][0] < weight:
            found[key] = (weight, group)

    for job in desk.jobs:
        place = outcome.placed[job.id]
        if place.breach and place.agent is not None and job.due > 0:
            late[place.agent] += job.weight
        if place.agent is None and job.due > 0:
            able = [a for a in desk.eligible(job) if a.worked_by(job.due) >= job.effort]
            able.sort(key=lambda a: (load[a.id] - a.worked_by(job.due), a.id))
            if able:
                add(job.weight, able[:LNS_PEERS + 1])
    for agent in desk.agents:
        if late[agent.id] and agent.capacity:
            peers = sorted((a for a in desk.agents if a.id != agent.id and a.capacity
                            and a.skills & agent.skills),
                           key=lambda a: (load[a.id] / a.capacity, a.id))
            add(late[agent.id], [agent, *peers[:LNS_PEERS]])
    return sorted(found.values(), key=lambda item: (-item[0], sorted(a.id for a in item[1])))


def _local(desk: Desk, group: list[DeskAgent], jobs: list[Job],
           chosen: Assignment) -> tuple[int, int, float]:
    """Weighted breaches (unassigned counted), unassigned and highest load of a neighbourhood."""
    index = {a.id: a for a in group}
    mine: dict[str, list[Job]] = {a.id: [] for a in group}
    breaches = unassigned = 0
    for job in jobs:
        holder = chosen.get(job.id)
        if holder is None or holder not in index:
            unassigned += 1
            breaches += job.weight
            continue
        mine[holder].append(job)
    for agent in group:
        breaches += sum(job.weight for job, _, _, late in work_order(agent, mine[agent.id])
                        if late)
    return breaches, unassigned, max(sum(j.effort for j in mine[a.id]) / a.capacity
                                     for a in group)


def _solve(desk: Desk, jobs: list[Job], used: dict[str, int],
           candidates: dict[str, list[DeskAgent]] | None, work_limit: float, time_limit: float,
           workers: int, seed: int,
           hint: Assignment) -> tuple[Assignment, bool, int | None, float]:
    """One CP-SAT model over ``jobs`` (EDF order) on top of minutes already ``used`` (tickets
    late wherever they go, kept at the back: they take capacity and load, not time before any
    due); returns the assignment, whether it is optimal, the objective and the work spent."""
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
    solver.parameters.interleave_search = workers > 1  # parallel, yet deterministic
    solver.parameters.random_seed = seed
    status = solver.solve(model)
    work = solver.response_proto.deterministic_time
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return {j.id: hint.get(j.id) for j in jobs}, False, None, work
    chosen: Assignment = {j.id: None for j in jobs}
    for (job_id, agent_id), var in x.items():
        if solver.boolean_value(var):
            chosen[job_id] = agent_id
    return chosen, status == cp_model.OPTIMAL, round(solver.objective_value), work


def _agent_constraints(model: cp_model.CpModel, desk: Desk, jobs: list[Job],
                       used: dict[str, int], candidates: dict[str, list[DeskAgent]],
                       x: dict[tuple[str, str], cp_model.IntVar],
                       breach: dict[str, cp_model.IntVar]) -> None:
    """Capacity, and :func:`~.desk.work_order` for every (job, agent) pair: a job on
    an agent is on time exactly when the on-time jobs before it (earliest due first) and it
    fit in the agent's minutes before its due; a breached one goes to the back."""
    for agent in desk.agents:
        mine = [j for j in jobs if (j.id, agent.id) in x]
        if not mine:
            continue
        base = used.get(agent.id, 0)
        model.add(base + sum(j.effort * x[j.id, agent.id] for j in mine) <= agent.capacity)
        total = 0
        on: dict[str, cp_model.IntVar | int] = {}
        for k, job in enumerate(mine):
            total += job.effort
            room = agent.worked_by(job.due)
            var = x[job.id, agent.id]
            if total <= room:  # on time even behind every earlier job
                model.add_implication(var, breach[job.id].Not())
                on[job.id] = var
                continue
            if job.effort > room:  # late even first: always to the back
                model.add_implication(var, breach[job.id])
                on[job.id] = 0
                continue
            timely = model.new_bool_var(f"on_{job.id}_{agent.id}")
            model.add_bool_and([var, breach[job.id].Not()]).only_enforce_if(timely)
            model.add_bool_or([var.Not(), breach[job.id], timely])
            on[job.id] = timely
            before = sum(j.effort * on[j.id] for j in mine[:k])
            model.add(before + job.effort <= room).only_enforce_if(timely)
            model.add(before + job.effort >= room + 1).only_enforce_if([var, breach[job.id]])


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


def insertion_greedy(desk: Desk, *, late: bool = True) -> Assignment:
    """Weightiest ticket first (then earliest due): into the least-loaded agent's EDF queue
    where it is on time and every on-time ticket there stays on time; with ``late``, tickets
    that can be on time nowhere then go as :func:`place_late` puts them."""
    queues: dict[str, list[tuple[tuple[object, ...], int, int]]] = {
        a.id: [] for a in desk.agents}  # per agent, EDF order: (key, effort, room)
    load = {a.id: 0 for a in desk.agents}
    chosen: Assignment = {j.id: None for j in desk.jobs}
    for job in sorted(desk.jobs, key=lambda j: (-j.weight, j.order)):
        chosen[job.id] = _insert(desk, job, queues, load, on_time=True)
    return place_late(desk, chosen) if late else chosen


def place_late(desk: Desk, assignment: Assignment) -> Assignment:
    """The assignment with its unowned tickets placed where they delay no on-time ticket:
    weightiest first, to the least-loaded agent with the minutes where the ticket is late
    where it stands (so it goes to the back); then :func:`_last_resort`. Placed tickets never
    move."""
    chosen = dict(assignment)
    mine: dict[str, list[Job]] = {a.id: [] for a in desk.agents}
    for job in desk.jobs:
        holder = chosen.get(job.id)
        if holder is not None:
            mine[holder].append(job)
    load = {a.id: sum(j.effort for j in mine[a.id]) for a in desk.agents}
    queues = {a.id: [(job.order, job.effort, a.worked_by(job.due)) for job, _, _, late
                     in work_order(a, mine[a.id]) if not late] for a in desk.agents}
    for job in sorted((j for j in desk.jobs if chosen.get(j.id) is None),
                      key=lambda j: (-j.weight, j.order)):
        chosen[job.id] = _to_the_back(desk, job, queues, load)  # type: ignore[arg-type]
    _last_resort(desk, chosen, load)
    return chosen


def _last_resort(desk: Desk, chosen: Assignment, load: dict[str, int]) -> None:
    """Tickets still unowned though an agent has the minutes (on time where they would stand,
    but pushing others late): to the agent where they add the least weighted breaches, when
    that is no more than their own weight (what leaving them costs)."""
    left = sorted((j for j in desk.jobs if chosen[j.id] is None),
                  key=lambda j: (-j.weight, j.order))
    if not left:
        return
    mine: dict[str, list[Job]] = {a.id: [] for a in desk.agents}
    for job in desk.jobs:
        holder = chosen[job.id]
        if holder is not None:
            mine[holder].append(job)
    for job in left:
        best: tuple[int, float, str] | None = None
        for agent in desk.eligible(job):
            if load[agent.id] + job.effort > agent.capacity:
                continue
            added = _late_weight(agent, [*mine[agent.id], job]) - _late_weight(
                agent, mine[agent.id])
            key = (added, (load[agent.id] + job.effort) / agent.capacity, agent.id)
            if added <= job.weight and (best is None or key < best):
                best = key
        if best is not None:
            chosen[job.id] = best[2]
            mine[best[2]].append(job)
            load[best[2]] += job.effort


def _late_weight(agent: DeskAgent, jobs: list[Job]) -> int:
    return sum(job.weight for job, _, _, late in work_order(agent, jobs) if late)


def _to_the_back(desk: Desk, job: Job,
                 queues: dict[str, list[tuple[tuple[object, ...], int, int]]],
                 load: dict[str, int]) -> str | None:
    """A ticket that is on time nowhere: to the least-loaded agent with the minutes where it
    is late where it stands (so it goes to the back and delays no on-time ticket)."""
    able = [a for a in desk.eligible(job) if load[a.id] + job.effort <= a.capacity]
    able.sort(key=lambda a: ((load[a.id] + job.effort) / a.capacity,
                             a.id != job.ticket.assignee, a.id))
    key = job.order
    for agent in able:
        ahead = sum(effort for other, effort, _ in queues[agent.id] if other < key)
        if ahead + job.effort > agent.worked_by(job.due):
            load[agent.id] += job.effort
            return agent.id
    return None


def _insert(desk: Desk, job: Job, queues: dict[str, list[tuple[tuple[object, ...], int, int]]],
            load: dict[str, int], *, on_time: bool) -> str | None:
    able = [a for a in desk.eligible(job) if load[a.id] + job.effort <= a.capacity
            and (not on_time or a.worked_by(job.due) >= job.effort)]
    able.sort(key=lambda a: ((load[a.id] + job.effort) / a.capacity,
                             a.id != job.ticket.assignee, a.id))
    key = job.order
    for agent in able:
        queue = queues[agent.id]
        room = agent.worked_by(job.due)
        done, position, fits = 0, len(queue), True
        for index, (other, effort, other_room) in enumerate(queue):
            if index < position and other > key:
                position = index
                if on_time and done + job.effort > room:
                    fits = False
                    break
            if index >= position and done + effort <= other_room < done + effort + job.effort:
                fits = False  # an on-time ticket after it would breach
                break
            done += effort
        if fits and position == len(queue) and on_time and done + job.effort > room:
            fits = False
        if fits:
            queue.insert(position, (key, job.effort, room))
            load[agent.id] += job.effort
            return agent.id
    return None


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
    place = {a.id: i for i, a in enumerate(desk.agents)}

    def pick(job: Job, able: list[DeskAgent], minutes: dict[str, int],
             counts: dict[str, int]) -> DeskAgent:
        start = turn.get(job.queue, 0)
        best = min(able, key=lambda a: (place[a.id] - start) % len(place))
        turn[job.queue] = place[best.id] + 1
        return best

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
