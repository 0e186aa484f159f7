"""The forecast stage as the CLI (and the web app) call it: team folder + history files →
forecast, its files, and the evaluation of a past week.

Nothing here prints or writes: :func:`forecast_files` returns the files' contents, and the
caller writes them together (scheduler.export.files.write_group).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

import numpy as np

from scheduler.domain import Problem
from scheduler.errors import Problems
from scheduler.export.forecast_chart import QueueSeries, forecast_chart
from scheduler.forecast.history import Events, read_history
from scheduler.forecast.models import DEFAULT_MODELS
from scheduler.forecast.run import Forecast, Horizon, demands, forecast_queues
from scheduler.forecast.settings import ForecastSettings, read_forecast_settings
from scheduler.forecast.tables import backtest_csv, bands_csv, forecast_csv
from scheduler.tickets.policy import read_ticket_policy
from scheduler.tickets.read import handle_minutes

__all__ = ["ForecastRun", "Evaluation", "evaluate_week", "forecast_files", "plan_forecast"]

CHART_WEEKS = 3


@dataclass(frozen=True)
class ForecastRun:
    """A forecast with what it was made from."""

    forecast: Forecast
    events: Events
    settings: ForecastSettings


def plan_forecast(folder: Path | str, problem: Problem, history: Sequence[Path | str], *,
                  weeks: int | None = None, start: date | None = None,
                  step: Callable[[int], Callable[[], None]] | None = None,
                  models: tuple[str, ...] = DEFAULT_MODELS) -> ForecastRun:
    """Read the history and forecast the planning horizon (or ``weeks`` weeks from ``start``).

    Parameters
    ----------
    folder, problem
        The team folder and its loaded problem (time zone, start, intervals, queues).
    history
        The history files (see :func:`scheduler.forecast.history.read_history`).
    weeks, start
        Forecast this many weeks from this day instead of team.yaml's horizon.
    step
        Given the number of backtest steps, returns the function to call after each.
    models
        The models tried (:data:`~scheduler.forecast.models.DEFAULT_MODELS`; add MSTL for all).

    Raises
    ------
    TeamFolderError
        Every problem of the history and of team.yaml's ``forecast:``, at once.
    """
    problems = Problems()
    settings = read_forecast_settings(folder, problems)
    policy = read_ticket_policy(folder, problem)
    queues = [q.id for q in problem.queues]
    events = read_history(history, queues, problem.time_zone, policy, settings, problems)
    problems.raise_if_any(str(folder))
    horizon = Horizon(problem.time_zone, start or problem.start,
                      7 * weeks if weeks else problem.days, problem.interval_minutes)
    found, first, aht = demands(events.table, horizon, settings, queues, problems,
                                until=start)
    problems.raise_if_any(str(folder))
    fallback = {q: handle_minutes(problem, policy, q) * 60 for q in queues}
    tick = step(len(found) * settings.origins) if step else None
    forecast = forecast_queues(found, first, aht, horizon, settings, fallback, tick, models)
    return ForecastRun(forecast, events, settings)


def forecast_files(run: ForecastRun, out: Path, quantile: float | None = None,
                   chart: str = "svg") -> dict[Path, bytes]:
    """forecast.csv and, beside it, forecast-bands.csv, forecast-backtest.csv and the chart."""
    stem = out.with_suffix("")
    title = f"Forecast from {run.forecast.horizon.start:%a %d %b %Y}" + (
        f", volume at the {quantile:g} quantile" if quantile else "")
    return {
        out: forecast_csv(run.forecast, quantile).encode(),
        stem.with_name(stem.name + "-bands.csv"): bands_csv(run.forecast).encode(),
        stem.with_name(stem.name + "-backtest.csv"): backtest_csv(run.forecast).encode(),
        stem.with_name(stem.name + f".{chart}"): forecast_chart(chart_panels(run.forecast),
                                                                title, chart),
    }


def chart_panels(forecast: Forecast) -> list[QueueSeries]:
    """Each queue's last three weeks and its forecast, on real interval starts."""
    panels = []
    horizon = forecast.horizon
    rows = forecast.rows()
    for queue, result in forecast.queues.items():
        mine = [r for r in rows if r["queue"] == queue]
        days = result.history.counts.shape[0]
        back = max(0, days - 7 * CHART_WEEKS)
        at, values = [], []
        for d in range(back, days):
            day = result.first + timedelta(days=d)
            for slot in range(horizon.grid.slots):
                at.append(datetime.combine(day, datetime.min.time())
                          + timedelta(minutes=slot * horizon.interval_minutes))
                values.append(result.history.counts[d, slot])
        column = {k: np.array([float(r[k]) for r in mine])  # type: ignore[arg-type]
                  for k in ("mean", "low80", "high80", "low95", "high95")}
        note = f"{result.backtest.chosen}" + (", thin: daily total × profile"
                                              if result.thin else "")
        panels.append(QueueSeries(queue, at, np.nan_to_num(np.array(values)),
                                  [r["start"].replace(tzinfo=None) for r in mine],  # type: ignore[attr-defined]
                                  note=note, **column))
    return panels


@dataclass(frozen=True)
class Evaluation:
    """A past week: what was forecast beside what arrived, per queue.

    ``rows`` hold queue, forecast and actual contacts, WAPE, bias, and the share of open
    intervals inside the 80 % and 95 % bands.
    """

    week: date
    rows: list[dict[str, object]]


def evaluate_week(folder: Path | str, problem: Problem, history: Sequence[Path | str],
                  week: date) -> Evaluation:
    """Forecast ``week`` from the history before it and compare with what arrived in it."""
    run = plan_forecast(folder, problem, history, weeks=1, start=week)
    grid = run.forecast.horizon.grid
    table = run.events.table
    rows = []
    for queue, result in run.forecast.queues.items():
        mine = table[table["queue"] == queue]
        actual = grid.matrix(mine["local"], mine["contacts"].to_numpy(), week, 7)
        closed = [run.settings.is_closed(week + timedelta(days=d)) for d in range(7)]
        actual[closed] = np.nan
        cells = ~np.isnan(actual)
        f, a = result.values[cells], actual[cells]
        open_ = (f > 0) | (a > 0)
        bands = result.backtest.bands
        row: dict[str, object] = {"queue": queue, "model": result.backtest.chosen,
                                  "forecast": float(f.sum()), "actual": float(a.sum()),
                                  "wape": float(np.abs(f - a).sum() / a.sum())
                                  if a.sum() else float("nan"),
                                  "bias": float((f - a).sum() / a.sum())
                                  if a.sum() else float("nan")}
        for level in (0.8, 0.95):
            low, high = bands.interval(f[open_], level)
            inside = (a[open_] >= low) & (a[open_] <= high)
            row[f"coverage{round(level * 100)}"] = float(inside.mean()) if len(inside) \
                else float("nan")
        rows.append(row)
    return Evaluation(week, rows)
