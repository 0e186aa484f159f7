"""Rota pricing (the dynamic program over runs of days for template teams): one hand-worked
case per rule the program models, then on random tiny template teams and on a Curtois instance
the program's value is never above CP-SAT's least priced cost of the same block (a relaxation)
and, where every rule is one the program models, equal to it, with a rota the block takes at
that cost."""

from __future__ import annotations

import math
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from time import perf_counter
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rules.helpers import block_holds, priced_team

from benchmarks.curtois import to_problem
from benchmarks.curtois_format import read_instance
from scheduler.domain import (
    Agent,
    Contract,
    Problem,
    ShiftCover,
    ShiftRequest,
    ShiftTemplate,
    TimeOff,
)
from scheduler.settings import (
    ConsecutiveSettings,
    ContractSettings,
    FairnessSettings,
    RestSettings,
    RuleSettings,
    StabilitySettings,
    WeekendSettings,
)
from scheduler.solvers import columns
from scheduler.solvers.blocks import Cut, cut
from scheduler.solvers.columns import generate, price, reduced_prices
from scheduler.solvers.cpsat import build
from scheduler.solvers.rota import Rota, cheapest_rota, rotas_of
from scheduler.staffing import requirements

INF = math.inf
CURTOIS = Path(__file__).resolve().parents[1] / "benchmarks" / "data" / "curtois"


def rota_of(shift_prices: list[list[float]], *, units: list[int] | None = None,
            **rules: Any) -> tuple[Rota, np.ndarray]:
    """A rota with no rule but those given, and the block's prices: the shift of template
    ``t`` on day ``d`` is block position ``d * templates + t`` at ``shift_prices[d][t]``; the
    days' work variables come after the shifts, at price 0."""
    cost = np.array(shift_prices, dtype=float)
    days, kinds = cost.shape
    local = np.arange(days * kinds).reshape(days, kinds)
    steps = np.array(units or [1] * kinds)
    rota = Rota(local=local, every=local.ravel(), work=days * kinds + np.arange(days),
                units=steps, hours=np.zeros(days * int(steps.max()) + 1),
                follows=[np.ones((kinds, kinds), dtype=bool) for _ in range(days - 1)],
                longest=0, shortest=0, least_off=0, weekend=np.full(days, -1),
                after_weekend_day=np.zeros(days, dtype=bool), weekends=-1,
                most=np.full(kinds, -1))
    return replace(rota, **rules), np.concatenate([cost.ravel(), np.zeros(days)])


def best(rota: Rota, prices: np.ndarray) -> tuple[float, tuple[int, ...]]:
    found = cheapest_rota(rota, prices)
    return found.value, found.shifts


def near(a: float, b: float) -> bool:
    return abs(a - b) <= 1e-6 * max(1.0, abs(b))


def test_forbidden_successions() -> None:
    # templates E (0) and L (1) over 4 days; L pays 4 a day, E 1 but 6 on day 2. Free: L L E L
    # = -18. L may not be followed by E: L L L L = -16 (L E E L = -15, L - E L = -14)
    rota, prices = rota_of([[-1, -4], [-1, -4], [-6, -4], [-1, -4]])
    assert best(rota, prices) == (-18, (1, 3, 4, 7))
    banned = np.array([[True, True], [False, True]])  # follows[d][a, b]: b on d + 1 after a
    assert best(replace(rota, follows=[banned] * 3), prices) == (-16, (1, 3, 5, 7))
    # only from day 1 to day 2 (where the free rota has L then E) does it bind
    free = np.ones((2, 2), dtype=bool)
    assert best(replace(rota, follows=[free, banned, free]), prices)[0] == -16
    assert best(replace(rota, follows=[banned, free, banned]), prices)[0] == -18


def test_longest_run() -> None:
    # 5 days each paying 1: at most 2 days in a row leaves W W - W W = -4
    rota, prices = rota_of([[-1]] * 5)
    assert best(rota, prices) == (-5, (0, 1, 2, 3, 4))
    assert best(replace(rota, longest=2), prices) == (-4, (0, 1, 3, 4))
    assert best(replace(rota, longest=1), prices) == (-3, (0, 2, 4))


