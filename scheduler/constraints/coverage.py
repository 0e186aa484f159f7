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
from dataclasses import dataclass
from functools import cached_property
from itertools import combinations

import pandas as pd
from ortools.graph.python import min_cost_flow

from scheduler.constraints.base import Rule, day_label, finding
from scheduler.domain import Problem, Roster
from scheduler.evaluation import Violation
from scheduler.settings import CoverageSettings, Level
from scheduler.solvers.context import ModelContext


@dataclass(frozen=True)
class Need:
    """Required agents per interval and queue, from the staffing requirements."""

    problem: Problem

    @cached_property
    def table(self) -> dict[int, dict[str, int]]:
        """interval → queue → agents required (only positive needs inside the horizon)."""
        frame = self.problem.requirements if self.problem.forecast else pd.DataFrame()
        found: dict[int, dict[str, int]] = defaultdict(dict)
        if frame.empty:
            return found
        inside = frame["interval"].between(0, self.problem.clock.n_intervals - 1)
        needed = frame[(frame["agents"] > 0) & inside]
        for interval, queue, agents in zip(needed["interval"], needed["queue"],
                                           needed["agents"], strict=True):
            found[int(interval)][str(queue)] = int(agents)
        return found


def served(need: dict[str, int], on_duty: dict[frozenset[str], int],
           priority: dict[str, int]) -> dict[tuple[frozenset[str], str], int]:
    """Agents of each skill profile serving each queue, covering the most weighted need."""
    flow = min_cost_flow.SimpleMinCostFlow()
    profiles = sorted(on_duty, key=sorted)
    queues = sorted(need)
    source, sink = 0, 1 + len(profiles) + len(queues)
    arcs = {}
    for i, profile in enumerate(profiles, start=1):
        flow.add_arc_with_capacity_and_unit_cost(source, i, on_duty[profile], 0)
        for j, queue in enumerate(queues, start=1 + len(profiles)):
            if queue in profile:
                arcs[profile, queue] = flow.add_arc_with_capacity_and_unit_cost(
                    i, j, need[queue], 0)
    for j, queue in enumerate(queues, start=1 + len(profiles)):
        flow.add_arc_with_capacity_and_unit_cost(j, sink, need[queue], -priority[queue])
    # Supplies bound the flow: all agents on duty may leave the source, all need may reach
    # the sink; the solver then finds the largest flow and, among those, the cheapest.
    flow.set_node_supply(source, sum(on_duty.values()))
    flow.set_node_supply(sink, -sum(need.values()))
    flow.solve_max_flow_with_min_cost()
    return {key: flow.flow(arc) for key, arc in arcs.items() if flow.flow(arc)}


def on_duty(problem: Problem, roster: Roster) -> dict[int, dict[frozenset[str], list[str]]]:
    """interval → skill profile → the agents on duty (by id)."""
    found: dict[int, dict[frozenset[str], list[str]]] = defaultdict(lambda: defaultdict(list))
    for shift in sorted(roster.shifts, key=lambda s: s.agent):
        agent = problem.agent_index[shift.agent]
        for interval in problem.covered_intervals(problem.shift_span(shift)):
            found[interval][frozenset(agent.skills)].append(agent.id)
    return found


def queue_plan(problem: Problem, roster: Roster) -> pd.DataFrame:
    """Which queue each on-duty agent serves per interval (agent, interval, queue).

    Agents the need does not use serve their first skill (or no queue, shown as empty).
    """
    need = Need(problem).table
    priority = {q.id: q.priority for q in problem.queues}
    members = on_duty(problem, roster)
    rows = []
    for interval in sorted(members):
        groups = members[interval]
        counts = {p: len(a) for p, a in groups.items()}
        plan = served(need.get(interval, {}), counts, priority)
        for profile, agents in groups.items():
            queue_of = [q for (p, q), n in sorted(plan.items(), key=lambda kv: kv[0][1])
                        if p == profile for _ in range(n)]
            spare = problem.agent_index[agents[0]].skills[:1] or ("",)
            for i, agent_id in enumerate(agents):
                queue = queue_of[i] if i < len(queue_of) else spare[0]
                rows.append((agent_id, interval, queue))
    return pd.DataFrame(rows, columns=["agent", "interval", "queue"])


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
        need_table = Need(problem).table
        if not need_table:
            return
        for interval in sorted(set(ctx.duty) | set(need_table)):
            duty = ctx.duty.get(interval, [])
            need = need_table.get(interval, {})
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
            day = problem.clock.day_of_minute(interval * problem.interval_minutes)
            for queue, required in need.items():
                short = required - counted[queue]
                if settings.level == Level.HARD:
                    ctx.require(model.add(short == 0), self.name, f"{queue} {day}",
                                f"{queue}: fully staffed on {day_label(problem, day)}")
                else:
                    weight = settings.weight * problem.queue_index[queue].priority
                    ctx.penalize(short, weight, self.name)
            total_need = sum(need.values())
            over = ctx.excess(sum(count.values()), total_need, len(duty), "over")
            ctx.penalize(over, settings.over_weight, self.name)

    def _encode_headcount(self, ctx: ModelContext) -> None:
        settings = self.settings(ctx.problem)
        for row in ctx.problem.cover:
            present = [v for a in ctx.problem.agents
                       if (v := ctx.shift(a.id, row.day, row.template)) is not None]
            staffed = sum(present)
            if settings.level == Level.HARD:
                ctx.require(ctx.model.add(staffed >= row.required), self.name,
                            f"{row.template} {row.day}", f"{row.required} agents on "
                            f"{row.template} on {day_label(ctx.problem, row.day)}")
            else:
                short = ctx.excess(row.required - staffed, 0, row.required, "short")
                ctx.penalize(short, row.under_weight, self.name)
            over = ctx.excess(staffed, row.required, len(present), "over")
            ctx.penalize(over, row.over_weight, self.name)

    def evaluate(self, roster: Roster, problem: Problem) -> list[Violation]:
        """Shortfalls per queue and run of intervals, over-staffing, and headcount rows."""
        return self._evaluate_intervals(roster, problem) + \
            self._evaluate_headcount(roster, problem)

    def _evaluate_intervals(self, roster: Roster, problem: Problem) -> list[Violation]:
        settings = self.settings(problem)
        need_table = Need(problem).table
        if not need_table:
            return []
        priority = {q.id: q.priority for q in problem.queues}
        members = on_duty(problem, roster)
        short: dict[str, dict[int, int]] = defaultdict(dict)
        over_total = 0
        for interval in range(problem.clock.n_intervals):
            need = need_table.get(interval, {})
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
        for row in problem.cover:
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
