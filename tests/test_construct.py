"""The constructive first roster of availability-driven teams, the plain greedy baseline, and
the solve plan that uses them with column generation's bound beside neighbourhood search."""

from __future__ import annotations

from pathlib import Path

import pytest
from rules.flexible import cover, flex, rules, team
from rules.helpers import assert_identity, model_of

from benchmarks.curtois import to_problem
from benchmarks.curtois_format import read_instance
from scheduler.check import check
from scheduler.domain import Agent, Contract, Problem
from scheduler.load import load_team
from scheduler.settings import ContractSettings
from scheduler.solvers.construct import filled_roster, plain_roster, shared_then_filled
from scheduler.solvers.cpsat import extract, polish
from scheduler.solvers.plan import (
    AVAILABILITY,
    AVAILABILITY_LARGE,
    LARGE,
    MEDIUM,
    MEDIUM_TEMPLATES,
    SMALL,
    SMALL_TEMPLATES,
    plan_for,
    priced_by_rota,
)
from scheduler.solvers.roster import solve
from scheduler.solvers.searches import empty_roster, holds, repaired
from scheduler.staffing import requirements

CURTOIS = Path(__file__).resolve().parents[1] / "benchmarks" / "data" / "curtois"


def chosen(problem: Problem, values: dict[int, bool]) -> set[tuple[str, str]]:
    ctx = model_of(problem)
    return {(s.agent, s.template) for s in extract(ctx, values).shifts}


def test_the_need_is_filled_by_the_cheapest_shift_and_never_above_the_hard_most() -> None:
    # one agent wanted 08:00-12:00 (at most one, hard): ana is preferred there (cost 0), ben
    # only available (cost 1 per half-hour); shifts last exactly 4 h
    problem = team(flexible=flex(4, 4), coverage=(cover(8, 12, 1, 1, least_weight=100),),
                   settings=rules(headcount={"level": "soft", "weight": 100},
                                  preference_levels={"level": "hard"}),
                   ana=[(8, 12, "preferred")], ben=[(8, 12, "available")])
    ctx = model_of(problem)
    assert chosen(problem, filled_roster(ctx)) == {("ana", "F-0800-0400")}


def test_the_contract_maximum_and_one_shift_a_day_hold() -> None:
    # two agents wanted 08:00-16:00 on each of two days; ana may work 4 h in all, ben anything
    problem = team(flexible=flex(4, 4), days=2,
                   coverage=tuple(cover(8, 16, 2, least_weight=100, day=d) for d in range(2)),
                   settings=rules(headcount={"level": "soft", "weight": 100},
                                  contract={"level": "hard"}),
                   agents=(Agent(id="ana", contract=Contract(max_minutes=240)),),
                   ana=[(8, 16, "preferred")], ben=[(8, 16, "preferred")])
    roster = extract(model_of(problem), filled_roster(model_of(problem)))
    ana = [s for s in roster.shifts if s.agent == "ana"]
    ben = [s for s in roster.shifts if s.agent == "ben"]
    assert len(ana) == 1 and len(ben) == 2  # ana's 4 h, ben's one shift a day


def test_the_plain_baseline_gives_each_agent_up_to_their_fair_share() -> None:
    # 8 needed hours shared by availability: 4 h each; nobody is given more than that
    problem = team(flexible=flex(2, 4), coverage=(cover(8, 16, 1, least_weight=100),),
                   settings=rules(headcount={"level": "soft", "weight": 100},
                                  fair_share={"level": "soft", "target": "availability"}),
                   ana=[(8, 16, "preferred")], ben=[(8, 16, "preferred")])
    roster = extract(model_of(problem), plain_roster(model_of(problem)))
    hours = {a: sum(problem.template_index[s.template].paid_minutes for s in roster.shifts
                    if s.agent == a) for a in ("ana", "ben")}
    assert hours == {"ana": 240, "ben": 240}


@pytest.fixture(scope="module")
def twelve(tmp_path_factory: pytest.TempPathFactory) -> Problem:
    """A generated availability team of 12 agents over 3 days (hard rest, pairing, caps)."""
    from fixtures.availability import make_availability_team

    folder: Path = tmp_path_factory.mktemp("team") / "twelve"
    make_availability_team(folder, agents=12, days=3, seed=1)
    return load_team(folder)


def test_the_built_roster_holds_every_hard_rule_and_beats_the_empty_one(twelve: Problem):
    ctx = model_of(twelve)
    built = shared_then_filled(ctx)
    empty = empty_roster(ctx)
    assert holds(ctx, built) and empty is not None
    assert sum(polish(ctx, built).values()) < sum(polish(ctx, empty).values()) / 2


def test_availability_teams_get_their_plan() -> None:
    assert plan_for(20000, flexible=True) is AVAILABILITY
    assert plan_for(20000) is LARGE
    # the largest teams give column generation more of the time, with the same pricing
    large = plan_for(60000, flexible=True)
    assert large is AVAILABILITY_LARGE and large.exact_share > AVAILABILITY.exact_share
    assert large.price_by_days and large.incremental_master
    assert not (MEDIUM.price_by_days or LARGE.price_by_days or SMALL.price_by_days)


