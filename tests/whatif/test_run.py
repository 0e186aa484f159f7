"""Solving scenarios here, in processes and on a Dask LocalCluster: the same rosters everywhere."""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial

import pytest

from scheduler.check import check
from scheduler.domain import Problem
from scheduler.load import load_team
from scheduler.staffing import requirements
from scheduler.whatif import run as run_module
from scheduler.whatif.compare import compare_scenarios
from scheduler.whatif.parse import parse_change
from scheduler.whatif.run import (
    FAILED,
    ClusterError,
    Outcome,
    SolveOptions,
    Task,
    roster_of,
    run_tasks,
)
from scheduler.whatif.scenarios import Scenario

TINY = SolveOptions(time_limit=60, work_limit=0.2, workers=1, seed=0)


@pytest.fixture(scope="module")
def small() -> Problem:
    return load_team("fixtures/small")


def scenarios(problem: Problem, *texts: str) -> list[Scenario]:
    found = []
    for text in texts:
        change = parse_change(text, problem)
        found.append(Scenario(text, (change,)))
    return found


def assert_honest(problem: Problem, outcome: Outcome) -> None:
    """The solver's objective is what the rules find, and no hard rule is broken."""
    evaluation = check(problem, roster_of(outcome), requirements(problem))
    assert outcome.objective == evaluation.total_penalty
    assert evaluation.hard == ()


def test_a_scenario_without_changes_reproduces_the_baseline(small: Problem) -> None:
    table, outcomes = compare_scenarios(small, [Scenario("same")], TINY, run_tasks)
    base, same = outcomes
    assert base.solved and same.shifts == base.shifts
    mine = table[table["scenario"] == "same"]
    assert len(mine) > 10
    assert (mine["delta"] == 0).all()
    assert list(mine["value"]) == list(table[table["scenario"] == "baseline"]["value"])
    assert_honest(small, base)


def figures(outcomes: Sequence[Outcome]) -> list[tuple[str, tuple[object, ...], object]]:
    return [(o.name, o.shifts, o.headline) for o in outcomes]


@pytest.mark.slow
@pytest.mark.dask
def test_processes_and_a_dask_cluster_give_the_same_rosters(small: Problem) -> None:
    from distributed import LocalCluster

    chosen = scenarios(small, "volume +30% chat", "remove ben", "skill dana chat")
    serial, outcomes = compare_scenarios(small, chosen, TINY, run_tasks)
    for scenario, outcome in zip(chosen, outcomes[1:], strict=True):
        assert_honest(scenario.apply(small), outcome)
    _, in_processes = compare_scenarios(small, chosen, TINY, partial(run_tasks, jobs=2))
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                      dashboard_address=None) as cluster:
        events: list[tuple[str, bool]] = []
        run = partial(run_tasks, cluster=cluster.scheduler_address,
                      on_event=lambda name, o: events.append((name, o is None)))
        on_cluster, on_dask = compare_scenarios(small, chosen, TINY, run)
    assert figures(in_processes) == figures(outcomes) == figures(on_dask)
    assert on_cluster.equals(serial)
    assert sorted(events) == sorted([(t.name, flag) for t in [Task("baseline", small)]
                                     + [Task(s.name, small) for s in chosen]
                                     for flag in (True, False)])
    # the scenarios changed what they say: more chat volume, fewer agents, more chat skill
    by_name = {o.name: o.headline for o in outcomes}
    assert by_name["remove ben"].hours < by_name["baseline"].hours
    assert by_name["volume +30% chat"].short_hours["chat"] > by_name["baseline"].short_hours[
        "chat"]


def test_a_scenario_without_roster_says_why_and_the_others_finish(small: Problem) -> None:
    chosen = scenarios(small, "add x skills=phone; hours=30-30; days=1", "volume +10%")
    table, outcomes = compare_scenarios(small, chosen, TINY, partial(run_tasks, jobs=2))
    impossible = outcomes[1]
    assert impossible.status == "INFEASIBLE" and not impossible.solved
    assert "contract" in impossible.reason
    assert outcomes[2].solved and outcomes[0].solved
    rows = table[table["scenario"] == chosen[0].name]
    assert rows["value"].isna().all() and (rows["status"] == "INFEASIBLE").all()


def test_a_task_that_raises_is_one_failed_row(small: Problem,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    real = run_module.solve_task

    def flaky(task: Task) -> Outcome:
        if task.name == "boom":
            raise MemoryError("worker ran out of memory")
        return real(task)

    monkeypatch.setattr(run_module, "solve_task", flaky)
    outcomes = run_tasks([Task("boom", small, TINY), Task("fine", small, TINY)])
    assert outcomes[0].status == FAILED
    assert outcomes[0].reason == "MemoryError: worker ran out of memory"
    assert outcomes[1].solved


def test_an_unreachable_cluster_is_a_one_line_error(small: Problem,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(run_module, "CONNECT_TIMEOUT", 1)
    with pytest.raises(ClusterError, match="cannot reach the Dask scheduler at tcp://127.0.0.1:9"):
        run_tasks([Task("x", small, TINY)], cluster="tcp://127.0.0.1:9")
