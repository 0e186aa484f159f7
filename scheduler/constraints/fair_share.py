"""Fair share of hours, and at least some hours for everyone available.

Fair share: each agent's paid minutes are compared with their target
(:func:`scheduler.staffing.fair_share.fair_targets`, balance from earlier weeks included). The
penalty on a deviation of ``d`` minutes is ``weight * sum(max(0, d - k * step))`` for
``k = 0 .. steps - 1``: convex, so the solver spreads hours rather than piling them on a few.

Minimum hours: everyone who can work gets at least ``hours`` (or every minute they are
available when that is less), else ``weight`` per minute short (or a hard violation).
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from weakref import WeakKeyDictionary

from scheduler.constraints.base import Rule, finding
from scheduler.domain import Problem, Roster
from scheduler.evaluation import Violation
from scheduler.load.levels import Levels
from scheduler.settings import FairShareSettings, Level, MinHoursSettings
from scheduler.staffing.fair_share import fair_targets

if TYPE_CHECKING:
    import pandas as pd
    from ortools.sat.python.cp_model import IntVar

    from scheduler.model import ModelContext


def convex_penalty(deviation: int, settings: FairShareSettings) -> int:
    """The fair-share penalty of a deviation in minutes."""
    steps = range(settings.steps)
    return settings.weight * sum(max(0, deviation - k * settings.step_minutes) for k in steps)


def paid_minutes(problem: Problem, roster: Roster) -> dict[str, int]:
    """Paid minutes each agent works in the roster."""
    found = {a.id: 0 for a in problem.agents}
    for shift in roster.shifts:
        found[shift.agent] += problem.template_index[shift.template].paid_minutes
    return found


_WORKED: WeakKeyDictionary[ModelContext, dict[str, tuple[IntVar, int]]] = WeakKeyDictionary()


def worked_expr(ctx: ModelContext, agent: str) -> tuple[IntVar, int]:
    """The agent's paid minutes as one model variable (shared by the rules that count them),
    and its largest possible value."""
    known = _WORKED.setdefault(ctx, {})
    if agent not in known:
        index = ctx.problem.template_index
        days = [ctx.day_vars[agent, d] for d in range(ctx.problem.days)]
        most = sum(max((index[t].paid_minutes for t, _ in options), default=0)
                   for options in days)
        worked = ctx.model.new_int_var(0, most, f"worked[{agent}]")
        ctx.model.add(worked == sum(index[t].paid_minutes * v for options in days
                                    for t, v in options))
        known[agent] = (worked, most)
    return known[agent]


class FairShareRule(Rule[FairShareSettings]):
    """Hours away from each agent's fair target, priced convexly."""

    name = "fair_share"

    def encode(self, ctx: ModelContext) -> None:
        """Deviation ``d >= |worked - target|`` and one slack per step above ``k * step``."""
        settings = self.settings(ctx.problem)
        model = ctx.model
        targets = fair_targets(ctx.problem)
        for agent in ctx.problem.agents:
            worked, most = worked_expr(ctx, agent.id)
            target = targets[agent.id]
            top = max(most, target)
            deviation = model.new_int_var(0, top, f"dev[{agent.id}]")
            model.add(deviation >= worked - target)
            model.add(deviation >= target - worked)
            ctx.penalize(deviation, settings.weight, self.name)
            for k in range(1, settings.steps):
                bound = k * settings.step_minutes
                if bound >= top:
                    break
                ctx.penalize(ctx.excess(deviation, bound, top - bound, "step"),
                             settings.weight, self.name)

    def evaluate(self, roster: Roster, problem: Problem,
                 requirements: pd.DataFrame) -> list[Violation]:
        """One finding per agent away from their target."""
        settings = self.settings(problem)
        targets = fair_targets(problem)
        found = []
        for agent_id, worked in paid_minutes(problem, roster).items():
            deviation = abs(worked - targets[agent_id])
            if deviation:
                label = problem.agent_index[agent_id].label
                found.append(Violation(
                    self.name, f"{label} works {worked / 60:g} h, fair share "
                    f"{targets[agent_id] / 60:g} h", penalty=convex_penalty(deviation, settings),
                    agent=agent_id))
        return found


def least_minutes(problem: Problem, settings: MinHoursSettings) -> dict[str, int]:
    """Minutes each agent should work at least: the setting, capped by their availability."""
    levels = Levels(problem)
    want = round(settings.hours * 60)
    return {a.id: min(want, levels.available_intervals(a.id) * problem.interval_minutes)
            for a in problem.agents}


class MinHoursRule(Rule[MinHoursSettings]):
    """Agents available for work but given fewer than the minimum hours."""

    name = "min_hours"

    def encode(self, ctx: ModelContext) -> None:
        """``worked >= least`` (hard) or a slack per minute short (soft)."""
        settings = self.settings(ctx.problem)
        for agent_id, least in least_minutes(ctx.problem, settings).items():
            if not least:
                continue
            worked, _ = worked_expr(ctx, agent_id)
            ctx.at_least(worked, least, hard=settings.level == Level.HARD,
                         weight=settings.weight, rule=self.name, subject=agent_id,
                         description=f"{agent_id}: at least {least / 60:g} h", upper=least,
                         name="short")

    def evaluate(self, roster: Roster, problem: Problem,
                 requirements: pd.DataFrame) -> list[Violation]:
        """One finding per agent short of their minimum."""
        settings = self.settings(problem)
        worked = paid_minutes(problem, roster)
        found = []
        for agent_id, least in least_minutes(problem, settings).items():
            if worked[agent_id] < least:
                label = problem.agent_index[agent_id].label
                found.append(finding(self.name, settings.level, settings.weight,
                                     least - worked[agent_id], f"{label} works "
                                     f"{worked[agent_id] / 60:g} h, at least {least / 60:g} h "
                                     "wanted", agent=agent_id))
        return found
