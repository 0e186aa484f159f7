"""pyworkforce side by side with the project: Erlang C staffing and shift scheduling.

pyworkforce (PyPI ``pyworkforce``) offers ``queuing.ErlangC`` (agents for one interval) and
``scheduling.MinAbsDifference`` / ``MinRequiredResources`` (how many people to put on each shift
of each day, given a required-resources matrix per day and period and a 0/1 coverage pattern
per shift). Both comparisons give the two sides exactly the same input.

What pyworkforce's scheduling cannot express, so the comparison leaves it out:

- people: it returns a head count per day and shift, not who works; so no per-agent contract
  (hours, days per week, shifts per type), availability window, time off, shift request, rest
  between shifts, consecutive-day or weekend rule, fairness, or stability against a reference;
- skills and several queues (one requirement per period), queue priorities;
- shifts limited to some weekdays (a coverage pattern holds for every day), shifts that run past
  midnight (a pattern is one day's periods), days whose periods differ (a DST change);
- "at most one shift per person per day": the closest is ``max_period_concurrency``, the most
  people on duty in any period, which here is the team size.

So the like-for-like case is the project's roster with every per-agent rule switched off, the
same team size, the same templates (those every day offers) and the same requirements: each
agent works at most one shift a day, and coverage is the only rule. The project's full roster
of the same team (its contracts, rest, time off, availability, weekends; the weekday-only
templates too) is measured next to it, to show what a roster for real people costs in
coverage. Objectives differ by design: the project weighs an agent short
``coverage.weight x queue priority`` per interval against 1 per agent over; ``MinAbsDifference``
weighs both 1; ``MinRequiredResources`` forbids any shortfall and here minimises scheduled
periods (cost per shift = its length in periods). All are scored the same way: under- and
over-coverage in agent-hours against the requirements.

pyworkforce 0.5.1 sets ``solver.num_search_workers`` as a plain attribute, which CP-SAT ignores
(it then uses its default worker count); the comparison sets ``solver.parameters.num_workers``
so both sides search with the same workers and time limit.
"""

from __future__ import annotations

import shutil
import tempfile
import time
import timeit
from collections.abc import Callable
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from fixtures.generate import make_team
from scheduler.domain import Agent, Problem, Roster, Shift
from scheduler.load import load_team
from scheduler.settings import Level, RuleSettings
from scheduler.solvers.roster import solve
from scheduler.staffing import requirements, requirements_from_frame

ROOT = Path(__file__).resolve().parents[1]


def pyworkforce_version() -> str | None:
    """The installed pyworkforce version, or None when it cannot be imported."""
    try:
        import pyworkforce  # noqa: F401
    except ImportError:
        return None
    try:
        return version("pyworkforce")
    except PackageNotFoundError:
        return "?"


def generated_team(*, agents: int, queues: int, days: int = 7, interval_minutes: int = 30,
                   seed: int = 0) -> Problem:
    """A team written by ``fixtures/generate.make_team`` to a temporary folder, then loaded."""
    folder = Path(tempfile.mkdtemp(prefix="peers-team-"))
    try:
        make_team(folder, agents=agents, queues=queues, days=days,
                  interval_minutes=interval_minutes, seed=seed)
        return load_team(folder)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


# ----------------------------------------------------------------------------- staffing


@dataclass
class StaffingComparison:
    """Our Erlang C against pyworkforce's on the same phone intervals."""

    intervals: int
    ours_per_s: float
    theirs_per_s: float
    same_base: int  # agents before shrinkage (their raw_positions)
    same_scheduled: int  # agents after shrinkage (their positions)
    differences: list[str]


def best_time(runs: int, work: Callable[[], object]) -> float:
    """Smallest wall time of ``runs`` calls of ``work``."""
    return min(timeit.repeat(work, number=1, repeat=runs))


