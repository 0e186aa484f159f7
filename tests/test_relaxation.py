"""The linear-relaxation bound: hand-worked tiny models, and never above a proven optimum."""

from __future__ import annotations

import time

import pytest
from ortools.sat.python import cp_model

from scheduler.domain import Problem
from scheduler.solvers import relaxation as relaxation_module
from scheduler.solvers.cpsat import build
from scheduler.solvers.plan import SolvePlan
from scheduler.solvers.relaxation import Relaxation, lp_bound
from scheduler.solvers.searches import exact_search
from scheduler.staffing import requirements


def test_fractional_relaxation_rounds_up_to_the_integer_optimum() -> None:
    # three pairs each need one of two agents: the relaxation takes half of each (1.5),
    # and a penalty is an integer, so the bound is 2 (the optimum: two agents)
    model = cp_model.CpModel()
    x, y, z = (model.new_bool_var(n) for n in "xyz")
    model.add_bool_or([x, y])
    model.add(y + z >= 1)
    model.add_bool_or([x, z])
    model.minimize(x + y + z)
    assert lp_bound(model) == 2


def test_negated_literals_at_most_one_and_max() -> None:
    model = cp_model.CpModel()
    x, y, z = (model.new_bool_var(n) for n in "xyz")
    top = model.new_int_var(0, 10, "top")
    model.add_at_most_one([x, y])
    model.add_bool_or([~x, z])  # z or not x
    model.add_max_equality(top, [2 * z, x + y])
    model.add_exactly_one([x, y, z])
    # by hand: with z = t, top >= max(2t, 1 - t), least at t = 1/3: cost 2 + 10/3 = 5.33;
    # rounded up 6, the integer optimum (z = 1, top = 2)
    model.minimize(3 * top + 5 * (1 - z))
    assert lp_bound(model) == 6


def test_conditional_constraints_are_left_out() -> None:
    model = cp_model.CpModel()
    x, switch = model.new_bool_var("x"), model.new_bool_var("switch")
    model.add(x == 1).only_enforce_if(switch)
    model.add(switch == 1)
    model.minimize(x)
    assert lp_bound(model) == 0  # the optimum is 1; without the condition the relaxation has 0


def test_never_above_the_proven_optimum(small_problem: Problem) -> None:
    ctx = build(small_problem, requirements(small_problem))
    optimum = exact_search(ctx, seed=0, work=30, seconds=60)
    assert optimum.status == "OPTIMAL"
    bound = lp_bound(ctx.model)
    assert 0 < bound <= optimum.objective


def _pairs() -> cp_model.CpModel:
    model = cp_model.CpModel()
    x, y, z = (model.new_bool_var(n) for n in "xyz")
    model.add_bool_or([x, y])
    model.add_bool_or([y, z])
    model.add_bool_or([x, z])
    model.minimize(x + y + z)
    return model


def test_relaxation_in_a_child_gives_the_bound() -> None:
    relaxation = Relaxation(_pairs(), deadline=time.perf_counter() + 60)
    assert relaxation.result() == 2  # as in the first test: 1.5 rounded up
    assert not relaxation.running


def _never(model: cp_model.CpModel, *, time_limit: float) -> float:
    time.sleep(600)  # a relaxation that ignores its time limit
    return 10.0


def test_relaxation_past_its_deadline_is_abandoned() -> None:
    relaxation = Relaxation(_pairs(), deadline=time.perf_counter() + 0.2, bound_of=_never)
    assert relaxation.result(wait=False) == 0  # still solving: no bound yet
    assert relaxation.result() == 0  # the deadline passed: given up, the child ended
    assert not relaxation.running
    assert relaxation.result() == 0


def test_relaxation_without_fork_runs_in_a_thread(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(relaxation_module.multiprocessing, "get_all_start_methods",
                        lambda: ["spawn"])
    relaxation = Relaxation(_pairs(), deadline=time.perf_counter() + 60)
    assert not relaxation.running  # no child
    assert relaxation.result() == 2


def test_relaxation_is_ended_at_its_deadline_unasked() -> None:
    relaxation = Relaxation(_pairs(), deadline=time.perf_counter() + 0.2, bound_of=_never)
    time.sleep(1.0)  # nobody asks for the bound at its deadline: the child is ended anyway
    assert not relaxation.running
    assert relaxation.result() == 0


def test_relaxation_share_follows_the_model_size_per_second() -> None:
    plan = SolvePlan("test", relaxation_time=0.9, relaxation_size=500, end=0.95)
    assert plan.relaxation_share(30_000, 60) == 0.9  # 500 a second of 60 s: up to 30,000
    assert plan.relaxation_share(30_001, 60) == 0.0
    assert plan.relaxation_share(60_480, 121) == 0.9  # Curtois 13 from 121 s on
    assert SolvePlan("test", relaxation_time=1.0).relaxation_share(10**9, 1) == 0.95  # end


def test_relaxation_not_asked_for_starts_no_child() -> None:
    relaxation = Relaxation(_pairs(), deadline=time.perf_counter() - 1)
    assert not relaxation.running
    assert relaxation.result() == 0
