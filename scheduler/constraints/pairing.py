"""Pairing: an onboarding agent works only while one of their mentors is on duty, and no two
onboarding agents are on duty at once. Per interval, hard or ``weight`` per interval. With
``whole_shift`` also one mentor for each whole onboarding shift (:mod:`.mentoring`)."""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING

from scheduler.constraints.base import Rule, day_label, finding
from scheduler.constraints.headcount import duty_of
from scheduler.constraints.mentoring import encode_mentoring, unmentored
from scheduler.domain import Problem, Roster
from scheduler.evaluation import Violation
from scheduler.settings import Level, PairingSettings

if TYPE_CHECKING:
    import pandas as pd

    from scheduler.model import ModelContext


class PairingRule(Rule[PairingSettings]):
    """Unmentored intervals of onboarding agents, and intervals with two or more of them."""

    name = "pairing"

    def active(self, problem: Problem) -> bool:
        """Only for teams with onboarding agents."""
        return super().active(problem) and bool(problem.onboarding)

    def encode(self, ctx: ModelContext) -> None:
        """Per interval: ``on(a) <= sum on(mentors)`` and ``sum on(onboarding) <= 1``."""
        problem = ctx.problem
        hard = self.settings(problem).level == Level.HARD
        weight = self.settings(problem).weight
        learners = {o.agent: o.mentors for o in problem.onboarding}
        for _, duty in sorted(ctx.duty.items()):
            on: dict[str, list] = defaultdict(list)
            for agent, var in duty:
                on[agent].append(var)
            present = [a for a in learners if on.get(a)]
            for agent in present:
                gap = sum(on[agent]) - sum(v for m in learners[agent] for v in on.get(m, []))
                if hard:
                    ctx.require(ctx.model.add(gap <= 0), self.name, agent,
                                f"{agent} only with a mentor")
                else:
                    ctx.penalize(ctx.excess(gap, 0, 1, "alone"), weight, self.name)
            if len(present) > 1:
                crowd = sum(v for a in present for v in on[a])
                if hard:
                    ctx.require(ctx.model.add(crowd <= 1), self.name, "onboarding",
                                "one onboarding agent at a time")
                else:
                    ctx.penalize(ctx.excess(crowd, 1, len(present) - 1, "crowd"), weight,
                                 self.name)
        if self.settings(problem).whole_shift:
            encode_mentoring(ctx, self.settings(problem), self.name)

    def evaluate(self, roster: Roster, problem: Problem,
                 requirements: pd.DataFrame) -> list[Violation]:
        """One finding per interval and onboarding agent without a mentor, and per crowded
        interval (costing one unit per onboarding agent beyond the first)."""
        settings = self.settings(problem)
        learners = {o.agent: o.mentors for o in problem.onboarding}
        found = []
        for interval, agents in sorted(duty_of(problem, roster).items()):
            when = problem.clock.local(interval * problem.interval_minutes)
            present = sorted(a for a in set(agents) if a in learners)
            for agent in present:
                if not any(m in agents for m in learners[agent]):
                    found.append(finding(self.name, settings.level, settings.weight, 1,
                                         f"{agent} on duty {when:%a %H:%M} without a mentor",
                                         agent=agent, interval=interval))
            if len(present) > 1:
                found.append(finding(self.name, settings.level, settings.weight,
                                     len(present) - 1, f"{', '.join(present)} onboarding at "
                                     f"once {when:%a %H:%M}", interval=interval))
        if settings.whole_shift:
            found += [finding(self.name, settings.level, settings.weight, 1,
                              f"{s.agent} on {day_label(problem, s.day)} ({s.template}): no "
                              "mentor on duty for the whole shift", agent=s.agent, day=s.day)
                      for s in unmentored(problem, roster, settings)]
        return found
