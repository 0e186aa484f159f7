"""Preferences: each request not granted costs its weight."""

from __future__ import annotations

from scheduler.constraints.preferences import PreferenceRule
from scheduler.settings import PreferenceSettings

from .helpers import evaluate, label, one, only, problem, roster, solved, wants

RULE = PreferenceRule()


def case(*requests, level: str = "soft"):
    return problem("ana", days=3, requests=tuple(r for group in requests for r in group),
                   rules=only(preferences=PreferenceSettings(level=level)))


def test_on_request_for_a_shift_unmet():
    prob = case(wants("ana", 0, template="E", weight=5))
    found = one(evaluate(RULE, roster(ana="L"), prob))
    assert (found.penalty, found.hard, found.agent, found.day) == (5, False, "ana", 0)
    assert found.message == f"Ana asked to work E on {label(prob, 0)} — not granted"
    assert evaluate(RULE, roster(ana="E"), prob) == []
    assert one(evaluate(RULE, roster(), prob)).penalty == 5


def test_off_request_met_costs_when_the_shift_is_worked():
    prob = case(wants("ana", 1, template="L", weight=4, on=False))
    assert one(evaluate(RULE, roster(ana="-L"), prob)).penalty == 4
    assert evaluate(RULE, roster(ana="-E"), prob) == []  # another shift is fine
    assert evaluate(RULE, roster(), prob) == []


def test_template_none_means_any_shift():
    on_any = case(wants("ana", 2, weight=3))
    assert evaluate(RULE, roster(ana="--L"), on_any) == []
    assert one(evaluate(RULE, roster(), on_any)).penalty == 3
    off_any = case(wants("ana", 0, weight=2, on=False))
    found = one(evaluate(RULE, roster(ana="E"), off_any))
    assert found.penalty == 2
    assert found.message == f"Ana asked not to work any shift on {label(off_any, 0)} — not granted"


def test_solver_grants_the_dearest_requests():
    # Day 0: E (5) against L (3): E, pay 3. Day 1: off (2) against L (1): off, pay 1.
    prob = case(wants("ana", 0, template="E", weight=5), wants("ana", 0, template="L", weight=3),
                wants("ana", 1, weight=2, on=False), wants("ana", 1, template="L"))
    found = solved(prob, 4)
    assert found.by_agent_day.get(("ana", 0)) == "E" and ("ana", 1) not in found.by_agent_day


def test_hard_requests():
    prob = case(wants("ana", 0, template="L"), wants("ana", 1, on=False), level="hard")
    assert one(evaluate(RULE, roster(ana="EE"), case(wants("ana", 0, template="L"),
                                                    level="hard"))).hard
    found = solved(prob, 0)
    assert found.by_agent_day.get(("ana", 0)) == "L" and ("ana", 1) not in found.by_agent_day
