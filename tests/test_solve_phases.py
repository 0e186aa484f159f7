"""The solve's phases on their own: the first roster leaves the model unhinted when there is
nothing to repair, and of two seeds the first wins ties while a better second is taken."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from ortools.sat.python import cp_model
from rules.helpers import agent, assert_identity, four_weeks, model_of, only, problem

from scheduler.domain import Problem, ShiftCover
from scheduler.model import ModelContext
from scheduler.settings import ContractSettings, CoverageSettings
from scheduler.solvers import roster as roster_solver
from scheduler.solvers.cpsat import polish
from scheduler.solvers.plan import Budget, SearchResult, StopReason
from scheduler.solvers.progress import Progress, Recorder
from scheduler.solvers.roster import solve
from scheduler.solvers.searches import (
    empty_roster,
    exact_search,
    first_roster,
    repaired,
    two_seeds,
)
from scheduler.staffing import requirements


def week() -> Problem:
    """Two agents, two shifts a day, one agent wanted on each, no other rule: optimum 0."""
    cover = tuple(ShiftCover(day=d, template=t, required=1, under_weight=10, over_weight=1)
                  for d in range(5) for t in ("E", "L"))
    return problem(agent("ana"), agent("ben"), days=5, shift_cover=cover,
                   rules=only(coverage=CoverageSettings()))


def test_first_roster_without_history_adds_no_hint() -> None:
    # an empty hint in the model changes CP-SAT's search (Curtois 5: 1240 instead of 1144)
    ctx = model_of(week())
    found = first_roster(ctx, seed=0, work=2, seconds=20, workers=2)
    assert found is not None
    assert not ctx.model.proto.has_solution_hint()


def first_then_cpsat(ctx: ModelContext, first: SearchResult) -> Callable[..., SearchResult]:
    """A search whose first run gives ``first`` and whose second (seeded) run is CP-SAT."""

    def search(**second: Any) -> SearchResult:
        return exact_search(ctx, work=10, seconds=30, **second) if second else first

    return search


def test_two_seeds_takes_the_better_second_search() -> None:
    ctx = model_of(week())
    empty = {var.index: False for var in ctx.x.values()}
    poor = SearchResult("FEASIBLE", empty, float(sum(polish(ctx, empty).values())), 0.0,
                        StopReason.WORK_LIMIT)
    assert poor.objective == 100  # ten rows, each one agent short, weight 10
    best = two_seeds(ctx, first_then_cpsat(ctx, poor), seed=1)
    assert best.objective == 0 and best.bound == 0
    assert best.values != empty


def test_two_seeds_keeps_the_first_search_when_it_proves_the_optimum() -> None:
    ctx = model_of(week())
    first = exact_search(ctx, seed=0, work=10, seconds=30)
    assert first.status == "OPTIMAL"
    assert two_seeds(ctx, first_then_cpsat(ctx, first), seed=1) == first


@pytest.mark.slow
def test_local_search_improves_its_first_roster_when_given_a_descent() -> None:
    ctx = model_of(four_weeks(agents=8))
    quick = first_roster(ctx, seed=0, work=2, seconds=20, workers=2)
    deep = first_roster(ctx, seed=0, work=2, seconds=20, workers=2, descent=2)
    assert quick is not None and deep is not None
    assert sum(polish(ctx, deep).values()) < sum(polish(ctx, quick).values())
    assert first_roster(ctx, seed=0, work=2, seconds=20, workers=2, descent=2) == deep


def test_progress_reports_the_best_bound_known_at_the_time() -> None:
    seen: list[Progress] = []
    recorder = Recorder(Budget(time_limit=10, work=4, workers=2), seen.append)
    recorder.bound_proven(90)
    recorder.roster_found(120)  # neighbourhood search: it proves no bound of its own
    recorder.roster_found(130)  # worse than the best: counted, not reported
    recorder.roster_found(100, bound=95)
    assert [(p.objective, p.bound, p.solutions) for p in seen] == [(120, 90, 1), (100, 95, 3)]
    assert seen[-1].gap == 0.05


def test_progress_counts_every_roster_from_many_threads() -> None:
    recorder = Recorder(Budget(time_limit=10, work=4, workers=8))

    def report(start: int) -> None:
        for objective in range(start + 2000, start, -1):
            recorder.roster_found(objective)

    threads = [threading.Thread(target=report, args=(k,)) for k in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert recorder.solutions == 8 * 2000
    assert recorder.best == 1


def test_the_empty_roster_is_a_first_roster_only_when_no_hard_rule_forbids_it() -> None:
    # week(): only soft headcount rows, so nobody working is allowed (ten rows short: 100)
    loose = model_of(week())
    empty = empty_roster(loose)
    assert empty is not None and not any(empty.values())
    assert sum(polish(loose, empty).values()) == 100
    # a contract asking for at least one shift forbids it
    rules = only(coverage=CoverageSettings(), contract=ContractSettings())
    tight = problem(agent("ana", min_minutes=480), days=2, rules=rules,
                    shift_cover=(ShiftCover(day=0, template="E", required=1, under_weight=10),))
    assert empty_roster(model_of(tight)) is None


def test_an_allowed_empty_roster_starts_the_solve_without_local_search(
        monkeypatch: pytest.MonkeyPatch) -> None:
    # availability teams: local search finds nothing on their models, the empty roster is
    # there at once and neighbourhood search improves it
    def no_local_search(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("local search ran although the empty roster was allowed")

    monkeypatch.setattr(roster_solver, "first_roster", no_local_search)
    prob = four_weeks(agents=6)  # soft headcount rows, a hard run limit: empty is allowed
    needs = requirements(prob)
    result = solve(prob, needs, time_limit=60, work_limit=0.5, workers=2)
    assert result.roster is not None and result.roster.shifts
    assert_identity(prob, result, needs)


def test_no_roster_in_time_says_why_and_what_to_change(monkeypatch: pytest.MonkeyPatch) -> None:
    # every search comes back empty-handed, as on a team too large for its time limit
    nothing = SearchResult("UNKNOWN", None, float("inf"), 0.0, StopReason.TIME_LIMIT)
    monkeypatch.setattr(roster_solver, "empty_roster", lambda ctx: None)
    monkeypatch.setattr(roster_solver, "first_roster", lambda *args, **kwargs: None)
    monkeypatch.setattr(roster_solver, "exact_search", lambda *args, **kwargs: nothing)
    prob = week()
    result = solve(prob, requirements(prob), time_limit=5, work_limit=0.5, workers=1)
    assert result.roster is None and not result.report.solved
    variables = len(model_of(prob).x)
    summary = result.report.summary()
    assert f"{variables} shift variables (2 agents, 5 days; plan for small models)" in summary
    assert "found none before its time limit" in summary
    assert "longer --time-limit" in summary


def test_no_search_asks_cpsat_to_repair_its_hint(monkeypatch: pytest.MonkeyPatch) -> None:
    # repair_hint aborts the process (OR-Tools 9.15: "Check failed: heuristics.fixed_search !=
    # nullptr") when the limit runs out while its copy of the model loads (Curtois 13, 2.4
    # deterministic seconds): the hinted first roster and the repair must never set it
    asked: list[bool] = []
    solve_of = cp_model.CpSolver.solve

    def recorded(self: cp_model.CpSolver, model: cp_model.CpModel, *args: Any) -> Any:
        asked.append(self.parameters.repair_hint)
        return solve_of(self, model, *args)

    monkeypatch.setattr(cp_model.CpSolver, "solve", recorded)
    rules = only(coverage=CoverageSettings(), contract=ContractSettings())
    tight = problem(agent("ana", min_minutes=480), days=2, rules=rules,
                    shift_cover=(ShiftCover(day=0, template="E", required=1, under_weight=10),))
    ctx = model_of(tight)
    nobody = {var.index: False for var in ctx.x.values()}
    fixed = repaired(ctx, nobody, seed=0, work=1, seconds=10)
    assert fixed is not None and any(fixed.values())
    for var in ctx.x.values():
        ctx.model.add_hint(var, False)
    assert first_roster(ctx, seed=0, work=1, seconds=10, workers=1) is not None
    assert asked and not any(asked)
