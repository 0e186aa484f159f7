"""From events to next week's forecast: per queue, backtest the models, choose, forecast, band.

:func:`forecast_queues` is the whole stage as a plain function of its inputs: the events read
from the history, the planning horizon, team.yaml's ``forecast:`` settings and the handle time
each queue falls back to. It raises :class:`~scheduler.errors.TeamFolderError` for a history
that cannot give a forecast (no contact, under two weeks, a queue nothing reaches, contacts
dated after the planning week).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

import numpy as np
import pandas as pd

from scheduler.errors import Problems
from scheduler.forecast.backtest import Backtest, backtest
from scheduler.forecast.grid import Interval, WallGrid, planning_intervals
from scheduler.forecast.models import DEFAULT_MODELS, Demand, predict
from scheduler.forecast.settings import ForecastSettings

__all__ = ["Forecast", "Horizon", "QueueForecast", "demands", "forecast_queues"]

MIN_DAYS = 14
AHT_WEEKS = 8
AHT_MIN_CONTACTS = 5
HISTORY = "--history"


@dataclass(frozen=True)
class Horizon:
    """The days to forecast on the team's clock."""

    time_zone: str
    start: date
    days: int
    interval_minutes: int

    @property
    def grid(self) -> WallGrid:
        """The team's wall-clock layout."""
        return WallGrid(self.time_zone, self.interval_minutes)

    @property
    def end(self) -> date:
        """The first day after the horizon."""
        return self.start + timedelta(days=self.days)


@dataclass(frozen=True)
class QueueForecast:
    """One queue's forecast: the backtest, the chosen model's days × slots, handle times.

    Attributes
    ----------
    queue
        The queue id.
    thin
        Forecast as daily totals spread by the intraday profile.
    backtest
        Every model's score, the choice and the error bands.
    values
        Horizon days × wall-clock slots of expected contacts.
    aht_s
        Handle seconds per wall-clock slot.
    history
        The learned history (for the chart and the evaluation).
    first
        The history's first day.
    """

    queue: str
    thin: bool
    backtest: Backtest
    values: np.ndarray
    aht_s: np.ndarray
    history: Demand
    first: date


@dataclass(frozen=True)
class Forecast:
    """Every queue's forecast over the horizon's real intervals."""

    horizon: Horizon
    queues: dict[str, QueueForecast]
    intervals: list[Interval] = field(default_factory=list)

    def rows(self, quantile: float | None = None) -> list[dict[str, object]]:
        """One row per interval and queue: start, volume (the mean, or the ``quantile``),
        handle seconds, the mean and the 80 % / 95 % bands."""
        rows: list[dict[str, object]] = []
        for queue, result in self.queues.items():
            cells = [(iv, result.values[iv.day, iv.slot]) for iv in self.intervals]
            mean = np.array([v for _, v in cells])
            bands = result.backtest.bands
            lo80, hi80 = bands.interval(mean, 0.8)
            lo95, hi95 = bands.interval(mean, 0.95)
            volume = mean if quantile is None else np.where(
                mean > 0, bands.quantile(mean, quantile), 0.0)
            for i, (iv, _) in enumerate(cells):
                rows.append({"start": iv.start, "queue": queue, "volume": volume[i],
                             "aht_s": result.aht_s[iv.slot], "mean": mean[i],
                             "low80": lo80[i], "high80": hi80[i], "low95": lo95[i],
                             "high95": hi95[i]})
        order = list(self.queues)
        rows.sort(key=lambda r: (r["start"].astimezone(UTC),  # type: ignore[attr-defined]
                                 order.index(str(r["queue"]))))
        return rows


