"""The assignment window: who is on duty for tickets, their minutes, and what an assignment does.

A :class:`Desk` holds the window (``at`` plus ``window`` minutes), the agents who can work
tickets in it (their skills, tier and the stretches of minutes they have for tickets) and the
open tickets as :class:`Job` (due time and effort in minutes from ``at``). Every agent works
their tickets earliest-due-first (ties: higher priority, earlier created, id), except that a
ticket which cannot be on time where it stands breaches and goes to the back, after the on-time
ones (:func:`work_order`): a ticket already late never pushes another one late, so it can be
owned without harm. A ticket's projected finish follows from the tickets before it.

:func:`evaluate` recomputes everything about an assignment in plain Python (no solver): the
schedule, breaches, loads, moves, and every broken hard condition (skill, tier, on duty,
capacity). The solver's objective must equal :meth:`Outcome.scalar`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cached_property

from scheduler.domain import Ticket
from scheduler.tickets.policy import TicketPolicy

PERMILLE = 1000
RANK = {"urgent": 0, "high": 1, "normal": 2, "low": 3}
STATUS_ORDER = ("breached", "will breach", "at risk", "ok", "no SLA")


@dataclass(frozen=True)
class DeskAgent:
    """An agent with minutes for tickets in the window: ``segments`` are [start, end) minutes
    from the window start, sorted and disjoint."""

    id: str
    skills: frozenset[str]
    tier: int
    segments: tuple[tuple[int, int], ...]

    @cached_property
    def capacity(self) -> int:
        """Minutes for tickets in the window."""
        return sum(end - start for start, end in self.segments)

    def worked_by(self, minute: int) -> int:
        """Ticket minutes available in [0, minute)."""
        if len(self.segments) == 1:
            start, end = self.segments[0]
            return max(0, min(end, minute) - start)
        return sum(max(0, min(end, minute) - start) for start, end in self.segments)

    def finish_of(self, work: int) -> int:
        """The minute the ``work``-th ticket minute ends (``work`` >= 1)."""
        done = 0
        for start, end in self.segments:
            if done + end - start >= work:
                return start + work - done
            done += end - start
        return math.inf  # type: ignore[return-value]  # never: work stays within capacity

    def start_of(self, work: int) -> int:
        """The minute the ticket minute after ``work`` minutes of work begins."""
        return self.finish_of(work + 1) - 1

    def can_take(self, job: Job) -> bool:
        """Skill and tier allow the job."""
        return job.queue in self.skills and self.tier >= job.tier


@dataclass(frozen=True)
class Job:
    """A ticket on the desk's clock: due minute from the window start (may be negative)."""

    ticket: Ticket
    due: int
    weight: int

    @property
    def id(self) -> str:
        """The ticket id."""
        return self.ticket.id

    @property
    def queue(self) -> str:
        """The queue (skill) the ticket needs."""
        return self.ticket.queue

    @property
    def tier(self) -> int:
        """The tier the ticket needs."""
        return self.ticket.tier

    @property
    def effort(self) -> int:
        """Minutes of work."""
        return self.ticket.effort_minutes

    @property
    def order(self) -> tuple[int, int, datetime, str]:
        """Earliest-due-first key: due, priority, created, id."""
        return (self.due, RANK[self.ticket.priority], self.ticket.created, self.ticket.id)


@dataclass(frozen=True)
class Desk:
    """The assignment problem: window, agents with ticket minutes, jobs in EDF order."""

    at: datetime
    window: int
    agents: tuple[DeskAgent, ...]
    jobs: tuple[Job, ...]

    @cached_property
    def agent_index(self) -> dict[str, DeskAgent]:
        """Agents by id."""
        return {a.id: a for a in self.agents}

    @cached_property
    def _able(self) -> dict[tuple[str, int], list[DeskAgent]]:
        return {(q, t): [a for a in self.agents if q in a.skills and a.tier >= t]
                for q, t in {(j.queue, j.tier) for j in self.jobs}}

    @cached_property
    def _eligible(self) -> dict[tuple[str, int, int], list[DeskAgent]]:
        return {}

    def eligible(self, job: Job) -> list[DeskAgent]:
        """Agents whose skill and tier allow the job and whose minutes could hold it."""
        key = (job.queue, job.tier, job.effort)
        found = self._eligible.get(key)
        if found is None:
            able = self._able.get((job.queue, job.tier))
            if able is None:
                able = [a for a in self.agents if a.can_take(job)]
            found = self._eligible[key] = [a for a in able if a.capacity >= job.effort]
        return found

    @cached_property
    def balanced(self) -> tuple[DeskAgent, ...]:
        """Agents whose load counts in the balance: minutes, and a skill some ticket needs."""
        return tuple(a for a in self.agents
                     if a.capacity > 0 and any(a.can_take(j) for j in self.jobs))

    def reason(self, job: Job, minutes: Mapping[str, int] | None = None) -> str:
        """Why a job is left unassigned, given the minutes each agent was given."""
        skilled = [a for a in self.agents if job.queue in a.skills and a.capacity > 0]
        if not skilled:
            return "no skilled agent on duty"
        if not any(a.tier >= job.tier for a in skilled):
            return f"tier {job.tier}: no specialist on duty"
        used = minutes or {}
        if any(used.get(a.id, 0) + job.effort <= a.capacity for a in self.eligible(job)):
            return "taking it would make more urgent tickets breach"
        return "no capacity"


