"""Coverage: interval needs per queue (Hall's condition over skills) and headcount rows."""

from __future__ import annotations

from datetime import time

import pytest

from scheduler.constraints.coverage import CoverageRule
from scheduler.domain import Queue, ShiftCover, ShiftTemplate
from scheduler.settings import CoverageSettings
from scheduler.staffing import headcounts

from .helpers import (
    agent,
    evaluate,
    label,
    one,
    only,
    pattern,
    problem,
    roster,
    same,
    shifts,
    solved,
)

RULE = CoverageRule()
M = ShiftTemplate(id="M", start=time(8), paid_minutes=60)  # on duty in interval 8 only
MM = ShiftTemplate(id="M", start=time(8), paid_minutes=120)  # intervals 8 and 9
SOFT = CoverageSettings(level="soft", weight=100, over_weight=7)


def two_queues(priority_a: int, priority_b: int, template=M, **rules):
    """Ann serves A; Bob serves A and B; one day of hour-long intervals."""
    queues = (Queue(id="A", channel="phone", priority=priority_a),
              Queue(id="B", channel="phone", priority=priority_b))
    return problem(agent("ann", skills=("A",)), agent("bob", skills=("A", "B")), days=1,
                   rules=only(coverage=rules.get("coverage", SOFT)), interval_minutes=60,
                   queues=queues, templates=(template,))


@pytest.mark.parametrize(("priority_a", "priority_b", "short_queue"), [(2, 5, "A"), (5, 2, "B")])
def test_halls_condition_and_priorities_choose_the_short_queue(priority_a, priority_b,
                                                              short_queue):
    # Interval 8 needs A=2, B=1; on duty Ann {A} and Bob {A, B}: two agents for three places.
    # Each queue alone has enough able agents, but together one place stays empty. Bob serves
    # the queue with the higher priority, so the other queue (priority 2) is short by 1:
    # 100 × 2 = 200.
    prob, needs = two_queues(priority_a, priority_b), headcounts({8: {"A": 2, "B": 1}})
    found = one(evaluate(RULE, roster(ann="M", bob="M"), prob, needs))
    assert (found.penalty, found.hard, found.interval) == (200, False, 8)
    assert f"coverage {short_queue} Mon 08:00–09:00 short by 1" == found.message
    # Nobody on duty: A short by 2 (2 × 100 × pA) and B by 1 (100 × pB).
    empty = evaluate(RULE, roster(), prob, needs)
    assert sum(v.penalty for v in empty) == 100 * (2 * priority_a + priority_b)
    # The solver puts both on duty and reaches the same 200.
    assert same(solved(prob, 200, needs), ann="M", bob="M")


def test_over_staffing_costs_over_weight_per_agent_interval():
    # Intervals 8 and 9 of the two-hour shift: need A=1 then A=2. Both must work to staff
    # interval 9 (else 100 short), so interval 8 has one agent too many: 7.
    prob, needs = two_queues(1, 1, template=MM), headcounts({8: {"A": 1}, 9: {"A": 2}})
    found = one(evaluate(RULE, roster(ann="M", bob="M"), prob, needs))
    assert (found.penalty, found.hard) == (7, False)
    assert "1 agent-intervals on duty beyond the need" in found.message
    assert same(solved(prob, 7, needs), ann="M", bob="M")


def test_need_in_a_gap_of_duty_stays_short_in_one_finding_per_run():
    # Need A=1 at 03:00-05:00 (no shift covers it) and at 08:00. Ann on M covers 08:00; the run
    # 03:00-05:00 is one finding short by 1 for two intervals: 2 × 100.
    prob, needs = two_queues(1, 1), headcounts({3: {"A": 1}, 4: {"A": 1}, 8: {"A": 1}})
    found = one(evaluate(RULE, roster(ann="M"), prob, needs))
    assert (found.penalty, found.interval) == (200, 3)
    assert found.message == "coverage A Mon 03:00–05:00 short by 1"
    found = solved(prob, 200, needs)
    assert pattern(found, "ann", 1) + pattern(found, "bob", 1) in ("M-", "-M")


def test_hard_coverage_is_a_violation_and_the_solver_staffs_it():
    hard = CoverageSettings(level="hard", over_weight=7)
    prob, needs = two_queues(1, 1, coverage=hard), headcounts({8: {"B": 1}})
    found = one(evaluate(RULE, roster(ann="M"), prob, needs))  # Ann cannot serve B
    assert (found.hard, found.penalty) == (True, 0)
    assert "coverage B" in found.message
    # Only Bob can serve B; Ann on duty as well would cost 7 over.
    assert same(solved(prob, 0, needs), bob="M")


HEADCOUNT_ROWS = (ShiftCover(day=0, template="E", required=2, under_weight=30, over_weight=4),
                  ShiftCover(day=1, template="L", required=4, under_weight=30, over_weight=4))


def headcount(level: str = "soft", rows=HEADCOUNT_ROWS, **fields):
    return problem("ann", "bob", "cid", days=2, shift_cover=rows,
                   rules=only(coverage=CoverageSettings(level=level)), **fields)


def test_headcount_under_and_over_evaluated_per_row():
    prob = headcount()
    # Day 0 E: 3 of 2 → 1 over × 4; day 1 L: 1 of 4 → 3 short × 30.
    over, short = evaluate(RULE, roster(ann="EL", bob="E-", cid="E-"), prob)
    assert (over.penalty, over.day, over.hard) == (4, 0, False)
    assert over.message == f"E on {label(prob, 0)}: 3 agents, 2 needed"
    assert (short.penalty, short.day, short.hard) == (90, 1, False)
    assert short.message == f"L on {label(prob, 1)}: 1 of 4 agents"


def test_headcount_solver_pays_for_locked_extra_and_the_missing_fourth():
    # Locked: all three on E on day 0 (1 over: 4). Day 1 L needs 4 of 3 agents: 1 short: 30.
    prob = headcount(locked=shifts(ann="E", bob="E", cid="E"))
    assert same(solved(prob, 34), ann="EL", bob="EL", cid="EL")


def test_headcount_hard_rows():
    rows = (ShiftCover(day=0, template="E", required=2, under_weight=30, over_weight=4),)
    prob = headcount("hard", rows)
    found = one(evaluate(RULE, roster(ann="E"), prob))
    assert (found.hard, found.penalty, found.day) == (True, 0, 0)
    found_roster = solved(prob, 0)
    assert sum(s.template == "E" and s.day == 0 for s in found_roster.shifts) == 2


def test_headcount_counts_only_the_rows_template():
    # One agent on E is needed on day 0; Ann on L does not count: 1 short × 30.
    prob = headcount(rows=(ShiftCover(day=0, template="E", required=1, under_weight=30),))
    assert one(evaluate(RULE, roster(ann="L"), prob)).penalty == 30


def test_need_outside_the_horizon_is_ignored_by_solver_and_check_alike():
    # A one-day horizon has intervals 0-23; a need at interval 30 (a forecast row past the
    # horizon) cannot be staffed by this roster and must not count on either side.
    prob, needs = two_queues(1, 1), headcounts({8: {"A": 1}, 30: {"A": 1}})
    assert evaluate(RULE, roster(ann="M"), prob, needs) == []
    solved(prob, 0, needs)
