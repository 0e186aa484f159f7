"""Rest: enough hours between one shift's end and the next one's start; forbidden successions."""

from __future__ import annotations

from typing import TYPE_CHECKING

from scheduler.constraints.base import Rule, Worked, day_label, finding
from scheduler.domain import Problem, Roster, Shift
from scheduler.evaluation import Violation
from scheduler.settings import Level, RestSettings

if TYPE_CHECKING:
    import pandas as pd

    from scheduler.model import ModelContext

REACH = 3  # shifts more than three days apart always have more than 48 h between them


def clash(problem: Problem, first: Shift, second: Shift, settings: RestSettings) -> str | None:
    """Why ``second`` may not follow ``first`` (``first`` on an earlier day), or None."""
    end = problem.shift_span(first)[1]
    start = problem.shift_span(second)[0]
    if start - end < settings.min_rest_hours * 60:
        rest = max(0, start - end) / 60
        return f"only {rest:g} h rest between {first.template} on " \
               f"{day_label(problem, first.day)} and {second.template} (needs " \
               f"{settings.min_rest_hours:g} h)"
    if second.day == first.day + 1 and \
            (first.template, second.template) in settings.forbidden_successions:
        return f"{second.template} on {day_label(problem, second.day)} may not follow " \
               f"{first.template}"
    return None


class Clashes:
    """Whether a shift on a later day clashes with one before it: worked out on first ask.

    Teams with flexible shifts have hundreds of candidate templates; only the pairs some agent
    is offered are ever asked about, so a table of every pair would cost far more (378
    templates: about 6 million pairs) than the model it serves.
    """

    def __init__(self, problem: Problem, settings: RestSettings) -> None:
        self.problem, self.settings = problem, settings
        self.known: dict[tuple[int, str, int, str], bool] = {}
        self.started: dict[tuple[int, tuple[str, ...]], list[int]] = {}

    def __call__(self, first: int, early: str, second: int, late: str) -> bool:
        """Whether ``late`` on day ``second`` clashes with ``early`` on day ``first``."""
        if first < -7 or not 0 <= second < self.problem.days or \
                not first < second <= first + REACH:
            return False  # last roster counts for a week; nothing further apart clashes
        key = (first, early, second, late)
        if key not in self.known:
            self.known[key] = clash(self.problem, Shift(agent="", day=first, template=early),
                                    Shift(agent="", day=second, template=late),
                                    self.settings) is not None
        return self.known[key]

    def among(self, first: int, early: str, second: int, lates: tuple[str, ...]) -> list[int]:
        """The positions of the templates ``lates`` on day ``second`` that clash with ``early``
        on day ``first``: the same answers as asking about each, in one pass over their starts
        (availability team, 50 agents: a million pairs asked about, 9 s in all, one at a
        time)."""
        if first < -7 or not 0 <= second < self.problem.days or \
                not first < second <= first + REACH:
            return []
        end = self._span(first, early)[1]
        least = end + self.settings.min_rest_hours * 60
        found = [i for i, start in enumerate(self.starts(second, lates)) if start < least]
        if second == first + 1 and self.settings.forbidden_successions:
            banned = set(self.settings.forbidden_successions)
            found = sorted(set(found) | {i for i, late in enumerate(lates)
                                         if (early, late) in banned})
        return found

    def starts(self, day: int, templates: tuple[str, ...]) -> list[int]:
        """The start minute of each template on ``day`` (remembered by day and templates)."""
        key = (day, templates)
        if key not in self.started:
            self.started[key] = [self._span(day, t)[0] for t in templates]
        return self.started[key]

    def _span(self, day: int, template: str) -> tuple[int, int]:
        found = self.problem.span_table.get((day, template))
        return found if found is not None else \
            self.problem.shift_span(Shift(agent="", day=day, template=template))


class RestRule(Rule[RestSettings]):
    """Each pair of shifts too close together (or a forbidden succession) is one violation."""

    name = "rest"

    def encode(self, ctx: ModelContext) -> None:
        """Forbid or penalise each clashing pair of options, and options clashing with history."""
        problem = ctx.problem
        settings = self.settings(problem)
        clashes = Clashes(problem, settings)
        # which of a day's offered templates clash, by the day's offer: agents with the same
        # offer (every agent, with fixed templates) share one answer (Curtois 13: 3 million
        # pair checks down to 25 thousand)
        known: dict[tuple[int, str, int, tuple[str, ...]], list[int]] = {}
        for agent in problem.agents:
            subject = f"{agent.label}: at least {settings.min_rest_hours:g} h rest between shifts"
            before = [(s.day, s.template, 1) for s in problem.history if s.agent == agent.id]
            options = before + [(d, t, v) for d in range(problem.days)
                                for t, v in ctx.day_vars[agent.id, d]]
            offers = {d: tuple(t for t, _ in ctx.day_vars.get((agent.id, d), []))
                      for d in range(-REACH, problem.days + REACH)}
            for d1, t1, va in options:
                for d2 in range(d1 + 1, d1 + REACH + 1):  # nothing further apart clashes
                    key = (d1, t1, d2, offers.get(d2, ()))
                    if key not in known:
                        known[key] = clashes.among(*key)
                    if not known[key]:
                        continue
                    day = ctx.day_vars[agent.id, d2]
                    clashing = [day[i][1] for i in known[key]]
                    if settings.level == Level.HARD:
                        # one shift a day makes the clashing shifts of a day exclusive
                        # already, so one "at most one" replaces a constraint per pair
                        both = ctx.model.add(va + sum(clashing) <= 1)
                        if d1 < 0:  # name the last roster's shift the rest is after
                            ctx.require(both, self.name, f"{agent.id} {d1}", f"{subject}, "
                                        f"after last roster's {t1} on {day_label(problem, d1)}")
                        else:
                            ctx.require(both, self.name, agent.id, subject)
                        continue
                    for vb in clashing:
                        clashed = ctx.excess(va + vb, 1, 1, "rest")
                        ctx.penalize(clashed, settings.weight, self.name)

    def evaluate(self, roster: Roster, problem: Problem,
                 requirements: pd.DataFrame) -> list[Violation]:
        """One finding per clashing pair of worked shifts (last roster included)."""
        settings = self.settings(problem)
        worked = Worked(problem, roster)
        found = []
        for agent in problem.agents:
            shifts = [s for s in problem.history if s.agent == agent.id]
            shifts += list(worked.shifts(agent.id))
            for i, first in enumerate(shifts):
                for second in shifts[i + 1:]:
                    if not 0 < second.day - first.day <= REACH or second.day < 0:
                        continue
                    reason = clash(problem, first, second, settings)
                    if reason:
                        found.append(finding(self.name, settings.level, settings.weight, 1,
                                             f"{agent.label}: {reason}", agent=agent.id,
                                             day=second.day))
        return found