def compare_staffing(problem: Problem, runs: int = 3) -> StaffingComparison:
    """Agents per phone interval with traffic: ``requirements_from_frame`` and ``ErlangC``.

    Both get each interval's volume, AHT, the queue's service-level target and answer time, the
    occupancy cap and the shrinkage. Speed is intervals per second, best of ``runs``, in this
    process: ours for the whole frame at once (vectorised), theirs one ``ErlangC`` per interval.
    """
    from pyworkforce.queuing import ErlangC

    phone = [q.id for q in problem.queues if q.channel == "phone"]
    forecast = requirements(problem)
    rows = forecast[forecast["queue"].isin(phone) & (forecast["volume"] > 0)]
    frame = rows[["interval", "queue", "volume", "aht_s"]].reset_index(drop=True)
    ours = requirements_from_frame(frame, problem)
    seconds = best_time(runs, lambda: requirements_from_frame(frame, problem))
    queues = problem.queue_index
    params = []
    for qid, volume, aht in zip(frame["queue"], frame["volume"], frame["aht_s"], strict=True):
        q = queues[qid]
        params.append((
            dict(transactions=float(volume), aht=float(aht) / 60,
                 asa=q.answer_within_s / 60, interval=problem.interval_minutes,
                 shrinkage=problem.shrinkage if q.shrinkage is None else q.shrinkage),
            dict(service_level=q.service_level,
                 max_occupancy=problem.max_occupancy if q.max_occupancy is None
                 else q.max_occupancy)))
    theirs: list[dict[str, Any]] = []

    def peer() -> None:
        theirs.clear()
        theirs.extend(ErlangC(**init).required_positions(**target) for init, target in params)

    peer_seconds = best_time(runs, peer)
    base = np.array([r["raw_positions"] for r in theirs])
    scheduled = np.array([r["positions"] for r in theirs])
    differences = [
        f"interval {i} {frame['queue'][i]}: volume {frame['volume'][i]:g}, "
        f"aht {frame['aht_s'][i]:.0f} s: ours {ours['base_agents'][i]}/{ours['agents'][i]}, "
        f"pyworkforce {base[i]}/{scheduled[i]} (before/after shrinkage)"
        for i in np.flatnonzero((base != ours["base_agents"].to_numpy())
                                | (scheduled != ours["agents"].to_numpy()))]
    return StaffingComparison(
        intervals=len(frame), ours_per_s=len(frame) / seconds,
        theirs_per_s=len(frame) / peer_seconds,
        same_base=int((base == ours["base_agents"].to_numpy()).sum()),
        same_scheduled=int((scheduled == ours["agents"].to_numpy()).sum()),
        differences=differences)


# ----------------------------------------------------------------------------- scheduling


@dataclass
class Coverage:
    """One solution scored against the requirements (hours are agent-hours)."""

    solver: str
    status: str
    time_s: float
    shifts: int
    scheduled_h: float
    under_h: float
    over_h: float
    note: str = ""


def like_for_like(problem: Problem) -> Problem:
    """The team with only what pyworkforce can express (see the module docstring).

    Same agents (no contracts, windows, time off, requests, history), the templates offered
    every day, the same forecast and coverage settings, every other rule off.
    """
    off = {name: getattr(problem.rules, name).model_copy(update={"level": Level.OFF})
           for name in RuleSettings.model_fields if name != "coverage"}
    return Problem(
        team=f"{problem.team} (like for like)", time_zone=problem.time_zone,
        start=problem.start, days=problem.days, interval_minutes=problem.interval_minutes,
        shrinkage=problem.shrinkage, max_occupancy=problem.max_occupancy, queues=problem.queues,
        templates=tuple(t for t in problem.templates if not t.weekdays),
        agents=tuple(Agent(id=a.id, name=a.name, skills=a.skills) for a in problem.agents),
        forecast=problem.forecast,
        rules=RuleSettings(coverage=problem.rules.coverage, **off))


def need_matrix(problem: Problem) -> np.ndarray:
    """Agents required per day and period of the day (the problem's single queue)."""
    if len(problem.queues) != 1:
        raise ValueError("pyworkforce takes one requirement per period: use a one-queue team")
    periods = 24 * 60 // problem.interval_minutes
    if problem.clock.n_intervals != problem.days * periods:
        raise ValueError("every day must have the same periods (no DST change in the horizon)")
    need = np.zeros(problem.days * periods, dtype=np.int64)
    frame = requirements(problem)
    inside = frame["interval"].between(0, need.size - 1)
    need[frame["interval"][inside].to_numpy()] = frame["agents"][inside].to_numpy()
    return need.reshape(problem.days, periods)


def shift_patterns(problem: Problem) -> dict[str, list[int]]:
    """Each template's 0/1 coverage of the periods of a day, as pyworkforce takes it.

    Raises when a template covers different periods on different days (DST) or runs past
    midnight, which a pattern cannot express.
    """
    periods = 24 * 60 // problem.interval_minutes
    patterns: dict[str, list[int]] = {}
    for template in problem.templates:
        seen = set()
        for day in range(problem.days):
            span = problem.shift_span(Shift(agent="-", day=day, template=template.id))
            covered = problem.covered_intervals(span)
            if covered and (covered[0] < day * periods or covered[-1] >= (day + 1) * periods):
                raise ValueError(f"template {template.id} runs past midnight")
            seen.add(tuple(i - day * periods for i in covered))
        if len(seen) != 1:
            raise ValueError(f"template {template.id} covers different periods on different days")
        pattern = [0] * periods
        for p in seen.pop():
            pattern[p] = 1
        patterns[template.id] = pattern
    return patterns


def score(need: np.ndarray, cover: np.ndarray, hours_per_period: float) -> tuple[float, float]:
    """Under- and over-coverage in agent-hours."""
    under = np.clip(need - cover, 0, None).sum() * hours_per_period
    over = np.clip(cover - need, 0, None).sum() * hours_per_period
    return float(under), float(over)


