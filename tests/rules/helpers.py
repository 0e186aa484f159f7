"""Tiny hand-checkable problems for the rule tests.

The horizon starts on Monday 1 January 2024 in UTC, so day ``d`` is ``d`` days after that Monday
and every day has 24 hours. Two shift templates: ``E`` 06:00-14:00 and ``L`` 14:00-22:00, each
480 paid minutes without break. Rosters are written one string per agent, one letter per day
(``-`` is a day off): ``roster(ana="EL-E")``.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import Any

import numpy as np
import pandas as pd
from ortools.sat.python import cp_model

from scheduler.check import check
from scheduler.constraints.base import Rule, day_label
from scheduler.domain import (
    Agent,
    Contract,
    Problem,
    Roster,
    Shift,
    ShiftCover,
    ShiftRequest,
    ShiftTemplate,
    TimeOff,
)
from scheduler.evaluation import Violation
from scheduler.model import ModelContext
from scheduler.settings import ConsecutiveSettings, CoverageSettings, RuleSettings
from scheduler.solvers.blocks import Block, Cut, cut
from scheduler.solvers.columns import Pricer, reduced_prices
from scheduler.solvers.cpsat import build
from scheduler.solvers.result import SolveResult
from scheduler.solvers.roster import solve
from scheduler.staffing import requirements

START = date(2024, 1, 1)  # a Monday
E = ShiftTemplate(id="E", name="Early", start=time(6), paid_minutes=480)
L = ShiftTemplate(id="L", name="Late", start=time(14), paid_minutes=480)
RULE_NAMES = ("coverage", "time_off", "contract", "rest", "consecutive", "weekends", "fairness",
              "preferences", "availability", "stability")


def only(**enabled: Any) -> RuleSettings:
    """Rule settings with every rule off except the ones given (as settings objects)."""
    settings: dict[str, Any] = {name: {"level": "off"} for name in RULE_NAMES}
    settings["time_off"] = {"level": "off", "pending_level": "off"}
    settings.update(enabled)
    return RuleSettings.model_validate(settings)


def agent(id: str, *, skills: tuple[str, ...] = (), **contract: Any) -> Agent:
    """An agent named after its id (capitalised), with contract fields as keywords."""
    return Agent(id=id, name=id.capitalize(), skills=skills, contract=Contract(**contract))


def problem(*agents: Agent | str, days: int, rules: RuleSettings, **fields: Any) -> Problem:
    """A problem on the test horizon; agents given as ids get a default contract."""
    team = tuple(agent(a) if isinstance(a, str) else a for a in agents)
    fields.setdefault("templates", (E, L))
    return Problem(team="test", time_zone="UTC", start=START, days=days, agents=team,
                   rules=rules, **fields)


def four_weeks(agents: int) -> Problem:
    """Headcount rows for two shifts every day over four weeks (two agents wanted on each);
    nothing else constrains who works when but at most five days in a row."""
    cover = tuple(ShiftCover(day=d, template=t, required=2, under_weight=50, over_weight=3)
                  for d in range(28) for t in ("E", "L"))
    rules = RuleSettings(coverage=CoverageSettings(),
                         consecutive=ConsecutiveSettings(max_days=5))
    return problem(*(agent(f"a{i}", max_minutes=480 * 20) for i in range(agents)), days=28,
                   shift_cover=cover, rules=rules)


def _from_patterns(first_day: int, patterns: dict[str, str]) -> tuple[Shift, ...]:
    return tuple(Shift(agent=a, day=first_day + i, template=t)
                 for a, pattern in patterns.items() for i, t in enumerate(pattern) if t != "-")


def shifts(**patterns: str) -> tuple[Shift, ...]:
    """Shifts from one pattern string per agent, starting on day 0."""
    return _from_patterns(0, patterns)


def roster(**patterns: str) -> Roster:
    """A roster from one pattern string per agent, starting on day 0."""
    return Roster(shifts=shifts(**patterns))


def history(**patterns: str) -> tuple[Shift, ...]:
    """Last roster's shifts: each pattern ends on day -1."""
    return tuple(s for a, p in patterns.items() for s in _from_patterns(-len(p), {a: p}))


