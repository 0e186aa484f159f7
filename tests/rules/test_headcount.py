"""Coverage by headcount: minimum and maximum agents on duty, hard or soft."""

from __future__ import annotations

from scheduler.constraints.headcount import HeadcountRule
from scheduler.domain import Agent, Queue, Roster, Shift

from .flexible import cover, flex, rules, team
from .helpers import evaluate, solved

RULE = HeadcountRule()
FOUR = flex(4, 4, first=8, last=12)  # one candidate each: F-0800-0400 (8 intervals)


def pair(*rows, agents=()):
    return team(flexible=FOUR, coverage=rows, settings=rules(headcount={"level": "soft"}),
                agents=agents, queues=(Queue(id="chat", channel="chat"),),
                ana=[(8, 12, "preferred")], bob=[(8, 12, "preferred")])


def works(*agents: str) -> Roster:
    return Roster(shifts=tuple(Shift(agent=a, day=0, template="F-0800-0400") for a in agents))


def test_hard_cap_leaves_a_soft_minimum_short():
    # at most 1 (hard), at least 2 (10 per agent-interval): one works, 8 intervals short by 1
    prob = pair(cover(8, 12, 2, least_weight=10), cover(8, 12, 0, 1))
    assert len(solved(prob, 80).shifts) == 1


def test_soft_cap_is_paid_when_cheaper_than_shortage():
    # both work: 8 intervals one over the cap at 3 each, instead of 80 short
    prob = pair(cover(8, 12, 2, least_weight=10), cover(8, 12, 0, 1, most_weight=3))
    assert set(solved(prob, 24).shifts) == set(works("ana", "bob").shifts)


def test_evaluate_reports_short_and_over_per_interval():
    prob = pair(cover(8, 9, 1, 1, least_weight=10, most_weight=3))
    assert [v.penalty for v in evaluate(RULE, works(), prob)] == [10, 10]
    assert [v.penalty for v in evaluate(RULE, works("ana", "bob"), prob)] == [3, 3]
    assert evaluate(RULE, works("ana"), prob) == []


def test_hard_minimum_is_a_hard_violation_the_solver_avoids():
    prob = pair(cover(8, 9, 1))
    assert [v.hard for v in evaluate(RULE, works(), prob)] == [True, True]
    assert len(solved(prob, 0).shifts) >= 1


def test_queue_rows_count_only_agents_with_the_skill():
    prob = pair(cover(8, 9, 1, queue="chat", least_weight=5),
                agents=(Agent(id="ana", skills=("chat",)), Agent(id="bob")))
    found = evaluate(RULE, works("bob"), prob)
    assert [(v.penalty, v.interval) for v in found] == [(5, 16), (5, 17)]
    assert evaluate(RULE, works("ana"), prob) == []
    assert works("ana").shifts[0] in solved(prob, 0).shifts
