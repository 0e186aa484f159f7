"""Whole-shift mentoring: each onboarding shift has one mentor on duty from its start to its end,
and a mentor takes at most ``per_mentor_day`` onboarding shifts a day (rule ``pairing`` with
``whole_shift: true``).

Which mentor takes which shift is a matching, day by day: the model chooses it (a variable per
onboarding shift and mentor who could cover it), the check finds the largest one, so both count
the same onboarding shifts left without a mentor.
"""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING

from scheduler.domain import Problem, Roster, Shift
from scheduler.settings import Level, PairingSettings

if TYPE_CHECKING:
    from ortools.sat.python.cp_model import IntVar

    from scheduler.model import ModelContext


def covers(outer: tuple[int, int], inner: tuple[int, int]) -> bool:
    """Whether a span starts no later and ends no earlier than another."""
    return outer[0] <= inner[0] and outer[1] >= inner[1]


def encode_mentoring(ctx: ModelContext, settings: PairingSettings, name: str) -> None:
    """Per onboarding shift: one mentor covering it (hard, or ``weight`` when missing), and per
    mentor and day at most ``per_mentor_day`` onboarding shifts."""
    problem, model = ctx.problem, ctx.model
    load: dict[tuple[str, int], list[IntVar]] = defaultdict(list)
    for onboarding in problem.onboarding:
        for (agent, day, template), shift in ctx.x.items():
            if agent != onboarding.agent:
                continue
            span = ctx.span(agent, day, template)
            takes = []
            for mentor in onboarding.mentors:
                near = [v for d in (day - 1, day, day + 1) for t, v in ctx.day_vars.get(
                    (mentor, d), []) if covers(ctx.span(mentor, d, t), span)]
                if not near:
                    continue
                take = model.new_bool_var(f"mentor[{agent},{day},{template},{mentor}]")
                model.add(take <= sum(near))
                takes.append(take)
                load[mentor, day].append(take)
            if takes:
                model.add(sum(takes) <= shift)
            ctx.at_least(sum(takes), shift, hard=settings.level == Level.HARD,
                         weight=settings.weight, rule=name, subject=agent,
                         description=f"{agent}: a mentor for the whole shift", upper=1,
                         name="unmentored shift")
    for key in sorted(load):
        takes = load[key]
        if len(takes) > settings.per_mentor_day:
            model.add(sum(takes) <= settings.per_mentor_day)


def unmentored(problem: Problem, roster: Roster, settings: PairingSettings) -> list[Shift]:
    """The onboarding shifts left without a whole-shift mentor by the largest matching of
    mentors to shifts, day by day (each mentor up to ``per_mentor_day`` a day)."""
    learners = {o.agent: o.mentors for o in problem.onboarding}
    spans = {(s.agent, s.day): problem.shift_span(s) for s in roster.shifts}
    left: list[Shift] = []
    by_day: dict[int, list[Shift]] = defaultdict(list)
    for shift in roster.shifts:
        if shift.agent in learners:
            by_day[shift.day].append(shift)
    for day in sorted(by_day):
        shifts = sorted(by_day[day], key=lambda s: s.agent)
        able = [[m for m in learners[s.agent] for d in (day - 1, day, day + 1)
                 if (m, d) in spans and covers(spans[m, d], spans[s.agent, day])]
                for s in shifts]
        matched = _matching(able, settings.per_mentor_day)
        left += [s for s, got in zip(shifts, matched, strict=True) if not got]
    return left


def _matching(able: list[list[str]], capacity: int) -> list[bool]:
    """Which shifts get a mentor in a largest matching (each mentor up to ``capacity``)."""
    used: dict[str, list[int]] = defaultdict(list)

    def place(shift: int, seen: set[str]) -> bool:
        for mentor in able[shift]:
            if mentor in seen:
                continue
            seen.add(mentor)
            if len(used[mentor]) < capacity:
                used[mentor].append(shift)
                return True
            for other in list(used[mentor]):
                if place(other, seen):
                    used[mentor].remove(other)
                    used[mentor].append(shift)
                    return True
        return False

    return [place(i, set()) for i in range(len(able))]
