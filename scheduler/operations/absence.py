"""An absence, now: an agent cannot work from one moment to another; re-plan the rest of the week.

:func:`plan_absence` takes the published roster (``published_roster.csv``), adds the absence as
approved time off, fixes everything that started before the re-plan's moment (it happened) and
re-solves the rest with as few changes as possible (:mod:`.replan`). It returns ranked ways to
cover the gap, each with its changes and what it costs against leaving the gap open: the
re-plan under the coordinator's priority, the re-plan under the other priority (stability:
perhaps leave the gap open; coverage: cover it), then further ways that do not lean on the
same agents for the same shifts. They are ranked by the penalty under the coordinator's
priority, the fewest changes first on a tie.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime

import pandas as pd

from scheduler.check import check
from scheduler.domain import Agent, Problem, Roster, ShiftRequest, TimeOff
from scheduler.evaluation import Evaluation
from scheduler.operations.replan import (
    PRIORITIES,
    Priority,
    ShiftChange,
    bad_input,
    rebuilt,
    replan_problem,
    resolve,
    roster_changes,
)
from scheduler.settings import MAX_WEIGHT

__all__ = ["Absence", "AbsenceAnswer", "Option", "absence_problem", "gap_roster",
           "plan_absence", "published_roster"]

WORK_PER_OPTION = 1.0
"""CP-SAT deterministic seconds per search thread for each option's solve: enough for acme's
35 agents to settle on the few changes that cover a two-day gap (see benchmarks/absence.py)."""


@dataclass(frozen=True)
class Absence:
    """An agent who cannot work from ``start`` to ``end`` (time-zone aware)."""

    agent: str
    start: datetime
    end: datetime
    note: str = "absent"


@dataclass(frozen=True)
class Option:
    """One way to cover the gap: the new roster, its changes and what it costs.

    ``cost`` is the penalty per rule against leaving the gap open (negative: better), the
    change weight not counted; ``evaluation`` is the new roster's full check.
    """

    rank: int
    roster: Roster
    changes: list[ShiftChange]
    cost: dict[str, int]
    evaluation: Evaluation = field(repr=False)

    @property
    def total(self) -> int:
        """The whole cost against leaving the gap open."""
        return sum(self.cost.values())


@dataclass(frozen=True)
class AbsenceAnswer:
    """The re-plan's problem, the published roster, the roster with the gap left open and the
    ranked options (best first)."""

    problem: Problem
    published: Roster
    gap: Roster
    options: list[Option]

    def option(self, number: int) -> Option:
        """Option ``number`` (1 = the best).

        Raises
        ------
        TeamFolderError
            When there is no such option.
        """
        if not 1 <= number <= len(self.options):
            raise bad_input("--take", str(number), f"there are {len(self.options)} options",
                            f"use a number from 1 to {len(self.options)}")
        return self.options[number - 1]


def published_roster(problem: Problem) -> Roster:
    """The roster as published (the team folder's ``published_roster.csv``).

    Raises
    ------
    TeamFolderError
        When the team folder has none.
    """
    if not problem.reference:
        raise bad_input("", "", "the team folder has no published roster",
                        "copy the roster.csv you published to published_roster.csv in the "
                        "team folder (or run scheduler roster … --publish)",
                        file="published_roster.csv")
    return Roster(shifts=problem.reference)


def _check_moment(problem: Problem, option: str, moment: datetime) -> int:
    clock = problem.clock
    minute = clock.minute(moment)
    first, last = clock.date_of(0), clock.date_of(problem.days - 1)
    if not 0 <= minute <= problem.days * 24 * 60:
        raise bad_input(option, moment.isoformat(), f"{moment:%a %Y-%m-%d %H:%M} is outside the "
                        f"horizon ({first} to {last})", f"give a time from {first} to {last}")
    return minute


def absence_problem(problem: Problem, absence: Absence,
                    published: Roster | None = None) -> Problem:
    """The problem with the absence as approved time off.

    The published shifts the absence takes away count towards the agent's contract (the
    minimum hours go down by their paid hours): an agent off sick is not called in on their
    day off to make up the hours.

    Raises
    ------
    TeamFolderError
        When the agent is not in the team, or the dates are empty or outside the horizon.
    """
    if absence.agent not in problem.agent_index:
        known = ", ".join(a.id for a in problem.agents[:8])
        raise bad_input("--agent", absence.agent, "no agent has this id in agents.csv",
                        f"use an id from agents.csv (e.g. {known})")
    _check_moment(problem, "--from", absence.start)
    _check_moment(problem, "--to", absence.end)
    if absence.end <= absence.start:
        raise bad_input("--to", absence.end.isoformat(), "the absence ends before it starts",
                        "give --to on or after --from")
    off = TimeOff(agent=absence.agent, start=absence.start, end=absence.end, note=absence.note)
    agents = problem.agents
    if published is not None:
        clock = problem.clock
        start, end = clock.minute(absence.start), clock.minute(absence.end)
        kept = gap_roster(problem, published, absence.agent, start, end)
        lost = sum(problem.template_index[s.template].paid_minutes for s in published.shifts
                   if s not in kept.shifts)
        agents = tuple(_credited(a, lost) if a.id == absence.agent else a for a in agents)
    return rebuilt(problem, agents=agents, time_off=(*problem.time_off, off))


def _credited(agent: Agent, minutes: int) -> Agent:
    contract = agent.contract
    low = max(0, contract.min_minutes - minutes)
    return agent.model_copy(update={"contract": contract.model_copy(
        update={"min_minutes": low})})


def _from_now(problem: Problem, published: Roster, absence: Absence, at: int) -> Absence:
    """The absence as far as the re-plan can act on it: from ``at`` on, and after the shift
    the agent is working at that moment (a shift that started is what happened)."""
    clock = problem.clock
    start = max(clock.minute(absence.start), at)
    for shift in published.shifts:
        begin, end = problem.shift_span(shift)
        if shift.agent == absence.agent and begin < at < end:
            start = max(start, end)
    end = max(clock.minute(absence.end), start + 1)
    return replace(absence, start=clock.local(start), end=clock.local(end))


def gap_roster(problem: Problem, published: Roster, agent: str, start: int, end: int) -> Roster:
    """The published roster with the agent's shifts that overlap ``start``–``end`` removed:
    what the team has if nobody covers."""
    return Roster(shifts=tuple(s for s in published.shifts if s.agent != agent or not (
        problem.shift_span(s)[0] < end and problem.shift_span(s)[1] > start)))


def _cost(evaluation: Evaluation, baseline: Evaluation) -> dict[str, int]:
    now, before = evaluation.penalty_by_rule, baseline.penalty_by_rule
    return {rule: now.get(rule, 0) - before.get(rule, 0) for rule in sorted({*now, *before})
            if rule != "stability" and now.get(rule, 0) != before.get(rule, 0)}


def _avoiding(problem: Problem, changes: list[ShiftChange], agent: str) -> Problem:
    """The problem with the cover of earlier options strongly advised against."""
    if not changes:
        return problem
    avoid = [ShiftRequest(agent=c.agent, day=c.day, template=c.after, on=False,
                          weight=MAX_WEIGHT // 4)
             for c in changes if c.agent != agent and c.after is not None]
    return rebuilt(problem, requests=(*problem.requests, *avoid))


def plan_absence(problem: Problem, requirements: pd.DataFrame, absence: Absence,
                 at: datetime | None = None, *, prefer: Priority = "stability",
                 options: int = 3, work_limit: float = WORK_PER_OPTION,
                 seed: int = 0) -> AbsenceAnswer:
    """Re-plan the published roster around an absence, with ranked ways to cover the gap.

    Parameters
    ----------
    problem
        The team's problem with its published roster (``problem.reference``).
    requirements
        The staffing stage's frame.
    absence
        Who is absent, from when to when.
    at
        The re-plan's moment: before it the roster is what happened (default: the absence's
        start).
    prefer
        ``stability`` (fewest changes, the default) or ``coverage`` (:mod:`.replan`).
    options
        How many ways to cover the gap to look for (fewer when they run out).
    work_limit, seed
        Each option's solve (:func:`.replan.resolve`): deterministic seconds and seed.

    Raises
    ------
    TeamFolderError
        On bad input (an unknown agent, dates or ``at`` outside the horizon, no published
        roster): nothing is solved.
    """
    published = published_roster(problem)
    absence_problem(problem, absence)  # the input checks, on the absence as given
    moment = absence.start if at is None else at
    minute = _check_moment(problem, "--at", moment)
    absence = _from_now(problem, published, absence, minute)
    absent = absence_problem(problem, absence, published)
    changed = replan_problem(absent, published, minute, prefer=prefer)
    clock = changed.clock
    gap = gap_roster(changed, published, absence.agent,
                     max(minute, clock.minute(absence.start)), clock.minute(absence.end))
    baseline = check(changed, gap, requirements)
    other = next(p for p in PRIORITIES if p != prefer)
    attempts = [changed, replan_problem(absent, published, minute, prefer=other)]
    found: list[Option] = []
    avoided: list[ShiftChange] = []
    for _ in range(max(options, 1) + 2):  # a solve may repeat an option: a few spare
        if len(found) >= max(options, 1) or not attempts:
            break
        attempt = attempts.pop(0)
        result = resolve(_avoiding(attempt, avoided, absence.agent), requirements,
                         work_limit=work_limit, seed=seed, hint=gap)
        if result.roster is None:
            break
        evaluation = check(changed, result.roster, requirements)
        changes = roster_changes(published, result.roster)
        if not evaluation.hard and all(o.changes != changes for o in found):
            found.append(Option(0, result.roster, changes,
                                _cost(evaluation, baseline), evaluation))
        avoided += [c for c in changes if c.agent != absence.agent]
        if not attempts and avoided and len(found) < options:
            attempts.append(attempt)  # the next way: without the cover found so far
    found.sort(key=lambda o: (o.evaluation.total_penalty, len(o.changes)))
    ranked = [Option(i, o.roster, o.changes, o.cost, o.evaluation)
              for i, o in enumerate(found, start=1)]
    return AbsenceAnswer(changed, published, gap, ranked)

