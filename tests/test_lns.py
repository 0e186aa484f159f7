"""Neighbourhood search: what each kind of neighbourhood frees, and that re-planning them reaches
the optimum from a poor roster, reproducibly."""

from __future__ import annotations

import random
import time

import pytest
from rules.helpers import four_weeks, model_of

from scheduler.domain import Problem
from scheduler.settings import WeekendSettings
from scheduler.solvers.cpsat import polish
from scheduler.solvers.lns import (
    KINDS,
    LazySpots,
    Neighbourhood,
    hot_spots,
    improve,
    pick,
    weekend_days,
)
from scheduler.solvers.searches import exact_search


def freed(hood: Neighbourhood, prob: Problem) -> float:
    """The fraction of (agent, day) cells the neighbourhood re-plans."""
    cells = [(a.id, d) for a in prob.agents for d in range(prob.days)]
    return sum(hood.frees(a, d) for a, d in cells) / len(cells)


def test_each_kind_frees_the_fraction_asked() -> None:
    prob = four_weeks(agents=40)
    ctx = model_of(prob)
    rng = random.Random(1)
    seen = set()
    for size in (0.05, 0.1, 0.2):  # a block is one week: at most a quarter of four weeks
        for _ in range(30):
            hood = pick(ctx, rng, dict.fromkeys(KINDS, size))
            seen.add(hood.kind)
            # agents: round(size * 40) of 40 agents; days: round(size * 28) of 28 days;
            # block: a week of round(size * 40 * 4) agents; rounding moves it by under 0.03
            assert abs(freed(hood, prob) - size) <= 0.03, (hood.kind, size, freed(hood, prob))
    # no weekend limit: a weekends draw frees agents; no penalties given: a penalties draw a block
    assert seen == set(KINDS) - {"weekends", "penalties"}


def test_weekends_free_the_chosen_agents_on_every_weekend_and_the_days_either_side() -> None:
    prob = four_weeks(agents=40)
    limited = prob.model_copy(update={"rules": prob.rules.model_copy(
        update={"weekends": WeekendSettings(max_weekends=2)})})
    ctx = model_of(limited)
    assert prob.clock.weekday(0) == 0  # day 0 a Monday: weekends are days 5-6, 12-13, ...
    # Friday to Monday around each of the four weekends; the last has no Monday in the horizon
    around = {4, 5, 6, 7, 11, 12, 13, 14, 18, 19, 20, 21, 25, 26, 27}
    assert weekend_days(ctx) == around
    rng = random.Random(3)
    hoods = [pick(ctx, rng, dict.fromkeys(KINDS, 0.25)) for _ in range(60)]
    weekend = [h for h in hoods if h.kind == "weekends"]
    assert weekend, "a weekend limit makes weekends neighbourhoods"
    for hood in weekend:
        assert len(hood.agents) == 10  # a quarter of 40
        assert {d for a in hood.agents for d in range(28) if hood.frees(a, d)} == around
        others = [a.id for a in prob.agents if a.id not in hood.agents]
        assert not any(hood.frees(a, d) for a in others for d in range(28))
    assert weekend_days(model_of(prob)) == frozenset()  # no limit: nothing ties the weekends


def test_hot_spots_are_the_penalised_days_and_agents_of_the_roster() -> None:
    prob = four_weeks(agents=4)
    ctx = model_of(prob)
    # everyone works E on day 9 and nothing else: day 9 has E two over (2 x 3) and L two short
    # (2 x 50); every other day both rows are two short (2 x 2 x 50)
    values = {var.index: day == 9 and template == "E"
              for (_, day, template), var in ctx.x.items()}
    by_day: dict[int, int] = {}
    for penalty, agent, day in hot_spots(ctx, values):
        assert agent is None  # cover rows belong to no agent
        by_day[day] = by_day.get(day, 0) + penalty
    assert by_day == {d: 6 + 100 if d == 9 else 200 for d in range(28)}


