"""Availability: an agent with windows works only shifts inside one of them."""

from __future__ import annotations

from scheduler.constraints.availability import AvailabilityRule
from scheduler.domain import Agent, Window
from scheduler.settings import AvailabilitySettings, PreferenceSettings

from .helpers import evaluate, label, one, only, problem, roster, same, solved, wants

RULE = AvailabilityRule()
# Monday 06:00-14:00: E fits, L (14-22) does not.
ANA = Agent(id="ana", name="Ana", availability=(Window(weekday=0, start_minute=360,
                                                       end_minute=840),))
# Ana asks for L (5) and for any shift (3).
REQUESTS = wants("ana", 0, template="L", weight=5) + wants("ana", 0, weight=3)


def case(level: str, weight: int = 50):
    return problem(ANA, days=1, requests=REQUESTS,
                   rules=only(availability=AvailabilitySettings(level=level, weight=weight),
                              preferences=PreferenceSettings()))


def test_shift_outside_the_window_is_hard_violation():
    prob = case("hard")
    assert evaluate(RULE, roster(ana="E"), prob) == []
    found = one(evaluate(RULE, roster(ana="L"), prob))
    assert (found.hard, found.penalty, found.agent, found.day) == (True, 0, "ana", 0)
    assert found.message == f"Ana works L on {label(prob, 0)}, outside their availability"


def test_soft_availability_costs_weight_per_shift():
    found = one(evaluate(RULE, roster(ana="L"), case("soft", 50)))
    assert (found.hard, found.penalty) == (False, 50)


def test_solver_keeps_hard_windows():
    # L is out: its request costs 5, E grants "any shift".
    assert same(solved(case("hard"), 5), ana="E")


def test_solver_trades_soft_windows():
    # Outside the window costs 4 < the L request's 5: Ana works L and pays 4.
    assert same(solved(case("soft", 4), 4), ana="L")
    # At 6 it is cheaper to give E and miss the L request (5).
    assert same(solved(case("soft", 6), 5), ana="E")
