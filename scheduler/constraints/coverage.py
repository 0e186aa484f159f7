"""Coverage: enough agents with the right skills on duty in every interval, per queue.

An agent on duty serves one queue at a time. With c[q] the agents counted for queue q in an
interval, a covering exists exactly when, for every set S of queues, the sum of c[q] over S is
at most the number of on-duty agents having a skill in S (Hall's condition, DESIGN.md). Agents
are grouped by skill profile, so the model has a few integer variables per interval and no
per-agent, per-queue variables. ``evaluate`` finds the same numbers with a small flow.

Teams that plan by headcount give cover.csv rows instead (or too): agents required per day and
shift template, with their own weights for short and over.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from itertools import combinations
from typing import TYPE_CHECKING

import pandas as pd

from scheduler.constraints.base import Rule, day_label, finding
from scheduler.domain import Problem, Roster
from scheduler.evaluation import Violation
from scheduler.settings import CoverageSettings, Level
from scheduler.staffing.covering import need_table, on_duty, served

if TYPE_CHECKING:
    from scheduler.model import ModelContext


class CoverageRule(Rule[CoverageSettings]):
    """Short agents cost weight × queue priority per interval; over-staffing costs lightly."""

    name = "coverage"

    def encode(self, ctx: ModelContext) -> None:
        """Hall's condition per interval on skill-profile counts, plus headcount rows."""
        self._encode_intervals(ctx)
        self._encode_headcount(ctx)

    def _encode_intervals(self, ctx: ModelContext) -> None:
        problem, model = ctx.problem, ctx.model
        settings = self.settings(problem)
        needs = need_table(problem, ctx.requirements)
        if not needs:
            return
        for interval in sorted(set(ctx.duty) | set(needs)):
            duty = ctx.duty.get(interval, [])
            need = needs.get(interval, {})
            by_profile: dict[frozenset[str], list] = defaultdict(list)
            for agent, var in duty:
                by_profile[frozenset(problem.agent_index[agent].skills)].append(var)
            count = {p: model.new_int_var(0, len(v), "n") for p, v in by_profile.items()}
            for profile, variables in by_profile.items():
                model.add(count[profile] == sum(variables))
            counted = {q: model.new_int_var(0, n, f"c[{q},{interval}]") for q, n in need.items()}
            for size in range(1, len(need) + 1):
                for subset in combinations(sorted(need), size):
                    able = [count[p] for p in count if p.intersection(subset)]
                    model.add(sum(counted[q] for q in subset) <= sum(able))
            for queue, required in need.items():
                short = required - counted[queue]
                if settings.level == Level.HARD:
                    skilled = len({agent for agent, _ in duty
                                   if queue in problem.agent_index[agent].skills})
                    ctx.require(model.add(short == 0), self.name, f"{queue} {interval}",
                                _interval_need(problem, queue, interval, required, skilled))
                else:
                    weight = settings.weight * problem.queue_index[queue].priority
                    ctx.penalize(short, weight, self.name)
            total_need = sum(need.values())
            over = ctx.excess(sum(count.values()), total_need, len(duty), "over")
            ctx.penalize(over, settings.over_weight, self.name)

    def _encode_headcount(self, ctx: ModelContext) -> None:
        settings = self.settings(ctx.problem)
        for row in ctx.problem.shift_cover:
            present = [v for a in ctx.problem.agents
                       if (v := ctx.shift(a.id, row.day, row.template)) is not None]
            staffed = sum(present)
            ctx.at_least(staffed, row.required, hard=settings.level == Level.HARD,
                         weight=row.under_weight, rule=self.name,
                         subject=f"{row.template} {row.day}",
                         description=f"needs {row.required} on {row.template} "
                         f"{day_label(ctx.problem, row.day)}; only {len(present)} agents can "
                         f"work {row.template} that day", upper=row.required, name="short")
            over = ctx.excess(staffed, row.required, len(present), "over")
            ctx.penalize(over, row.over_weight, self.name)

    def evaluate(self, roster: Roster, problem: Problem,
                 requirements: pd.DataFrame) -> list[Violation]:
        """Shortfalls per queue and run of intervals, over-staffing, and headcount rows."""
        return self._evaluate_intervals(roster, problem, requirements) + \
            self._evaluate_headcount(roster, problem)

    def _evaluate_intervals(self, roster: Roster, problem: Problem,
                           requirements: pd.DataFrame) -> list[Violation]:
        settings = self.settings(problem)
        needs = need_table(problem, requirements)
        if not needs:
            return []
        priority = {q.id: q.priority for q in problem.queues}
        members = on_duty(problem, roster)
        short: dict[str, dict[int, int]] = defaultdict(dict)
        over_total = 0
        for interval in range(problem.clock.n_intervals):
            need = needs.get(interval, {})
            duty = {p: len(a) for p, a in members.get(interval, {}).items()}
            plan = served(need, duty, priority)
            for queue, required in need.items():
                got = sum(n for (_, q), n in plan.items() if q == queue)
                if got < required:
                    short[queue][interval] = required - got
            over_total += max(0, sum(duty.values()) - sum(need.values()))
        found = [v for queue in sorted(short)
                 for v in self._runs(problem, settings, queue, short[queue])]
        if over_total:
            found.append(Violation(self.name, f"{over_total} agent-intervals on duty beyond "
                                   "the need", penalty=settings.over_weight * over_total))
        return found

    def _runs(self, problem: Problem, settings: CoverageSettings, queue: str,
              short: dict[int, int]) -> list[Violation]:
        """One finding per run of consecutive intervals short by the same number."""
        weight = settings.weight * problem.queue_index[queue].priority
        found = []
        intervals = sorted(short)
        start = 0
        for i in range(1, len(intervals) + 1):
            if i < len(intervals) and intervals[i] == intervals[i - 1] + 1 and \
                    short[intervals[i]] == short[intervals[start]]:
                continue
            first, last = intervals[start], intervals[i - 1]
            when = problem.clock.local(first * problem.interval_minutes)
            until = problem.clock.local((last + 1) * problem.interval_minutes)
            amount = short[first] * (last - first + 1)
            found.append(finding(
                self.name, settings.level, weight, amount,
                f"coverage {queue} {when:%a %H:%M}–{until:%H:%M} short by {short[first]}",
                interval=first))
            start = i
        return found

    def _evaluate_headcount(self, roster: Roster, problem: Problem) -> list[Violation]:
        settings = self.settings(problem)
        found = []
        counts = Counter((s.day, s.template) for s in roster.shifts)
        for row in problem.shift_cover:
            staffed = counts[row.day, row.template]
            where = f"{row.template} on {day_label(problem, row.day)}"
            if staffed < row.required:
                found.append(finding(self.name, settings.level, row.under_weight,
                                     row.required - staffed,
                                     f"{where}: {staffed} of {row.required} agents",
                                     day=row.day))
            elif staffed > row.required:
                found.append(Violation(self.name, f"{where}: {staffed} agents, "
                                       f"{row.required} needed",
                                       penalty=row.over_weight * (staffed - row.required),
                                       day=row.day))
        return found


def _interval_need(problem: Problem, queue: str, interval: int, required: int, able: int) -> str:
    """``phone Mon 30 Nov 09:00–09:30: needs 6 agents; 4 with the skill can be on duty``."""
    size = problem.interval_minutes
    when, until = (problem.clock.local(i * size) for i in (interval, interval + 1))
    short = f" (short by at least {required - able})" if able < required else ""
    return f"{queue} {when:%a %d %b %H:%M}–{until:%H:%M}: needs {required} agents; " \
        f"{able} with the skill can be on duty{short}"