def make_desk(tickets: tuple[Ticket, ...], agents: tuple[DeskAgent, ...], at: datetime,
              window: int, policy: TicketPolicy) -> Desk:
    """A desk: the tickets as jobs in earliest-due-first order, the agents sorted by id."""
    jobs = []
    for ticket in tickets:
        due = ticket.due if ticket.due is not None else at + timedelta(days=3650)
        minutes = math.floor((due - at) / timedelta(minutes=1))
        jobs.append(Job(ticket, minutes, policy.weight(ticket.priority)))
    jobs.sort(key=lambda j: j.order)
    return Desk(at, window, tuple(sorted(agents, key=lambda a: a.id)), tuple(jobs))


# --------------------------------------------------------------------------------------------
# Evaluation


@dataclass(frozen=True)
class Placed:
    """Where a job lands: agent, 1-based position in their queue, projected start and finish
    (minutes from the window start), breach."""

    agent: str | None
    position: int | None
    start: int | None
    finish: int | None
    breach: bool
    moved: bool


@dataclass
class Outcome:
    """Everything an assignment does, recomputed in plain Python.

    ``weighted_breaches`` counts each breached or unassigned ticket with its priority's weight.
    Loads are assigned minutes over available minutes in permille (max rounded up, min down)
    over :attr:`Desk.balanced`; ``spread`` = max - min.
    """

    placed: dict[str, Placed]
    weighted_breaches: int
    breaches: int
    unassigned: int
    max_load: int
    min_load: int
    mean_load: float
    moves: int
    minutes: dict[str, int]
    violations: list[str] = field(default_factory=list)

    @property
    def spread(self) -> int:
        """Max load minus min load (permille)."""
        return self.max_load - self.min_load

    @property
    def score(self) -> tuple[int, int, int, int, int]:
        """The lexicographic objective: weighted breaches, unassigned, max load, spread,
        moves."""
        return (self.weighted_breaches, self.unassigned, self.max_load, self.spread, self.moves)

    def scalar(self, n_jobs: int) -> int:
        """:attr:`score` as one number, as the solver weighs it (see :func:`multipliers`)."""
        m_move, m_spread, m_max, m_unassigned, m_breach = multipliers(n_jobs)
        return (m_breach * self.weighted_breaches + m_unassigned * self.unassigned
                + m_max * self.max_load + m_spread * self.spread + m_move * self.moves)


def multipliers(n_jobs: int) -> tuple[int, int, int, int, int]:
    """Weights that make one objective lexicographic: each level outweighs every level below
    it at its largest (moves ≤ n, spread and max ≤ 1000 permille, unassigned ≤ n)."""
    move = 1
    spread = n_jobs + 1
    top = (PERMILLE + 1) * spread
    unassigned = (PERMILLE + 1) * top
    breach = (n_jobs + 1) * unassigned
    return move, spread, top, unassigned, breach


def evaluate(desk: Desk, assignment: Mapping[str, str | None]) -> Outcome:
    """Recompute an assignment (ticket id → agent id or None) without the solver."""
    agents = desk.agent_index
    violations: list[str] = []
    queues: dict[str, list[Job]] = {}
    for job in desk.jobs:
        agent_id = assignment.get(job.id)
        if agent_id is None:
            continue
        agent = agents.get(agent_id)
        if agent is None:
            violations.append(f"ticket {job.id}: {agent_id} is not on duty for tickets")
            continue
        if job.queue not in agent.skills:
            violations.append(f"ticket {job.id}: {agent_id} lacks skill {job.queue}")
        if agent.tier < job.tier:
            violations.append(f"ticket {job.id}: {agent_id} is tier {agent.tier} < {job.tier}")
        queues.setdefault(agent_id, []).append(job)
    placed: dict[str, Placed] = {}
    minutes = {a.id: 0 for a in desk.agents}
    for agent_id, jobs in queues.items():
        agent = agents[agent_id]
        minutes[agent_id] = sum(j.effort for j in jobs)
        if minutes[agent_id] > agent.capacity:
            violations.append(f"agent {agent_id} is over capacity "
                              f"({minutes[agent_id]} > {agent.capacity} minutes)")
        for position, (job, start, finish, late) in enumerate(work_order(agent, jobs), start=1):
            moved = job.ticket.assignee is not None and job.ticket.assignee != agent_id
            placed[job.id] = Placed(agent_id, position, start, finish, late, moved)
    for job in desk.jobs:
        placed.setdefault(job.id, Placed(None, None, None, None, True, False))
    return _outcome(desk, placed, minutes, violations)


