"""Figures of an availability-driven roster: next week's balance and what a coordinator asks."""

from __future__ import annotations

from collections import defaultdict

import pandas as pd

from scheduler.domain import Preference, Problem, Roster
from scheduler.load.levels import Levels
from scheduler.staffing.fair_share import fair_targets


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
