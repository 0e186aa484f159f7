"""Consecutive days: max and min working days in a row, min days off, and the last roster."""

from __future__ import annotations

from scheduler.constraints.consecutive import ConsecutiveRule
from scheduler.settings import ConsecutiveSettings, PreferenceSettings

from .helpers import evaluate, history, label, only, problem, roster, same, solved, wants

RULE = ConsecutiveRule()
WANTS = PreferenceSettings()


def case(days: int, level: str = "hard", weight: int = 20, requests=(), agents=("ana",),
         max_days: int | None = None, min_days: int | None = None,
         min_days_off: int | None = None, **fields):
    settings = ConsecutiveSettings(level=level, weight=weight, max_days=max_days,
                                   min_days=min_days, min_days_off=min_days_off)
    return problem(*agents, days=days, requests=requests,
                   rules=only(consecutive=settings, preferences=WANTS), **fields)


def findings(worked: str, prob) -> list[tuple[int | None, bool, int]]:
    return [(v.day, v.hard, v.penalty) for v in evaluate(RULE, roster(ana=worked), prob)]


def test_max_days_one_finding_per_window_too_long():
    # At most 2 in a row; four days worked hold two windows of three: days 0-2 and 1-3.
    prob = case(4, max_days=2)
    assert findings("EEEE", prob) == [(2, True, 0), (3, True, 0)]
    assert findings("EE-E", prob) == []
    assert findings("EEEE", case(4, "soft", 3, max_days=2)) == [(2, False, 3), (3, False, 3)]
    message = evaluate(RULE, roster(ana="EEE-"), prob)[0].message
    assert message == f"Ana works 3 days in a row up to {label(prob, 2)} (at most 2)"


def test_solver_max_days():
    # Ana asks for all four days. Hard: one day must go (1). Soft at 2 per window against
    # requests of 5: all four days, two windows, 4.
    assert len(solved(case(4, max_days=2, requests=wants("ana", 0, 1, 2, 3)), 1).shifts) == 3
    soft = case(4, "soft", 2, max_days=2, requests=wants("ana", 0, 1, 2, 3, weight=5))
    assert len(solved(soft, 4).shifts) == 4


def test_min_days_exempts_runs_touching_the_horizon_ends_without_history():
    prob = case(5, min_days=2)
    assert findings("E-E--", prob) == [(3, True, 0)]  # day 0 exempt, day 2 alone
    assert findings("----E", prob) == []  # touches the end
    assert findings("-EE-E", prob) == []
    message = evaluate(RULE, roster(ana="-E---"), prob)[0].message
    assert message == f"Ana only 1 working days in a row from {label(prob, 1)} (at least 2)"


def test_solver_min_days():
    # Ana asks to work days 0, 2, 4 (5 each) and to be off days 1 and 3 (1 each). Days 0 and 4
    # may stand alone; day 2 needs a neighbour: one off-request broken.
    requests = wants("ana", 0, 2, 4, weight=5) + wants("ana", 1, 3, on=False)
    found = solved(case(5, min_days=2, requests=requests), 1)
    assert {0, 2, 4} <= {s.day for s in found.shifts}
    assert len(found.shifts) == 4


def test_min_days_off():
    prob = case(5, min_days_off=2)
    assert findings("EE-EE", prob) == [(3, True, 0)]
    assert findings("EE--E", prob) == []
    assert findings("-EEE-", prob) == []  # off runs at both ends
    # Work days 0, 1, 3, 4 (1 each) but off day 2 (5): one more day off, one request unmet.
    requests = wants("ana", 0, 1, 3, 4) + wants("ana", 2, weight=5, on=False)
    assert len(solved(case(5, min_days_off=2, requests=requests), 1).shifts) == 3


def test_history_continues_a_run_of_working_days():
    # Last roster: days -2 and -1 worked. At most 2 in a row: day 0 would be the third.
    prob = case(2, max_days=2, history=history(ana="EE"),
                requests=wants("ana", 0, weight=5) + wants("ana", 1))
    assert findings("E-", prob) == [(0, True, 0)]
    assert findings("-E", prob) == []
    assert same(solved(prob, 5), ana="-E")


def test_history_holds_the_run_touching_day_zero_to_the_minimum():
    # Min 2 in a row. With a last roster (Bo's shift makes it exist) Ana's day 0 alone is a
    # run of one; with Ana's own shift on day -1 it is a run of two; a run only in the last
    # roster is not judged.
    agents = ("ana", "bo")
    other = case(3, min_days=2, agents=agents, history=history(bo="E"))
    own = case(3, min_days=2, agents=agents, history=history(ana="E"))
    assert findings("E--", other) == [(1, True, 0)]
    assert findings("E--", own) == []
    assert findings("---", own) == []
    # Ana asks to work day 0 (5) and to be off day 1 (1): with Bo's last roster she must work
    # day 1 too (1); after her own day -1 she need not (0).
    requests = wants("ana", 0, weight=5) + wants("ana", 1, on=False)
    found = solved(case(3, min_days=2, agents=agents, history=history(bo="E"),
                        requests=requests), 1)
    assert {("ana", 0), ("ana", 1)} <= found.by_agent_day.keys()
    found = solved(case(3, min_days=2, agents=agents, history=history(ana="E"),
                        requests=requests), 0)
    assert ("ana", 0) in found.by_agent_day and ("ana", 1) not in found.by_agent_day
