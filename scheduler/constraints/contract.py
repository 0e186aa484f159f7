"""Contract: paid hours per week (or horizon), working days per week, shifts per template."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from scheduler.constraints.base import Rule, Worked, day_label, finding, weeks
from scheduler.domain import Agent, Problem, Roster
from scheduler.evaluation import Violation
from scheduler.settings import ContractSettings, Level

if TYPE_CHECKING:
    import pandas as pd

    from scheduler.model import ModelContext

PER_UNIT = 60  # a day or a shift over the limit costs like an hour outside the hours


@dataclass(frozen=True)
class Limit:
    """One countable limit of an agent's contract over some days.

    ``what`` is ``minutes``, ``days`` or ``shifts`` (of ``template``).
    """

    agent: str
    days: range
    what: str
    low: int
    high: int | None
    label: str
    template: str | None = None

    def count(self, template_of: dict[int, str | None], problem: Problem) -> int:
        """The limited quantity in a roster given the agent's template per day."""
        chosen = [template_of.get(d) for d in self.days]
        if self.what == "minutes":
            return sum(problem.template_index[t].paid_minutes for t in chosen if t)
        if self.what == "days":
            return sum(t is not None for t in chosen)
        return sum(t == self.template for t in chosen)

    def counts(self, template: str) -> bool:
        """Whether a shift of ``template`` adds to this limit."""
        return self.what != "shifts" or template == self.template


def limits(agent: Agent, problem: Problem, settings: ContractSettings) -> Iterator[Limit]:
    """Every limit the agent's contract sets, per week or over the horizon."""
    contract = agent.contract
    spans = weeks(problem) if contract.period == "week" else [range(problem.days)]
    for days in spans:
        share = len(days) / 7 if contract.period == "week" else 1.0
        low = int(contract.min_minutes * share)
        when = f"week of {day_label(problem, days[0])}" if contract.period == "week" else \
            "the horizon"
        if low or contract.max_minutes is not None:
            top = "" if contract.max_minutes is None else f"–{contract.max_minutes / 60:g}"
            yield Limit(agent.id, days, "minutes", low, contract.max_minutes,
                        f"{low / 60:g}{top} h in {when}")
    max_days = contract.max_days_per_week
    if max_days is None:
        max_days = settings.max_days_per_week
    if max_days is not None:
        for days in weeks(problem):
            yield Limit(agent.id, days, "days", 0, max_days,
                        f"at most {max_days} days in week of {day_label(problem, days[0])}")
    for template, most in contract.max_shifts.items():
        yield Limit(agent.id, range(problem.days), "shifts", 0, most,
                    f"at most {most} {template} shifts", template)


class ContractRule(Rule[ContractSettings]):
    """Hard by default; soft costs ``weight`` per minute outside, ×60 per day or shift over."""

    name = "contract"

    def encode(self, ctx: ModelContext) -> None:
        """One linear sum per limit, bounded (hard) or with its excess penalised (soft)."""
        problem = ctx.problem
        settings = self.settings(problem)
        minutes = {t: template.paid_minutes for t, template in problem.template_index.items()}
        for agent in problem.agents:
            mine = list(limits(agent, problem, settings))
            described = "; ".join(lim.label for lim in mine)
            for lim in mine:
                # one template's shifts: only that template's variables are looked at (the
                # rest of the agent's options would be tested and dropped, limit by limit)
                options = [(t, var) for d in lim.days for t, var in ctx.day_vars[agent.id, d]
                           if lim.template is None or t == lim.template]
                terms = [(minutes[t] if lim.what == "minutes" else 1) * var
                         for t, var in options if lim.counts(t)]
                total = sum(terms)
                top = sum(problem.template_index[t].paid_minutes for t in problem.template_index)
                top *= len(lim.days)
                unit = 1 if lim.what == "minutes" else PER_UNIT
                if settings.level == Level.HARD:
                    if lim.low:
                        ctx.require(ctx.model.add(total >= lim.low), self.name, agent.id,
                                    f"{agent.label}: contract {described}")
                    if lim.high is not None:
                        ctx.require(ctx.model.add(total <= lim.high), self.name, agent.id,
                                    f"{agent.label}: contract {described}")
                    continue
                if lim.low:
                    short = ctx.excess(lim.low - total, 0, lim.low, f"short[{agent.id}]")
                    ctx.penalize(short, settings.weight * unit, self.name)
                if lim.high is not None:
                    over = ctx.excess(total, lim.high, top, f"over[{agent.id}]")
                    ctx.penalize(over, settings.weight * unit, self.name)

    def evaluate(self, roster: Roster, problem: Problem,
                 requirements: pd.DataFrame) -> list[Violation]:
        """One finding per limit not met, sized in minutes, days or shifts."""
        settings = self.settings(problem)
        worked = Worked(problem, roster)
        found = []
        for agent in problem.agents:
            template_of = {d: worked.template(agent.id, d) for d in range(problem.days)}
            for lim in limits(agent, problem, settings):
                value = lim.count(template_of, problem)
                high = value if lim.high is None else lim.high
                miss = max(0, lim.low - value) + max(0, value - high)
                if not miss:
                    continue
                unit = 1 if lim.what == "minutes" else PER_UNIT
                shown = f"{value / 60:g} h" if lim.what == "minutes" else f"{value}"
                found.append(finding(self.name, settings.level, settings.weight * unit, miss,
                                     f"{agent.label}: {shown}, contract says {lim.label}",
                                     agent=agent.id, day=lim.days[0]))
        return found