def test_shortest_run_inside_the_horizon_only() -> None:
    # only day 2 pays (3), every other day costs 1. Alone it is -3; runs of at least 2 days
    # inside the horizon: day 2 with a neighbour, -3 + 1 = -2
    rota, prices = rota_of([[1], [1], [-3], [1], [1]])
    assert best(rota, prices) == (-3, (2,))
    assert best(replace(rota, shortest=2), prices)[0] == -2
    assert best(replace(rota, shortest=3), prices)[0] == -1  # days 1-3 or 2-4
    # a run touching the first or the last day is not held to the minimum: one day, -3
    first, prices = rota_of([[-3], [1], [1], [1], [1]], shortest=3)
    assert best(first, prices) == (-3, (0,))
    last, prices = rota_of([[1], [1], [1], [1], [-3]], shortest=3)
    assert best(last, prices) == (-3, (4,))


def test_least_days_off_in_a_row() -> None:
    # 6 days paying 1 (day 1: 2), day 2 costs 5. Free: all but day 2 = -6. At least 2 days
    # off in a row inside the horizon: off on days 2-3, -1 - 2 - 1 - 1 = -5 (off 1-2: -4,
    # no day off: -1)
    rota, prices = rota_of([[-1], [-2], [5], [-1], [-1], [-1]])
    assert best(rota, prices) == (-6, (0, 1, 3, 4, 5))
    assert best(replace(rota, least_off=2), prices) == (-5, (0, 1, 4, 5))
    # a single day off on the first or the last day is not held to it: -5
    first, prices = rota_of([[5], [-1], [-1], [-1], [-1], [-1]], least_off=3)
    assert best(first, prices) == (-5, (1, 2, 3, 4, 5))
    last, prices = rota_of([[-1], [-1], [-1], [-1], [-1], [5]], least_off=3)
    assert best(last, prices) == (-5, (0, 1, 2, 3, 4))


def test_weekends_worked() -> None:
    # 6 days, two weekends: days 1-2 and 4-5 (Saturday, Sunday after it)
    weekend: dict[str, Any] = {"weekend": np.array([-1, 0, 1, -1, 0, 1]),
               "after_weekend_day": np.array([False, False, True, False, False, True])}
    # Saturday and Sunday together are one weekend: at most 1 leaves the first whole one,
    # -1 - 3 - 3 - 1 = -8 (the second whole one: -6)
    rota, prices = rota_of([[-1], [-3], [-3], [-1], [-2], [-2]], **weekend)
    assert best(rota, prices) == (-12, (0, 1, 2, 3, 4, 5))
    assert best(replace(rota, weekends=1), prices) == (-8, (0, 1, 2, 3))
    # a Sunday after a Saturday off is a weekend too: Sunday 2 and Saturday 4 pay 3, the
    # other weekend days cost 1. Any number: -1 - 3 - 1 - 3 = -8; one: -5; none: -2
    rota, prices = rota_of([[-1], [1], [-3], [-1], [-3], [1]], **weekend)
    assert best(rota, prices) == (-8, (0, 2, 3, 4))
    assert best(replace(rota, weekends=1), prices)[0] == -5
    assert best(replace(rota, weekends=0), prices) == (-2, (0, 3))


def test_hours_window() -> None:
    # 4 days of A (2 units, pays 5) or B (1 unit, pays 3). Free: A every day, -20 at 8 units.
    # Only 3 or 4 units allowed: B every day, -12 (A A: -10, A B: -8, B B B: -9)
    rota, prices = rota_of([[-5, -3]] * 4, units=[2, 1])
    assert best(rota, prices) == (-20, (0, 2, 4, 6))
    assert best(replace(rota, hours=np.array([INF, INF, INF, 0, 0])), prices) == \
        (-12, (1, 3, 5, 7))
    assert best(replace(rota, hours=np.array([INF, INF, INF, 0])), prices)[0] == -9
    # hours priced, 4 a unit beyond 2 units: B twice, -6 (A: -5, A B: -4, B B B: -5)
    assert best(replace(rota, hours=np.array([0, 0, 0, 4, 8, 12, 16, 20, 24.0])), prices)[0] == -6


def test_days_worked() -> None:
    # 4 days each paying 10: at most 2 days worked (the days' costs end there) gives -20; days
    # priced 0, 0, 5, 10, 15 give 4 days at -40 + 15 = -25 (3 days: -30 + 10, 2: -20)
    rota, prices = rota_of([[-10]] * 4)
    assert best(replace(rota, days=np.zeros(3)), prices)[0] == -20
    assert best(replace(rota, days=np.array([0, 0, 5, 10, 15.0])), prices) == (-25, (0, 1, 2, 3))
    # at 17 for the fourth day, three days it is (-20), whichever three
    assert best(replace(rota, days=np.array([0, 0, 5, 10, 27.0])), prices)[0] == -20
    # a constant cost is paid whatever the number of days
    assert best(replace(rota, days=np.array([7.0])), prices)[0] == -33


