"""The objective identity on availability-driven teams: random small teams (Hypothesis), the
mini team folder and fixtures/availability-team."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rules.helpers import assert_identity

from scheduler.domain import (
    Agent,
    AvailabilityPolicy,
    AvailabilityRow,
    Balance,
    CoverageRow,
    FlexibleShift,
    Onboarding,
    Problem,
)
from scheduler.load import load_team
from scheduler.load.candidates import with_candidates
from scheduler.settings import RuleSettings
from scheduler.solvers.roster import solve
from scheduler.staffing import requirements

ROOT = Path(__file__).resolve().parents[1]
LEVELS = ("preferred", "available", "if needed", "unavailable")


@st.composite
def windows(draw: st.DrawFn, agent: str, day: int, first: int) -> list[AvailabilityRow]:
    """Non-overlapping hour-aligned windows inside the support day starting at ``first`` h."""
    cuts = sorted(draw(st.sets(st.integers(first, first + 24), min_size=2, max_size=6)))
    return [AvailabilityRow(agent=agent, day=day, start_minute=a * 60, end_minute=b * 60,
                            level=draw(st.sampled_from(LEVELS)))
            for a, b in zip(cuts, cuts[1:], strict=False) if draw(st.booleans())]


@st.composite
def teams(draw: st.DrawFn) -> Problem:
    days = draw(st.integers(1, 3))
    first = draw(st.sampled_from([0, 6, 18]))
    names = [f"a{i}" for i in range(draw(st.integers(2, 4)))]
    rows = [row for name in names for day in range(days)
            for row in draw(windows(name, day, first))]
    low = draw(st.integers(1, 3))
    flexible = FlexibleShift(id="F", earliest_start=first * 60, latest_end=(first + 24) * 60,
                             grid_minutes=60, min_minutes=low * 60,
                             max_minutes=draw(st.integers(low, 6)) * 60,
                             ideal_minutes=draw(st.sampled_from([None, 180, 240])),
                             ideal_weight=draw(st.integers(0, 3)))
    coverage = []
    for _ in range(draw(st.integers(0, 3))):
        start = draw(st.integers(first, first + 22))
        least = draw(st.integers(0, 2))
        coverage.append(CoverageRow(
            queue="any", day=draw(st.integers(0, days - 1)), start_minute=start * 60,
            end_minute=draw(st.integers(start + 1, first + 24)) * 60, min_agents=least,
            max_agents=draw(st.sampled_from([None, least, least + 1])),
            min_weight=draw(st.sampled_from([None, 5, 50])),
            max_weight=draw(st.sampled_from([None, 3]))))
    onboarding = [Onboarding(agent=names[0], mentors=(names[1],))] if draw(st.booleans()) else []

    def rule(*levels: str, **extra: Any) -> dict[str, Any]:
        return {"level": draw(st.sampled_from(levels)), **extra}

    rules = RuleSettings.model_validate({
        "coverage": {"level": "off"}, "rest": {"level": "off"}, "fairness": {"level": "off"},
        "headcount": rule("soft", "hard"), "preference_levels": rule("hard", "soft"),
        "ideal_length": rule("soft", "off"),
        "fair_share": rule("soft", "off", target=draw(st.sampled_from(["availability",
                                                                        "weight"])),
                           step_minutes=60, steps=draw(st.integers(1, 4))),
        "min_hours": rule("soft", "off", hours=draw(st.sampled_from([1, 3]))),
        "pairing": rule("hard", "soft", weight=draw(st.integers(0, 20)),
                        whole_shift=draw(st.booleans()))})
    problem = Problem(
        team="random", time_zone=draw(st.sampled_from(["UTC", "Europe/Berlin"])),
        start=date(2026, 3, 27), days=days, interval_minutes=60, templates=(),
        agents=tuple(Agent(id=n) for n in names),
        policy=AvailabilityPolicy(day_starts_at=first * 60,
                                  default=draw(st.sampled_from(["available", "unavailable"]))),
        flexible=(flexible,), availability=tuple(rows), coverage=tuple(coverage),
        onboarding=tuple(onboarding), rules=rules,
        balance=tuple(Balance(agent=n, minutes=draw(st.sampled_from([-120, 0, 90])))
                      for n in names[:1]))
    return with_candidates(problem)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(teams())
def test_objective_equals_evaluated_penalty(problem: Problem) -> None:
    needs = requirements(problem)
    # the work limit stops it; the wall clock only on a machine far busier than any seen
    result = solve(problem, needs, time_limit=120, work_limit=1, workers=1)
    report = result.report
    assert report.status in ("OPTIMAL", "FEASIBLE", "INFEASIBLE"), report.summary()
    if report.status == "INFEASIBLE":
        assert result.roster is None and report.conflict, report.summary()
        return
    assert_identity(problem, result, needs)


def test_identity_on_the_mini_team():
    problem = load_team(ROOT / "tests" / "data" / "availability-mini")
    needs = requirements(problem)
    result = solve(problem, needs, time_limit=10, workers=1)
    assert result.report.status == "OPTIMAL"
    assert_identity(problem, result, needs)


def test_the_fixture_is_what_the_generator_makes(tmp_path: Path):
    from fixtures.availability import FIXTURE, make_availability_team

    make_availability_team(tmp_path / "team")
    for path in sorted(FIXTURE.iterdir()):
        assert (tmp_path / "team" / path.name).read_bytes() == path.read_bytes(), path.name
    assert sorted(p.name for p in (tmp_path / "team").iterdir()) == \
        sorted(p.name for p in FIXTURE.iterdir())


def test_the_fixture_offers_only_what_agents_can_work():
    from scheduler.domain import Preference, Shift
    from scheduler.load.levels import Levels

    problem = load_team(ROOT / "fixtures" / "availability-team")
    levels = Levels(problem)
    assert len(problem.agents) == 50 and len(problem.onboarding) == 2 and problem.balance
    offered = 0
    for offer in problem.offers:
        agent_levels = levels.of(offer.agent)
        for template in offer.templates:
            offered += 1
            span = problem.shift_span(Shift(agent=offer.agent, day=offer.day, template=template))
            assert all(agent_levels[i] != Preference.UNAVAILABLE
                       for i in problem.covered_intervals(span))
    # far fewer than every start x length (43 x 13 on the grid) for every agent and day
    assert offered < 50 * 7 * 43 * 13 / 10


@pytest.mark.slow
def test_identity_on_the_fixture():
    """One deterministic second, 2 workers: a roster and the identity, the same on a busy
    machine (its quality is measured by benchmarks/roster_scaling.py --kind availability, not
    asserted here)."""
    problem = load_team(ROOT / "fixtures" / "availability-team")
    needs = requirements(problem)
    result = solve(problem, needs, time_limit=600, work_limit=1.0, workers=2)
    assert result.roster is not None, result.report.summary()
    assert_identity(problem, result, needs)
