"""Column generation: the cut into agents, a valid bound, and a roster picked from columns."""

from __future__ import annotations

import time
from typing import Any

import numpy as np
import pytest
from ortools.sat.python import cp_model

from scheduler.domain import Problem
from scheduler.solvers import columns
from scheduler.solvers.blocks import GLOBAL, cut
from scheduler.solvers.columns import generate, price
from scheduler.solvers.cpsat import build, one_thread, polish
from scheduler.solvers.plan import AVAILABILITY, AVAILABILITY_LARGE
from scheduler.solvers.searches import exact_search
from scheduler.staffing import requirements


def test_every_shift_belongs_to_its_agent_and_coverage_links_them(
        small_problem: Problem) -> None:
    ctx = build(small_problem, requirements(small_problem))
    split = cut(ctx)
    assert split is not None
    names = [b.agent for b in split.blocks]
    for (agent, _, _), var in ctx.x.items():
        assert names[split.owner[var.index]] == agent
    assert split.rows.shape[0] > 0  # coverage rows tie the agents together
    assert (split.owner == GLOBAL).any()  # coverage slack belongs to no agent


def test_bound_is_valid_and_picked_roster_is_a_real_roster(small_problem: Problem) -> None:
    ctx = build(small_problem, requirements(small_problem))
    optimum = exact_search(ctx, seed=0, work=30, seconds=60)
    assert optimum.status == "OPTIMAL"
    found = generate(ctx, seed=0, work=20, deadline=time.perf_counter() + 60, workers=1)
    assert found is not None
    assert 0 < found.bound <= optimum.objective
    assert found.values is not None
    assert found.objective >= optimum.objective
    # the pick prices columns as generated (slack not yet tight): the exact penalty is no more
    exact = sum(polish(ctx, found.values).values())
    assert optimum.objective <= exact <= found.objective


def test_tiny_two_agent_bound_by_hand() -> None:
    # two agents, one slot needing one of them; agent b must work (own block), a costs 3 to
    # work; uncovered costs 10: the optimum is b alone, penalty 0; the bound must be 0 too,
    # and with the slot needing two, a works too: penalty 3
    for need, expected in ((1, 0), (2, 3)):
        model = cp_model.CpModel()
        a, b = model.new_bool_var("a"), model.new_bool_var("b")
        short = model.new_int_var(0, need, "short")
        model.add(b == 1)
        model.add(a + b + short >= need)
        model.minimize(3 * a + 10 * short)

        class Ctx:  # the few ModelContext members the cut reads
            pass

        ctx = Ctx()
        ctx.model = model  # type: ignore[attr-defined]
        ctx.x = {("a", 0, "t"): a, ("b", 0, "t"): b}  # type: ignore[attr-defined]
        ctx.work_days = {}  # type: ignore[attr-defined]
        ctx.problem = type("P", (), {"agents": [type("A", (), {"id": "a"}),  # type: ignore
                                                 type("A", (), {"id": "b"})]})
        found = generate(ctx, seed=0, work=5, deadline=time.perf_counter() + 30,  # type: ignore
                         workers=1)
        assert found is not None
        assert found.bound == expected
        assert found.objective == expected


def test_a_pricing_stopped_before_it_began_still_gives_a_valid_bound(
        small_problem: Problem) -> None:
    # CP-SAT stopped before its search reports a bound of 0; with prices that reward working
    # the block's least cost is far below 0, so 0 would overstate the Lagrangian bound (seen on
    # acme-support under load: 500100 against a roster of 57335)
    split = cut(build(small_problem, requirements(small_problem)))
    assert split is not None
    block = split.blocks[0]
    prices = -np.ones(len(block.variables))
    stopped = price(block, prices, seed=0, work=0.0, seconds=10)
    exact = price(block, prices, seed=0, work=30, seconds=60)
    assert stopped.values is None and exact.values is not None
    assert exact.priced < 0
    assert stopped.bound <= exact.priced


def test_generation_stops_after_stalled_rounds(small_problem: Problem) -> None:
    # on the small team the bound is 0 at zero prices, falls in rounds 2 and 3 while the duals
    # settle, and is 503 in round 4: two flat rounds stop it there, three let it through to
    # the master's own value, 2,384, in round 15 (the master's value counts the rows' constant
    # terms as the bound does: without them it stopped at round 4, 503 above the master)
    ctx = build(small_problem, requirements(small_problem))

    def run(stall: int) -> tuple[float, int]:
        found = generate(ctx, seed=0, work=20, deadline=time.perf_counter() + 60, workers=1,
                         pick_roster=False, stall=stall)
        assert found is not None
        return found.bound, found.rounds

    assert run(2) == (0, 3)
    assert run(3) == run(0) == (2384, 15)



def test_pick_searches_at_the_linearization_asked(
        small_problem: Problem, monkeypatch: pytest.MonkeyPatch) -> None:
    # the pick's CP-SAT solver runs the level asked (2: the columns' LP steers it), CP-SAT's
    # default when none is asked, and picks the same roster each time
    levels: list[int] = []

    def recorded(*args: object, **kwargs: Any) -> cp_model.CpSolver:
        solver = one_thread(*args, **kwargs)
        levels.append(solver.parameters.linearization_level)
        return solver

    monkeypatch.setattr(columns, "one_thread", recorded)
    ctx = build(small_problem, requirements(small_problem))
    found, picked = [], []
    for level in (2, 2, None):
        found.append(generate(ctx, seed=0, work=5, deadline=time.perf_counter() + 60,
                              workers=1, pick_linearization=level))
        picked.append(levels[-1])  # the pick is the last CP-SAT solve of a generation
    assert picked == [2, 2, 1]
    assert found[0] is not None and found[1] is not None
    assert found[0].values is not None
    assert found[0].values == found[1].values
    assert sum(polish(ctx, found[0].values).values()) <= found[0].objective


def test_availability_teams_pick_with_the_full_relaxation_below_the_largest() -> None:
    # 200 agents (AVAILABILITY_LARGE): CP-SAT's default proves the pick's optimum in 4.6
    # deterministic seconds, level 2 had not reached it in 7.2
    assert AVAILABILITY.pick_linearization == 2
    assert AVAILABILITY_LARGE.pick_linearization is None
