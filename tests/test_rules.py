"""Every rule of the library, each alone on the small fixture: the solver's penalty for it is
what its ``evaluate`` finds, and a rule switched off is neither encoded nor evaluated."""

from __future__ import annotations

from typing import Any

import pytest
from rules.helpers import assert_identity

from scheduler.check import check
from scheduler.constraints import RULES
from scheduler.constraints.base import Rule
from scheduler.domain import Problem
from scheduler.settings import Level
from scheduler.solvers.roster import solve
from scheduler.staffing import requirements


def alone(problem: Problem, rule: Rule[Any]) -> Problem:
    """The problem with every other rule switched off and ``rule`` at least soft."""
    changes = {}
    for other in RULES:
        settings = other.settings(problem)
        level = settings.level if other is rule else Level.OFF
        if other is rule and level == Level.OFF:
            level = Level.SOFT
        changes[other.name] = settings.model_copy(update={"level": level})
    changes["time_off"] = changes["time_off"].model_copy(
        update={"pending_level": changes["time_off"].pending_level
                if rule.name == "time_off" else Level.OFF})
    return problem.model_copy(update={"rules": problem.rules.model_copy(update=changes)})


@pytest.mark.parametrize("rule", RULES, ids=lambda rule: rule.name)
def test_each_rule_alone_agrees_with_its_evaluation(rule: Rule[Any],
                                                   small_problem: Problem) -> None:
    problem = alone(small_problem, rule)
    needs = requirements(problem)
    result = solve(problem, needs, time_limit=60, work_limit=1, workers=1)
    assert_identity(problem, result, needs)
    assert set(result.report.penalties) <= {rule.name}
    assert result.evaluation is not None
    assert {v.rule for v in result.evaluation.violations} <= {rule.name}


def test_rule_names_are_unique_and_name_their_settings(small_problem: Problem) -> None:
    names = [rule.name for rule in RULES]
    assert len(set(names)) == len(names)
    for rule in RULES:
        assert rule.settings(small_problem) is getattr(small_problem.rules, rule.name)


def test_a_rule_switched_off_finds_nothing(small_problem: Problem) -> None:
    # coverage alone on an empty roster is short everywhere; switched off it finds nothing
    coverage = next(rule for rule in RULES if rule.name == "coverage")
    problem = alone(small_problem, coverage)
    needs = requirements(problem)
    from scheduler.domain import Roster

    assert check(problem, Roster(), needs).total_penalty > 0
    off = alone(problem, next(rule for rule in RULES if rule.name == "rest"))
    assert check(off, Roster(), needs).total_penalty == 0
