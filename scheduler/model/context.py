"""The model context: CP-SAT variables of a roster, their index, and the rules' penalty terms.

Rules never create shift variables; they ask the context for them and hand it their hard
constraints (:meth:`ModelContext.require`) and penalty terms (:meth:`ModelContext.penalize`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

from ortools.sat.python import cp_model

from scheduler.domain import Problem, Shift

if TYPE_CHECKING:
    import pandas as pd

LinearExpr = cp_model.LinearExprT


@dataclass(frozen=True)
class Penalty:
    """A term of the objective: ``weight * expr``, owned by ``rule``."""

    rule: str
    weight: int
    expr: LinearExpr
    detail: str = ""


@dataclass(frozen=True)
class Group:
    """A named set of hard constraints that an infeasibility explanation can point at."""

    rule: str
    subject: str
    description: str
    literal: cp_model.IntVar


class ModelContext:
    """Owns the CP-SAT model of one problem: one boolean per (agent, day, template).

    Parameters
    ----------
    problem
        The validated problem to model.
    requirements
        The staffing stage's frame: agents needed per interval and queue.
    explain
        When True, every hard constraint is guarded by its group's literal so that an
        infeasible model can be explained by the smallest set of groups that conflict.
    """

    def __init__(self, problem: Problem, requirements: pd.DataFrame, *,
                 explain: bool = False) -> None:
        self.problem = problem
        self.requirements = requirements
        self.model = cp_model.CpModel()
        self.explain = explain
        self.penalties: list[Penalty] = []
        self.groups: dict[tuple[str, str], Group] = {}
        self.x: dict[tuple[str, int, str], cp_model.IntVar] = {}
        self.day_vars: dict[tuple[str, int], list[tuple[str, cp_model.IntVar]]] = defaultdict(list)
        self.work_days: dict[tuple[str, int], cp_model.IntVar] = {}
        self._weekends: dict[str, list[cp_model.IntVar]] | None = None
        self._build_shifts()

    def _build_shifts(self) -> None:
        clock = self.problem.clock
        for agent in self.problem.agents:
            for day in range(self.problem.days):
                weekday = clock.weekday(day)
                offered = self.problem.offer_index.get((agent.id, day), ())
                for template in self.problem.templates:
                    if template.weekdays and weekday not in template.weekdays:
                        continue
                    if template.flexible is not None and template.id not in offered:
                        continue  # flexible candidates: only the agent's own for the day
                    var = self.model.new_bool_var(f"x[{agent.id},{day},{template.id}]")
                    self.x[agent.id, day, template.id] = var
                    self.day_vars[agent.id, day].append((template.id, var))
                choices = [v for _, v in self.day_vars[agent.id, day]]
                work = self.model.new_bool_var(f"work[{agent.id},{day}]")
                self.model.add(sum(choices) == work)
                self.work_days[agent.id, day] = work
            self._forbid_overlaps(agent.id)

    def _forbid_overlaps(self, agent: str) -> None:
        """Two shifts of one agent on neighbouring days may not overlap in time."""
        for day in range(self.problem.days - 1):
            starts = [(self.span(agent, day + 1, second)[0], b)
                      for second, b in self.day_vars[agent, day + 1]]
            for first, a in self.day_vars[agent, day]:
                end = self.span(agent, day, first)[1]
                later = [b for start, b in starts if start < end]
                if later:  # one shift a day: a single "at most one" covers every pair
                    self.model.add_at_most_one([a, *later])

    def span(self, agent: str, day: int, template: str) -> tuple[int, int]:
        """Start and end minute of a (possible) shift."""
        found = self.problem.span_table.get((day, template))  # no Shift object: a hot path
        return found if found is not None else self.problem.shift_span(
            Shift(agent=agent, day=day, template=template))

    def shift(self, agent: str, day: int, template: str) -> cp_model.IntVar | None:
        """The variable 'agent works template on day', or None when the shift is not offered."""
        return self.x.get((agent, day, template))

    def options(self, agent: str) -> list[tuple[Shift, cp_model.IntVar]]:
        """Every shift the agent could be given, with its variable."""
        return [(Shift(agent=agent, day=day, template=t), var)
                for day in range(self.problem.days) for t, var in self.day_vars[agent, day]]

    def works(self, agent: str, day: int) -> cp_model.IntVar | int:
        """1 when the agent works on ``day``; history days give the constant from last roster."""
        if 0 <= day < self.problem.days:
            return self.work_days[agent, day]
        return int((agent, day) in self.problem.history_index)

    @property
    def has_worked_weekends(self) -> bool:
        """Whether some rule asked for :meth:`worked_weekends` (the variables exist)."""
        return self._weekends is not None

    def worked_weekends(self, agent: str) -> list[cp_model.IntVar]:
        """Per weekend of the horizon, 1 exactly when the agent works any day of it.

        Built on first use for every agent at once (the weekend limit and fairness share them);
        the weekends are those of the team's weekend rule settings.
        """
        if self._weekends is None:
            groups = self.problem.clock.weekends(self.problem.rules.weekends.weekend_days)
            self._weekends = {}
            for each in self.problem.agents:
                flags = []
                for days in groups:
                    flag = self.model.new_bool_var(f"weekend[{each.id},{days[0]}]")
                    self.model.add_max_equality(flag, [self.works(each.id, d) for d in days])
                    flags.append(flag)
                self._weekends[each.id] = flags
        return self._weekends[agent]

    @cached_property
    def duty(self) -> dict[int, list[tuple[str, cp_model.IntVar]]]:
        """For each interval, the (agent, shift variable) pairs whose shift covers it wholly."""
        found: dict[int, list[tuple[str, cp_model.IntVar]]] = defaultdict(list)
        for (agent, day, template), var in self.x.items():
            for interval in self.problem.covered_intervals(self.span(agent, day, template)):
                found[interval].append((agent, var))
        return found

    def require(self, constraint: cp_model.Constraint, rule: str, subject: str,
                description: str) -> None:
        """Mark a hard constraint as belonging to group (rule, subject)."""
        if self.explain:
            constraint.only_enforce_if(self.group(rule, subject, description).literal)

    def forbid(self, variables: Iterable[cp_model.IntVar], rule: str, subject: str,
               description: str) -> None:
        """Hard: none of these shift variables may be chosen."""
        for var in variables:
            self.require(self.model.add(var == 0), rule, subject, description)

    def group(self, rule: str, subject: str, description: str) -> Group:
        """The group (rule, subject), created on first use."""
        key = (rule, subject)
        if key not in self.groups:
            literal = self.model.new_bool_var(f"enforce[{rule},{subject}]")
            self.groups[key] = Group(rule, subject, description, literal)
        return self.groups[key]

    def penalize(self, expr: LinearExpr, weight: int, rule: str, detail: str = "") -> None:
        """Add ``weight * expr`` to the objective, owned by ``rule``."""
        if weight:
            self.penalties.append(Penalty(rule, weight, expr, detail))

    def excess(self, expr: LinearExpr, bound: int, upper: int, name: str) -> cp_model.IntVar:
        """A variable at least ``max(0, expr - bound)``; minimisation makes it equal."""
        slack = self.model.new_int_var(0, max(0, upper), name)
        self.model.add(expr - bound <= slack)
        return slack

    def at_most(self, expr: LinearExpr, bound: int, *, hard: bool, weight: int, rule: str,
                subject: str, description: str, upper: int, name: str) -> None:
        """``expr <= bound``: required when ``hard`` (in group rule/subject), else each unit
        above ``bound`` (at most ``upper``) costs ``weight``."""
        if hard:
            self.require(self.model.add(expr <= bound), rule, subject, description)
        else:
            self.penalize(self.excess(expr, bound, upper, name), weight, rule)

    def at_least(self, expr: LinearExpr, bound: int | cp_model.IntVar, *, hard: bool,
                 weight: int, rule: str, subject: str, description: str, upper: int,
                 name: str) -> None:
        """``expr >= bound``: required when ``hard``, else each unit short (at most ``upper``)
        costs ``weight``."""
        if hard:
            self.require(self.model.add(expr >= bound), rule, subject, description)
        else:
            short = bound - expr  # type: ignore[operator]
            self.penalize(self.excess(short, 0, upper, name), weight, rule)

    def avoid(self, expr: LinearExpr, *, hard: bool, weight: int, rule: str, subject: str,
              description: str) -> None:
        """``expr`` (never negative) kept at 0 when ``hard``, else each unit costs ``weight``."""
        if hard:
            self.require(self.model.add(expr == 0), rule, subject, description)
        else:
            self.penalize(expr, weight, rule)

    def avoid_shifts(self, variables: Iterable[cp_model.IntVar], *, hard: bool, weight: int,
                     rule: str, subject: str, description: str) -> None:
        """Shift variables forbidden when ``hard``, else each one chosen costs ``weight``."""
        if hard:
            self.forbid(variables, rule, subject, description)
        else:
            for var in variables:
                self.penalize(var, weight, rule)

    def objective(self) -> LinearExpr:
        """The sum of all penalty terms."""
        return cp_model.LinearExpr.weighted_sum([p.expr for p in self.penalties],
                                                [p.weight for p in self.penalties])
