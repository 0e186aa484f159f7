"""Fair share of hours (convex in the deviation, balance carried) and minimum hours."""

from __future__ import annotations

from scheduler.constraints.fair_share import FairShareRule, MinHoursRule, convex_penalty
from scheduler.domain import Balance, Roster, Shift
from scheduler.settings import FairShareSettings
from scheduler.staffing.fair_share import fair_targets

from .flexible import cover, flex, rules, team
from .helpers import evaluate, solved

FAIR, LEAST = FairShareRule(), MinHoursRule()


def pair(*, hours: float = 0, balance: tuple[Balance, ...] = (), **settings):
    """Ana and Bob available 08-12; exactly one on duty 08-12 (hard); 2-4 h shifts."""
    prob = team(flexible=flex(2, 4), coverage=(cover(8, 12, 1, 1),),
                settings=rules(headcount={"level": "soft"}, **settings),
                ana=[(8, 12, "preferred")], bob=[(8, 12, "preferred")])
    fields = {k: getattr(prob, k) for k in type(prob).model_fields}
    return type(prob).model_validate(fields | {"balance": balance})


def worked(found: Roster) -> dict[str, int]:
    return {s.agent: int(s.template.rsplit("-", 1)[1][:2]) for s in found.shifts}


def test_convex_penalty_by_hand():
    settings = FairShareSettings(weight=1, step_minutes=60, steps=8)
    # 150 minutes away: 150 + 90 + 30
    assert convex_penalty(150, settings) == 270
    assert convex_penalty(60, settings) + convex_penalty(60, settings) < convex_penalty(120,
                                                                                         settings)


def test_targets_share_the_needed_hours_by_availability_and_move_with_balance():
    assert fair_targets(pair(fair_share={"level": "soft"})) == {"ana": 120, "bob": 120}
    owed = pair(fair_share={"level": "soft"}, balance=(Balance(agent="ana", minutes=60),))
    assert fair_targets(owed) == {"ana": 180, "bob": 120}


def test_solver_splits_the_day_evenly():
    # one agent for 4 h: both 120 minutes away (120 + 60 each) = 360; two 2 h shifts: 0
    prob = pair(fair_share={"level": "soft"})
    assert worked(solved(prob, 0)) == {"ana": 2, "bob": 2}
    alone = Roster(shifts=(Shift(agent="ana", day=0, template="F-0800-0400"),))
    assert sum(v.penalty for v in evaluate(FAIR, alone, prob)) == 360


def test_balance_owed_gets_the_longer_shift():
    # Ana is owed 1 h (target 3 h), Bob 2 h: 3 h + 1 h is impossible (2 h minimum), so the
    # optimum is 2 h each (Ana 60 away: 60) or Ana 4 h (60 away, Bob 120 away: 60 + 180)
    prob = pair(fair_share={"level": "soft"}, balance=(Balance(agent="ana", minutes=60),))
    assert worked(solved(prob, 60)) == {"ana": 2, "bob": 2}


def test_minimum_hours_for_everyone_available():
    # at least 3 h each, one on duty at a time over 4 h: 2 h + 2 h leaves each 60 short
    prob = pair(min_hours={"level": "soft", "hours": 3, "weight": 1})
    assert worked(solved(prob, 120)) == {"ana": 2, "bob": 2}
    alone = Roster(shifts=(Shift(agent="ana", day=0, template="F-0800-0400"),))
    assert [(v.agent, v.penalty) for v in evaluate(LEAST, alone, prob)] == [("bob", 180)]


def test_roster_figures_by_hand():
    from scheduler.kpi.availability import roster_figures
    from scheduler.staffing import requirements

    prob = team(flexible=flex(2, 2), coverage=(cover(8, 10, 1, 1),),
                settings=rules(fair_share={"level": "soft"}),
                ana=[(8, 10, "preferred")], bob=[(8, 10, "available")], cid=[(8, 10, "if needed")])
    both = Roster(shifts=tuple(Shift(agent=a, day=0, template="F-0800-0200")
                               for a in ("ana", "bob")))
    figures = roster_figures(prob, both, requirements(prob))
    # 4 intervals with 2 on duty (max 1); 4 of 8 intervals preferred; 2 of 3 agents work;
    # targets 120 needed / 3 = 40 minutes, to the 30-minute grain: 30 each; ana and bob work
    # 120 (90 above), cid none (30 below)
    assert figures["intervals_outside_limits"] == 4
    assert figures["preferred_share_pct"] == 50.0
    assert figures["share_with_hours_pct"] == 66.7
    assert figures["most_above_h"] == 1.5
    assert figures["max_fair_distance_h"] == 1.5
    assert figures["mean_fair_distance_h"] == round((1.5 + 1.5 + 0.5) / 3, 2)
