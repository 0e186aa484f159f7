"""Preferences: shift requests (work this day or shift / not this one), each with a weight."""

from __future__ import annotations

from typing import TYPE_CHECKING

from scheduler.constraints.base import Rule, day_label, finding
from scheduler.domain import Problem, Roster, ShiftRequest
from scheduler.evaluation import Violation
from scheduler.settings import Level, PreferenceSettings

if TYPE_CHECKING:
    import pandas as pd

    from scheduler.model import LinearExpr, ModelContext


def describe(request: ShiftRequest, problem: Problem) -> str:
    """``Dana asked to work E on Tue 01 Dec`` / ``... not to work any shift on ...``."""
    name = problem.agent_index[request.agent].label
    what = request.template or "any shift"
    verb = "to work" if request.on else "not to work"
    return f"{name} asked {verb} {what} on {day_label(problem, request.day)}"


def granted(request: ShiftRequest, template: str | None) -> bool:
    """Whether a day's shift (``None`` = off) grants the request."""
    matches = template is not None and request.template in (None, template)
    return matches if request.on else not matches


class PreferenceRule(Rule[PreferenceSettings]):
    """Every request not granted costs its weight."""

    name = "preferences"

    def encode(self, ctx: ModelContext) -> None:
        """Penalise (or, when hard, require) each request."""
        level = self.settings(ctx.problem).level
        for request in ctx.problem.requests:
            if request.template is None:
                matched: LinearExpr = ctx.works(request.agent, request.day)
            else:
                var = ctx.shift(request.agent, request.day, request.template)
                matched = 0 if var is None else var
            missed = 1 - matched if request.on else matched
            ctx.avoid(missed, hard=level == Level.HARD, weight=request.weight, rule=self.name,
                      subject=request.agent, description=describe(request, ctx.problem))

    def evaluate(self, roster: Roster, problem: Problem,
                 requirements: pd.DataFrame) -> list[Violation]:
        """One finding per request not granted."""
        level = self.settings(problem).level
        return [finding(self.name, level, r.weight, 1, describe(r, problem) + " — not granted",
                        agent=r.agent, day=r.day)
                for r in problem.requests
                if not granted(r, roster.by_agent_day.get((r.agent, r.day)))]
