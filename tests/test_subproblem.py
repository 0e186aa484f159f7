"""Neighbourhood sub-models of their own size: the same re-plans as the whole model with the kept
shifts fixed, an objective that is the whole roster's penalty, and reproducible searches."""

from __future__ import annotations

import random
import time

import numpy as np
from ortools.sat.python import cp_model
from rules.helpers import agent, four_weeks, model_of, problem

from scheduler.check import check
from scheduler.domain import Problem, ShiftCover, ShiftRequest
from scheduler.model import ModelContext
from scheduler.settings import (
    ConsecutiveSettings,
    ContractSettings,
    CoverageSettings,
    RestSettings,
    RuleSettings,
    WeekendSettings,
)
from scheduler.solvers.cpsat import extract, fixed_model, one_thread, polish
from scheduler.solvers.lns import KINDS, Neighbourhood, attempt, improve, pick
from scheduler.solvers.searches import exact_search
from scheduler.solvers.subproblem import Fixed, Splitter, full_values


def many_rules() -> Problem:
    """Two weeks, six agents: cover rows, contract minutes, runs of days, weekends, a forbidden
    succession (L then E) and requests: every kind of constraint the roster model writes."""
    cover = tuple(ShiftCover(day=d, template=t, required=2, under_weight=50, over_weight=3)
                  for d in range(14) for t in ("E", "L"))
    requests = (ShiftRequest(agent="a1", day=3, template="E", on=True, weight=7),
                ShiftRequest(agent="a2", day=5, template=None, on=False, weight=4))
    rules = RuleSettings(coverage=CoverageSettings(),
                         contract=ContractSettings(max_days_per_week=None),
                         rest=RestSettings(min_rest_hours=0, forbidden_successions=(("L", "E"),)),
                         consecutive=ConsecutiveSettings(max_days=5, min_days=2, min_days_off=2),
                         weekends=WeekendSettings(max_weekends=1))
    return problem(*(agent(f"a{i}", min_minutes=480 * 6, max_minutes=480 * 10, period="horizon")
                     for i in range(6)), days=14, shift_cover=cover, requests=requests, rules=rules)


def optimum(model: cp_model.CpModel) -> float:
    solver = one_thread(seconds=60)
    assert solver.solve(model) == cp_model.OPTIMAL
    return solver.objective_value


def hint_value(sub: cp_model.CpModel) -> float:
    """The sub-model's objective at its hint (the current roster)."""
    proto = sub.proto
    hint = dict(zip(proto.solution_hint.vars, proto.solution_hint.values, strict=True))
    total = sum(c * hint[v] for v, c in zip(proto.objective.vars, proto.objective.coeffs,
                                            strict=True))
    return proto.objective.scaling_factor * (total + proto.objective.offset)


def a_roster(ctx: ModelContext) -> dict[int, bool]:
    found = exact_search(ctx, seed=0, work=0.5, seconds=60)
    assert found.values is not None
    return found.values


def test_a_neighbourhood_re_plans_as_with_the_whole_model_fixed() -> None:
    prob = many_rules()
    ctx = model_of(prob)
    splitter = Splitter(ctx)
    assert splitter.usable
    values = a_roster(ctx)
    full = full_values(ctx, values)
    assert full is not None
    penalty = sum(polish(ctx, values).values())
    assert splitter.value(full) == penalty
    rng = random.Random(4)
    for _ in range(12):
        hood = pick(ctx, rng, dict.fromkeys(KINDS, 0.2))
        sub, index = splitter.sub_model(full, hood.frees)
        assert len(index) < len(ctx.model.proto.variables)  # only what the hood touches
        assert hint_value(sub) == penalty  # the kept part's penalty is in the offset
        assert optimum(sub) == optimum(fixed_model(ctx, values, hood.frees)), hood


def test_a_re_planned_roster_pays_what_its_sub_model_says_and_breaks_no_hard_rule() -> None:
    prob = many_rules()
    ctx = model_of(prob)
    splitter = Splitter(ctx)
    values = {var.index: False for var in ctx.x.values()}  # nobody works: short on hours
    assert full_values(ctx, values) is None  # not a roster: contracts ask for hours
    values = a_roster(ctx)
    full = full_values(ctx, values)
    assert full is not None
    everyone = Neighbourhood("days", frozenset(), frozenset(range(4, 9)))
    found = attempt(ctx, values, everyone, seed=1, work=5, seconds=60,
                    current=(splitter, full))
    assert found.values is not None and found.full is not None
    assert found.objective == sum(polish(ctx, found.values).values())
    assert found.objective == splitter.value(found.full)
    evaluation = check(prob, extract(ctx, found.values), ctx.requirements)
    assert not evaluation.hard and evaluation.total_penalty == found.objective
    kept = [var.index for (_, day, _), var in ctx.x.items() if day not in range(4, 9)]
    assert all(found.values[i] == values[i] for i in kept)


def test_improve_on_sub_models_reaches_the_optimum_reproducibly() -> None:
    prob = four_weeks(agents=6)
    ctx = model_of(prob)
    splitter = Splitter(ctx)
    best = exact_search(ctx, seed=0, work=60, seconds=60)
    assert best.status == "OPTIMAL"
    start = a_roster(ctx)

    def run() -> tuple[dict[int, bool], float]:
        found = improve(ctx, start, float("inf"), budget=40, workers=2, seed=5,
                        deadline=time.perf_counter() + 120, bound=best.objective,
                        splitter=splitter)
        assert found.values is not None
        return found.values, found.objective

    values, objective = run()
    assert objective == best.objective == sum(polish(ctx, values).values())
    assert run() == (values, objective)


def test_work_flags_follow_their_day_and_coverage_shortfalls_their_shifts() -> None:
    ctx = model_of(four_weeks(agents=4))
    splitter = Splitter(ctx)
    hood = Neighbourhood("block", frozenset({"a1"}), frozenset({2}))
    free, _ = splitter.freed(hood.frees)
    freed_cells = {splitter.cells[v] for v in free if v in splitter.cells}
    assert freed_cells == {("a1", 2)}
    work = ctx.work_days["a1", 2].index
    assert work in free and ctx.work_days["a1", 3].index not in free
    # the day's two cover rows' shortfall and excess are re-planned with the shifts
    assert len([v for v in free if v not in splitter.cells]) >= 2
    assert np.all(np.diff(free) > 0)


def test_linear_constraints_fixed_in_one_pass_are_those_fixed_one_by_one() -> None:
    ctx = model_of(many_rules())
    splitter = Splitter(ctx)
    full = full_values(ctx, a_roster(ctx))
    assert full is not None
    hood = Neighbourhood("block", frozenset({"a1", "a2"}), frozenset(range(3, 10)))
    sub, index = splitter.sub_model(full, hood.frees)
    free, constraints = splitter.freed(hood.frees)
    where = np.full(splitter.count, -1, dtype=np.int64)
    where[index] = np.arange(len(index))
    fixed = Fixed(full, {v: i for i, v in enumerate(free)}, len(free), where)
    one_by_one = cp_model.CpModel()
    for c in constraints:
        fixed.copy(ctx.model.proto.constraints[c], one_by_one.proto, splitter.linear.get(c))
    assert [str(c) for c in sub.proto.constraints] == \
        [str(c) for c in one_by_one.proto.constraints]
    assert sum(c.has_linear() for c in sub.proto.constraints) > 10
