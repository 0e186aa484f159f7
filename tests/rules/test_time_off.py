"""Time off: approved (hard) and pending (soft) requests, whole days and part of a day."""

from __future__ import annotations

from scheduler.check import check
from scheduler.constraints.time_off import TimeOffRule
from scheduler.domain import TimeOff
from scheduler.settings import PreferenceSettings, TimeOffSettings
from scheduler.staffing import requirements

from .helpers import at, evaluate, one, only, problem, roster, same, solved, time_off, wants

RULE = TimeOffRule()
DEFAULT = TimeOffSettings()  # approved hard, pending soft at 20
WANTS = PreferenceSettings()  # shift requests make working worth something


def test_approved_time_off_is_a_hard_violation():
    prob = problem("ana", days=3, time_off=(time_off("ana", 1, 1),),
                   rules=only(time_off=DEFAULT))
    found = one(evaluate(RULE, roster(ana="EEE"), prob))
    assert (found.hard, found.penalty, found.agent, found.day) == (True, 0, "ana", 1)
    assert found.message.startswith("Ana works E during approved time off Tue 02 Jan")


def test_solver_never_schedules_approved_time_off():
    # Ana asks to work all three days (1 each); day 1 is approved off: one request unmet = 1.
    prob = problem("ana", days=3, time_off=(time_off("ana", 1, 1),), requests=wants("ana", 0, 1, 2),
                   rules=only(time_off=DEFAULT, preferences=WANTS))
    assert {s.day for s in solved(prob, 1).shifts} == {0, 2}


def test_pending_time_off_costs_pending_weight_per_clashing_shift():
    prob = problem("ana", days=3, time_off=(time_off("ana", 1, 2, "pending"),),
                   rules=only(time_off=DEFAULT))
    found = evaluate(RULE, roster(ana="ELL"), prob)  # days 1 and 2 clash: 2 × 20
    assert [(v.penalty, v.hard, v.day) for v in found] == [(20, False, 1), (20, False, 2)]
    assert "Ana works L during pending time off" in found[0].message


def test_solver_breaks_pending_time_off_only_when_worth_it():
    # Day 1 pending off (20): a request of 30 to work day 1 wins, one of 10 on day 2 does not.
    requests = wants("ana", 1, weight=30) + wants("ana", 2, weight=10)
    prob = problem("ana", days=3, time_off=(time_off("ana", 1, 2, "pending"),), requests=requests,
                   rules=only(time_off=DEFAULT, preferences=WANTS))
    days = {s.day for s in solved(prob, 20 + 10).shifts}
    assert 1 in days and 2 not in days


def test_partial_day_time_off_overlaps_only_the_late_shift():
    # Off 15:00-18:00 on day 0: inside L (14-22), after E (6-14).
    off = TimeOff(agent="ana", start=at(0, 15), end=at(0, 18))
    prob = problem("ana", days=1, time_off=(off,), rules=only(time_off=DEFAULT, preferences=WANTS),
                   requests=wants("ana", 0, template="L", weight=5) + wants("ana", 0, weight=3))
    assert evaluate(RULE, roster(ana="E"), prob) == []
    assert one(evaluate(RULE, roster(ana="L"), prob)).hard
    # L is impossible (its request costs 5); E still grants "any shift" (3).
    assert same(solved(prob, 5), ana="E")


def test_pending_time_off_counts_when_approved_time_off_is_off():
    # The two levels are separate settings: switching approved time off off must not silence
    # pending requests (the rule used to be inactive as a whole). Day 0 approved (ignored),
    # day 1 pending (20); Ana asks for both days at 5: she works day 0 only and misses 5.
    settings = TimeOffSettings(level="off", pending_level="soft", pending_weight=20)
    prob = problem("ana", days=2, rules=only(time_off=settings, preferences=WANTS),
                   requests=wants("ana", 0, 1, weight=5),
                   time_off=(time_off("ana", 0, 0), time_off("ana", 1, 1, "pending")))
    assert one(evaluate(RULE, roster(ana="EE"), prob)).penalty == 20
    assert check(prob, roster(ana="EE"), requirements(prob)).total_penalty == 20
    assert {s.day for s in solved(prob, 5).shifts} == {0}
