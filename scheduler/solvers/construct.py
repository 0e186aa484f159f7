"""A constructive first roster for teams that staff by headcount (flexible shifts).

Local search in CP-SAT finds no roster on these models (50 agents: none in 20 s) and the empty
roster, where one is allowed, leaves every half-hour short. Here shifts are laid one at a time:
the scarcest half-hours first (fewest offered shifts per agent wanted), each filled with the
offered shift that covers the most still-short half-hours at the least cost of its own
(availability level, length away from the ideal) and the least move away from the agent's fair
share, never above a hard maximum on duty, an agent's contract (hours, days, shifts), one shift
a day or the hard rest between shifts. An agent whose hard contract minimum finds no room under
the hard most on duty gets it by moving other agents' shifts elsewhere (:func:`_make_room`).
Whatever else the hard rules ask is checked on the whole model afterwards
(:func:`.searches.repaired`).

:func:`plain_roster` is the baseline a coordinator would build by hand: agents furthest below
their fair share first, each given their most preferred shifts until the share is met.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np

from scheduler.constraints.contract import limits
from scheduler.constraints.fair_share import convex_penalty, least_minutes
from scheduler.constraints.headcount import counts_for, headcounts
from scheduler.constraints.rest import Clashes
from scheduler.domain import Problem
from scheduler.model import ModelContext
from scheduler.settings import FairShareSettings, Level
from scheduler.solvers.cpsat import Values
from scheduler.solvers.relaxation import objective_vector
from scheduler.staffing.fair_share import fair_targets


@dataclass(frozen=True)
class Offer:
    """One shift an agent is offered: its variable, the intervals it covers, its paid minutes
    and its own cost in the objective."""

    agent: str
    day: int
    template: str
    var: int
    covered: range
    paid: int
    cost: float


@dataclass
class Board:
    """The roster being built and what it already fills."""

    ctx: ModelContext
    need: np.ndarray  # least on duty per interval (queue ``any`` and every queue alike)
    cap: np.ndarray  # hard most on duty per interval (a large number where none)
    short_weight: float
    counted: set[str]
    on: np.ndarray = field(init=False)
    chosen: dict[tuple[str, int], Offer] = field(default_factory=dict)
    worked: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    kept: set[tuple[str, int]] = field(default_factory=set)  # never given up (onboarding)
    mine: dict[str, dict[int, Offer]] = field(default_factory=lambda: defaultdict(dict))

    def __post_init__(self) -> None:
        self.on = np.zeros(len(self.need), dtype=int)
        problem = self.ctx.problem
        settings = problem.rules.contract
        self.limits = {a.id: list(limits(a, problem, settings)) for a in problem.agents} \
            if settings.level == Level.HARD else {}
        rest = problem.rules.rest
        self.clashes = Clashes(problem, rest) if rest.level == Level.HARD else None

    def floor(self, agent: str) -> int:
        """The least paid minutes the agent's hard contract asks for."""
        return sum(limit.low for limit in self.limits.get(agent, ()) if limit.what == "minutes")

    def fits(self, offer: Offer, *, capped: bool = True) -> bool:
        """Whether the offer keeps every hard limit the board knows of (``capped``: the hard
        most on duty too)."""
        if (offer.agent, offer.day) in self.chosen:
            return False
        if capped and offer.agent in self.counted and self.full(offer).size:
            return False
        return self._contract_fits(offer) and self._rest_fits(offer)

    def full(self, offer: Offer) -> np.ndarray:
        """The intervals of the offer already at their hard most on duty."""
        covered = np.arange(offer.covered.start, offer.covered.stop)
        return covered[self.on[covered] >= self.cap[covered]]

    def _contract_fits(self, offer: Offer) -> bool:
        for limit in self.limits.get(offer.agent, ()):
            if limit.high is None or offer.day not in limit.days or \
                    not limit.counts(offer.template):
                continue
            mine = [o for d, o in self.mine[offer.agent].items() if d in limit.days]
            if limit.what == "minutes":
                used = sum(o.paid for o in mine) + offer.paid
            else:
                used = sum(limit.counts(o.template) for o in mine) + 1
            if used > limit.high:
                return False
        return True

    def _rest_fits(self, offer: Offer) -> bool:
        if self.clashes is None:
            return True
        for day, other in self.mine[offer.agent].items():
            if abs(day - offer.day) > 3:
                continue
            early, late = (other, offer) if day < offer.day else (offer, other)
            if self.clashes(early.day, early.template, late.day, late.template):
                return False
        return True

    def take(self, offer: Offer) -> None:
        """Put the offer on the roster."""
        self.chosen[offer.agent, offer.day] = offer
        self.mine[offer.agent][offer.day] = offer
        if offer.agent in self.counted:
            self.on[offer.covered] += 1
        self.worked[offer.agent] += offer.paid

    def drop(self, offer: Offer) -> None:
        """Take the offer off the roster."""
        del self.chosen[offer.agent, offer.day]
        del self.mine[offer.agent][offer.day]
        if offer.agent in self.counted:
            self.on[offer.covered] -= 1
        self.worked[offer.agent] -= offer.paid

    def values(self) -> Values:
        """The roster as shift variable values."""
        taken = {o.var for o in self.chosen.values()}
        return {var.index: var.index in taken for var in self.ctx.x.values()}


