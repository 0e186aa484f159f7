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


def mentored(level: str = "hard", weight: int = 7, per_day: int = 1):
    """Lea and Kim onboarding 10-14 (4 h shifts), mentored by Max or Ana; Max may work 08-12
    or 10-14, Ana 10-14; one agent wanted 10-14, hard at most two on duty."""
    return team(flexible=flex(4, 4, first=8, last=14),
                coverage=(cover(10, 14, 1, 4, least_weight=10),),
                settings=rules(headcount={"level": "soft"}, preference_levels={"level": "hard"},
                               pairing={"level": level, "weight": weight, "whole_shift": True,
                                        "per_mentor_day": per_day}),
                onboarding=(Onboarding(agent="lea", mentors=("max", "ana")),
                            Onboarding(agent="kim", mentors=("max",))),
                lea=[(10, 14, "preferred")], kim=[(10, 14, "preferred", 1)],
                max=[(8, 14, "available")], ana=[(10, 14, "if needed")], days=2)


def at(agent: str, start: int, day: int = 0) -> Shift:
    return Shift(agent=agent, day=day, template=f"F-{start:02d}00-0400")


def test_a_mentor_on_duty_for_part_of_the_shift_does_not_mentor_it():
    prob = mentored("soft", 7)
    # Max 08-12 overlaps Lea 10-14 only in part: her shift has no whole-shift mentor
    part = evaluate(RULE, Roster(shifts=(at("lea", 10), at("max", 8))), prob)
    whole = [v for v in part if "whole shift" in v.message]
    assert [(v.agent, v.day, v.penalty) for v in whole] == [("lea", 0, 7)]
    assert evaluate(RULE, Roster(shifts=(at("lea", 10), at("max", 10))), prob) == []


def test_one_onboarding_shift_per_mentor_and_day():
    # Lea on day 0 and Kim on day 1 may share Max; on one day Max takes only one of them
    prob = mentored("soft", 7)
    both_days = Roster(shifts=(at("lea", 10), at("max", 10), at("kim", 10, 1), at("max", 10, 1)))
    assert evaluate(RULE, both_days, prob) == []
    # Lea has Ana as a second mentor: the matching gives Max to Kim's shift... on another day
    assert evaluate(RULE, Roster(shifts=(at("lea", 10), at("ana", 10))), prob) == []


def test_the_matching_uses_the_second_mentor_when_the_first_is_taken():
    # both onboarding on one day (Kim's availability moved to day 0 through a wider team)
    prob = team(flexible=flex(4, 4, first=8, last=14), settings=rules(
                    pairing={"level": "soft", "weight": 7, "whole_shift": True}),
                onboarding=(Onboarding(agent="lea", mentors=("max", "ana")),
                            Onboarding(agent="kim", mentors=("max",))),
                lea=[(10, 14, "preferred")], kim=[(10, 14, "preferred")],
                max=[(10, 14, "preferred")], ana=[(10, 14, "preferred")])
    crowded = Roster(shifts=(at("lea", 10), at("kim", 10), at("max", 10), at("ana", 10)))
    whole = [v for v in evaluate(RULE, crowded, prob) if "whole shift" in v.message]
    assert whole == []  # Kim gets Max, Lea gets Ana (only the crowding is paid)
    without_ana = Roster(shifts=(at("lea", 10), at("kim", 10), at("max", 10)))
    whole = [v for v in evaluate(RULE, without_ana, prob) if "whole shift" in v.message]
    assert len(whole) == 1  # Max takes one of them; the other is left


def test_hard_whole_shift_mentoring_brings_a_covering_mentor():
    # one agent wanted 10-14 on day 0 (10 a half-hour short): Max 10-14 costs 8 half-hours
    # at 1 (available), Lea nothing but only under a mentor for her whole shift: optimum 8
    found = solved(mentored(), 8)
    lea = [s for s in found.shifts if s.agent == "lea"]
    for shift in lea:
        assert at("max", 10, shift.day) in found.shifts or at("ana", 10, shift.day) in \
            found.shifts
