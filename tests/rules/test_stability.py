"""Stability: changes to a published roster cost per agent-day; locked shifts always stay."""

from __future__ import annotations

from scheduler.constraints.stability import StabilityRule
from scheduler.settings import PreferenceSettings, StabilitySettings

from .helpers import evaluate, label, one, only, problem, roster, same, shifts, solved, wants

RULE = StabilityRule()
REFERENCE = shifts(ana="EL-", ben="--E")


def case(level: str = "soft", requests=(), **fields):
    return problem("ana", "ben", days=3, reference=REFERENCE, requests=requests,
                   rules=only(stability=StabilitySettings(level=level, weight=10),
                              preferences=PreferenceSettings()), **fields)


def test_changes_counted_per_agent_day():
    # Ana's day 1 L → E and Ben's day 2 E → off: two changes × 10.
    found = evaluate(RULE, roster(ana="EE-"), case())
    assert [(v.agent, v.day, v.penalty) for v in found] == [("ana", 1, 10), ("ben", 2, 10)]
    assert found[0].message == f"Ana on {label(case(), 1)}: L → E"
    assert found[1].message == f"Ben on {label(case(), 2)}: E → off"
    assert evaluate(RULE, roster(ana="EL-", ben="--E"), case()) == []
    assert [v.hard for v in evaluate(RULE, roster(ana="EE-"), case("hard"))] == [True, True]


def test_solver_changes_only_what_is_worth_it():
    # Ana asks for E on day 1 (15 > 10): one change. Locked L for Ana on day 2: another.
    requests = wants("ana", 1, template="E", weight=15)
    found = solved(case(requests=requests, locked=shifts(ana="--L")), 20)
    assert same(found, ana="EEL", ben="--E")
    # Hard: the published roster stays and the request goes unmet (15).
    assert same(solved(case("hard", requests=requests), 15), ana="EL-", ben="--E")


def test_locked_shifts_stay_even_with_stability_off():
    prob = case("off", locked=shifts(ben="L"))
    found = one(evaluate(RULE, roster(), prob))
    assert (found.rule, found.hard, found.agent, found.day) == ("locked", True, "ben", 0)
    assert "locked shift L" in found.message
    assert evaluate(RULE, roster(ben="L"), prob) == []
    assert solved(prob, 0).by_agent_day.get(("ben", 0)) == "L"
