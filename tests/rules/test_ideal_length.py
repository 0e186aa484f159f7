"""Ideal length: a flexible shift costs its weight per interval away from the ideal."""

from __future__ import annotations

from scheduler.constraints.ideal_length import IdealLengthRule
from scheduler.domain import Agent, Roster, Shift

from .flexible import cover, flex, rules, team
from .helpers import evaluate, solved

RULE = IdealLengthRule()


def ana(weight: int, own: float | None = None):
    """Ana available 08-14; 2-6 h shifts, ideal 4 h; one agent wanted 08-14 at 2 an interval."""
    person = Agent(id="ana", ideal_minutes=None if own is None else round(own * 60))
    return team(flexible=flex(2, 6, ideal=4, weight=weight), agents=(person,),
                coverage=(cover(8, 14, 1, least_weight=2),),
                settings=rules(headcount={"level": "soft"}, ideal_length={"level": "soft"}),
                ana=[(8, 14, "preferred")])


def length(found: Roster) -> int:
    prob_shift = found.shifts[0]
    return int(prob_shift.template.rsplit("-", 1)[1][:2])


def test_shortage_against_distance_from_ideal():
    # weight 3: 4 h = 4 intervals short at 2 = 8; 5 h: 2 away (6) + 2 short (4) = 10; 6 h: 12
    assert length(solved(ana(3), 8)) == 4
    # weight 1: 6 h = 4 away = 4; 5 h: 2 + 4 = 6; 4 h: 8
    assert length(solved(ana(1), 4)) == 6


def test_the_agents_own_ideal_wins():
    # Ana's own ideal is 6 h: a 6 h shift costs nothing
    assert length(solved(ana(3, own=6), 0)) == 6


def test_evaluate_counts_intervals_away():
    prob = ana(3)
    found = evaluate(RULE, Roster(shifts=(Shift(agent="ana", day=0, template="F-0800-0200"),)),
                          prob)
    assert [v.penalty for v in found] == [12]  # 2 h short of 4 h: 4 intervals at 3
