"""Neighbourhoods that fit availability-driven teams (flexible shifts, headcount, onboarding).

Neighbourhood search (:mod:`.lns`) frees agents and days at random; on a team that staffs by
headcount what ties agents together is time: who can be on duty in the same hours. Besides the
usual kinds, :class:`Reach` draws

* ``window``: a run of hours on one day (around a penalised day when the roster pays there),
  and every agent who could be on duty in it, re-planned that day;
* ``overlap``: one agent and the agents whose availability overlaps theirs most, their whole
  weeks re-planned together: shifts move between them, and one agent's week is re-planned
  against the rest;
* ``pairs``: an onboarding agent and every mentor of theirs, over the whole horizon, so that
  an onboarding shift moves together with the mentor covering it.

Each kind's size is the share of the roster it frees, grown and shrunk as the others'
(:func:`.lns.adapt`).
"""

from __future__ import annotations

import random

import numpy as np

from scheduler.model import ModelContext
from scheduler.solvers.lns import KINDS, Neighbourhood, Spot, Spots, draw_spot, pick

HOODS = ("window", "overlap", "pairs")
# the usual kinds keep half of the draws (weekends and penalties fall back as in .lns)
CHANCE = (0.15, 0.1, 0.1, 0.05, 0.1, 0.2, 0.2, 0.1)


class Reach:
    """When each agent could be on duty (the intervals their offered shifts cover), and the
    draw of a neighbourhood among the usual kinds and those of the module note."""

    kinds: tuple[str, ...] = KINDS + HOODS

    def __init__(self, ctx: ModelContext) -> None:
        problem = ctx.problem
        self.agents = [a.id for a in problem.agents]
        self.days = problem.days
        size = problem.clock.n_intervals
        self.day_of = np.array([problem.clock.day_of_minute(t * problem.interval_minutes)
                                for t in range(size)])
        self.on = {a: np.zeros(size, dtype=bool) for a in self.agents}
        for (agent, day, template) in ctx.x:
            covered = problem.covered_intervals(ctx.span(agent, day, template))
            self.on[agent][covered.start:covered.stop] = True
        self.learners = {o.agent: tuple(o.mentors) for o in problem.onboarding}

    def __call__(self, ctx: ModelContext, rng: random.Random, sizes: dict[str, float],
                 spots: Spots = None) -> Neighbourhood:
        """A random neighbourhood of any kind (:func:`.lns.pick`'s signature)."""
        kind = rng.choices(self.kinds, CHANCE)[0]
        if kind == "pairs" and not self.learners:
            kind = "overlap"
        if kind == "window":
            return self.window(rng, sizes[kind], spots() if callable(spots) else spots)
        if kind == "overlap":
            return self.overlap(rng, sizes[kind])
        if kind == "pairs":
            learner = rng.choice(sorted(self.learners))
            return Neighbourhood("pairs", frozenset((learner, *self.learners[learner])),
                                 frozenset(range(self.days)))
        return pick(ctx, rng, sizes, spots, kind=kind)

    def window(self, rng: random.Random, size: float,
               spots: list[Spot] | None) -> Neighbourhood:
        """A run of hours on one day and everyone who could be on duty in it; as many agents
        as ``size`` of the roster's agent-days."""
        day = draw_spot(rng, spots)[2] if spots else rng.randrange(self.days)
        hours = np.flatnonzero(self.day_of == day)
        want = max(2, round(size * len(self.agents) * self.days))
        low = high = int(rng.choice(hours)) if hours.size else 0
        first, last = int(hours.min(initial=0)), int(hours.max(initial=0))
        while True:
            team = [a for a in self.agents if self.on[a][low:high + 1].any()]
            if len(team) >= want or (low <= first and high >= last):
                return Neighbourhood("window", frozenset(team), frozenset({day}))
            low, high = max(first, low - 1), min(last, high + 1)

    def overlap(self, rng: random.Random, size: float) -> Neighbourhood:
        """One agent and those whose availability overlaps theirs most, whole weeks; as many
        agents as ``size`` of the team (at least two)."""
        one = rng.choice(self.agents)
        want = max(2, round(size * len(self.agents)))
        shared = sorted((-int(np.sum(self.on[one] & self.on[a])), a)
                         for a in self.agents if a != one)
        team = [one] + [a for _, a in shared[:want - 1]]
        return Neighbourhood("overlap", frozenset(team), frozenset(range(self.days)))
