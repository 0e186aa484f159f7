"""Measures of a roster for teams whose need is a headcount (coverage.csv), not a forecast.

Pure functions of the problem, the requirements and the roster; nothing here renders. The one
entry point::

    view = headcount_measure(problem, needs, roster)   # -> HeadcountKpis | None
    view.headline.short                                 # agent-intervals below the minimum

It is None for a team without coverage rows. :class:`HeadcountKpis` holds these frames:

``coverage``   queue (``any`` or a queue id) and interval, every interval of the horizon:
               ``interval``, ``queue``, ``date``, ``time`` (local ``HH:MM``), ``minimum``
               (0 where no row asks), ``maximum`` (NaN where none), ``on_duty`` (agents on
               duty counted for the queue), ``short``, ``over`` and ``agents`` (who is on duty,
               names joined by ``, ``).
``daily``      queue and local day: ``date``, ``queue``, ``short`` and ``over`` (agent-
               intervals), ``short_intervals`` and ``over_intervals`` (intervals with any).
``weekly``     the same per week of seven days from the horizon's first day (``week`` 1, 2 …,
               ``first`` its first date).
``agents``     agent: ``agent``, ``name``, ``target_hours`` (fair share, balance included),
               ``balance_in_hours`` (balance.csv), ``hours`` (paid), ``balance_out_hours`` (what
               next week's balance.csv gets: target minus hours), ``preferred_hours``,
               ``available_hours``, ``if_needed_hours`` (time on duty at each level),
               ``unused_hours`` (time the agent may work and does not), ``shifts``,
               ``ideal_hours`` (NaN without an ideal), ``off_ideal_shifts`` (shifts of another
               length) and ``off_ideal_hours`` (summed distance from the ideal length).
``onboarding`` onboarding agent's shift: ``agent``, ``name``, ``date``, ``times``, ``mentors``
               (mentors on duty during it) and ``alone_hours`` (time on duty with no mentor).

Time on duty is counted in whole planning intervals inside a shift, as the headcount rule
counts it; hours are the interval's length times the intervals.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import numpy as np
import pandas as pd

from scheduler.constraints.headcount import Headcount, counts_for, duty_of, headcounts
from scheduler.constraints.ideal_length import ideal_minutes
from scheduler.domain import Preference, Problem, Roster
from scheduler.load.levels import Levels
from scheduler.settings import HeadcountSettings
from scheduler.staffing.fair_share import fair_targets

__all__ = ["HeadcountHeadline", "HeadcountKpis", "headcount_measure", "unit_name"]

LEVELS = (Preference.PREFERRED, Preference.AVAILABLE, Preference.IF_NEEDED)
AGENT_COLUMNS = ["agent", "name", "target_hours", "balance_in_hours", "hours",
                 "balance_out_hours", "preferred_hours", "available_hours", "if_needed_hours",
                 "unused_hours", "shifts", "ideal_hours", "off_ideal_shifts", "off_ideal_hours"]
UNITS = {15: "agent-quarter-hours", 30: "agent-half-hours", 60: "agent-hours"}


def unit_name(interval_minutes: int) -> str:
    """What one agent-interval is called: ``agent-half-hours`` for 30-minute intervals."""
    return UNITS.get(interval_minutes, f"agent-intervals of {interval_minutes} min")


@dataclass(frozen=True)
class HeadcountHeadline:
    """Single figures of a headcount roster (what the report's cards and what-if show).

    Attributes
    ----------
    short, over
        Agent-intervals below the minimum and above the maximum, over every queue row.
    short_intervals, over_intervals
        Intervals with any agent short / over.
    unit
        Name of one agent-interval (``agent-half-hours``).
    agents_available, agents_with_hours
        Agents with any time they may work, and of those the ones given a shift.
    mean_fair_distance_h, max_fair_distance_h
        Hours between worked and fair-share target, mean and largest over agents.
    preferred_share
        Share of time on duty at level preferred (0 to 1; 0 without shifts).
    hours
        Paid hours scheduled.
    """

    short: int
    over: int
    short_intervals: int
    over_intervals: int
    unit: str
    agents_available: int
    agents_with_hours: int
    mean_fair_distance_h: float
    max_fair_distance_h: float
    preferred_share: float
    hours: float


@dataclass(frozen=True)
class HeadcountKpis:
    """Every headcount measure of one roster (see the module docstring for the columns)."""

    coverage: pd.DataFrame
    daily: pd.DataFrame
    weekly: pd.DataFrame
    agents: pd.DataFrame
    onboarding: pd.DataFrame
    headline: HeadcountHeadline


def _limits(problem: Problem, rows: list[Headcount]) -> pd.DataFrame:
    """Minimum and maximum per (queue, interval) for every interval of the horizon."""
    n = problem.clock.n_intervals
    queues = sorted({r.queue for r in rows}, key=lambda q: (q != "any", q))
    index = pd.MultiIndex.from_product([queues, range(n)], names=["queue", "interval"])
    least = pd.Series(0, index=index, dtype="int64")
    most = pd.Series(np.nan, index=index, dtype="float64")
    for row in rows:
        if 0 <= row.interval < n:
            least[row.queue, row.interval] = row.least
            if row.most is not None:
                most[row.queue, row.interval] = row.most
    return pd.DataFrame({"minimum": least, "maximum": most}).reset_index()


def coverage_frame(problem: Problem, rows: list[Headcount], roster: Roster) -> pd.DataFrame:
    """Minimum, maximum and who is on duty per queue and interval (``HeadcountKpis.coverage``)."""
    frame = _limits(problem, rows)
    duty = duty_of(problem, roster)
    names = problem.agent_index
    clock, size = problem.clock, problem.interval_minutes
    moments = [clock.local(int(i) * size) for i in frame["interval"]]
    present = [sorted((a for a in duty.get(int(i), []) if counts_for(problem, str(q), a)),
                      key=lambda a: names[a].label)
               for q, i in zip(frame["queue"], frame["interval"], strict=True)]
    frame.insert(2, "date", [m.date().isoformat() for m in moments])
    frame.insert(3, "time", [f"{m:%H:%M}" for m in moments])
    frame["on_duty"] = [len(p) for p in present]
    frame["short"] = (frame["minimum"] - frame["on_duty"]).clip(lower=0)
    over = (frame["on_duty"] - frame["maximum"]).clip(lower=0)
    frame["over"] = over.fillna(0).astype("int64")
    frame["agents"] = [", ".join(names[a].label for a in p) for p in present]
    return frame


def _sums(coverage: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    return (coverage.assign(short_intervals=coverage["short"] > 0,
                            over_intervals=coverage["over"] > 0)
            .groupby(by, sort=False)[["short", "over", "short_intervals", "over_intervals"]]
            .sum().astype("int64").reset_index())


def weekly_frame(problem: Problem, coverage: pd.DataFrame) -> pd.DataFrame:
    """Short and over per week of seven days from the horizon's first day."""
    day = {problem.clock.date_of(d).isoformat(): d for d in range(problem.days)}
    weeks = coverage["date"].map(lambda d: day.get(d, 0) // 7 + 1)
    frame = _sums(coverage.assign(week=weeks), ["week", "queue"])
    frame.insert(1, "first", [problem.clock.date_of(7 * (w - 1)).isoformat()
                              for w in frame["week"]])
    return frame


def agent_frame(problem: Problem, roster: Roster) -> pd.DataFrame:
    """Fair share, balance, levels worked and ideal length per agent (``agents``)."""
    levels, size = Levels(problem), problem.interval_minutes
    n = problem.clock.n_intervals
    targets = fair_targets(problem)
    carried = {b.agent: b.minutes for b in problem.balance}
    mine: dict[str, list] = defaultdict(list)
    for shift in roster.shifts:
        if 0 <= shift.day < problem.days:
            mine[shift.agent].append(shift)
    rows = []
    for agent in problem.agents:
        table = levels.of(agent.id)
        paid = sum(problem.template_index[s.template].paid_minutes for s in mine[agent.id])
        worked = {i for s in mine[agent.id]
                  for i in problem.covered_intervals(problem.shift_span(s))}
        at = {level: sum(table[i] == level for i in worked) * size / 60 for level in LEVELS}
        ideal = [ideal_minutes(problem, agent.id, s.template) for s in mine[agent.id]]
        lengths = [problem.template_index[s.template].length_minutes for s in mine[agent.id]]
        away = [abs(length - i) for length, i in zip(lengths, ideal, strict=True)
                if i is not None]
        own = agent.ideal_minutes or next((f.ideal_minutes for f in problem.flexible
                                           if f.ideal_minutes), None)
        rows.append([
            agent.id, agent.label, targets[agent.id] / 60, carried.get(agent.id, 0) / 60,
            paid / 60, (targets[agent.id] - paid) / 60, *at.values(),
            (levels.available_intervals(agent.id) - sum(table[i] != Preference.UNAVAILABLE
                                                        for i in worked if i < n)) * size / 60,
            len(mine[agent.id]), np.nan if own is None else own / 60,
            sum(1 for a in away if a), sum(away) / 60])
    return pd.DataFrame(rows, columns=AGENT_COLUMNS)


def onboarding_frame(problem: Problem, roster: Roster) -> pd.DataFrame:
    """Each onboarding agent's shifts with the mentors on duty beside them (``onboarding``)."""
    columns = ["agent", "name", "date", "times", "mentors", "alone_hours"]
    learners = {o.agent: o.mentors for o in problem.onboarding}
    duty = duty_of(problem, roster)
    size, names, clock = problem.interval_minutes, problem.agent_index, problem.clock
    rows = []
    for shift in sorted(roster.shifts, key=lambda s: (s.agent, s.day)):
        if shift.agent not in learners:
            continue
        span = problem.shift_span(shift)
        covered = problem.covered_intervals(span)
        with_me = [set(duty.get(i, [])) & set(learners[shift.agent]) for i in covered]
        mentors = sorted(set().union(*with_me), key=lambda m: names[m].label)
        rows.append([shift.agent, names[shift.agent].label,
                     problem.clock.date_of(shift.day).isoformat(),
                     f"{clock.local(span[0]):%H:%M}–{clock.local(span[1]):%H:%M}",
                     ", ".join(names[m].label for m in mentors),
                     sum(1 for m in with_me if not m) * size / 60])
    return pd.DataFrame(rows, columns=columns)


def _headline(problem: Problem, roster: Roster, coverage: pd.DataFrame,
              agents: pd.DataFrame) -> HeadcountHeadline:
    available = agents["available_hours"] + agents["preferred_hours"] + \
        agents["if_needed_hours"] + agents["unused_hours"]
    may_work = set(agents.loc[available > 0, "agent"])
    working = {s.agent for s in roster.shifts}
    on_duty = agents[[f"{level.value.replace(' ', '_')}_hours" for level in LEVELS]].sum()
    total = float(on_duty.sum())
    distance = agents["balance_out_hours"].abs()
    by_interval = coverage.groupby("interval")[["short", "over"]].sum()
    return HeadcountHeadline(
        short=int(coverage["short"].sum()), over=int(coverage["over"].sum()),
        short_intervals=int((by_interval["short"] > 0).sum()),
        over_intervals=int((by_interval["over"] > 0).sum()),
        unit=unit_name(problem.interval_minutes), agents_available=len(may_work),
        agents_with_hours=len(working & may_work),
        mean_fair_distance_h=float(distance.mean()) if len(distance) else 0.0,
        max_fair_distance_h=float(distance.max()) if len(distance) else 0.0,
        preferred_share=float(on_duty["preferred_hours"]) / total if total else 0.0,
        hours=float(agents["hours"].sum()))


def headcount_measure(problem: Problem, requirements: pd.DataFrame,
                      roster: Roster) -> HeadcountKpis | None:
    """Every headcount measure of a roster (see the module docstring); None without coverage
    rows (a forecast-driven team).

    Parameters
    ----------
    problem
        The team's problem.
    requirements
        The staffing stage's frame (its ``source == "coverage"`` rows are the headcounts).
    roster
        Any roster of the horizon (solved or edited by hand).
    """
    rows = headcounts(requirements, HeadcountSettings())
    if not rows:
        return None
    coverage = coverage_frame(problem, rows, roster)
    agents = agent_frame(problem, roster)
    return HeadcountKpis(
        coverage=coverage, daily=_sums(coverage, ["date", "queue"]),
        weekly=weekly_frame(problem, coverage), agents=agents,
        onboarding=onboarding_frame(problem, roster),
        headline=_headline(problem, roster, coverage, agents))