def test_a_template_maximum(monkeypatch: pytest.MonkeyPatch) -> None:
    # 5 days of A (pays 3) or B (pays 1), A at most twice. The first run breaks it (A every
    # day, -15), then A is counted: A twice and B three times, -9
    rota, prices = rota_of([[-3, -1]] * 5, most=np.array([2, -1]))
    assert rota.counted == []
    value, shifts = best(rota, prices)
    assert value == -9 and rota.counted == [0]
    assert len(shifts) == 5 and sum(s % 2 == 0 for s in shifts) == 2
    assert best(rota, prices)[0] == -9 and rota.counted == [0]  # remembered
    # with no room for more states the broken path is returned: -15, still a lower bound
    monkeypatch.setattr("scheduler.solvers.rota.MOST_STATES", 0)
    fresh, prices = rota_of([[-3, -1]] * 5, most=np.array([2, -1]))
    assert best(fresh, prices) == (-15, (0, 2, 4, 6, 8)) and fresh.counted == []


def test_no_feasible_rota_is_infinite() -> None:
    # 4 days of one unit each cannot make the 5 units the hours ask for
    rota, prices = rota_of([[-1]] * 4, hours=np.array([INF] * 5 + [0]))
    assert best(rota, prices) == (INF, ())
    # 5 days, exactly 3 worked, at most 1 in a row: days 0, 2 and 4 (-3), which leaves single
    # days off inside the horizon, not allowed with at least 2 days off in a row
    rota, prices = rota_of([[-1]] * 5, longest=1, hours=np.array([INF, INF, INF, 0]))
    assert best(rota, prices) == (-3, (0, 2, 4))
    assert best(replace(rota, least_off=2), prices) == (INF, ())


def one_agent(level: str) -> Problem:
    """Friday to Thursday, E 06-14 h and L 14-22 h, every rule at ``level``."""
    contract = Contract(min_minutes=960, period="horizon", max_shifts={"L": 1},
                        max_consecutive_days=3, min_consecutive_days=2,
                        min_consecutive_days_off=2, max_weekends=0)
    rules = RuleSettings(
        contract=ContractSettings(level=level, max_days_per_week=None),
        rest=RestSettings(level=level, min_rest_hours=11, forbidden_successions=(("E", "L"),)),
        consecutive=ConsecutiveSettings(level=level, max_days=None),
        weekends=WeekendSettings(level=level), fairness=FairnessSettings(level="off"),
        stability=StabilitySettings(level="off"))
    return Problem(team="one", time_zone="UTC", start=date(2024, 1, 5), days=7,
                   interval_minutes=60,
                   templates=(ShiftTemplate(id="E", start=time(6), paid_minutes=480),
                              ShiftTemplate(id="L", start=time(14), paid_minutes=480)),
                   agents=(Agent(id="a0", contract=contract),), rules=rules)


def the_rota(level: str) -> tuple[Rota, Cut]:
    """The one agent's rota and the model's cut, every rule at ``level``."""
    problem = one_agent(level)
    ctx = build(problem, requirements(problem))
    split = cut(ctx)
    assert split is not None
    rota = rotas_of(ctx, split)[0]
    assert rota is not None
    return rota, split


