"""Contract: paid minutes per week or horizon, days per week, shifts per template."""

from __future__ import annotations

import pytest

from scheduler.constraints.contract import ContractRule
from scheduler.settings import ContractSettings, PreferenceSettings

from .helpers import agent, evaluate, label, one, only, problem, roster, solved, wants

RULE = ContractRule()
HARD = ContractSettings()
WANTS = PreferenceSettings()
TWO_SHIFTS = {"min_minutes": 960, "max_minutes": 960, "period": "horizon"}  # E and L: 480 each


def case(days: int, settings: ContractSettings = HARD, requests=(), **contract):
    return problem(agent("ana", **contract), days=days, requests=requests,
                   rules=only(contract=settings, preferences=WANTS))


@pytest.mark.parametrize(("worked", "hours", "minutes_off"), [("E--", 8, 480), ("EEL", 24, 480)])
def test_minutes_over_the_horizon(worked, hours, minutes_off):
    # Exactly 16 h over three days: one shift is 480 minutes short, three are 480 over.
    found = one(evaluate(RULE, roster(ana=worked), case(3, **TWO_SHIFTS)))
    assert (found.hard, found.penalty, found.agent, found.day) == (True, 0, "ana", 0)
    assert found.message == f"Ana: {hours} h, contract says 16–16 h in the horizon"
    soft = one(evaluate(RULE, roster(ana=worked), case(3, ContractSettings(level="soft", weight=2),
                                                      **TWO_SHIFTS)))
    assert (soft.hard, soft.penalty) == (False, 2 * minutes_off)  # weight per minute outside
    assert evaluate(RULE, roster(ana="EL-"), case(3, **TWO_SHIFTS)) == []


def test_solver_meets_horizon_minutes():
    # Ana asks for all three days (1 each) but may work only two: one request unmet.
    found = solved(case(3, requests=wants("ana", 0, 1, 2), **TWO_SHIFTS), 1)
    assert len(found.shifts) == 2


def test_soft_minutes_the_solver_cannot_reach():
    # One day, at least 16 h: one shift still leaves 480 minutes short, at 1 per minute.
    found = solved(case(1, ContractSettings(level="soft", weight=1), **TWO_SHIFTS), 480)
    assert len(found.shifts) == 1


WEEKLY = {"min_minutes": 2400, "max_minutes": 2400}  # 40 h a week = five shifts


def test_minutes_per_week_with_a_short_last_week():
    # Eight days: week 1 is days 0-6 (40 h), week 2 only day 7: at least int(2400/7) = 342 min.
    prob = case(8, ContractSettings(level="soft", weight=1), **WEEKLY)
    four = one(evaluate(RULE, roster(ana="EEEE---E"), prob))
    assert (four.penalty, four.day) == (480, 0)
    assert f"week of {label(prob, 0)}" in four.message
    none_in_week_two = one(evaluate(RULE, roster(ana="EEEEE---"), prob))
    assert (none_in_week_two.penalty, none_in_week_two.day) == (342, 7)


def test_solver_meets_weekly_minutes():
    found = solved(case(8, **WEEKLY), 0)
    assert sum(s.day < 7 for s in found.shifts) == 5
    assert ("ana", 7) in found.by_agent_day


def test_days_per_week_team_limit_and_contract_override():
    soft = ContractSettings(level="soft", weight=2, max_days_per_week=2)
    found = one(evaluate(RULE, roster(ana="EEE-"), case(4, soft)))
    assert (found.penalty, found.day) == (2 * 60, 0)  # a day over costs weight × 60
    assert "at most 2 days" in found.message
    assert evaluate(RULE, roster(ana="EEE-"), case(4, soft, max_days_per_week=3)) == []
    # Hard, two days a week: two of four requests unmet.
    hard = ContractSettings(max_days_per_week=2)
    assert len(solved(case(4, hard, requests=wants("ana", 0, 1, 2, 3)), 2).shifts) == 2


def test_shifts_per_template():
    soft = ContractSettings(level="soft", weight=1)
    found = one(evaluate(RULE, roster(ana="LLE"), case(3, soft, max_shifts={"L": 1})))
    assert (found.penalty, found.hard) == (60, False)
    assert "at most 1 L shifts" in found.message
    # Hard: Ana asks for L each day (1 each), may have one.
    late = wants("ana", 0, 1, 2, template="L")
    found_roster = solved(case(3, requests=late, max_shifts={"L": 1}), 2)
    assert [s.template for s in found_roster.shifts].count("L") == 1
    # Soft at 60 per extra L against requests of 100: three L cost 2 × 60 = 120, which beats
    # two L (60 + 100) and one L (200).
    late = wants("ana", 0, 1, 2, template="L", weight=100)
    found_roster = solved(case(3, soft, requests=late, max_shifts={"L": 1}), 120)
    assert [s.template for s in found_roster.shifts] == ["L", "L", "L"]
