"""Preference levels: each interval on duty costs its level's cost; unavailable is hard."""

from __future__ import annotations

from scheduler.constraints.levels import PreferenceLevelRule
from scheduler.domain import Roster, Shift

from .flexible import cover, flex, rules, team
from .helpers import evaluate, solved

RULE = PreferenceLevelRule()


def ana(short_weight: int, level: str = "hard", **others):
    """Ana: preferred 08-10, if needed (5 an interval) 10-12; 2-4 h shifts; one agent wanted
    08-12 at ``short_weight`` per interval short."""
    return team(flexible=flex(2, 4), coverage=(cover(8, 12, 1, least_weight=short_weight),),
                settings=rules(headcount={"level": "soft"},
                               preference_levels={"level": level, "weight": 7}),
                ana=[(8, 10, "preferred"), (10, 12, "if needed")], **others)


def shift(template: str) -> Roster:
    return Roster(shifts=(Shift(agent="ana", day=0, template=template),))


def test_if_needed_hours_are_worked_only_when_shortage_costs_more():
    # 08-10 only: 4 intervals short at 4 = 16; 08-12: 4 if-needed intervals at 5 = 20
    assert set(solved(ana(4), 16).shifts) == set(shift("F-0800-0200").shifts)
    # at 6 an interval short, 08-12 (20) beats 08-10 (24)
    assert set(solved(ana(6), 20).shifts) == set(shift("F-0800-0400").shifts)


def test_evaluate_prices_each_interval_by_level():
    prob = ana(4)
    found = evaluate(RULE, shift("F-0900-0300"), prob)  # 2 preferred + 4 if needed
    assert [(v.penalty, v.hard) for v in found] == [(20, False)]
    assert evaluate(RULE, shift("F-0800-0200"), prob) == []


def test_unavailable_intervals_are_hard_or_cost_weight():
    # F-1100-0200 (Bob's candidate) runs to 13:00: two intervals past Ana's availability
    outside = shift("F-1100-0200")
    bob = [(11, 13, "available")]
    hard = evaluate(RULE, outside, ana(4, bob=bob))
    assert [(v.penalty, v.hard) for v in hard] == [(10, False), (0, True)]
    soft = evaluate(RULE, outside, ana(4, "soft", bob=bob))
    assert [v.penalty for v in soft] == [10, 14]
