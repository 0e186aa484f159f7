"""Pairing: onboarding agents only with a mentor on duty, never two at once."""

from __future__ import annotations

from scheduler.constraints.pairing import PairingRule
from scheduler.domain import Onboarding, Roster, Shift

from .flexible import cover, flex, rules, team
from .helpers import evaluate, solved

RULE = PairingRule()
FOUR = flex(4, 4, first=8, last=12)


def trio(level: str = "hard", weight: int = 3):
    """Lea (onboarding, mentored by Max) and Kim (onboarding, mentored by Max); Max costs 5
    an interval (if needed); one agent wanted 08-12 at 10 an interval short."""
    return team(flexible=FOUR, coverage=(cover(8, 12, 1, least_weight=10),),
                settings=rules(headcount={"level": "soft"}, preference_levels={"level": "hard"},
                               pairing={"level": level, "weight": weight}),
                onboarding=(Onboarding(agent="lea", mentors=("max",)),
                            Onboarding(agent="kim", mentors=("max",))),
                lea=[(8, 12, "preferred")], kim=[(8, 12, "preferred")],
                max=[(8, 12, "if needed")])


def works(*agents: str) -> Roster:
    return Roster(shifts=tuple(Shift(agent=a, day=0, template="F-0800-0400") for a in agents))


def test_hard_pairing_brings_the_mentor():
    # Lea alone would cost 0 but is not allowed; Max alone or Max with Lea: 8 intervals at 5
    found = solved(trio(), 40)
    assert Shift(agent="max", day=0, template="F-0800-0400") in found.shifts
    assert len(found.shifts) <= 2


def test_soft_pairing_is_paid_per_interval():
    # Lea alone: 8 unmentored intervals at 3 = 24 < Max's 40
    found = solved(trio("soft", 3), 24)
    assert len(found.shifts) == 1 and found.shifts[0].agent in ("lea", "kim")


def test_evaluate_finds_unmentored_and_crowded_intervals():
    prob = trio("soft", 3)
    alone = evaluate(RULE, works("lea"), prob)
    assert [(v.agent, v.penalty) for v in alone] == [("lea", 3)] * 8
    crowded = evaluate(RULE, works("lea", "kim", "max"), prob)
    assert [v.penalty for v in crowded] == [3] * 8
    assert evaluate(RULE, works("lea", "max"), prob) == []