def work_order(agent: DeskAgent, jobs: list[Job]) -> list[tuple[Job, int, int, bool]]:
    """The order an agent works their tickets, with start, finish and breach of each.

    Earliest due first, except that a ticket which cannot be on time where it stands (the
    on-time tickets before it leave too few minutes before its due) is breached and goes to
    the back, after every on-time ticket (earliest due first among them): a ticket already
    late never pushes an on-time one late. Minutes past the agent's capacity finish at the
    window's end (an over-capacity violation).
    """
    on_time: list[tuple[Job, int, int, bool]] = []
    late: list[Job] = []
    done = 0
    for job in sorted(jobs, key=lambda j: j.order):
        if done + job.effort <= agent.worked_by(job.due):
            on_time.append((job, agent.start_of(done), agent.finish_of(done + job.effort),
                            False))
            done += job.effort
        else:
            late.append(job)
    order = on_time
    for job in late:
        end = done + job.effort
        if end > agent.capacity:
            start = finish = max(agent.segments[-1][1] if agent.segments else 0, 0)
        else:
            start, finish = agent.start_of(done), agent.finish_of(end)
        order.append((job, start, finish, True))
        done = end
    return order


def _outcome(desk: Desk, placed: dict[str, Placed], minutes: dict[str, int],
             violations: list[str]) -> Outcome:
    balanced = desk.balanced
    loads_up = [-(-PERMILLE * minutes[a.id] // a.capacity) for a in balanced]
    loads_down = [PERMILLE * minutes[a.id] // a.capacity for a in balanced]
    ratios = [minutes[a.id] / a.capacity for a in balanced]
    return Outcome(
        placed=placed,
        weighted_breaches=sum(j.weight for j in desk.jobs if placed[j.id].breach),
        breaches=sum(1 for j in desk.jobs if placed[j.id].breach and placed[j.id].agent),
        unassigned=sum(1 for p in placed.values() if p.agent is None),
        max_load=max(loads_up, default=0), min_load=min(loads_down, default=0),
        mean_load=sum(ratios) / len(ratios) if ratios else 0.0,
        moves=sum(1 for p in placed.values() if p.moved), minutes=minutes,
        violations=violations)


# --------------------------------------------------------------------------------------------
# SLA watch


@dataclass(frozen=True)
class Watch:
    """One ticket's SLA state: minutes to its due time, projected finish, status."""

    ticket: str
    priority: str
    minutes_to_due: int
    finish: int | None
    status: str


def sla_watch(desk: Desk, outcome: Outcome, margin: int) -> list[Watch]:
    """Every ticket's SLA status, worst first.

    ``breached``: due before the window starts. ``will breach``: the projected finish passes
    the due time (unassigned: due within the window). ``at risk``: less than ``margin`` minutes
    to spare (unassigned: due within ``margin`` after the window). ``no SLA``: no target is
    running (the first reply was given and no resolution target is set). Else ``ok``.
    """
    found = []
    for job in desk.jobs:
        place = outcome.placed[job.id]
        done = place.finish if place.agent is not None else desk.window
        if job.ticket.due is None:
            status = "no SLA"
        elif job.due <= 0:
            status = "breached"
        elif place.agent is None and job.due <= desk.window or (
                place.agent is not None and job.due < done):  # type: ignore[operator]
            status = "will breach"
        elif job.due - done < margin:  # type: ignore[operator]
            status = "at risk"
        else:
            status = "ok"
        found.append(Watch(job.id, job.ticket.priority, job.due, place.finish, status))
    return sorted(found, key=lambda w: (STATUS_ORDER.index(w.status),
                                        w.minutes_to_due - (w.finish or 0), RANK[w.priority],
                                        w.ticket))



def agent_summary(desk: Desk, outcome: Outcome) -> list[dict[str, object]]:
    """Per agent: tickets, assigned and available minutes, load (0-1), breaches."""
    rows = []
    for agent in desk.agents:
        mine = [p for p in outcome.placed.values() if p.agent == agent.id]
        rows.append({"agent": agent.id, "tickets": len(mine),
                     "minutes": outcome.minutes[agent.id], "capacity": agent.capacity,
                     "load": outcome.minutes[agent.id] / agent.capacity if agent.capacity
                     else 0.0, "breaches": sum(1 for p in mine if p.breach)})
    return rows