def test_teams_of_templates_price_by_the_rota_program(small_problem: Problem) -> None:
    # small and medium teams of shift templates the rota program can price use it for their
    # columns; on medium ones column generation takes CP-SAT's place beside neighbourhood
    # search with the same share, its thread then searching from the better roster
    assert plan_for(2000, by_rota=True) is SMALL_TEMPLATES and plan_for(2000) is SMALL
    assert plan_for(2000, flexible=True, by_rota=True) is SMALL
    assert SMALL_TEMPLATES.price_by_days and SMALL_TEMPLATES.columns_work == SMALL.columns_work
    medium = plan_for(5000, by_rota=True)
    assert medium is MEDIUM_TEMPLATES and medium.exact_share == MEDIUM.exact_share
    assert medium.columns_beside and medium.price_by_days and medium.search_columns
    assert plan_for(5000) is MEDIUM and plan_for(20000, by_rota=True) is LARGE
    # Curtois' teams can be priced; fairness ties the fixture's agents together; a fortnight
    # under the team's default of at most 5 days a week would break weekly limits
    curtois = to_problem(read_instance(CURTOIS / "Instance3.txt"))
    assert priced_by_rota(curtois) and not priced_by_rota(small_problem)
    fortnight = curtois.model_copy(update={"rules": curtois.rules.model_copy(update={
        "contract": ContractSettings()})})
    assert fortnight.days == 14 and not priced_by_rota(fortnight)


def test_the_availability_plan_keeps_the_identity_and_is_deterministic(twelve: Problem):
    needs = requirements(twelve)
    runs = [solve(twelve, needs, time_limit=600, work_limit=0.5, workers=2, seed=3,
                  plan=AVAILABILITY) for _ in range(2)]
    assert_identity(twelve, runs[0], needs)
    assert runs[0].roster == runs[1].roster
    report = runs[0].report
    assert report.bound is not None and 0 < report.bound <= report.objective


def test_a_roster_breaking_a_contract_minimum_is_repaired_around_that_agent() -> None:
    # one agent at most 08:00-12:00 (hard); Ana must work 4 h and can only then; a roster
    # giving the slot to Ben breaks her contract: the repair hands it to her
    problem = team(flexible=flex(4, 4), coverage=(cover(8, 12, 1, 1, least_weight=100),),
                   settings=rules(headcount={"level": "soft", "weight": 100},
                                  contract={"level": "hard"}),
                   agents=(Agent(id="ana", contract=Contract(min_minutes=240)),),
                   ana=[(8, 12, "preferred")], ben=[(8, 12, "preferred")])
    ctx = model_of(problem)
    bens = {var.index: agent == "ben" for (agent, _, _), var in ctx.x.items()}
    assert not holds(ctx, bens)
    fixed = repaired(ctx, bens, seed=0, work=5, seconds=60)
    assert fixed is not None and holds(ctx, fixed)
    assert chosen(problem, fixed) == {("ana", "F-0800-0400")}


@pytest.fixture(scope="module")
def week(tmp_path_factory: pytest.TempPathFactory) -> Problem:
    """The week team at 24 agents (tracks, hard contract hours, onboarding pairs)."""
    from fixtures.week_team import make_week_team

    folder: Path = tmp_path_factory.mktemp("team") / "week"
    make_week_team(folder, agents=24, seed=0)
    return load_team(folder)


def test_the_week_team_is_what_its_structure_says(tmp_path: Path, week: Problem) -> None:
    from fixtures.week_team import make_week_team

    make_week_team(tmp_path / "again", agents=24, seed=0)
    make_week_team(tmp_path / "twice", agents=24, seed=0)
    for path in sorted((tmp_path / "again").iterdir()):
        assert (tmp_path / "twice" / path.name).read_bytes() == path.read_bytes()
    assert week.days == 5 and len(week.onboarding) == 2
    assert all(len(o.mentors) == 7 for o in week.onboarding)
    learners = {o.agent for o in week.onboarding}
    for agent in week.agents:
        if agent.id in learners:
            assert agent.contract.min_minutes == agent.contract.max_minutes == 480
            assert not agent.skills  # they do not count toward coverage
    assert all(row.max_agents == row.min_agents and row.max_weight is None
               for row in week.coverage)
    assert week.rules.pairing.whole_shift


def test_the_week_team_gets_a_first_roster_under_every_hard_rule(week: Problem) -> None:
    # the empty roster breaks the contracts and local search finds nothing; the built roster,
    # repaired around the agents it leaves short, holds every hard rule
    ctx = model_of(week)
    assert empty_roster(ctx) is None
    first = repaired(ctx, shared_then_filled(ctx), seed=0, work=5, seconds=120)
    assert first is not None
    evaluation = check(week, extract(ctx, first), ctx.requirements)
    assert not evaluation.hard, [v.message for v in evaluation.hard]
    hours = {o.agent: 0 for o in week.onboarding}
    for shift in extract(ctx, first).shifts:
        if shift.agent in hours:
            hours[shift.agent] += week.template_index[shift.template].paid_minutes
    assert set(hours.values()) == {480}