def demands(events: pd.DataFrame, horizon: Horizon, settings: ForecastSettings,
            queues: Sequence[str], problems: Problems, *,
            until: date | None = None) -> tuple[dict[str, Demand], date, dict[str, np.ndarray]]:
    """Each queue's learned history up to the day before ``until`` (default: the horizon's
    start), with its handle seconds per slot where the history has them.

    Problems: no contact at all, under two weeks, contacts after the horizon, a queue with no
    contact.
    """
    cut = until or horizon.start
    if events.empty:
        problems.add(HISTORY, "the history holds no ticket or contact", "pass the export "
                     "of the last months of tickets, or a CSV of counts per interval")
        return {}, cut, {}
    days_of = events["local"].dt.normalize()
    late = events[days_of >= pd.Timestamp(horizon.end)]
    if len(late) and until is None:
        problems.add(HISTORY, f"{len(late)} contacts are dated after the planning week "
                     f"(up to {late['local'].max():%Y-%m-%d %H:%M}; the week ends "
                     f"{horizon.end - timedelta(days=1)})", "set start in team.yaml to the "
                     "week to forecast, or cut the history at that week", column="start")
    past = events[days_of < pd.Timestamp(cut)]
    if past.empty:
        problems.add(HISTORY, f"no contact before {cut}", "pass history before the week")
        return {}, cut, {}
    first = past["local"].min().date()
    last = min(past["local"].max().date(), cut - timedelta(days=1))
    span = (last - first).days + 1
    if span < MIN_DAYS:
        problems.add(HISTORY, f"the history covers {span} days ({first} to {last}); a "
                     "forecast needs at least two weeks", "export a longer history (six "
                     "months or more backtest best)")
        return {}, cut, {}
    grid, out, aht = horizon.grid, {}, {}
    weekdays = np.array([(first + timedelta(days=d)).weekday() for d in range(span)])
    closed = np.array([settings.is_closed(first + timedelta(days=d)) for d in range(span)])
    for queue in queues:
        rows = past[past["queue"] == queue]
        if rows["contacts"].sum() <= 0:
            problems.add(HISTORY, f"queue {queue} has no contact in the history: no routing "
                         "rule reaches it and no counts row names it", "add a rule for it "
                         "to tickets.routing in team.yaml, or pass its counts per interval",
                         column="queue", value=queue)
            continue
        counts = grid.matrix(rows["local"], rows["contacts"].to_numpy(), first, span)
        counts[closed] = np.nan
        recent = np.nansum(counts[-28:], axis=1)[~closed[-28:]]
        thin = bool(len(recent)) and float(np.mean(recent)) < settings.thin_below
        out[queue] = Demand(counts, weekdays, _open_weekdays(counts, weekdays, settings), thin)
        aht[queue] = _handle(rows, grid, last)
    return out, first, aht


def _open_weekdays(counts: np.ndarray, weekdays: np.ndarray,
                   settings: ForecastSettings) -> tuple[int, ...]:
    """The weekdays a queue is open on: open in team.yaml and with contacts in the last eight
    weeks (a phone line closed on Sundays has no Sunday in its daily season)."""
    recent = np.nansum(counts[-56:], axis=1) > 0
    seen = set(weekdays[-56:][recent].tolist())
    found = tuple(w for w in settings.open_weekdays if w in seen)
    return found or settings.open_weekdays


def _handle(rows: pd.DataFrame, grid: WallGrid, last: date) -> np.ndarray:
    """Handle seconds per slot over the last eight weeks (NaN where unknown)."""
    recent = rows[rows["local"] >= pd.Timestamp(last - timedelta(weeks=AHT_WEEKS))]
    known = recent[recent["handled"] > 0]
    if known.empty:
        return np.full(grid.slots, np.nan)
    slot = ((known["local"].dt.hour * 60 + known["local"].dt.minute)
            // grid.interval_minutes).to_numpy()
    seconds = np.bincount(slot, known["handle_s"].to_numpy(), grid.slots)
    handled = np.bincount(slot, known["handled"].to_numpy(), grid.slots)
    overall = seconds.sum() / handled.sum()
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(handled >= AHT_MIN_CONTACTS, seconds / handled, overall)


def forecast_queues(history: Mapping[str, Demand], first: date, aht: Mapping[str, np.ndarray],
                    horizon: Horizon, settings: ForecastSettings,
                    fallback_aht: Mapping[str, float],
                    step: Callable[[], None] | None = None,
                    models: tuple[str, ...] = DEFAULT_MODELS) -> Forecast:
    """Backtest, choose and forecast every queue over the horizon.

    Parameters
    ----------
    history, first, aht
        What :func:`demands` gave.
    horizon, settings
        The days to forecast and team.yaml's ``forecast:``.
    fallback_aht
        Handle seconds of a queue whose history has none (the configured value).
    step
        Called once per queue and backtest origin (a progress bar).
    models
        The models and combinations the backtest tries (the baselines always).
    """
    queues = {}
    for queue, demand in history.items():
        test = backtest(demand, settings.origins, models, step=step)
        gap = (horizon.start - first).days - demand.counts.shape[0]
        future = [first + timedelta(days=demand.counts.shape[0] + d)
                  for d in range(gap + horizon.days)]
        weekdays = np.array([d.weekday() for d in future])
        values = predict(test.chosen, demand, weekdays)[gap:]
        closed = [settings.is_closed(d) for d in future[gap:]]
        values[closed] = 0.0
        slots = aht[queue]
        slots = np.where(np.isnan(slots), fallback_aht.get(queue, np.nan), slots)
        queues[queue] = QueueForecast(queue, demand.thin, test, values, slots, demand, first)
    intervals = planning_intervals(horizon.time_zone, horizon.start, horizon.days,
                                   horizon.interval_minutes)
    return Forecast(horizon, queues, intervals)


def local_text(moment: datetime) -> str:
    """``YYYY-MM-DD HH:MM`` in the moment's own zone (forecast.csv's interval_start)."""
    return f"{moment:%Y-%m-%d %H:%M}"