def offers(ctx: ModelContext) -> list[Offer]:
    """Every shift the model offers, in the model's order, with its own cost."""
    problem = ctx.problem
    cost, _ = objective_vector(ctx.model.proto)
    index = problem.template_index
    return [Offer(agent, day, template, var.index,
                  problem.covered_intervals(ctx.span(agent, day, template)),
                  index[template].paid_minutes, float(cost[var.index]))
            for (agent, day, template), var in ctx.x.items()]


def board(ctx: ModelContext) -> Board:
    """An empty board: the headcount rows' least and hard most per interval."""
    problem = ctx.problem
    size = problem.clock.n_intervals
    need, cap = np.zeros(size, dtype=int), np.full(size, 1 << 30)
    weight = 1.0
    for row in headcounts(ctx.requirements, problem.rules.headcount):
        need[row.interval] = max(need[row.interval], row.least)
        if row.most is not None and row.most_weight is None:
            cap[row.interval] = min(cap[row.interval], row.most)
        weight = max(weight, float(row.least_weight or 0))
    return Board(ctx, need, cap, weight if weight > 1 else 100.0, _counted(ctx))


@dataclass(frozen=True)
class Shares:
    """Each agent's fair share and least minutes, and what missing them costs."""

    targets: dict[str, int]
    least: dict[str, int]
    fair: FairShareSettings
    least_weight: float

    @classmethod
    def of(cls, problem: Problem) -> Shares:
        """The shares of a problem's active fair-share and minimum-hours rules."""
        rules = problem.rules
        targets = fair_targets(problem) if rules.fair_share.level != Level.OFF else {}
        least = least_minutes(problem, rules.min_hours) if rules.min_hours.level != Level.OFF \
            else {}
        weight = float(rules.min_hours.weight) if rules.min_hours.level == Level.SOFT else 100.0
        return cls(targets, least, rules.fair_share, weight)

    def move(self, worked: int, offer: Offer) -> float:
        """What adding the offer to ``worked`` minutes costs the agent's shares (negative:
        it saves)."""
        cost = 0.0
        target = self.targets.get(offer.agent)
        if target is not None:
            cost += convex_penalty(abs(worked + offer.paid - target), self.fair) - \
                convex_penalty(abs(worked - target), self.fair)
        least = self.least.get(offer.agent, 0)
        cost -= self.least_weight * (max(0, least - worked) - max(0, least - worked - offer.paid))
        return cost


def _counted(ctx: ModelContext) -> set[str]:
    """The agents who count for some headcount row when on duty."""
    problem = ctx.problem
    queues = {row.queue for row in headcounts(ctx.requirements, problem.rules.headcount)}
    return {a.id for a in problem.agents if any(counts_for(problem, q, a.id) for q in queues)}


def _learners(ctx: ModelContext) -> set[str]:
    """Onboarding agents: placed only beside a mentor (:func:`onboard`)."""
    return {o.agent for o in ctx.problem.onboarding}


