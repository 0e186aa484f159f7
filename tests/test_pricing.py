"""Pricing by the dynamic program over the days: a hand-worked week, and on random tiny
availability teams the program's value is CP-SAT's least priced cost of the same block, and its
column is a schedule of the block at that cost."""

from __future__ import annotations

import math
from dataclasses import replace
from datetime import date

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rules.helpers import block_holds, priced_team

from scheduler.domain import (
    Agent,
    AvailabilityPolicy,
    AvailabilityRow,
    Balance,
    Contract,
    CoverageRow,
    FlexibleShift,
    Problem,
)
from scheduler.load.candidates import with_candidates
from scheduler.settings import RuleSettings
from scheduler.solvers.columns import price
from scheduler.solvers.pricing import Week, cheapest, weeks_of

LEVELS = ("preferred", "available", "if needed", "unavailable")


def test_a_hand_worked_week() -> None:
    # block positions 0-3 are shifts, 4 and 5 the days' work variables; day 0: A 12-20 h
    # (8 h, price -10), B 6-10 h (4 h, price -3); day 1: C 06-14 h (8 h, -8), D 12-16 h
    # (4 h, -2); 11 h of rest: A ends 20:00, C starts 06:00 (10 h later): A then C clashes.
    # Hours cost 1 per hour away from 12 h, days nothing.
    week = Week(local=np.array([0, 1, 2, 3]), every=np.array([0, 1, 2, 3]),
                day=np.array([0, 0, 1, 1]),
                start=np.array([720, 360, 1800, 2160]), end=np.array([1200, 600, 2280, 2400]),
                paid=np.array([2, 1, 2, 1]), work=np.array([4, 5]),
                hours=np.abs(np.arange(5) * 4 - 12.0), days=np.zeros(3), rest=660)
    prices = np.array([-10.0, -3.0, -8.0, -2.0, 0.0, 0.0])
    # A+D: -12 at 12 h; B+C: -11 at 12 h; A alone: -10 + 4; A+C is refused (-18 + 4)
    found = cheapest(week, prices)
    assert found.value == -12 and found.shifts == (0, 3)
    # working day 1 costs 5 more: A+D -7, B+C -6, A alone -6
    prices[5] = 5.0
    assert cheapest(week, prices).value == -7
    prices[5] = 7.0  # now A alone, -6, beats A+D at -5
    found = cheapest(week, prices)
    assert found.value == -6 and found.shifts == (0,)
    # a hard cap of 8 h: one 8-hour shift or B+D; the best is A (-10 + 4 h away = -6)
    prices[5] = 0.0
    capped = replace(week, hours=np.array([12.0, 8.0, 4.0]))
    assert cheapest(capped, prices).value == -6


@st.composite
def teams(draw: st.DrawFn) -> Problem:
    days = draw(st.integers(2, 3))
    names = [f"a{i}" for i in range(draw(st.integers(2, 3)))]
    # the first agent may work the whole support day: late and early shifts that clash
    rows = [AvailabilityRow(agent=names[0], day=day, start_minute=6 * 60, end_minute=30 * 60,
                            level="preferred") for day in range(days)]
    for name in names[1:]:
        for day in range(days):
            cuts = sorted(draw(st.sets(st.integers(6, 30), min_size=2, max_size=4)))
            rows += [AvailabilityRow(agent=name, day=day, start_minute=a * 60, end_minute=b * 60,
                                     level=draw(st.sampled_from(LEVELS)))
                     for a, b in zip(cuts, cuts[1:], strict=False)]
    low = draw(st.integers(1, 2))
    flexible = FlexibleShift(id="F", earliest_start=6 * 60, latest_end=30 * 60, grid_minutes=60,
                             min_minutes=low * 60, max_minutes=draw(st.integers(low, 4)) * 60,
                             ideal_minutes=draw(st.sampled_from([None, 180])),
                             ideal_weight=draw(st.integers(0, 3)))
    coverage = [CoverageRow(queue="any", day=d, start_minute=h * 60, end_minute=(h + 2) * 60,
                            min_agents=1, max_agents=2, min_weight=20, max_weight=None)
                for d in range(days) for h in (8, 20)]
    contract = Contract(min_minutes=draw(st.sampled_from([0, 240])),
                        max_minutes=draw(st.sampled_from([None, 300, 480])), period="horizon",
                        max_days_per_week=draw(st.sampled_from([None, 1, 2])))

    def rule(*levels: str, **extra: object) -> dict[str, object]:
        return {"level": draw(st.sampled_from(levels)), **extra}

    rules = RuleSettings.model_validate({
        "coverage": {"level": "off"}, "fairness": {"level": "off"},
        "rest": rule("hard", "soft", "off", min_rest_hours=draw(st.sampled_from([8, 11, 16]))),
        "contract": rule("hard", "soft", weight=draw(st.integers(0, 3))),
        "headcount": {"level": "soft"}, "preference_levels": rule("hard", "soft"),
        "ideal_length": rule("soft", "off"),
        "fair_share": rule("soft", "off", target="availability", step_minutes=60,
                           steps=draw(st.integers(1, 3))),
        "min_hours": rule("soft", "hard", "off", hours=draw(st.sampled_from([1, 3])))})
    problem = Problem(
        team="random", time_zone="UTC", start=date(2026, 3, draw(st.sampled_from([23, 27]))),
        days=days, interval_minutes=60, templates=(),
        agents=tuple(Agent(id=n, contract=contract) for n in names),
        policy=AvailabilityPolicy(day_starts_at=6 * 60, default="unavailable"),
        flexible=(flexible,), availability=tuple(rows), coverage=tuple(coverage), rules=rules,
        balance=(Balance(agent=names[0], minutes=draw(st.sampled_from([-120, 0, 90]))),))
    return with_candidates(problem)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(teams(), st.integers(0, 2**31))
def test_the_program_prices_a_block_as_cpsat_does(problem: Problem, seed: int) -> None:
    ctx, split, prices, pricer = priced_team(problem, seed, mean=15, spread=30)
    for i, (block, week) in enumerate(zip(split.blocks, weeks_of(ctx, split), strict=True)):
        if week is None:
            continue
        mine = prices[block.variables]
        exact = price(block, mine, seed=0, work=10, seconds=30)
        found = cheapest(week, mine)
        if exact.values is None:  # the block has no schedule: nor has the program
            assert math.isinf(found.value) or found.value <= exact.bound
            continue
        # a relaxation: never above the least priced cost, and on these rules equal to it
        assert found.value <= exact.priced + 1e-6
        column = pricer.price(i, mine, seed=0, work=10, seconds=30)
        assert column.values is not None and block_holds(block, column.values)
        assert column.priced == exact.priced or \
            abs(column.priced - exact.priced) <= 1e-6 * max(1.0, abs(exact.priced))
        assert column.bound <= exact.priced + 1e-6
        # every rule of the block is one the program knows, unless the block holds intervals
        # only this agent can cover (their head count's shortfall) or soft rest
        known = problem.rules.rest.level != "soft" and not any(
            ctx.model.proto.variables[int(v)].name.startswith("n[") for v in block.variables)
        if known or column.counted:  # the program's value is the block's least
            assert column.counted
            assert abs(found.value - exact.priced) <= 1e-6 * max(1.0, abs(exact.priced))
