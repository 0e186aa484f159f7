"""Availability levels per agent and planning interval, and each agent's fair share of hours.

Plain Python (no solver): the candidate-shift generator, the rules' ``encode`` and their
``evaluate`` all read the same tables, so the solver and the checker agree by construction.

An agent with no row in availability.csv follows the team default
(``availability.default`` in team.yaml) over every support day. An agent with rows is
unavailable wherever no row of theirs says otherwise.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from functools import cached_property

import pandas as pd

from scheduler.domain import DAY_MINUTES, Agent, Preference, Problem, Roster
from scheduler.support_day import local_minute, span_intervals


@dataclass(frozen=True)
class Levels:
    """The level of every agent in every planning interval (one day past the horizon too)."""

    problem: Problem

    @cached_property
    def size(self) -> int:
        """Intervals in the table: the horizon plus one day (overnight support days)."""
        return self.problem.clock.n_intervals + DAY_MINUTES // self.problem.interval_minutes

    @cached_property
    def default_day(self) -> list[Preference]:
        """Levels of an agent without rows: the default inside every support day."""
        problem, policy = self.problem, self.problem.policy
        table = [Preference.UNAVAILABLE] * self.size
        for day in range(problem.days):
            start = local_minute(problem, day, policy.day_starts_at)
            end = local_minute(problem, day, policy.day_ends_at)
            for i in span_intervals(problem, start, end):
                if 0 <= i < self.size:
                    table[i] = policy.default
        return table

    @cached_property
    def table(self) -> dict[str, list[Preference]]:
        """agent → level per interval (agents with rows only; others use the default)."""
        found: dict[str, list[Preference]] = defaultdict(
            lambda: [Preference.UNAVAILABLE] * self.size)
        for row in self.problem.availability:
            start = local_minute(self.problem, row.day, row.start_minute)
            end = local_minute(self.problem, row.day, row.end_minute)
            levels = found[row.agent]
            for i in span_intervals(self.problem, start, end):
                if 0 <= i < self.size:
                    levels[i] = row.level
        return dict(found)

    def of(self, agent: str) -> list[Preference]:
        """The agent's level per interval."""
        return self.table.get(agent, self.default_day)

    def at(self, agent: str, interval: int) -> Preference:
        """The agent's level in one interval (unavailable outside the table)."""
        levels = self.of(agent)
        return levels[interval] if 0 <= interval < len(levels) else Preference.UNAVAILABLE

    def available_intervals(self, agent: str) -> int:
        """Intervals of the horizon in which the agent may work (any level but unavailable)."""
        n = self.problem.clock.n_intervals
        return sum(1 for level in self.of(agent)[:n] if level != Preference.UNAVAILABLE)


def needed_minutes(problem: Problem) -> int:
    """Agent-minutes the coverage rows ask for at least (summed over intervals and queues)."""
    from scheduler.staffing import coverage_frame  # lazy: staffing pulls in scipy

    frame = coverage_frame(problem)
    return int(frame["agents"].sum()) * problem.interval_minutes


def fair_targets(problem: Problem) -> dict[str, int]:
    """Each agent's target minutes this horizon, balance from earlier weeks included.

    ``fair_share.target`` picks the source: ``contract`` (the contract's maximum, else its
    minimum), ``availability`` (the needed agent-minutes shared in proportion to each agent's
    available intervals) or ``weight`` (shared in proportion to agents.csv ``share_weight``).
    A positive balance (hours owed) raises the target, a negative one lowers it; never below 0.
    """
    settings = problem.rules.fair_share
    balance = {b.agent: b.minutes for b in problem.balance}
    base = _base_targets(problem, settings.target)
    return {a.id: max(0, base[a.id] + balance.get(a.id, 0)) for a in problem.agents}


