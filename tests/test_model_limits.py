"""The model context's hard-or-soft helpers, each alone on a tiny model solved by CP-SAT.

One agent, one day, templates E and L of fixtures/small: a shift variable per template. Each
case's optimum is worked out by hand in its comment.
"""

from __future__ import annotations

import pytest
from ortools.sat.python import cp_model

from scheduler.domain import Problem
from scheduler.model import ModelContext
from scheduler.staffing import no_requirements


def fresh(small_problem: Problem) -> tuple[ModelContext, cp_model.IntVar, cp_model.IntVar]:
    """A context with no rule encoded and ana's two shift variables of day 0."""
    ctx = ModelContext(small_problem, no_requirements())
    early, late = ctx.shift("ana", 0, "E"), ctx.shift("ana", 0, "L")
    assert early is not None and late is not None
    return ctx, early, late


def optimum(ctx: ModelContext) -> tuple[int, int] | None:
    """(objective, status) of the context's model, None when infeasible."""
    ctx.model.minimize(ctx.objective())
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    status = solver.solve(ctx.model)
    if status == cp_model.INFEASIBLE:
        return None
    return int(solver.objective_value), status


RULE = {"rule": "test", "subject": "ana", "description": "ana: test"}


@pytest.mark.parametrize(("hard", "expected"), [(True, None), (False, 7)])
def test_at_least_requires_or_charges_each_unit_short(small_problem: Problem, hard: bool,
                                                      expected: int | None) -> None:
    # both shifts forced off, at least one wanted: hard is infeasible, soft costs 1 x 7
    ctx, early, late = fresh(small_problem)
    ctx.model.add(early + late == 0)
    ctx.at_least(early + late, 1, hard=hard, weight=7, upper=1, name="short", **RULE)
    found = optimum(ctx)
    assert (found if found is None else found[0]) == expected


@pytest.mark.parametrize(("hard", "expected"), [(True, None), (False, 3)])
def test_at_most_requires_or_charges_each_unit_over(small_problem: Problem,
                                                    hard: bool, expected: int | None) -> None:
    # one shift a day, forced on, at most zero allowed: soft costs 1 unit x 3
    ctx, early, late = fresh(small_problem)
    ctx.model.add(early + late == 1)
    ctx.at_most(early + late, 0, hard=hard, weight=3, upper=1, name="over", **RULE)
    found = optimum(ctx)
    assert (found if found is None else found[0]) == expected


def test_avoid_and_avoid_shifts_cost_nothing_when_they_can_be_kept(small_problem: Problem
                                                                   ) -> None:
    ctx, early, late = fresh(small_problem)
    ctx.model.add(early + late >= 1)
    ctx.avoid(early, hard=False, weight=5, **RULE)       # early costs 5
    ctx.avoid_shifts([late], hard=False, weight=2, **RULE)  # late costs 2: the optimum
    found = optimum(ctx)
    assert found is not None and found[0] == 2
    hard, early2, late2 = fresh(small_problem)
    hard.model.add(early2 + late2 >= 1)
    hard.avoid(early2, hard=True, weight=5, **RULE)
    hard.avoid_shifts([late2], hard=True, weight=2, **RULE)
    assert optimum(hard) is None and hard.penalties == []