def test_the_rota_of_a_template_team() -> None:
    rota, split = the_rota("hard")
    # E then L is forbidden, L (ends 22 h) then E (06 h) leaves 8 h of the 11 h of rest
    assert all(f.tolist() == [[True, False], [False, True]] for f in rota.follows)
    assert (rota.longest, rota.shortest, rota.least_off) == (3, 2, 2)
    assert rota.weekend.tolist() == [-1, 0, 1, -1, -1, -1, -1] and rota.weekends == 0
    assert rota.after_weekend_day.tolist() == [False, False, True] + [False] * 4
    assert rota.most.tolist() == [-1, 1] and rota.units.tolist() == [1, 1]
    assert rota.hours.tolist() == [INF, INF] + [0] * 6  # at least 2 shifts of 8 h
    # every shift pays 100: Friday (its run touches the first day), the weekend off (2 days
    # off), then 3 of the 4 weekdays in a row: -400, as CP-SAT finds
    prices = split.cost[split.blocks[0].variables]  # the rules' costs, at no duals
    prices[rota.every] -= 100
    exact = price(split.blocks[0], prices, seed=0, work=10, seconds=30)
    assert cheapest_rota(rota, prices).value == -400 and near(exact.priced, -400)
    # soft rules: the program leaves out the costs of runs, weekends, rest and the template's
    # maximum (a relaxation: every day worked, -700) and keeps the hours' (10 a minute short)
    soft, split = the_rota("soft")
    assert all(f.all() for f in soft.follows) and soft.most.tolist() == [-1, -1]
    assert (soft.longest, soft.shortest, soft.least_off, soft.weekends) == (0, 0, 0, -1)
    assert soft.hours.tolist() == [9600, 4800] + [0] * 6
    prices = split.cost[split.blocks[0].variables]
    prices[soft.every] -= 100
    exact = price(split.blocks[0], prices, seed=0, work=10, seconds=30)
    assert cheapest_rota(soft, prices).value == -700 < exact.priced


TEMPLATES = (ShiftTemplate(id="E", start=time(6), paid_minutes=480),
             ShiftTemplate(id="L", start=time(14), paid_minutes=360),
             ShiftTemplate(id="N", start=time(22), paid_minutes=600),
             ShiftTemplate(id="D", start=time(9), paid_minutes=240))


@st.composite
def teams(draw: st.DrawFn) -> Problem:
    days = draw(st.integers(5, 10))
    start = date(2024, 1, draw(st.sampled_from([1, 5])))  # a Monday or a Friday
    templates = draw(st.lists(st.sampled_from(TEMPLATES), min_size=1, max_size=3,
                              unique_by=lambda t: t.id))
    ids = [t.id for t in templates]
    names = [f"a{i}" for i in range(draw(st.integers(2, 3)))]

    def maybe(values: st.SearchStrategy[int]) -> int | None:
        return draw(st.none() | values)

    agents = []
    for name in names:
        low, high = draw(st.sampled_from([0, 480, 960, 1440])), maybe(st.sampled_from(
            [960, 1440, 2400, 3600]))
        most = maybe(st.integers(1, 4))
        agents.append(Agent(id=name, contract=Contract(
            min_minutes=low if high is None else min(low, high), max_minutes=high,
            period="horizon", max_shifts=draw(st.dictionaries(st.sampled_from(ids),
                                                              st.integers(0, 4))),
            max_consecutive_days=most,
            min_consecutive_days=maybe(st.integers(1, most or 3)),
            min_consecutive_days_off=maybe(st.integers(1, 3)),
            max_weekends=maybe(st.integers(0, 2)))))
    midnight = datetime.combine(start, time(0), tzinfo=UTC)
    time_off = tuple(TimeOff(agent=a, start=midnight + timedelta(days=d),
                             end=midnight + timedelta(days=d + 1), status=status)
                     for a, d, status in draw(st.lists(st.tuples(
                         st.sampled_from(names), st.integers(0, days - 1),
                         st.sampled_from(["approved", "pending"])), max_size=3)))
    requests = tuple(ShiftRequest(agent=a, day=d, template=t, on=on, weight=w)
                     for a, d, t, on, w in draw(st.lists(st.tuples(
                         st.sampled_from(names), st.integers(0, days - 1),
                         st.none() | st.sampled_from(ids), st.booleans(), st.integers(1, 5)),
                         max_size=6, unique_by=lambda r: r[:3])))
    cover = tuple(ShiftCover(day=d, template=t, required=r, under_weight=u, over_weight=o)
                  for d, t, r, u, o in draw(st.lists(st.tuples(
                      st.integers(0, days - 1), st.sampled_from(ids), st.integers(0, 2),
                      st.integers(0, 10), st.integers(0, 5)), max_size=8,
                      unique_by=lambda r: r[:2])))
    # mostly hard or off rules (the program's value is exact), some teams with soft ones too
    levels = draw(st.sampled_from([("hard", "off")] * 3 + [("hard", "soft", "off")]))

    def level() -> str:
        return draw(st.sampled_from(levels))

    rules = RuleSettings(
        contract=ContractSettings(level=level(), max_days_per_week=None),
        rest=RestSettings(level=level(), min_rest_hours=draw(st.sampled_from([0, 11])),
                          forbidden_successions=tuple(draw(st.lists(st.tuples(
                              st.sampled_from(ids), st.sampled_from(ids)), unique=True,
                              max_size=3)))),
        consecutive=ConsecutiveSettings(level=level(), max_days=draw(st.sampled_from([None, 6]))),
        weekends=WeekendSettings(level=level(), max_weekends=maybe(st.integers(0, 2))),
        fairness=FairnessSettings(level="off"), stability=StabilitySettings(level="off"))
    return Problem(team="random", time_zone="UTC", start=start, days=days, interval_minutes=60,
                   templates=tuple(templates), agents=tuple(agents), time_off=time_off,
                   requests=requests, shift_cover=cover, rules=rules)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(teams(), st.integers(0, 2**31))
