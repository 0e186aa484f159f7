"""Fairness: spread (most − least) of weekends, late shifts and share of contract hours."""

from __future__ import annotations

from scheduler.constraints.fairness import FairnessRule
from scheduler.settings import FairnessSettings, PreferenceSettings

from .helpers import agent, evaluate, one, only, problem, roster, solved, wants

RULE = FairnessRule()
SOFT = FairnessSettings(weekend_weight=5, late_weight=2, late_templates=("L",), hours_weight=1)
HARD = SOFT.model_copy(update={"level": "hard"})


def case(*agents, days: int, settings: FairnessSettings = SOFT, requests=()):
    agents = agents or ("ana", "ben")
    return problem(*agents, days=days, requests=requests,
                   rules=only(fairness=settings, preferences=PreferenceSettings()))


def test_weekend_spread():
    # One weekend (days 5-6): Ana works it, Ben does not: spread 1 × 5.
    found = one(evaluate(RULE, roster(ana="-----E-"), case(days=7)))
    assert (found.penalty, found.hard) == (5, False)
    assert found.message == "weekends: Ana has 1, Ben 0"
    assert evaluate(RULE, roster(ana="-----E-", ben="------E"), case(days=7)) == []
    # Hard allows a spread of 1, not 2.
    assert evaluate(RULE, roster(ana="-----E-"), case(days=14, settings=HARD)) == []
    assert one(evaluate(RULE, roster(ana="-----E------E-"), case(days=14, settings=HARD))).hard


def test_solver_weekend_spread():
    # Ana asks for Saturday (10); Ben asks to be off all weekend (7 a day): Ana works, spread 5.
    requests = wants("ana", 5, weight=10) + wants("ben", 5, 6, weight=7, on=False)
    found = solved(case(days=7, requests=requests), 5)
    assert ("ana", 5) in found.by_agent_day
    assert not {("ben", 5), ("ben", 6)} & found.by_agent_day.keys()
    # Hard, two weekends: Ana wants both (10 each), Ben breaks one off-request (1) for spread 1.
    requests = wants("ana", 5, 12, weight=10) + wants("ben", 5, 6, 12, 13, on=False)
    found = solved(case(days=14, settings=HARD, requests=requests), 1)
    assert {("ana", 5), ("ana", 12)} <= found.by_agent_day.keys()


def test_late_spread():
    # Ana 3 late shifts, Ben 1: spread 2 × 2. E shifts do not count.
    found = one(evaluate(RULE, roster(ana="LLL", ben="LEE"), case(days=3)))
    assert (found.penalty, found.message) == (4, "late shifts: Ana has 3, Ben 1")
    # Ana asks for L every day (10); Ben asks to be off (3 a day), each of his L would save 2.
    requests = wants("ana", 0, 1, 2, template="L", weight=10) + \
        wants("ben", 0, 1, 2, weight=3, on=False)
    found_roster = solved(case(days=3, requests=requests), 6)
    assert {s.agent for s in found_roster.shifts} == {"ana"}


def test_hours_share_spread_in_whole_percent():
    # Targets: Ana 16 h, Ben 24 h over the horizon. Ana 16 h = 100 %, Ben 8 h = 33 % (floored).
    team = (agent("ana", max_minutes=960, period="horizon"),
            agent("ben", max_minutes=1440, period="horizon"))
    found = one(evaluate(RULE, roster(ana="EE", ben="E-"), case(*team, days=2)))
    assert (found.penalty, found.message) == (67, "share of contract hours: Ana has 100%, Ben 33%")


def test_solver_hours_share():
    # Both 16 h. Ana works both days (asks 100 each). Ben asks to be off day 0 (30): working
    # both days costs 30 for spread 0; one day costs spread 50; none costs 100.
    team = (agent("ana", max_minutes=960, period="horizon"),
            agent("ben", max_minutes=960, period="horizon"))
    requests = wants("ana", 0, 1, weight=100) + wants("ben", 0, weight=30, on=False)
    assert len(solved(case(*team, days=2, requests=requests), 30).shifts) == 4
