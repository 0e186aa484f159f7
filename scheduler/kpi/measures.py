"""Measures of a roster against the requirements: computed once, read by the CLI, report, what-if.

Pure functions of the problem, the requirements, the roster and the covering plan; nothing here
renders. The one entry point most callers want::

    from scheduler.kpi import measure
    kpis = measure(problem, needs, roster, plan, evaluation)   # -> Kpis
    kpis.headline.coverage["phone"]        # 0.97: share of required agent-intervals covered

``needs`` is the requirements frame (``interval``, ``queue``, ``agents``), ``covering`` the covering
plan (``agent``, ``interval``, ``queue``: which queue each on-duty agent serves) and
``evaluation`` what :func:`scheduler.check.check` found (computed when not given).

:class:`Kpis` holds these frames (one row per ...):

``coverage``  queue and interval: ``interval``, ``queue``, ``date`` (local ISO date of the
              interval's start), ``required``, ``scheduled`` (agents serving the queue in the
              covering plan), ``short`` and ``over``. Every interval of the horizon, every queue.
``daily``     queue and local day: ``date``, ``queue``, ``required_hours``, ``covered_hours``,
              ``short_hours`` (under-covered agent-hours) and ``coverage`` (covered / required,
              1.0 when nothing is required).
``service``   live queue (phone, chat) and forecast interval: ``interval``, ``queue``,
              ``volume``, ``scheduled``, ``available`` (after shrinkage), ``service_level``,
              ``asa_s`` (Erlang C, :func:`scheduler.staffing.projected_service`), ``target``
              and ``answer_within_s``.
``backlog``   async queue (e-mail) and forecast interval: ``interval``, ``queue``, ``arriving``
              and ``done`` (agent-hours of work), ``backlog_hours`` (work waiting at the end of
              the interval), ``wait_minutes`` (until the last of the interval's work is
              answered, first come first served; NaN when not answered within the horizon) and
              ``late`` (wait beyond the queue's first-response target).
``agents``    agent: ``agent``, ``name``, ``shifts``, ``hours``, ``min_hours`` and
              ``max_hours`` (contract over the horizon; ``max_hours`` NaN when open),
              ``over_hours``, ``under_hours``, ``weekends``, ``late`` and ``night`` shifts.
``penalties`` finding of the checker, hard ones first then costliest first: ``rule``,
              ``penalty``, ``hard``, ``message``, ``agent``, ``day``, ``interval``.

and a :class:`Headline` of single figures per queue and in total (what what-if tabulates).
For a team whose need is a headcount (coverage.csv), ``headcount`` holds its own measures
(:class:`scheduler.kpi.headcount.HeadcountKpis`: minimum, maximum and who is on duty per
interval, short and over per day and week, fair share and availability per agent); None for
forecast-driven teams.

Definitions: an agent-interval is one agent for one planning interval; hours are paid hours of
the shift templates. A *late* shift is one of ``rules.fairness.late_templates`` (when none are
named: a shift ending at or after 20:00 local that is not a night shift); a *night* shift has
paid time between 00:00 and 05:00 local. Live service uses Erlang C on the agents the covering
plan puts on the queue, minus shrinkage (``available``); the async backlog serves at most
``available × max_occupancy`` agent-intervals of work per interval.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from scheduler.domain import Agent, Problem, Roster
from scheduler.evaluation import Evaluation
from scheduler.kpi.headcount import HeadcountKpis, headcount_measure

NIGHT_END_HOUR = 5  # paid time before 05:00 local makes a night shift
LATE_END_HOUR = 20  # without late templates, a shift ending at or after 20:00 is late
PENALTY_COLUMNS = ["rule", "penalty", "hard", "message", "agent", "day", "interval"]


@dataclass(frozen=True)
class Headline:
    """Single figures of a roster, per queue (dicts keyed by queue id) and in total.

    Attributes
    ----------
    coverage
        Share of required agent-intervals covered, per queue (1.0 when nothing is required).
    short_hours
        Under-covered agent-hours per queue.
    service_worst, service_weighted
        Live queues: the lowest projected service level of an interval with contacts, and the
        level over all contacts (weighted by volume).
    service_target
        Live queues: the target service level.
    late_contacts
        Async queues: contacts expected to get their first response after the target.
    hours, contract_min_hours, contract_max_hours
        Paid hours scheduled and the contracts' bounds, summed over agents (open maxima count
        as the hours scheduled).
    over_hours, under_hours
        Hours above contract maxima and below contract minima, summed over agents.
    penalty, hard_violations
        Total soft penalty and number of hard violations from the checker.
    """

    coverage: dict[str, float]
    short_hours: dict[str, float]
    service_worst: dict[str, float]
    service_weighted: dict[str, float]
    service_target: dict[str, float]
    late_contacts: dict[str, float]
    hours: float
    contract_min_hours: float
    contract_max_hours: float
    over_hours: float
    under_hours: float
    penalty: int
    hard_violations: int

    @property
    def short_hours_total(self) -> float:
        """Under-covered agent-hours over all queues."""
        return float(sum(self.short_hours.values()))


@dataclass(frozen=True)
class Kpis:
    """Every measure of one roster (see the module docstring for the columns)."""

    coverage: pd.DataFrame
    daily: pd.DataFrame
    service: pd.DataFrame
    backlog: pd.DataFrame
    agents: pd.DataFrame
    penalties: pd.DataFrame
    headline: Headline
    headcount: HeadcountKpis | None = None


def _interval_dates(problem: Problem) -> list[str]:
    clock, size = problem.clock, problem.interval_minutes
    return [clock.local(i * size).date().isoformat() for i in range(clock.n_intervals)]


def _scheduled_counts(covering: pd.DataFrame) -> pd.Series:
    if covering.empty:
        return pd.Series(dtype="int64")
    served = covering[covering["queue"].astype(str).str.len() > 0]
    if served.empty:
        return pd.Series(dtype="int64")
    return served.groupby(["interval", "queue"]).size()


def coverage_by_interval(problem: Problem, needs: pd.DataFrame,
                         covering: pd.DataFrame) -> pd.DataFrame:
    """Agents required and scheduled per queue and interval (see ``Kpis.coverage``).

    Parameters
    ----------
    problem
        The team's problem (queues and the horizon's intervals).
    needs
        Requirements: ``interval``, ``queue``, ``agents``.
    covering
        Covering plan: ``agent``, ``interval``, ``queue``.
    """
    queues = [q.id for q in problem.queues]
    n = problem.clock.n_intervals
    index = pd.MultiIndex.from_product([range(n), queues], names=["interval", "queue"])
    required = pd.Series(0, index=index, dtype="int64")
    if not needs.empty:
        inside = needs[needs["interval"].between(0, n - 1) & needs["queue"].isin(queues)]
        given = inside.set_index(["interval", "queue"])["agents"].astype("int64")
        required.loc[given.index] = given.to_numpy()
    scheduled = _scheduled_counts(covering).reindex(index, fill_value=0).astype("int64")
    frame = pd.DataFrame({"required": required, "scheduled": scheduled}).reset_index()
    frame.insert(2, "date", np.repeat(_interval_dates(problem), len(queues)))
    frame["short"] = (frame["required"] - frame["scheduled"]).clip(lower=0)
    frame["over"] = (frame["scheduled"] - frame["required"]).clip(lower=0)
    return frame


def daily_coverage(problem: Problem, coverage: pd.DataFrame) -> pd.DataFrame:
    """Required, covered and short agent-hours and coverage per queue and local day."""
    hours = problem.interval_minutes / 60
    frame = coverage.assign(
        required_hours=coverage["required"] * hours,
        covered_hours=np.minimum(coverage["required"], coverage["scheduled"]) * hours,
        short_hours=coverage["short"] * hours)
    daily = (frame.groupby(["date", "queue"], sort=False)
             [["required_hours", "covered_hours", "short_hours"]].sum().reset_index())
    daily["coverage"] = _share(daily["covered_hours"], daily["required_hours"])
    return daily


def _share(part: pd.Series, whole: pd.Series) -> pd.Series:
    with np.errstate(divide="ignore", invalid="ignore"):
        return pd.Series(np.where(whole > 0, part / whole.where(whole > 0, 1), 1.0),
                         index=part.index, dtype="float64")


def _forecast_with_scheduled(problem: Problem, coverage: pd.DataFrame,
                             channels: set[str]) -> pd.DataFrame:
    from scheduler.staffing import forecast_frame

    wanted = [q.id for q in problem.queues if str(q.channel) in channels]
    forecast = forecast_frame(problem)
    forecast = forecast[forecast["queue"].isin(wanted)
                        & forecast["interval"].between(0, problem.clock.n_intervals - 1)]
    counts = coverage.set_index(["interval", "queue"])["scheduled"]
    keys = pd.MultiIndex.from_arrays([forecast["interval"], forecast["queue"]])
    return forecast.assign(scheduled=counts.reindex(keys, fill_value=0).to_numpy())


def live_service(problem: Problem, coverage: pd.DataFrame) -> pd.DataFrame:
    """Projected service level and ASA per live queue and forecast interval (Erlang C).

    Uses :func:`scheduler.staffing.projected_service` on the agents the covering plan puts on
    the queue (``coverage.scheduled``). See ``Kpis.service`` for the columns.
    """
    from scheduler.staffing import projected_service

    columns = ["interval", "queue", "volume", "scheduled", "available", "service_level",
               "asa_s", "target", "answer_within_s"]
    frame = _forecast_with_scheduled(problem, coverage, {"phone", "chat"})
    if frame.empty:
        return pd.DataFrame({c: pd.Series(dtype="float64") for c in columns})
    projected = projected_service(frame, problem)
    queues = problem.queue_index
    projected["target"] = [queues[q].service_level for q in projected["queue"]]
    projected["answer_within_s"] = [queues[q].answer_within_s for q in projected["queue"]]
    return projected[columns].reset_index(drop=True)


def async_backlog(problem: Problem, coverage: pd.DataFrame) -> pd.DataFrame:
    """First-response backlog of async queues per forecast interval (see ``Kpis.backlog``).

    Work arriving in an interval (``volume × aht``) is answered first come first served by the
    agents serving the queue, each doing at most ``max_occupancy`` of an interval's work after
    shrinkage. The horizon starts with an empty inbox.
    """
    columns = ["interval", "queue", "volume", "arriving", "done", "backlog_hours",
               "wait_minutes", "late"]
    frame = _forecast_with_scheduled(problem, coverage, {"email"})
    parts = [_queue_backlog(problem, queue, rows, coverage[coverage["queue"] == queue])
             for queue, rows in frame.groupby("queue", sort=False)]
    if not parts:
        return pd.DataFrame({c: pd.Series(dtype="float64") for c in columns})
    return pd.concat(parts, ignore_index=True)[columns]


def _queue_backlog(problem: Problem, queue_id: object, rows: pd.DataFrame,
                   coverage: pd.DataFrame) -> pd.DataFrame:
    queue = problem.queue_index[str(queue_id)]
    size = problem.interval_minutes
    n = problem.clock.n_intervals
    shrinkage = problem.shrinkage if queue.shrinkage is None else queue.shrinkage
    occupancy = problem.max_occupancy if queue.max_occupancy is None else queue.max_occupancy
    arriving = np.zeros(n)
    np.add.at(arriving, rows["interval"].to_numpy(),
              (rows["volume"] * rows["aht_s"]).to_numpy() / 3600)
    agents = np.zeros(n)
    agents[coverage["interval"].to_numpy()] = coverage["scheduled"].to_numpy()
    available = np.floor(agents * (1 - shrinkage) + 1e-9)
    capacity = available * occupancy * size / 60
    done, waiting = np.zeros(n), 0.0
    for i in range(n):
        done[i] = min(capacity[i], waiting + arriving[i])
        waiting += arriving[i] - done[i]
    backlog = np.cumsum(arriving) - np.cumsum(done)
    finished = np.cumsum(done)
    # the interval by which the work that arrived up to i is all done
    last = np.searchsorted(finished, np.cumsum(arriving) - 1e-9, side="left")
    index = np.arange(n)
    wait = np.where(last < n, (last - index + 1) * size, np.nan).astype("float64")
    wait = np.where(arriving > 0, wait, 0.0)
    picked = rows["interval"].to_numpy()
    late = np.isnan(wait) | (wait > queue.first_response_minutes)
    return pd.DataFrame({
        "interval": picked, "queue": queue.id, "volume": rows["volume"].to_numpy(),
        "arriving": arriving[picked], "done": done[picked], "backlog_hours": backlog[picked],
        "wait_minutes": wait[picked], "late": late[picked],
    })


def _contract_hours(problem: Problem, agent: Agent) -> tuple[float, float]:
    """Least and most paid hours over the horizon, as the contract rule counts them (its
    weekly limits summed; most NaN when the contract sets none)."""
    from scheduler.constraints.contract import limits

    hours = [limit for limit in limits(agent, problem, problem.rules.contract)
             if limit.what == "minutes"]
    low = sum(limit.low for limit in hours) / 60
    if not hours or any(limit.high is None for limit in hours):
        return low, float("nan")
    return low, sum(limit.high or 0 for limit in hours) / 60


def _shift_kinds(problem: Problem) -> tuple[set[str], dict[tuple[int, str], bool]]:
    """Late templates, and whether each (day, template) shift has paid time in the night."""
    clock = problem.clock
    night: dict[tuple[int, str], bool] = {}
    for (day, template), (start, end) in problem.span_table.items():
        if day < 0:
            continue
        first, last = clock.local(start), clock.local(end - 1)
        night[day, template] = (first.hour < NIGHT_END_HOUR or last.hour < NIGHT_END_HOUR
                                or last.date() > first.date())
    named = set(problem.rules.fairness.late_templates)
    if named:
        return named & set(problem.template_index), night
    late = {t.id for t in problem.templates
            if LATE_END_HOUR * 60 <= t.start.hour * 60 + t.start.minute + t.length_minutes
            < 24 * 60}
    return late, night


def agent_load(problem: Problem, roster: Roster) -> pd.DataFrame:
    """Hours against contract, weekends, late and night shifts per agent (``Kpis.agents``)."""
    late, night = _shift_kinds(problem)
    weekend_days = problem.clock.weekends(problem.rules.weekends.weekend_days)
    worked = roster.by_agent_day
    rows = []
    for agent in problem.agents:
        mine = [s for s in roster.shifts if s.agent == agent.id and 0 <= s.day < problem.days]
        hours = sum(problem.template_index[s.template].paid_minutes for s in mine) / 60
        low, high = _contract_hours(problem, agent)
        rows.append({
            "agent": agent.id, "name": agent.label, "shifts": len(mine), "hours": hours,
            "min_hours": low, "max_hours": high,
            "over_hours": max(0.0, hours - high) if not np.isnan(high) else 0.0,
            "under_hours": max(0.0, low - hours),
            "weekends": sum(any((agent.id, d) in worked for d in w) for w in weekend_days),
            "late": sum(s.template in late for s in mine),
            "night": sum(night.get((s.day, s.template), False) for s in mine),
        })
    return pd.DataFrame(rows, columns=["agent", "name", "shifts", "hours", "min_hours",
                                       "max_hours", "over_hours", "under_hours", "weekends",
                                       "late", "night"])


def penalty_table(evaluation: Evaluation) -> pd.DataFrame:
    """The checker's findings, hard violations first, then costliest first (stable)."""
    found = sorted(evaluation.violations, key=lambda v: (not v.hard, -v.penalty))
    rows = [(v.rule, v.penalty, v.hard, v.message, v.agent, v.day, v.interval) for v in found]
    return pd.DataFrame(rows, columns=PENALTY_COLUMNS)


