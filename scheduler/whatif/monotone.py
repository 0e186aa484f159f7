"""More capacity is never reported worse: a roster is carried over where the solver's is worse.

A roster of a team is still a roster of the same team with more capacity: with one more hire
(the hire idle), with an agent who did not leave, with a skill or a shift template more.
When the solver, stopped on its work limit, returns a roster that is worse there than the
neighbour's carried over, the carried roster is reported instead (marked with the
neighbour's name in ``Outcome.carried_from``): an under-solved roster is never read as an
effect of the change. Worse means more units missing the target (see
:mod:`scheduler.whatif.targets`), more under-covered agent-hours or, for headcount teams, more
agent-intervals short of the minimum; the solver's roster is kept only when it is no worse on
each.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from scheduler.whatif.changes import Change
from scheduler.whatif.run import Outcome, Task, measure_roster
from scheduler.whatif.team_changes import AddTemplate, Hire, Remove, Skill, TimeOffDecision

TOLERANCE = 1e-6


def score(outcome: Outcome, criterion: str, queues: Sequence[str] | None = None
          ) -> tuple[float, ...]:
    """Units missing the target, under-covered agent-hours and, for headcount teams,
    agent-intervals short of the minimum (lower is better)."""
    short = outcome.headcount.short if outcome.headcount is not None else 0
    return (len(outcome.missed_by(criterion, queues)), outcome.headline.short_hours_total,
            float(short))


def better_of(fresh: Outcome, carried: Outcome | None, criterion: str,
              queues: Sequence[str] | None = None) -> Outcome:
    """The solver's outcome, unless the carried one is better on any figure (or equal on
    all with a lower penalty); the reported outcome keeps the solve's wall time."""
    if carried is None or not carried.solved:
        return fresh
    if fresh.solved:
        mine, theirs = score(fresh, criterion, queues), score(carried, criterion, queues)
        no_worse = all(m <= t + TOLERANCE for m, t in zip(mine, theirs, strict=True))
        same = all(abs(m - t) <= TOLERANCE for m, t in zip(mine, theirs, strict=True))
        if no_worse and not (same and (carried.objective or 0) < (fresh.objective or 0)):
            return fresh
    return dataclasses.replace(carried, wall_time_s=fresh.wall_time_s + carried.wall_time_s)


def carried(task: Task, fresh: Outcome, donor: Outcome,
            rename: dict[str, str] | None = None) -> Outcome | None:
    """The donor's roster measured on the task's problem (agents renamed by ``rename``), with
    the fresh solve's bound; None when there is nothing to carry or it breaks a hard rule."""
    if not donor.solved or not donor.shifts:
        return None
    names = rename or {}
    shifts = tuple(s.model_copy(update={"agent": names.get(s.agent, s.agent)})
                   for s in donor.shifts)
    return measure_roster(task, shifts, fresh.bound, donor.carried_from or donor.name)


def _adds(change: Change) -> bool:
    """Whether a change only adds capacity: a hire, a skill, a shift template, time off denied."""
    if isinstance(change, TimeOffDecision):
        return change.decision == "deny"
    return isinstance(change, Hire | Skill | AddTemplate)


def more_capacity(receiver: Sequence[Change], donor: Sequence[Change]) -> bool:
    """Whether the donor's roster is still a roster of the receiver's team: the two differ only
    in capacity the receiver has and the donor lacks (the receiver's changes add agents,
    skills or templates; the donor's remove agents)."""
    mine, theirs = ({str(c): c for c in found} for found in (receiver, donor))
    return mine.keys() != theirs.keys() and \
        all(_adds(c) for k, c in mine.items() if k not in theirs) and \
        all(isinstance(c, Remove) for k, c in theirs.items() if k not in mine)


def carry_capacity(tasks: Sequence[Task], outcomes: Sequence[Outcome],
                   changes: Sequence[Sequence[Change]], criterion: str) -> list[Outcome]:
    """Each outcome, or a roster of a team with less capacity carried over where it is better
    (leavers' curve, hires, cross-training; see :func:`more_capacity`).

    Teams are taken from the least capacity to the most, so a carried roster is final."""
    rank = [sum(_adds(c) for c in found) - sum(isinstance(c, Remove) for c in found)
            for found in changes]
    done = list(outcomes)
    for i in sorted(range(len(tasks)), key=lambda k: (rank[k], k)):
        for j in sorted(range(len(tasks)), key=lambda k: (rank[k], k)):
            if j != i and more_capacity(changes[i], changes[j]):
                done[i] = better_of(done[i], carried(tasks[i], outcomes[i], done[j]), criterion)
    return done
