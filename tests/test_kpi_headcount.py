"""Headcount measures (scheduler.kpi.headcount) on a tiny team worked out by hand.

Day 0 (Monday 1 January 2024, UTC, 30-minute intervals). coverage: 08-12 exactly 1 on duty,
12-14 exactly 2. Ana works 08-12, Bob 10-14, Cid (available 08-14) nothing; Dora, in
onboarding with mentor Ana, works 11-13.
"""

from __future__ import annotations

import math

import pytest
from rules.flexible import cover, flex, rules, team

from scheduler.domain import Balance, Onboarding, Problem, Roster, Shift
from scheduler.kpi.headcount import headcount_measure
from scheduler.staffing import requirements


def tiny() -> Problem:
    problem = team(flexible=flex(2, 4, ideal=4, first=8, last=14),
                   coverage=(cover(8, 12, 1, 1, least_weight=1, most_weight=1),
                             cover(12, 14, 2, 2, least_weight=1, most_weight=1)),
                   settings=rules(), onboarding=(Onboarding(agent="dora", mentors=("ana",)),),
                   ana=[(8, 12, "preferred")],
                   bob=[(10, 12, "preferred"), (12, 14, "if needed")],
                   cid=[(8, 14, "available")], dora=[(11, 13, "available")])
    fields = {name: getattr(problem, name) for name in type(problem).model_fields}
    return Problem.model_validate(fields | {"balance": (Balance(agent="ana", minutes=60),)})


ROSTER = Roster(shifts=(Shift(agent="ana", day=0, template="F-0800-0400"),
                        Shift(agent="bob", day=0, template="F-1000-0400"),
                        Shift(agent="dora", day=0, template="F-1100-0200")))


@pytest.fixture(scope="module")
def view():  # type: ignore[no-untyped-def]
    problem = tiny()
    found = headcount_measure(problem, requirements(problem), ROSTER)
    assert found is not None
    return found


def test_minimum_maximum_and_who_is_on_duty_per_interval(view) -> None:  # type: ignore[no-untyped-def]
    rows = view.coverage.set_index("time")
    assert (rows.loc["09:00", "minimum"], rows.loc["09:00", "maximum"]) == (1, 1)
    assert rows.loc["09:00", "agents"] == "Ana"
    # 10-11: Ana and Bob (1 over); 11-12: + Dora (2 over); 12-13: Bob and Dora; 13-14: Bob
    assert list(rows.loc[["10:00", "11:00", "12:00", "13:00"], "on_duty"]) == [2, 3, 2, 1]
    assert rows.loc["11:30", "agents"] == "Ana, Bob, Dora"
    assert list(rows.loc[["10:30", "11:30", "12:30", "13:30"], "over"]) == [1, 2, 0, 0]
    assert list(rows.loc[["10:30", "11:30", "12:30", "13:30"], "short"]) == [0, 0, 0, 1]
    assert rows.loc["15:00", "minimum"] == 0 and math.isnan(rows.loc["15:00", "maximum"])


def test_short_and_over_per_day_week_and_headline(view) -> None:  # type: ignore[no-untyped-def]
    # over: 10-11 one agent (2 intervals) + 11-12 two agents (2 intervals) = 6; short: 13-14 = 2
    day = view.daily.iloc[0]
    assert (day["short"], day["over"], day["short_intervals"], day["over_intervals"]) == \
        (2, 6, 2, 4)
    assert list(view.weekly[["week", "short", "over"]].iloc[0]) == [1, 2, 6]
    h = view.headline
    assert (h.short, h.over, h.short_intervals, h.over_intervals) == (2, 6, 2, 4)
    assert h.unit == "agent-half-hours"
    assert (h.agents_available, h.agents_with_hours) == (4, 3)
    # on duty: Ana 4 h preferred, Bob 2 h preferred + 2 h if needed, Dora 2 h available
    assert h.preferred_share == pytest.approx(6 / 10)


def test_fair_share_balances_levels_and_ideal_per_agent(view) -> None:  # type: ignore[no-untyped-def]
    # needed: 8 intervals x 1 + 4 x 2 = 16 half-hours = 480 min, shared by available
    # intervals: Ana 8, Bob 8, Cid 12, Dora 4 (of 32): 120, 120, 180, 60 min; Ana +60 carried
    agents = view.agents.set_index("agent")
    assert list(agents["target_hours"]) == [3.0, 2.0, 3.0, 1.0]
    assert list(agents["balance_in_hours"]) == [1.0, 0.0, 0.0, 0.0]
    assert list(agents["hours"]) == [4.0, 4.0, 0.0, 2.0]
    assert list(agents["balance_out_hours"]) == [-1.0, -2.0, 3.0, -1.0]
    assert list(agents["preferred_hours"]) == [4.0, 2.0, 0.0, 0.0]
    assert list(agents["if_needed_hours"]) == [0.0, 2.0, 0.0, 0.0]
    assert list(agents["available_hours"]) == [0.0, 0.0, 0.0, 2.0]
    assert list(agents["unused_hours"]) == [0.0, 0.0, 6.0, 0.0]
    # ideal 4 h: Dora's 2 h shift is 2 h off
    assert list(agents["off_ideal_shifts"]) == [0, 0, 0, 1]
    assert list(agents["off_ideal_hours"]) == [0.0, 0.0, 0.0, 2.0]
    h = view.headline
    assert h.mean_fair_distance_h == pytest.approx((1 + 2 + 3 + 1) / 4)
    assert h.max_fair_distance_h == 3.0


def test_onboarding_shifts_with_their_mentor(view) -> None:  # type: ignore[no-untyped-def]
    # Dora 11-13; Ana (her mentor) is on duty 11-12 only: 1 h without a mentor
    assert view.onboarding[["name", "times", "mentors", "alone_hours"]].values.tolist() == [
        ["Dora", "11:00–13:00", "Ana", 1.0]]


def test_forecast_teams_have_no_headcount_view(small_problem: Problem) -> None:
    assert headcount_measure(small_problem, requirements(small_problem), Roster()) is None