def _base_targets(problem: Problem, source: str) -> dict[str, int]:
    if source == "contract":
        return {a.id: _contract_minutes(a, problem.days) for a in problem.agents}
    if source == "availability":
        levels = Levels(problem)
        shares = {a.id: float(levels.available_intervals(a.id)) for a in problem.agents}
    else:
        shares = {a.id: a.share_weight for a in problem.agents}
    total, needed = sum(shares.values()), needed_minutes(problem)
    if total <= 0:
        return {a.id: 0 for a in problem.agents}
    grain = problem.interval_minutes
    return {agent: round(needed * share / total / grain) * grain
            for agent, share in shares.items()}


def _contract_minutes(agent: Agent, days: int) -> int:
    contract = agent.contract
    minutes = contract.max_minutes if contract.max_minutes is not None else contract.min_minutes
    return minutes * days // 7 if contract.period == "week" else minutes


def next_balance(problem: Problem, roster: Roster) -> pd.DataFrame:
    """balance.csv after a roster: ``agent`` and ``hours`` owed (target minus worked; negative
    when ahead). Read by next week's team folder, it moves next week's targets."""
    targets = fair_targets(problem)
    worked = {a.id: 0 for a in problem.agents}
    for shift in roster.shifts:
        worked[shift.agent] += problem.template_index[shift.template].paid_minutes
    return pd.DataFrame({"agent": list(worked),
                         "hours": [round((targets[a] - worked[a]) / 60, 9) for a in worked]})


def roster_figures(problem: Problem, roster: Roster, requirements: pd.DataFrame
                   ) -> dict[str, float | int]:
    """What a coordinator asks of an availability roster, as numbers.

    Returns
    -------
    dict
        ``intervals_outside_limits`` (coverage rows' intervals with fewer than the minimum or
        more than the maximum on duty), ``available_agents`` (agents with any interval they may
        work), ``share_with_hours_pct`` (of those, the share given any shift),
        ``preferred_share_pct`` (intervals on duty at level preferred), ``mean_fair_distance_h``
        and ``max_fair_distance_h`` (hours away from the fair-share target), ``most_above_h``
        (largest excess over the target) and ``longest_shift_h`` (to compare with it).
    """
    levels = Levels(problem)
    on_duty: dict[int, set[str]] = defaultdict(set)
    preferred = total = 0
    for shift in roster.shifts:
        agent_levels = levels.of(shift.agent)
        for interval in problem.covered_intervals(problem.shift_span(shift)):
            on_duty[interval].add(shift.agent)
            total += 1
            preferred += agent_levels[interval] == Preference.PREFERRED
    outside = 0
    if "source" in requirements.columns:
        rows = requirements[requirements["source"] == "coverage"]
        for interval, queue, least, most in zip(rows["interval"], rows["queue"], rows["agents"],
                                                rows["max_agents"], strict=True):
            count = sum(1 for a in on_duty.get(int(interval), ())
                        if queue == "any" or queue in problem.agent_index[a].skills)
            outside += int(count < least or (not pd.isna(most) and count > most))
    available = [a.id for a in problem.agents if levels.available_intervals(a.id)]
    working = {s.agent for s in roster.shifts}
    targets, worked = fair_targets(problem), next_balance(problem, roster)
    away = [abs(h) for h in worked["hours"]]
    paid = [problem.template_index[s.template].paid_minutes for s in roster.shifts]
    return {
        "intervals_outside_limits": int(outside),
        "available_agents": len(available),
        "share_with_hours_pct": round(100 * len(working & set(available)) / max(1, len(available)),
                                      1),
        "preferred_share_pct": round(100 * preferred / max(1, total), 1),
        "mean_fair_distance_h": round(sum(away) / max(1, len(away)), 2),
        "max_fair_distance_h": round(max(away, default=0.0), 2),
        "most_above_h": round(max([-h for h in worked["hours"]] + [0.0]), 2),
        "longest_shift_h": round(max(paid, default=0) / 60, 2),
        "agents_with_target": sum(1 for t in targets.values() if t),
    }
