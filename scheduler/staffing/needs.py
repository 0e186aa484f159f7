"""Forecast → requirements: agents needed per interval and queue.

Live queues (phone, chat) get the Erlang C staffing of :mod:`scheduler.staffing.erlang`; e-mail
its smoothed workload; availability-driven teams their coverage.csv headcounts. Every figure is
grossed up for shrinkage.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from scheduler.staffing.erlang import (
    RATIO_SLACK,
    agents_for_target,
    apply_shrinkage,
    live_service,
    smooth_workload,
)

if TYPE_CHECKING:
    from scheduler.domain import Problem

Floats = npt.NDArray[np.float64]
Ints = npt.NDArray[np.int64]

_CHANNELS = ("phone", "chat", "email")


@dataclass(frozen=True)
class _Rows:
    """Per-row arrays of a forecast frame joined with its queue's parameters."""

    interval: Ints
    volume: Floats
    aht: Floats
    traffic: Floats  # Erlangs: chat divided by concurrency; e-mail the arriving workload
    work: Floats  # traffic, except e-mail: workload smoothed over the first-response window
    is_async: npt.NDArray[np.bool_]
    target_sl: Floats
    answer_s: Floats
    max_occupancy: Floats
    shrinkage: Floats


def _rows(frame: pd.DataFrame, problem: Problem) -> _Rows:
    """Validate ``frame`` and join each row with its queue's staffing parameters."""
    missing = {"interval", "queue", "volume", "aht_s"} - set(frame.columns)
    if missing:
        raise ValueError(f"forecast frame lacks column(s) {', '.join(sorted(missing))}")
    if frame.duplicated(["interval", "queue"]).any():
        raise ValueError("forecast frame has more than one row for an interval and queue")
    codes, names = pd.factorize(frame["queue"])
    index = {q.id: q for q in problem.queues}
    unknown = [str(name) for name in names if name not in index]
    if unknown:
        raise ValueError(f"forecast names queue(s) {', '.join(unknown)}, not in the problem")
    queues = [index[str(name)] for name in names]
    channels = [str(q.channel) for q in queues]
    if not set(channels) <= set(_CHANNELS):
        raise ValueError(f"queue channels must be one of {', '.join(_CHANNELS)}")
    channel = np.array(channels, dtype=object)[codes]

    def per_row(values: list[float]) -> Floats:
        return np.asarray(values, dtype=np.float64)[codes]

    interval = frame["interval"].to_numpy(dtype=np.int64)
    volume = frame["volume"].to_numpy(dtype=np.float64)
    aht = frame["aht_s"].to_numpy(dtype=np.float64)
    if not (np.all(np.isfinite(volume) & (volume >= 0)) and np.all(np.isfinite(aht) & (aht >= 0))):
        raise ValueError("forecast volume and aht_s must be finite numbers >= 0")
    workload = volume * aht / (problem.interval_minutes * 60.0)
    is_async = channel == "email"
    concurrency = per_row([max(q.concurrency, 1) for q in queues])
    traffic = np.where(channel == "chat", workload / concurrency, workload)
    work = traffic.copy()
    horizon = int(interval.max()) + 1 if interval.size else 0
    for code in np.unique(codes[is_async]):
        mine = np.flatnonzero(codes == code)
        delay = queues[code].first_response_minutes // problem.interval_minutes
        work[mine] = smooth_workload(interval[mine], workload[mine], delay, horizon)
    return _Rows(
        interval=interval, volume=volume, aht=aht, traffic=traffic, work=work,
        is_async=is_async,
        target_sl=per_row([q.service_level for q in queues]),
        answer_s=per_row([q.answer_within_s for q in queues]),
        max_occupancy=per_row([problem.max_occupancy if q.max_occupancy is None
                               else q.max_occupancy for q in queues]),
        shrinkage=per_row([problem.shrinkage if q.shrinkage is None else q.shrinkage
                           for q in queues]),
    )


