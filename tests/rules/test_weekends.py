"""Weekends: at most so many weekends worked over the horizon."""

from __future__ import annotations

from scheduler.constraints.weekends import WeekendRule
from scheduler.settings import PreferenceSettings, WeekendSettings

from .helpers import agent, evaluate, one, only, problem, roster, solved, wants

RULE = WeekendRule()
# Two weeks from Monday: weekends are days 5-6 and 12-13.
BOTH = "-----E------E-"
ONE_WHOLE = "-----EE-------"
# Ana asks for Saturday of week 1 (3) and Sunday of week 2 (2).
REQUESTS = wants("ana", 5, weight=3) + wants("ana", 13, weight=2)


def case(level: str = "hard", weight: int = 20, team: int | None = 1, own: int | None = None):
    settings = WeekendSettings(level=level, weight=weight, max_weekends=team)
    return problem(agent("ana", max_weekends=own), days=14, requests=REQUESTS,
                   rules=only(weekends=settings, preferences=PreferenceSettings()))


def test_weekends_over_the_limit():
    found = one(evaluate(RULE, roster(ana=BOTH), case()))
    assert (found.hard, found.agent) == (True, "ana")
    assert found.message == "Ana works 2 weekends (at most 1)"
    assert evaluate(RULE, roster(ana=ONE_WHOLE), case()) == []  # Saturday and Sunday: one
    assert evaluate(RULE, roster(ana=BOTH), case(team=None)) == []  # no limit


def test_soft_weekends_cost_weight_per_weekend_over():
    assert one(evaluate(RULE, roster(ana=BOTH), case("soft", 20))).penalty == 20
    assert one(evaluate(RULE, roster(ana=BOTH), case("soft", 20, team=0))).penalty == 40


def test_contract_overrides_the_team_limit():
    assert evaluate(RULE, roster(ana=BOTH), case(team=1, own=2)) == []
    assert one(evaluate(RULE, roster(ana=ONE_WHOLE), case(team=None, own=0))).hard


def test_solver_weekends():
    # Hard: one weekend, so the cheaper request (Sunday 13, 2) goes. Soft at 1 per weekend
    # over: both weekends are worked for 1.
    weekend_days = {5, 6, 12, 13}
    hard = {s.day for s in solved(case(), 2).shifts} & weekend_days
    assert 5 in hard and not hard & {12, 13}
    soft = {s.day for s in solved(case("soft", 1), 1).shifts} & weekend_days
    assert {5, 13} <= soft
