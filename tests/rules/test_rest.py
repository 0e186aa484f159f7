"""Rest: hours between a shift's end and the next start, forbidden successions, last roster."""

from __future__ import annotations

from scheduler.constraints.rest import RestRule
from scheduler.settings import PreferenceSettings, RestSettings

from .helpers import evaluate, history, label, one, only, problem, roster, same, solved, wants

RULE = RestRule()
WANTS = PreferenceSettings()
# Ana asks for L on day 0 (5) and E on day 1 (3): L ends 22:00, E starts 06:00, 8 h later.
LATE_THEN_EARLY = wants("ana", 0, template="L", weight=5) + wants("ana", 1, template="E", weight=3)


def case(settings: RestSettings, days: int = 2, **fields):
    fields.setdefault("requests", LATE_THEN_EARLY)
    return problem("ana", days=days, rules=only(rest=settings, preferences=WANTS), **fields)


def test_late_then_early_has_eight_hours_rest():
    prob = case(RestSettings())  # 11 h, hard
    found = one(evaluate(RULE, roster(ana="LE"), prob))
    assert (found.hard, found.agent, found.day) == (True, "ana", 1)
    assert found.message == f"Ana: only 8 h rest between L on {label(prob, 0)} and E (needs 11 h)"
    assert evaluate(RULE, roster(ana="EL"), prob) == []  # 24 h
    assert evaluate(RULE, roster(ana="L-E"), prob) == []  # 32 h
    soft = one(evaluate(RULE, roster(ana="LE"), case(RestSettings(level="soft", weight=50))))
    assert (soft.hard, soft.penalty) == (False, 50)


def test_solver_rest_hard_and_soft():
    hard = solved(case(RestSettings()), 3)  # drop the cheaper request
    assert hard.by_agent_day[("ana", 0)] == "L" and hard.by_agent_day.get(("ana", 1)) != "E"
    assert same(solved(case(RestSettings(level="soft", weight=2)), 2), ana="LE")  # 2 < 3
    assert same(solved(case(RestSettings(min_rest_hours=8)), 0), ana="LE")  # 8 h is enough


def test_forbidden_succession():
    settings = RestSettings(min_rest_hours=0, forbidden_successions=(("E", "L"),))
    prob = case(settings, days=3)
    found = one(evaluate(RULE, roster(ana="ELE"), prob))  # E→L forbidden, L→E allowed
    assert (found.day, found.hard) == (1, True)
    assert found.message == f"Ana: L on {label(prob, 1)} may not follow E"
    assert evaluate(RULE, roster(ana="E-L"), prob) == []  # not on the next day
    # Ana asks for E on day 0 (4) and L on day 1 (2): one must go.
    requests = wants("ana", 0, template="E", weight=4) + wants("ana", 1, template="L", weight=2)
    found_roster = solved(case(settings, requests=requests), 2)
    assert found_roster.by_agent_day[("ana", 0)] == "E"
    assert found_roster.by_agent_day.get(("ana", 1)) != "L"


def test_clash_with_last_roster():
    # Last roster: L on day -1 (ends 22:00). E on day 0 starts 8 h later.
    prob = case(RestSettings(), days=1, history=history(ana="L"),
                requests=wants("ana", 0, template="E", weight=5) + wants("ana", 0, weight=3))
    found = one(evaluate(RULE, roster(ana="E"), prob))
    assert (found.day, found.hard) == (0, True)
    assert "only 8 h rest between L on Sun 31 Dec" in found.message
    assert evaluate(RULE, roster(ana="L"), prob) == []
    # E is impossible (5 unmet); L on day 0 grants "any shift".
    assert same(solved(prob, 5), ana="L")