def requirements_from_frame(frame: pd.DataFrame, problem: Problem) -> pd.DataFrame:
    """Agents needed per interval and queue for a forecast frame.

    Parameters
    ----------
    frame
        Columns ``interval`` (index from the horizon start), ``queue`` (queue id), ``volume``
        (contacts arriving in the interval) and ``aht_s`` (average handle time, seconds); one
        row per interval and queue.
    problem
        Supplies ``interval_minutes``, team ``shrinkage`` and ``max_occupancy``, and the queues
        (channel, targets, concurrency, first-response time, per-queue overrides).

    Returns
    -------
    pandas.DataFrame
        In the order of ``frame``: ``interval``, ``queue``, ``volume``, ``aht_s``, ``traffic``
        (Erlangs; chat traffic divided by concurrency; for e-mail the arriving workload),
        ``base_agents`` (productive agents), ``agents`` (to schedule, after shrinkage),
        ``service_level``, ``asa_s`` and ``occupancy`` projected at ``base_agents``.

    Notes
    -----
    Phone and chat: :func:`agents_for_target` with the queue's targets and occupancy cap. An
    interval without traffic needs 0 agents and reports service level 1, ASA 0, occupancy 0.
    E-mail: the workload is spread over the first-response window (:func:`smooth_workload`,
    ``k = first_response_minutes // interval_minutes``), then ``ceil(work / max_occupancy)``;
    so a quiet interval may still need agents for earlier mail. Its ``service_level`` is 1
    (the plan answers every mail in time), ``asa_s`` is NaN, ``occupancy`` is work / agents.

    Raises
    ------
    ValueError
        On missing columns, unknown queues or duplicate (interval, queue) rows.
    """
    r = _rows(frame, problem)
    traffic, aht, answer_s, work, occ_cap = r.traffic, r.aht, r.answer_s, r.work, r.max_occupancy
    is_async = r.is_async

    live = np.flatnonzero(~is_async)
    base = np.zeros(traffic.size, dtype=np.int64)
    base[live] = agents_for_target(
        traffic[live], aht[live], answer_s[live], r.target_sl[live], occ_cap[live]
    )
    base[is_async] = np.ceil(work[is_async] / occ_cap[is_async] - RATIO_SLACK).clip(min=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        occupancy = np.where(base > 0, work / base, 0.0)
    sl, asa = np.ones(traffic.size), np.full(traffic.size, np.nan)
    sl[live], asa[live] = live_service(traffic[live], base[live], aht[live], answer_s[live])
    return pd.DataFrame(
        {
            "interval": r.interval,
            "queue": frame["queue"].to_numpy(),
            "volume": r.volume,
            "aht_s": aht,
            "traffic": traffic,
            "base_agents": base,
            "agents": apply_shrinkage(base, r.shrinkage),
            "service_level": sl,
            "asa_s": asa,
            "occupancy": occupancy,
        }
    )


REQUIREMENT_COLUMNS = ("interval", "queue", "agents")


def forecast_frame(problem: Problem) -> pd.DataFrame:
    """The forecast as a tidy frame, one row per interval and queue.

    Returns
    -------
    pandas.DataFrame
        Columns ``interval`` (int, 0-based planning interval: minute from the horizon start
        // ``interval_minutes``), ``queue`` (str), ``volume`` (float, contacts arriving) and
        ``aht_s`` (float, average handling time in seconds), sorted by interval, then queue.
    """
    clock, step, rows = problem.clock, problem.interval_minutes, problem.forecast
    frame = pd.DataFrame({
        "interval": pd.Series([clock.minute(r.start) // step for r in rows], dtype="int64"),
        "queue": pd.Series([r.queue for r in rows], dtype=str),
        "volume": pd.Series([r.volume for r in rows], dtype="float64"),
        "aht_s": pd.Series([r.aht_s for r in rows], dtype="float64"),
    })
    return frame.sort_values(["interval", "queue"], kind="stable").reset_index(drop=True)


def no_requirements() -> pd.DataFrame:
    """Requirements of a team that plans without a forecast: no rows, the usual columns."""
    return pd.DataFrame({"interval": pd.Series(dtype="int64"), "queue": pd.Series(dtype="object"),
                         "agents": pd.Series(dtype="int64")})


def requirements(problem: Problem) -> pd.DataFrame:
    """The staffing stage: agents needed per interval and queue, from the forecast and from
    coverage.csv's headcounts.

    Every later step (the roster's solve, ``check``, the exports) takes this frame as an
    argument; nothing reads requirements from the problem itself.

    Parameters
    ----------
    problem
        The validated problem.

    Returns
    -------
    pandas.DataFrame
        See :func:`requirements_from_frame`; :func:`no_requirements` when the team has no queues
        or no forecast. A team with coverage rows gets those too (:func:`coverage_frame`);
        then every row also has ``source`` (``forecast`` or ``coverage``), ``max_agents``,
        ``min_weight`` and ``max_weight`` (nullable integers: no cap / hard). The coverage
        rule reads the forecast's rows, the headcount rule the coverage rows.
    """
    needs = (no_requirements() if not problem.queues or not problem.forecast
             else requirements_from_frame(forecast_frame(problem), problem))
    if not problem.coverage:
        return needs
    missing = pd.Series(pd.NA, index=needs.index, dtype="Int64")
    needs = needs.assign(source="forecast", max_agents=missing, min_weight=missing,
                         max_weight=missing)
    frame = pd.concat([needs, coverage_frame(problem)], ignore_index=True)
    return frame.astype({c: "Int64" for c in COVERAGE_LIMITS})


COVERAGE_LIMITS = ("max_agents", "min_weight", "max_weight")


def coverage_frame(problem: Problem) -> pd.DataFrame:
    """Headcount requirements of coverage.csv, one row per interval and queue (or ``any``).

    Returns
    -------
    pandas.DataFrame
        ``interval``, ``queue``, ``agents`` (minimum on duty), ``max_agents`` (None: no cap),
        ``min_weight`` and ``max_weight`` (per agent per interval; None: hard) and ``source``
        (``coverage``), sorted by interval and queue. Where rows overlap, the largest minimum,
        the smallest maximum and the largest weights hold. Intervals outside the horizon drop.
    """
    from scheduler.support_day import local_minute, span_intervals

    rows = []
    n = problem.clock.n_intervals
    for row in problem.coverage:
        start = local_minute(problem, row.day, row.start_minute)
        end = local_minute(problem, row.day, row.end_minute)
        rows += [(i, row.queue, row.min_agents, row.max_agents, row.min_weight, row.max_weight)
                 for i in span_intervals(problem, start, end) if 0 <= i < n]
    frame = pd.DataFrame(rows, columns=["interval", "queue", "agents", *COVERAGE_LIMITS])
    types: dict[str, Any] = {"interval": "int64", "queue": object, "agents": "int64"}
    frame = frame.astype(types | {c: "Int64" for c in COVERAGE_LIMITS})
    frame = frame.groupby(["interval", "queue"], as_index=False, sort=True).agg(
        agents=("agents", "max"), max_agents=("max_agents", "min"),
        min_weight=("min_weight", "max"), max_weight=("max_weight", "max"))
    return frame.astype({c: "Int64" for c in COVERAGE_LIMITS}).assign(source="coverage")


def headcounts(table: dict[int, dict[str, int]]) -> pd.DataFrame:
    """Requirements written by hand: ``{interval: {queue: agents}}`` as the stage's frame.

    For tests and what-if changes that state the need directly instead of through a forecast.
    """
    rows = [(interval, queue, agents) for interval, needs in sorted(table.items())
            for queue, agents in needs.items()]
    if not rows:
        return no_requirements()
    return pd.DataFrame(rows, columns=list(REQUIREMENT_COLUMNS)).astype(
        {"interval": "int64", "agents": "int64"})


def projected_service(frame_with_agents: pd.DataFrame, problem: Problem) -> pd.DataFrame:
    """Service that scheduled agents give: the inverse of :func:`requirements_from_frame`.

    Parameters
    ----------
    frame_with_agents
        Columns ``interval``, ``queue``, ``volume``, ``aht_s`` and ``scheduled`` (agents
        scheduled on the queue in the interval).
    problem
        As for :func:`requirements_from_frame`.

    Returns
    -------
    pandas.DataFrame
        A copy of the input with ``available`` (``floor(scheduled * (1 - shrinkage))``),
        ``service_level``, ``asa_s`` and ``occupancy``. Live queues use Erlang C at the available
        agents (service level 0, ASA inf when they do not exceed the traffic; occupancy capped at
        1). E-mail: occupancy = smoothed workload / available (capped at 1), service level =
        ``min(1, available / smoothed workload)``, ASA NaN. No traffic gives service level 1,
        ASA 0 and occupancy 0.
    """
    if "scheduled" not in frame_with_agents.columns:
        raise ValueError("the frame needs a 'scheduled' column (agents per interval and queue)")
    r = _rows(frame_with_agents, problem)
    traffic, aht, answer_s, work, is_async = r.traffic, r.aht, r.answer_s, r.work, r.is_async
    scheduled = frame_with_agents["scheduled"].to_numpy(dtype=np.float64)
    available = np.floor(scheduled * (1.0 - r.shrinkage) + RATIO_SLACK).clip(min=0).astype(np.int64)
    with np.errstate(divide="ignore", invalid="ignore"):
        occupancy = np.where(work > 0, np.minimum(work / available, 1.0), 0.0)
        sl = np.where(work > 0, np.minimum(available / work, 1.0), 1.0)
    asa = np.full(work.size, np.nan)
    live = np.flatnonzero(~is_async)
    sl[live], asa[live] = live_service(traffic[live], available[live], aht[live], answer_s[live])
    out = frame_with_agents.copy()
    out["available"] = available
    out["service_level"] = sl
    out["asa_s"] = asa
    out["occupancy"] = occupancy
    return out
