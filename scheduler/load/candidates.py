"""Candidate shifts: the flexible shifts each agent can work on each day, as shift templates.

A flexible shift (team.yaml ``shifts:``) allows any start on its grid between its earliest
start and latest end, and any length between its minimum and maximum. Rather than every start ×
length for everyone, :func:`candidate_shifts` builds, for each agent and day, only the shifts
that lie wholly in intervals where the agent is not ``unavailable``. Each distinct (start,
length) becomes one :class:`~scheduler.domain.ShiftTemplate` (named ``F-0930-0600`` for a shift
of flexible shift ``F`` starting 09:30 lasting 6 h; starts past midnight of an overnight
support day are written ``2530`` for 01:30 the next date), and a
:class:`~scheduler.domain.ShiftOffer` lists which of them each agent may work that day. The
engine treats them as templates; the model context offers each agent only their own.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import time

from scheduler.domain import (
    DAY_MINUTES,
    FlexibleShift,
    Preference,
    Problem,
    ShiftOffer,
    ShiftTemplate,
)
from scheduler.load.levels import Levels
from scheduler.support_day import local_minute, span_intervals


def template_id(flexible: FlexibleShift, start: int, length: int) -> str:
    """``F-0930-0600``: flexible shift id, start (may pass 24:00) and length as HHMM."""
    return f"{flexible.id}-{start // 60:02d}{start % 60:02d}-{length // 60:02d}{length % 60:02d}"


def as_template(flexible: FlexibleShift, start: int, length: int) -> ShiftTemplate:
    """The template of one candidate: ``start`` minutes after the planning day's midnight."""
    day_offset, rest = divmod(start, DAY_MINUTES)
    pause = flexible.break_for(length)
    return ShiftTemplate(id=template_id(flexible, start, length), start=time(rest // 60, rest % 60),
                         paid_minutes=length - pause, break_minutes=pause, day_offset=day_offset,
                         flexible=flexible.id)


def shapes(flexible: FlexibleShift, first: int, last: int) -> Iterator[tuple[int, int]]:
    """Every (start, length) of the flexible shift inside minutes [first, last] of the day."""
    grid = flexible.grid_minutes
    lo, hi = max(first, flexible.earliest_start), min(last, flexible.latest_end)
    start = -(-lo // grid) * grid
    while start + flexible.min_minutes <= hi:
        length = -(-flexible.min_minutes // grid) * grid
        while length <= flexible.max_minutes and start + length <= hi:
            yield start, length
            length += grid
        start += grid


def _day_shapes(problem: Problem, flexible: FlexibleShift,
                day: int) -> list[tuple[int, int, range, str]]:
    """(start, length, intervals touched, template id) of every shape of a flexible shift on
    one day."""
    policy = problem.policy
    if flexible.weekdays and problem.clock.weekday(day) not in flexible.weekdays:
        return []
    found, minute = [], {}
    for start, length in shapes(flexible, policy.day_starts_at, policy.day_ends_at):
        for m in (start, start + length):
            if m not in minute:
                minute[m] = local_minute(problem, day, m)
        found.append((start, length, span_intervals(problem, minute[start],
                                                    minute[start + length]),
                      template_id(flexible, start, length)))
    return found


def _blocked(levels: list[Preference]) -> list[int]:
    """Prefix counts of unavailable intervals: ``out[j] - out[i]`` for intervals [i, j)."""
    counts = [0]
    for level in levels:
        counts.append(counts[-1] + (level == Preference.UNAVAILABLE))
    return counts


def candidate_shifts(problem: Problem) -> tuple[list[ShiftTemplate], list[ShiftOffer]]:
    """The candidate templates and, per agent and day, the ones offered.

    Returns
    -------
    templates, offers
        Distinct templates (sorted by id) and one offer per agent and day with any candidate.
    """
    levels = Levels(problem)
    day_shapes = {(f.id, day): _day_shapes(problem, f, day)
                  for f in problem.flexible for day in range(problem.days)}
    templates: dict[str, ShiftTemplate] = {}
    offers: list[ShiftOffer] = []
    for agent in problem.agents:
        blocked = _blocked(levels.of(agent.id))
        for day in range(problem.days):
            ids: list[str] = []
            for flexible in problem.flexible:
                for start, length, touched, name in day_shapes[flexible.id, day]:
                    lo, hi = touched.start, touched.stop
                    if lo < 0 or hi >= len(blocked) or blocked[hi] != blocked[lo]:
                        continue
                    if name not in templates:
                        templates[name] = as_template(flexible, start, length)
                    ids.append(name)
            if ids:
                offers.append(ShiftOffer(agent=agent.id, day=day, templates=tuple(ids)))
    return sorted(templates.values(), key=lambda t: t.id), offers


def with_candidates(problem: Problem) -> Problem:
    """The problem with its flexible shifts' candidates added as templates and offers.

    Fixed templates stay as they are; a problem without flexible shifts is returned unchanged.
    """
    if not problem.flexible:
        return problem
    templates, offers = candidate_shifts(problem)
    fixed = tuple(t for t in problem.templates if t.flexible is None)
    fields = {name: getattr(problem, name) for name in type(problem).model_fields}
    fields |= {"templates": fixed + tuple(templates), "offers": tuple(offers)}
    return Problem.model_validate(fields)
