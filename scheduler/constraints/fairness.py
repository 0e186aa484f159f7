"""Fairness: spread weekends, late shifts and the share of contract hours evenly.

Each measure costs its weight times (most − least) over the agents it applies to. When the
rule is hard, weekend and late counts may differ by at most one and hour shares by ten points.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from scheduler.constraints.availability import fits
from scheduler.constraints.base import Rule, Worked, finding, weeks
from scheduler.constraints.weekends import weekend_limit
from scheduler.domain import Agent, Problem, Roster, Shift
from scheduler.evaluation import Violation
from scheduler.settings import FairnessSettings, Level, WeekendSettings

if TYPE_CHECKING:
    import pandas as pd

    from scheduler.model import LinearExpr, ModelContext

HARD_SPREAD = {"weekends": 1, "late shifts": 1, "share of contract hours": 10}


def weekend_agents(problem: Problem) -> list[Agent]:
    """Agents who may work weekends at all."""
    settings: WeekendSettings = problem.rules.weekends
    days = [d for w in problem.clock.weekends(settings.weekend_days) for d in w]
    return [a for a in problem.agents if weekend_limit(a, settings) != 0 and any(
        fits(problem, a, Shift(agent=a.id, day=d, template=t.id))
        for d in days for t in problem.templates)]


def late_agents(problem: Problem, late: Sequence[str]) -> list[Agent]:
    """Agents who could be given a late shift."""
    return [a for a in problem.agents if any(
        fits(problem, a, Shift(agent=a.id, day=d, template=t))
        for d in range(problem.days) for t in late)]


def target_minutes(agent: Agent, problem: Problem) -> int:
    """Contract minutes over the horizon (maximum, else minimum); 0 when none."""
    c = agent.contract
    per = c.max_minutes if c.max_minutes is not None else c.min_minutes
    if c.period == "horizon":
        return per
    return sum(int(per * len(w) / 7) for w in weeks(problem))


def paid(problem: Problem, template: str | None) -> int:
    """Paid minutes of a template (0 for a day off)."""
    return 0 if template is None else problem.template_index[template].paid_minutes


class FairnessRule(Rule[FairnessSettings]):
    """Costs weight × spread for weekends worked, late shifts and share of contract hours."""

    name = "fairness"

    def measures(self, problem: Problem) -> list[tuple[str, int, list[Agent]]]:
        """(measure, weight, agents it applies to) for each active measure."""
        s = self.settings(problem)
        late = [t for t in s.late_templates if t in problem.template_index]
        found = [("weekends", s.weekend_weight, weekend_agents(problem)),
                 ("late shifts", s.late_weight, late_agents(problem, late) if late else []),
                 ("share of contract hours", s.hours_weight,
                  [a for a in problem.agents if target_minutes(a, problem) > 0])]
        return [(m, w, agents) for m, w, agents in found if w and len(agents) > 1]

    def encode(self, ctx: ModelContext) -> None:
        """Bound each measure between a most and a least variable and penalise their gap."""
        problem = ctx.problem
        settings = self.settings(problem)
        for measure, weight, agents in self.measures(problem):
            values = [self._value_var(ctx, measure, a) for a in agents]
            top = max(int(v[1]) for v in values)
            most = ctx.model.new_int_var(0, top, f"most[{measure}]")
            least = ctx.model.new_int_var(0, top, f"least[{measure}]")
            for value, _ in values:
                ctx.model.add(most >= value)
                ctx.model.add(least <= value)
            if settings.level == Level.HARD:
                ctx.require(ctx.model.add(most - least <= HARD_SPREAD[measure]), self.name,
                            measure, f"fair {measure}: spread at most {HARD_SPREAD[measure]}")
            else:
                ctx.penalize(most - least, weight, self.name, measure)

    def _value_var(self, ctx: ModelContext, measure: str, agent: Agent) -> tuple[LinearExpr, int]:
        problem = ctx.problem
        if measure == "weekends":
            flags = ctx.worked_weekends(agent.id)
            return sum(flags), len(flags)
        options = ctx.options(agent.id)
        if measure == "late shifts":
            late = self.settings(problem).late_templates
            return sum(v for s, v in options if s.template in late), problem.days
        target = target_minutes(agent, problem)
        minutes = sum(paid(problem, s.template) * v for s, v in options)
        most = 100 * problem.days * max(t.paid_minutes for t in problem.templates) // target + 1
        share = ctx.model.new_int_var(0, most, f"share[{agent.id}]")
        ctx.model.add(target * share <= 100 * minutes)
        ctx.model.add(100 * minutes <= target * share + target - 1)
        return share, most

    def evaluate(self, roster: Roster, problem: Problem,
                 requirements: pd.DataFrame) -> list[Violation]:
        """One finding per measure whose spread is not zero."""
        settings = self.settings(problem)
        worked = Worked(problem, roster)
        late = set(settings.late_templates)
        found = []
        value: dict[str, Callable[[Agent], int]] = {
            "weekends": lambda a: sum(any(worked.works(a.id, d) for d in w)
                                      for w in problem.clock.weekends(
                                          problem.rules.weekends.weekend_days)),
            "late shifts": lambda a: sum(s.template in late for s in worked.shifts(a.id)),
            "share of contract hours": lambda a: 100 * sum(
                paid(problem, s.template) for s in worked.shifts(a.id))
            // target_minutes(a, problem),
        }
        for measure, weight, agents in self.measures(problem):
            counts = {a.label: value[measure](a) for a in agents}
            spread = max(counts.values()) - min(counts.values())
            if settings.level == Level.HARD and spread <= HARD_SPREAD[measure]:
                continue
            if spread:
                most = max(counts, key=lambda k: counts[k])
                least = min(counts, key=lambda k: counts[k])
                unit = "%" if measure.startswith("share") else ""
                found.append(finding(
                    self.name, settings.level, weight, spread,
                    f"{measure}: {most} has {counts[most]}{unit}, {least} {counts[least]}{unit}"))
        return found
