"""Issue 26's engine steps for availability-driven teams: rest clashes found in one pass, room
made for a hard contract minimum, and the first roster built without a repair."""

from __future__ import annotations

from pathlib import Path

import pytest
from rules.flexible import cover, flex, rules, team
from rules.helpers import model_of

from scheduler.constraints.rest import Clashes
from scheduler.domain import Agent, Contract
from scheduler.settings import RestSettings
from scheduler.solvers.construct import shared_then_filled
from scheduler.solvers.cpsat import extract
from scheduler.solvers.searches import holds


def test_clashes_among_templates_answer_as_each_pair_would() -> None:
    # three days of 2-8 h shifts; 11 h rest and one forbidden succession
    problem = team(flexible=flex(2, 8), days=3, settings=rules(),
                   ana=[(0, 24, "preferred")])
    templates = tuple(t.id for t in problem.templates)
    banned = (templates[-1], templates[0])
    settings = RestSettings(level="hard", min_rest_hours=11, forbidden_successions=(banned,))
    clashes, pairwise = Clashes(problem, settings), Clashes(problem, settings)
    seen = 0
    for first in (-8, -1, 0, 1):
        for second in range(first + 1, first + 4):
            for early in templates[::7]:
                found = clashes.among(first, early, second, templates)
                assert found == [i for i, late in enumerate(templates)
                                 if pairwise(first, early, second, late)]
                seen += len(found)
    assert seen  # some pairs clash
    # the forbidden succession clashes on the next day only, whatever the rest
    last, first_template = banned
    assert templates.index(first_template) in clashes.among(0, last, 1, templates)
    assert clashes.among(-8, last, -7, templates) == []  # before last roster's week


def test_room_is_made_for_a_hard_minimum_by_moving_a_shift_elsewhere() -> None:
    # at most one agent 08:00-14:00 (hard); Ben (fewer shifts offered, so placed first) can
    # work 08:00-12:00 or 14:00-18:00, Ana only between 08:00 and 14:00; both must work 4 h
    problem = team(flexible=flex(4, 4), coverage=(cover(8, 14, 1, 1, least_weight=100),),
                   settings=rules(headcount={"level": "soft", "weight": 100},
                                  contract={"level": "hard"}),
                   agents=(Agent(id="ana", contract=Contract(min_minutes=240)),
                           Agent(id="ben", contract=Contract(min_minutes=240))),
                   ana=[(8, 14, "preferred")], ben=[(8, 12, "preferred"), (14, 18, "preferred")])
    ctx = model_of(problem)
    built = shared_then_filled(ctx)
    assert holds(ctx, built)
    assert {(s.agent, s.template) for s in extract(ctx, built).shifts} == \
        {("ana", "F-1000-0400"), ("ben", "F-1400-0400")}


@pytest.mark.slow
def test_the_week_team_is_built_under_every_hard_rule_without_a_repair(tmp_path: Path) -> None:
    # tracks (the most on duty equal to the least, hard), hard contract minimums, mentors;
    # at 55 agents two mentors' minimums need room made for them
    from fixtures.week_team import make_week_team
    from scheduler.load import load_team

    make_week_team(tmp_path / "week", agents=55, seed=0)
    ctx = model_of(load_team(tmp_path / "week"))
    assert holds(ctx, shared_then_filled(ctx))