def roster_cover(problem: Problem, roster: Roster, shape: tuple[int, int]) -> np.ndarray:
    """Agents on duty per day and period."""
    cover = np.zeros(shape[0] * shape[1], dtype=np.int64)
    for shift in roster.shifts:
        for interval in problem.covered_intervals(problem.shift_span(shift)):
            cover[interval] += 1
    return cover.reshape(shape)


def run_ours(problem: Problem, label: str, need: np.ndarray, *, time_limit: float,
             workers: int, seed: int) -> Coverage:
    """The project's roster engine, scored against ``need``."""
    started = time.perf_counter()
    result = solve(problem, requirements(problem), time_limit=time_limit, workers=workers,
                   seed=seed)
    elapsed = time.perf_counter() - started
    report = result.report
    if result.roster is None or result.evaluation is None:
        return Coverage(label, report.status, elapsed, 0, 0.0, float("nan"), float("nan"),
                        "no roster")
    hours = problem.interval_minutes / 60
    cover = roster_cover(problem, result.roster, need.shape)
    under, over = score(need, cover, hours)
    hard = len(result.evaluation.hard)
    agree = result.evaluation.total_penalty == report.objective
    note = "checks ok" if agree and not hard else \
        f"CHECK FAILED: solver {report.objective}, rules {result.evaluation.total_penalty}, " \
        f"hard {hard}"
    return Coverage(label, report.status, elapsed, len(result.roster.shifts),
                    float(cover.sum() * hours), under, over, note)


def run_pyworkforce(kind: str, need: np.ndarray, patterns: dict[str, list[int]], agents: int,
                    hours_per_period: float, *, time_limit: float, workers: int,
                    seed: int) -> Coverage:
    """pyworkforce's ``MinAbsDifference`` or ``MinRequiredResources`` on the same need."""
    from pyworkforce.scheduling import MinAbsDifference, MinRequiredResources

    common: dict[str, Any] = dict(
        num_days=int(need.shape[0]), periods=int(need.shape[1]), shifts_coverage=patterns,
        required_resources=need.tolist(), max_period_concurrency=agents,
        max_shift_concurrency=agents, max_search_time=float(time_limit),
        num_search_workers=workers)
    started = time.perf_counter()
    if kind == "MinAbsDifference":
        scheduler: Any = MinAbsDifference(**common)
    else:
        scheduler = MinRequiredResources(**common, cost_dict={s: sum(p) for s, p in
                                                              patterns.items()})
    scheduler.solver.parameters.num_workers = workers  # their num_search_workers is ignored
    scheduler.solver.parameters.random_seed = seed
    solution = scheduler.solve()
    elapsed = time.perf_counter() - started
    name = f"pyworkforce {kind}"
    if solution["status"] not in ("OPTIMAL", "FEASIBLE"):
        return Coverage(name, solution["status"], elapsed, 0, 0.0, float("nan"), float("nan"),
                        "no solution")
    cover = np.zeros(need.shape, dtype=np.int64)
    shifts = 0
    for item in solution["resources_shifts"]:
        cover[item["day"]] += item["resources"] * np.asarray(patterns[item["shift"]])
        shifts += item["resources"]
    under, over = score(need, cover, hours_per_period)
    busiest = int(cover.max())
    note = "head counts per day and shift (no names)"
    if busiest > agents:
        note += f"; {busiest} on duty at once > {agents} agents"
    return Coverage(name, solution["status"], elapsed, shifts,
                    float(cover.sum() * hours_per_period), under, over, note)


def compare_scheduling(team: Problem, *, time_limit: float, workers: int, seed: int = 0,
                       full_roster: bool = True) -> tuple[np.ndarray, list[Coverage]]:
    """Both pyworkforce models and the project's engine on the same week of requirements.

    Returns the need matrix (days x periods) and one scored solution per solver: pyworkforce
    ``MinAbsDifference`` and ``MinRequiredResources``, ours like for like and, when
    ``full_roster``, ours with the team's own rules.
    """
    same = like_for_like(team)
    need = need_matrix(same)
    patterns = shift_patterns(same)
    hours = same.interval_minutes / 60
    agents = len(same.agents)
    found = [run_pyworkforce(kind, need, patterns, agents, hours, time_limit=time_limit,
                             workers=workers, seed=seed)
             for kind in ("MinAbsDifference", "MinRequiredResources")]
    found.append(run_ours(same, "ours, like for like", need, time_limit=time_limit,
                          workers=workers, seed=seed))
    if full_roster:
        found.append(run_ours(team, "ours, the team's rules", need, time_limit=time_limit,
                              workers=workers, seed=seed))
    return need, found


def need_summary(need: np.ndarray, interval_minutes: int) -> pd.Series:
    """Required agent-hours per day (for the printed table)."""
    return pd.Series(need.sum(axis=1) * interval_minutes / 60, name="required_h")