def headline(problem: Problem, coverage: pd.DataFrame, service: pd.DataFrame,
             backlog: pd.DataFrame, agents: pd.DataFrame, evaluation: Evaluation) -> Headline:
    """The single figures of :class:`Headline` from the detailed frames."""
    hours = problem.interval_minutes / 60
    per_queue = coverage.assign(
        covered=np.minimum(coverage["required"], coverage["scheduled"])
    ).groupby("queue", sort=False)
    share = _share(per_queue["covered"].sum().astype("float64"),
                   per_queue["required"].sum().astype("float64"))
    busy = service[service["volume"] > 0]
    worst, weighted = {}, {}
    for queue, rows in busy.groupby("queue", sort=False):
        worst[str(queue)] = float(rows["service_level"].min())
        weighted[str(queue)] = float(np.average(rows["service_level"], weights=rows["volume"]))
    live = [q for q in problem.queues if str(q.channel) != "email"]
    late = {str(q): float(rows.loc[rows["late"], "volume"].sum())
            for q, rows in backlog.groupby("queue", sort=False)}
    maxima = agents["max_hours"].fillna(agents["hours"])
    return Headline(
        coverage={str(q): float(v) for q, v in share.items()},
        short_hours={str(q): float(v) * hours for q, v in per_queue["short"].sum().items()},
        service_worst=worst, service_weighted=weighted,
        service_target={q.id: q.service_level for q in live},
        late_contacts=late,
        hours=float(agents["hours"].sum()),
        contract_min_hours=float(agents["min_hours"].sum()),
        contract_max_hours=float(maxima.sum()),
        over_hours=float(agents["over_hours"].sum()),
        under_hours=float(agents["under_hours"].sum()),
        penalty=evaluation.total_penalty,
        hard_violations=len(evaluation.hard),
    )


def measure(problem: Problem, needs: pd.DataFrame, roster: Roster, covering: pd.DataFrame,
            evaluation: Evaluation | None = None) -> Kpis:
    """Every measure of a roster (see the module docstring).

    Parameters
    ----------
    problem
        The team's problem.
    needs
        Requirements frame: ``interval``, ``queue``, ``agents``.
    roster
        Any roster of the problem's horizon (solved or edited by hand).
    covering
        Covering plan of that roster: ``agent``, ``interval``, ``queue``.
    evaluation
        The checker's findings on the roster; computed with :func:`scheduler.check.check`
        when not given.

    Returns
    -------
    Kpis
        The detailed frames and the headline.
    """
    if evaluation is None:
        from scheduler.check import check

        evaluation = check(problem, roster, needs)
    coverage = coverage_by_interval(problem, needs, covering)
    service = live_service(problem, coverage)
    backlog = async_backlog(problem, coverage)
    agents = agent_load(problem, roster)
    return Kpis(
        coverage=coverage, daily=daily_coverage(problem, coverage), service=service,
        backlog=backlog, agents=agents, penalties=penalty_table(evaluation),
        headline=headline(problem, coverage, service, backlog, agents, evaluation),
        headcount=headcount_measure(problem, needs, roster),
    )