def test_the_program_prices_a_block_as_cpsat_does(problem: Problem, seed: int) -> None:
    ctx, split, prices, pricer = priced_team(problem, seed, mean=0, spread=20)
    rules = problem.rules
    known = "soft" not in (rules.contract.level, rules.rest.level, rules.consecutive.level,
                           rules.weekends.level)  # soft costs are left out
    for i, (block, rota) in enumerate(zip(split.blocks, rotas_of(ctx, split), strict=True)):
        assert rota is not None  # template teams have nothing the program cannot price
        mine = prices[block.variables]
        exact = price(block, mine, seed=0, work=10, seconds=30)
        found = cheapest_rota(rota, mine)
        # a relaxation: never above CP-SAT's bound (infinite when the block has no schedule;
        # less CP-SAT's rounding of the prices, about 1e-6), nor above its schedule's cost
        assert found.value <= exact.bound + 1e-4 * max(1.0, abs(exact.bound))
        assert found.value <= exact.priced + 1e-6 * max(1.0, abs(exact.priced))
        if exact.values is None:
            assert math.isinf(found.value) or not known
            continue
        proven = exact.priced - exact.bound <= 1e-4 * max(1.0, abs(exact.priced))
        if known and proven:
            assert near(found.value, exact.priced)
        column = pricer.price(i, mine, seed=0, work=10, seconds=30)
        assert column.values is not None and block_holds(block, column.values)
        assert near(column.priced, exact.priced) and column.bound <= exact.priced + 1e-6
        if known:  # the program's rota, completed into the block, costs what it said
            assert column.counted and near(float(mine @ column.values), found.value)


def test_a_curtois_instance() -> None:
    # Instance 3: 14 days, 3 templates with forbidden successions and at most 5 L shifts for
    # some agents; with these duals some agents' program counts L
    problem = to_problem(read_instance(CURTOIS / "Instance3.txt"))
    ctx = build(problem, requirements(problem))
    split = cut(ctx)
    assert split is not None
    rotas = rotas_of(ctx, split)
    assert all(rota is not None for rota in rotas)
    for seed in range(3):
        rng = np.random.default_rng(seed)
        prices = reduced_prices(split, rng.normal(0, 50, len(split.low)))
        for block, rota in zip(split.blocks, rotas, strict=True):
            assert rota is not None
            mine = prices[block.variables]
            exact = price(block, mine, seed=0, work=10, seconds=30)
            assert exact.values is not None
            assert near(cheapest_rota(rota, mine).value, exact.priced)
    assert any(rota is not None and rota.counted for rota in rotas)


def test_column_generation_by_rota_reaches_cpsats_bound(monkeypatch: pytest.MonkeyPatch) -> None:
    # Curtois 4 (10 agents, 28 days): column generation converges on 1,716, the proven
    # optimum, whether CP-SAT or the program prices the agents; the program prices every
    # agent itself (no pricing falls back on CP-SAT)
    problem = to_problem(read_instance(CURTOIS / "Instance4.txt"))
    ctx = build(problem, requirements(problem))

    def bound(by_days: bool) -> float:
        found = generate(ctx, seed=0, work=100, deadline=perf_counter() + 120, workers=1,
                         pick_roster=False, by_days=by_days, incremental=True)
        assert found is not None
        return found.bound

    assert bound(False) == 1716
    fallbacks: list[int] = []
    cpsat = columns.price
    monkeypatch.setattr(columns, "price", lambda *a, **k: fallbacks.append(1) or cpsat(*a, **k))
    assert bound(True) == 1716 and not fallbacks