def filled_roster(ctx: ModelContext, start: Board | None = None) -> Values:
    """The scarcest half-hours first, each with the best offered shift (see the module note),
    on an empty board or on ``start``."""
    problem = ctx.problem
    work = board(ctx) if start is None else start
    learners = _learners(ctx)
    every = [o for o in offers(ctx) if o.covered and o.agent in work.counted and
             o.agent not in learners]
    covering: dict[int, list[Offer]] = defaultdict(list)
    for offer in every:
        for interval in offer.covered:
            covering[interval].append(offer)
    shares = Shares.of(problem)
    wanted = np.flatnonzero(work.need)
    order = sorted(wanted.tolist(), key=lambda t: (len(covering[t]) / work.need[t], t))
    for interval in order:
        while work.on[interval] < work.need[interval]:
            fitting = [o for o in covering[interval] if work.fits(o)]
            if not fitting:
                break

            def score(offer: Offer) -> tuple[float, int]:
                gain = int(np.sum(work.on[offer.covered] < work.need[offer.covered]))
                value = work.short_weight * gain - offer.cost - \
                    shares.move(work.worked[offer.agent], offer)
                return value, -offer.var

            work.take(max(fitting, key=score))
    return work.values()


def plain_roster(ctx: ModelContext) -> Values:
    """The baseline: agents furthest below their fair share first, each given their most
    preferred offered shifts (least cost per paid hour) until their share is met."""
    return _plain(ctx).values()


def shared_then_filled(ctx: ModelContext) -> Values:
    """Onboarding agents with their mentors (:func:`onboard`), the plain roster
    (:func:`plain_roster`, hard contract minimums first), then the half-hours still short
    filled, scarcest first (:func:`filled_roster`)."""
    work = board(ctx)
    onboard(work, offers(ctx))
    return filled_roster(ctx, _plain(ctx, work))


def onboard(work: Board, every: list[Offer]) -> None:
    """Each onboarding agent's longest, cheapest shifts, each with the cheapest shift of a
    mentor covering the whole of it (one onboarding shift per mentor a day, never two
    onboarding agents at once), until their hard contract minimum is met."""
    problem = work.ctx.problem
    mine: dict[str, list[Offer]] = defaultdict(list)
    for offer in every:
        mine[offer.agent].append(offer)
    busy: set[tuple[str, int]] = set()
    taken: list[Offer] = []
    for learner in sorted(problem.onboarding, key=lambda o: o.agent):
        want = max(work.floor(learner.agent), 1)
        for offer in sorted(mine[learner.agent], key=lambda o: (-o.paid, o.cost, o.var)):
            if work.worked[learner.agent] >= want:
                break
            if not work.fits(offer) or any(set(offer.covered) & set(t.covered) for t in taken):
                continue
            span = work.ctx.span(offer.agent, offer.day, offer.template)
            cover = [o for m in learner.mentors if (m, offer.day) not in busy
                     for o in mine[m] if _covers(work.ctx, o, span) and work.fits(o)]
            if cover:
                mentor = min(cover, key=lambda o: (o.cost, o.var))
                work.take(mentor)
                work.take(offer)
                work.kept |= {(mentor.agent, mentor.day), (offer.agent, offer.day)}
                busy.add((mentor.agent, offer.day))
                taken.append(offer)


def _covers(ctx: ModelContext, offer: Offer, span: tuple[int, int]) -> bool:
    mine = ctx.span(offer.agent, offer.day, offer.template)
    return mine[0] <= span[0] and mine[1] >= span[1]


def _floors(work: Board, mine: dict[str, list[Offer]]) -> None:
    """Hard contract minimums first, agents with the fewest offered shifts first, each given
    the shortest shift that meets the rest of their minimum (else the longest); where the hard
    most on duty leaves no room, room is made (:func:`_make_room`)."""
    pending = [a for a in mine if work.floor(a) > work.worked[a]]
    for agent in sorted(pending, key=lambda a: (len(mine[a]), a)):
        while (left := work.floor(agent) - work.worked[agent]) > 0:
            fitting = [o for o in mine[agent] if work.fits(o)]
            if fitting:
                work.take(min(fitting, key=lambda o: _nearest(o, left)))
            elif not _make_room(work, sorted(
                    (o for o in mine[agent] if work.fits(o, capped=False)),
                    key=lambda o: (work.full(o).size, *_nearest(o, left))), mine):
                break