def test_penalties_free_a_week_around_the_spot_drawn_with_its_agent() -> None:
    prob = four_weeks(agents=40)
    ctx = model_of(prob)
    rng = random.Random(2)
    spots = [(1, None, 0), (1000, "a7", 26)]  # a week around day 26 is clipped to days 21-27
    hoods = [pick(ctx, rng, dict.fromkeys(KINDS, 0.05), spots) for _ in range(80)]
    drawn = [h for h in hoods if h.kind == "penalties"]
    assert drawn
    late = [h for h in drawn if h.days == frozenset(range(21, 28))]
    assert len(late) >= 0.9 * len(drawn)  # 1000 to 1: nearly every draw is the costly spot
    for hood in late:
        assert "a7" in hood.agents and len(hood.agents) == 8  # round(0.05 * 40 * 28 / 7)
    for hood in drawn:
        if hood not in late:
            assert hood.days == frozenset(range(7))  # the week from day 0, clipped at the start


def test_spots_are_found_only_when_a_penalties_neighbourhood_is_drawn() -> None:
    ctx = model_of(four_weeks(agents=40))
    spots = [(1, None, 0), (1000, "a7", 26)]
    asked: list[int] = []

    def finder() -> list[tuple[int, str | None, int]]:
        asked.append(1)
        return spots

    given, lazy = random.Random(5), random.Random(5)
    sizes = dict.fromkeys(KINDS, 0.05)
    for _ in range(40):
        before = len(asked)
        hood = pick(ctx, lazy, sizes, finder)
        # the same neighbourhood as with the spots at hand, from the same random draws
        assert hood == pick(ctx, given, sizes, spots)
        assert len(asked) - before == (hood.kind == "penalties")


def test_lazy_spots_check_the_roster_once() -> None:
    prob = four_weeks(agents=4)
    ctx = model_of(prob)
    values = {var.index: day == 9 and template == "E"
              for (_, day, template), var in ctx.x.items()}
    lazy = LazySpots(ctx, values)
    assert lazy.found is None  # nothing checked until asked
    assert lazy() == hot_spots(ctx, values)
    assert lazy() is lazy.found


def test_kinds_free_what_they_say() -> None:
    agents = Neighbourhood("agents", frozenset({"a1"}), frozenset())
    days = Neighbourhood("days", frozenset(), frozenset({3, 4}))
    block = Neighbourhood("block", frozenset({"a1", "a2"}), frozenset({3, 4}))
    assert agents.frees("a1", 20) and not agents.frees("a2", 3)
    assert days.frees("a9", 3) and not days.frees("a1", 5)
    assert block.frees("a2", 4) and not block.frees("a2", 5) and not block.frees("a3", 3)
    weekend = Neighbourhood("weekends", frozenset({"a1"}), frozenset({4, 5, 6, 7}))
    assert weekend.frees("a1", 7) and not weekend.frees("a1", 8) and not weekend.frees("a2", 5)
    spot = Neighbourhood("penalties", frozenset({"a1"}), frozenset({3, 4}))
    assert spot.frees("a1", 3) and not spot.frees("a1", 5) and not spot.frees("a2", 3)


@pytest.mark.slow
def test_improve_reaches_the_optimum_from_an_empty_roster_reproducibly() -> None:
    prob = four_weeks(agents=6)
    ctx = model_of(prob)
    empty = {var.index: False for var in ctx.x.values()}
    start = sum(polish(ctx, empty).values())
    assert start == 28 * 2 * 2 * 50  # nobody works: every row is two agents short
    optimum = exact_search(ctx, seed=0, work=60, seconds=60)
    assert optimum.status == "OPTIMAL"

    def run() -> tuple[dict[int, bool], float]:
        found = improve(ctx, empty, start, budget=40, workers=2, seed=5,
                        deadline=time.perf_counter() + 120, bound=optimum.objective)
        assert found.values is not None
        return found.values, found.objective

    values, objective = run()
    assert objective == optimum.objective
    assert sum(polish(ctx, values).values()) == objective
    assert run() == (values, objective)
