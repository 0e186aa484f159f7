"""Tiny availability-driven teams for the rule tests: one flexible shift, levels by hour.

Day 0 is Monday 1 January 2024 (UTC, 30-minute intervals, so 08:00 is interval 16).
``team(ana=[(8, 12, "preferred")])`` makes agent ``ana`` preferred 08:00-12:00; candidates
are then cut from the flexible shift ``F`` (on a one-hour grid).
"""

from __future__ import annotations

from typing import Any

from scheduler.domain import (
    Agent,
    AvailabilityPolicy,
    AvailabilityRow,
    CoverageRow,
    FlexibleShift,
    Onboarding,
    Problem,
    Queue,
)
from scheduler.load.candidates import with_candidates
from scheduler.settings import RuleSettings

from .helpers import START, only

HOURS = list[tuple[int, int, str]]


def flex(low: float, high: float, *, ideal: float | None = None, weight: int = 1,
         first: int = 0, last: int = 48) -> FlexibleShift:
    """Flexible shift F: ``low``-``high`` hours on a one-hour grid from ``first`` to ``last`` h."""
    return FlexibleShift(id="F", earliest_start=first * 60, latest_end=last * 60, grid_minutes=60,
                         min_minutes=round(low * 60), max_minutes=round(high * 60),
                         ideal_minutes=None if ideal is None else round(ideal * 60),
                         ideal_weight=weight)


def cover(start: int, end: int, least: int, most: int | None = None, *,
          least_weight: int | None = None, most_weight: int | None = None,
          queue: str = "any", day: int = 0) -> CoverageRow:
    """Agents wanted on duty from ``start`` to ``end`` hours (weights None: hard)."""
    return CoverageRow(queue=queue, day=day, start_minute=start * 60, end_minute=end * 60,
                       min_agents=least, max_agents=most, min_weight=least_weight,
                       max_weight=most_weight)


def rules(**enabled: Any) -> RuleSettings:
    """Every rule off but the given ones (new rules included)."""
    off = {"level": "off"}
    return only(**{"headcount": off, "preference_levels": off, "ideal_length": off,
                   "fair_share": off, "min_hours": off, "pairing": off, **enabled})


def team(*, flexible: FlexibleShift, coverage: tuple[CoverageRow, ...] = (), days: int = 1,
         settings: RuleSettings, costs: dict[str, int] | None = None,
         agents: tuple[Agent, ...] = (), day_starts_at: int = 0,
         queues: tuple[Queue, ...] = (), onboarding: tuple[Onboarding, ...] = (),
         **hours: HOURS | list[tuple[int, int, str, int]]) -> Problem:
    """A team whose agents (keywords) are available at levels by hour on every day (or on the
    day given as a fourth item); the support day starts at ``day_starts_at`` hours."""
    rows = tuple(AvailabilityRow(agent=name, day=item[3] if len(item) > 3 else day,
                                 start_minute=item[0] * 60, end_minute=item[1] * 60,
                                 level=item[2])
                 for name, spans in hours.items() for day in range(days) for item in spans
                 if len(item) == 3 or item[3] == day)
    policy = AvailabilityPolicy(default="unavailable", day_starts_at=day_starts_at * 60,
                                **({"costs": costs} if costs else {}))
    people = agents + tuple(Agent(id=name, name=name.capitalize()) for name in hours
                            if name not in {a.id for a in agents})
    prob = Problem(team="test", time_zone="UTC", start=START, days=days, agents=people,
                   templates=(), flexible=(flexible,), availability=rows, coverage=coverage,
                   policy=policy, rules=settings, queues=queues, onboarding=onboarding)
    return with_candidates(prob)