def _nearest(offer: Offer, left: int) -> tuple[bool, int, float, int]:
    """How well an offer meets the ``left`` minutes of a minimum: one that meets it first,
    then the nearest in length, the cheapest, the first."""
    return offer.paid < left, abs(offer.paid - left), offer.cost, offer.var


def _make_room(work: Board, wanted: list[Offer], mine: dict[str, list[Offer]]) -> bool:
    """Put the first of the ``wanted`` offers (at most ``ROOM_TRIES``; the fewest intervals at
    their hard most first) on the board for which
    every interval at its hard most can be freed by moving one shift elsewhere: taken off its
    agent (never an onboarding shift), who still meets their own hard minimum, with a shift
    that does not cover the offer's time if needed. False when none can (week team, 55 agents:
    two mentors' minimums were left to a CP-SAT repair of 11 s)."""
    for offer in wanted[:ROOM_TRIES]:
        moves = _Moves(work)
        for interval in work.full(offer).tolist():
            if work.on[interval] < work.cap[interval]:
                continue
            spare = sorted((o for o in work.chosen.values() if interval in o.covered and
                            o.agent in work.counted and o.agent != offer.agent and
                            (o.agent, o.day) not in work.kept), key=lambda o: (o.paid, o.var))
            if not any(moves.away(other, offer, mine[other.agent]) for other in spare):
                break
        else:
            if work.fits(offer):
                moves.take(offer)
                return True
        moves.undo()
    return False


ROOM_TRIES = 40  # offers tried per agent short of their hard minimum (each a few milliseconds)


class _Moves:
    """Shifts taken and given up on a board, which can be undone."""

    def __init__(self, work: Board) -> None:
        self.work = work
        self.log: list[tuple[bool, Offer]] = []

    def take(self, offer: Offer) -> None:
        self.work.take(offer)
        self.log.append((True, offer))

    def drop(self, offer: Offer) -> None:
        self.work.drop(offer)
        self.log.append((False, offer))

    def undo(self, since: int = 0) -> None:
        """Put the board back as it was after the first ``since`` moves."""
        for taken, offer in reversed(self.log[since:]):
            (self.work.drop if taken else self.work.take)(offer)
        del self.log[since:]

    def away(self, other: Offer, offer: Offer, theirs: list[Offer]) -> bool:
        """Take ``other`` off the board; when its agent falls below their hard minimum, give
        them the nearest shift that fits and keeps off ``offer``'s time (else put it back)."""
        work = self.work
        mark = len(self.log)
        self.drop(other)
        while (left := work.floor(other.agent) - work.worked[other.agent]) > 0:
            fitting = [o for o in theirs if o is not other and work.fits(o) and
                       not _overlap(o.covered, offer.covered)]
            if not fitting:
                self.undo(mark)
                return False
            self.take(min(fitting, key=lambda o: _nearest(o, left)))
        return True


def _overlap(one: range, other: range) -> bool:
    """Whether two runs of intervals share one."""
    return bool(one) and bool(other) and one.start < other.stop and other.start < one.stop


def _plain(ctx: ModelContext, work: Board | None = None) -> Board:
    problem = ctx.problem
    work = board(ctx) if work is None else work
    targets = fair_targets(problem)
    learners = _learners(ctx)
    mine: dict[str, list[Offer]] = defaultdict(list)
    for offer in offers(ctx):
        if offer.paid and offer.agent in work.counted and offer.agent not in learners:
            mine[offer.agent].append(offer)
    _floors(work, mine)
    want = {a: max(targets.get(a, 0), work.floor(a)) for a in mine}
    for agent in sorted(mine, key=lambda a: (-work.floor(a), -want[a], a)):
        choices = sorted(mine[agent], key=lambda o: (o.cost / o.paid, -o.paid, o.var))
        for offer in choices:
            if work.worked[agent] + offer.paid <= want[agent] and work.fits(offer):
                work.take(offer)
    return work