def wants(agent_id: str, *days: int, template: str | None = None, weight: int = 1,
          on: bool = True) -> tuple[ShiftRequest, ...]:
    """Shift requests of one agent: work (``on``) or not, one per day."""
    return tuple(ShiftRequest(agent=agent_id, day=d, template=template, on=on, weight=weight)
                 for d in days)


def at(day: int, hour: int = 0) -> datetime:
    """An instant of the horizon (UTC)."""
    return datetime(START.year, START.month, START.day + day, hour, tzinfo=UTC)


def time_off(agent_id: str, first: int, last: int, status: str = "approved") -> TimeOff:
    """Whole days ``first``..``last`` off."""
    return TimeOff(agent=agent_id, start=at(first), end=at(last + 1), status=status)


def evaluate(rule: Rule[Any], found: Roster, prob: Problem,
             needs: pd.DataFrame | None = None) -> list[Violation]:
    """One rule's findings on a roster; ``needs`` defaults to the problem's own staffing."""
    return rule.evaluate(found, prob, requirements(prob) if needs is None else needs)


def model_of(prob: Problem) -> ModelContext:
    """The problem's CP-SAT model as the solve builds it, with its own staffing requirements."""
    return build(prob, requirements(prob))


def label(prob: Problem, day: int) -> str:
    """The day as messages show it (``Tue 02 Jan``)."""
    return day_label(prob, day)


def assert_identity(prob: Problem, result: SolveResult,
                    needs: pd.DataFrame | None = None) -> None:
    """Solver objective = evaluated penalty, rule by rule, and no hard violation.

    The one check of the project's identity: every test that solves a roster calls it.
    ``needs`` defaults to the problem's own staffing requirements.
    """
    assert result.roster is not None, result.report.summary()
    evaluation = check(prob, result.roster, requirements(prob) if needs is None else needs)
    assert not evaluation.hard, [v.message for v in evaluation.hard]
    assert result.report.objective == evaluation.total_penalty, evaluation.violations
    solver = {rule: p for rule, p in result.report.penalties.items() if p}
    evaluated = {rule: p for rule, p in evaluation.penalty_by_rule.items() if p}
    assert solver == evaluated


def solved(prob: Problem, optimum: int, needs: pd.DataFrame | None = None) -> Roster:
    """Solve to optimality, check the optimum and the identity; return the roster."""
    needs = requirements(prob) if needs is None else needs
    result = solve(prob, needs, time_limit=10, workers=1)
    assert result.report.status == "OPTIMAL", result.report.summary()
    assert result.report.objective == optimum, result.report.summary()
    assert_identity(prob, result, needs)
    assert result.roster is not None
    return result.roster


def same(found: Roster, **patterns: str) -> bool:
    """Whether a roster holds exactly the shifts of the patterns (in any order)."""
    return set(found.shifts) == set(shifts(**patterns))


def pattern(found: Roster, agent_id: str, days: int) -> str:
    """An agent's row of a roster as a pattern string (inverse of :func:`roster`)."""
    return "".join(found.by_agent_day.get((agent_id, d), "-") for d in range(days))


def one(found: list[Violation]) -> Violation:
    """The single finding of a list (fails when there are none or several)."""
    assert len(found) == 1, found
    return found[0]


def block_holds(block: Block, values: np.ndarray) -> bool:
    """Whether the block's rules accept these values of its variables."""
    fixed = block.model.clone()
    for i, value in enumerate(values.tolist()):
        domain = fixed.proto.variables[i].domain
        if not domain[0] <= value <= domain[len(domain) - 1]:
            return False
        domain[0] = domain[1] = int(value)
    fixed.proto.clear_objective()
    return cp_model.CpSolver().solve(fixed) == cp_model.OPTIMAL


def priced_team(problem: Problem, seed: int, *, mean: float, spread: float
                ) -> tuple[ModelContext, Cut, np.ndarray, Pricer]:
    """The team's model cut into agents, prices at random duals (``mean``, ``spread``; 30 %
    of the rows at none) and a pricer by the programs over the days."""
    ctx = build(problem, requirements(problem))
    split = cut(ctx)
    assert split is not None
    rng = np.random.default_rng(seed)
    duals = rng.normal(mean, spread, len(split.low)) * (rng.random(len(split.low)) < 0.7)
    return ctx, split, reduced_prices(split, duals), Pricer(ctx, split, by_days=True)
