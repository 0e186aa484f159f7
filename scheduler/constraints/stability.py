"""Stability: keep locked shifts, and change as little as possible of a published roster.

In a re-plan mid-week (``Problem.fixed_before``) the roster before that moment is what
happened: every shift of the reference that started earlier stays, and no shift starting
earlier is added (hard).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from scheduler.constraints.base import Rule, day_label, finding
from scheduler.domain import Problem, Roster, Shift
from scheduler.evaluation import Violation
from scheduler.settings import Level, StabilitySettings

if TYPE_CHECKING:
    import pandas as pd

    from scheduler.model import LinearExpr, ModelContext


class StabilityRule(Rule[StabilitySettings]):
    """Locked shifts always stay (hard); each changed (agent, day) of the reference costs."""

    name = "stability"

    def active(self, problem: Problem) -> bool:
        """Locked shifts apply even when the change penalty is off."""
        return (bool(problem.locked) or problem.fixed_before is not None
                or super().active(problem))

    def encode(self, ctx: ModelContext) -> None:
        """Fix locked shifts; penalise each agent-day that differs from the reference."""
        problem = ctx.problem
        for shift in problem.locked:
            var = ctx.shift(shift.agent, shift.day, shift.template)
            label = f"{problem.agent_index[shift.agent].label}: locked {shift.template} on " \
                    f"{day_label(problem, shift.day)}"
            if var is None:
                ctx.require(ctx.model.add_bool_or([]), "locked",
                            shift.agent, label)
            else:
                ctx.require(ctx.model.add(var == 1), "locked", shift.agent, label)
        self._encode_past(ctx)
        settings = self.settings(problem)
        if settings.level == Level.OFF or not problem.reference:
            return
        reference = {(s.agent, s.day): s.template for s in problem.reference}
        for agent in problem.agents:
            for day in range(problem.days):
                template = reference.get((agent.id, day))
                kept = None if template is None else ctx.shift(agent.id, day, template)
                changed: LinearExpr = (ctx.works(agent.id, day) if template is None
                                       else 1 if kept is None else 1 - kept)
                ctx.avoid(changed, hard=settings.level == Level.HARD, weight=settings.weight,
                          rule=self.name, subject=agent.id,
                          description=f"{agent.label}: keep the published roster")

    def _encode_past(self, ctx: ModelContext) -> None:
        """Before ``fixed_before``: the reference's shifts stay, no other shift is added."""
        problem = ctx.problem
        if problem.fixed_before is None:
            return
        kept = {(s.agent, s.day, s.template) for s in problem.reference}
        for agent in problem.agents:
            for shift, var in ctx.options(agent.id):
                if ctx.span(agent.id, shift.day, shift.template)[0] >= problem.fixed_before:
                    continue
                label = (f"{agent.label} on {day_label(problem, shift.day)}: the roster before "
                         "the re-plan is what happened")
                ctx.require(ctx.model.add(var == int((agent.id, shift.day, shift.template)
                                                     in kept)), "fixed", agent.id, label)

    def _evaluate_past(self, roster: Roster, problem: Problem) -> list[Violation]:
        """Agent-days whose shift before ``fixed_before`` differs from the reference."""
        if problem.fixed_before is None:
            return []
        moment = problem.fixed_before

        def started(agent: str, day: int, template: str | None) -> bool:
            return template is not None and problem.shift_span(
                Shift(agent=agent, day=day, template=template))[0] < moment

        reference = {(s.agent, s.day): s.template for s in problem.reference}
        found = []
        for agent, day in sorted(set(reference) | set(roster.by_agent_day)):
            before, after = reference.get((agent, day)), roster.by_agent_day.get((agent, day))
            if before != after and (started(agent, day, before) or started(agent, day, after)):
                found.append(Violation(
                    "fixed", f"{problem.agent_index[agent].label} on {day_label(problem, day)}: "
                    f"{before or 'off'} → {after or 'off'} before the re-plan's start (what "
                    "happened cannot change)", hard=True, agent=agent, day=day))
        return found

    def evaluate(self, roster: Roster, problem: Problem,
                 requirements: pd.DataFrame) -> list[Violation]:
        """Locked shifts missing (hard) and changed agent-days (soft by default)."""
        found = self._evaluate_past(roster, problem)
        for shift in problem.locked:
            if roster.by_agent_day.get((shift.agent, shift.day)) != shift.template:
                found.append(Violation(
                    "locked", f"{problem.agent_index[shift.agent].label}: locked shift "
                    f"{shift.template} on {day_label(problem, shift.day)} is missing",
                    hard=True, agent=shift.agent, day=shift.day))
        settings = self.settings(problem)
        if settings.level == Level.OFF or not problem.reference:
            return found
        reference = {(s.agent, s.day): s.template for s in problem.reference}
        for agent in problem.agents:
            for day in range(problem.days):
                before = reference.get((agent.id, day))
                after = roster.by_agent_day.get((agent.id, day))
                if before != after:
                    found.append(finding(
                        self.name, settings.level, settings.weight, 1,
                        f"{agent.label} on {day_label(problem, day)}: {before or 'off'} → "
                        f"{after or 'off'}", agent=agent.id, day=day))
        return found
