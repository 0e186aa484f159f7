"""Rolling-origin backtest: each model forecasts one week ahead from several origins of the
history itself; the model with the lowest WAPE is chosen, and its errors set the bands.

Scores are over the intervals of the learned days of each test week (closed days and holidays
are not scored); a thin queue is scored on its daily totals, which is what it is forecast as.
WAPE = Σ|forecast − actual| / Σ actual; MASE here is the model's mean absolute error over the
seasonal naive's on the same intervals (below 1: better than the naive); bias =
Σ(forecast − actual) / Σ actual (positive: over-forecast).

Bands: the actual count is modelled as forecast + z·√(forecast + 1), with z's quantiles taken
from the chosen model's backtest errors (a dispersion that grows with the volume, as counts
do). Coverage is measured honestly: each origin's week is checked against quantiles learned on
the other origins only.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from scheduler.forecast.models import BASELINES, COMBINATIONS, DEFAULT_MODELS, Demand, predict

__all__ = ["Backtest", "Bands", "Score", "backtest", "origins"]

WEEK = 7
MIN_TRAIN_DAYS = 14
LEVELS = (0.8, 0.95)
SCALE_FLOOR = 1.0


@dataclass(frozen=True)
class Score:
    """One model's backtest figures on a queue."""

    model: str
    wape: float
    mase: float
    bias: float


@dataclass(frozen=True)
class Bands:
    """The spread of actual counts around a forecast: quantiles of the standardised error.

    ``errors`` are (actual − forecast) / √(forecast + 1) of the chosen model's backtest on
    open intervals; without any (too short a history) counts are taken as Poisson. A thin
    queue's errors are of daily totals (``daily``): its intervals, a few contacts a day, get
    Poisson quantiles of their forecast.
    """

    errors: np.ndarray = field(default_factory=lambda: np.zeros(0))
    daily: bool = False

    def quantile(self, forecast: np.ndarray, p: float, *, day: bool = False) -> np.ndarray:
        """The ``p`` quantile of the count at each forecast, never below zero (``day``: the
        forecasts are a thin queue's daily totals)."""
        if self.daily and not day:
            from scipy.stats import poisson
            return np.asarray(poisson.ppf(p, np.maximum(forecast, 1e-9)), dtype=float)
        if len(self.errors) >= 20:
            z = float(np.quantile(self.errors, p))
        else:
            from statistics import NormalDist
            z = NormalDist().inv_cdf(p)
        scale = np.sqrt(np.asarray(forecast) + SCALE_FLOOR)
        return np.maximum(np.asarray(forecast) + z * scale, 0.0)

    def interval(self, forecast: np.ndarray, level: float, *, day: bool = False
                 ) -> tuple[np.ndarray, np.ndarray]:
        """Lower and upper ends of the central ``level`` interval."""
        tail = (1 - level) / 2
        return self.quantile(forecast, tail, day=day), self.quantile(forecast, 1 - tail, day=day)


@dataclass(frozen=True)
class Backtest:
    """A queue's backtest: every model's score, the model chosen, its bands and coverage.

    Attributes
    ----------
    scores
        Every model and combination, in the order tried.
    chosen
        The model with the lowest WAPE (the seasonal naive when nothing could be tested).
    origins
        How many one-week-ahead origins were tested.
    bands
        The chosen model's error spread, from every origin.
    coverage
        Share of open intervals (a thin queue: days) inside the 80 % and 95 % bands, each
        origin judged by bands learned on the other origins (NaN with fewer than two origins).
    """

    scores: tuple[Score, ...]
    chosen: str
    origins: int
    bands: Bands
    coverage: dict[float, float]

    def score(self, model: str) -> Score:
        """The score of one model."""
        return next(s for s in self.scores if s.model == model)

    @property
    def best_baseline(self) -> Score:
        """The better of the two simple baselines."""
        return min((self.score(m) for m in BASELINES), key=lambda s: s.wape)


def origins(history: Demand, count: int) -> list[int]:
    """Rows where a test week starts: weekly steps back from the history's end, each with at
    least two weeks before it and a whole week after it."""
    days = history.counts.shape[0]
    found = [days - WEEK * k for k in range(1, count + 1)]
    return sorted(o for o in found if o >= MIN_TRAIN_DAYS)


@dataclass
class _Errors:
    forecast: list[np.ndarray] = field(default_factory=list)
    actual: list[np.ndarray] = field(default_factory=list)
    origin: list[np.ndarray] = field(default_factory=list)


def backtest(history: Demand, count: int = 8,
             models: tuple[str, ...] = DEFAULT_MODELS,
             step: Callable[[], None] | None = None) -> Backtest:
    """Score every model one week ahead from ``count`` origins and choose the best.

    Parameters
    ----------
    history
        The queue's history (learned days up to the planning start).
    count
        Origins to try (fewer when the history is short).
    models
        Names from :data:`MODELS` and :data:`COMBINATIONS`; the baselines are always scored.
    step
        Called once per origin tested (a progress bar).
    """
    names = tuple(dict.fromkeys((*BASELINES, *models)))
    errors = {name: _Errors() for name in names}
    starts = origins(history, count)
    for k, origin in enumerate(starts):
        past = history.upto(origin)
        actual = history.counts[origin:origin + WEEK]
        weekdays = history.weekdays[origin:origin + WEEK]
        cache: dict[str, np.ndarray] = {}
        for name in names:
            cache[name] = _cached(name, past, weekdays, cache)
            forecast, truth = _judged(cache[name], actual, history.thin)
            errors[name].forecast.append(forecast)
            errors[name].actual.append(truth)
            errors[name].origin.append(np.full(len(truth), k))
        if step is not None:
            step()
    if not starts:
        scores = tuple(Score(name, np.nan, np.nan, np.nan) for name in names)
        return Backtest(scores, "seasonal naive", 0, Bands(), {lv: np.nan for lv in LEVELS})
    joined = {name: [np.concatenate(part) for part in (e.forecast, e.actual, e.origin)]
              for name, e in errors.items()}
    naive_mae = np.abs(joined["seasonal naive"][0] - joined["seasonal naive"][1]).sum()
    scores = tuple(_score(name, f, a, naive_mae) for name, (f, a, _) in joined.items())
    chosen = min(scores, key=lambda s: (np.nan_to_num(s.wape, nan=np.inf))).model
    values, truth, which = joined[chosen]
    return Backtest(scores, chosen, len(starts), _bands(values, truth, history.thin),
                    _coverage(values, truth, which, len(starts)))


def _judged(forecast: np.ndarray, actual: np.ndarray, thin: bool
            ) -> tuple[np.ndarray, np.ndarray]:
    """The values scored: every interval of the learned days, or a thin queue's daily totals
    (at a few contacts a day the interval counts are mostly 0, and an absolute error favours
    forecasting nothing)."""
    cells = ~np.isnan(actual)
    if not thin:
        return forecast[cells], actual[cells]
    days = cells.any(axis=1)
    return np.where(cells, forecast, 0.0).sum(axis=1)[days], np.nansum(actual, axis=1)[days]


def _cached(name: str, past: Demand, weekdays: np.ndarray, cache: dict[str, np.ndarray]
            ) -> np.ndarray:
    if name in COMBINATIONS and all(part in cache for part in COMBINATIONS[name]):
        first, second = COMBINATIONS[name]
        return (cache[first] + cache[second]) / 2
    return predict(name, past, weekdays)


def _score(name: str, forecast: np.ndarray, actual: np.ndarray, naive_mae: float) -> Score:
    total = actual.sum()
    error = forecast - actual
    wape = np.abs(error).sum() / total if total > 0 else np.nan
    bias = error.sum() / total if total > 0 else np.nan
    mase = np.abs(error).sum() / naive_mae if naive_mae > 0 else np.nan
    return Score(name, float(wape), float(mase), float(bias))


def _open(forecast: np.ndarray, actual: np.ndarray) -> np.ndarray:
    """Intervals that count for the bands: something was expected or arrived."""
    return (forecast > 0) | (actual > 0)


def _bands(forecast: np.ndarray, actual: np.ndarray, daily: bool = False) -> Bands:
    keep = _open(forecast, actual)
    return Bands((actual[keep] - forecast[keep]) / np.sqrt(forecast[keep] + SCALE_FLOOR), daily)


def _coverage(forecast: np.ndarray, actual: np.ndarray, origin: np.ndarray,
              count: int) -> dict[float, float]:
    inside = {level: [] for level in LEVELS}  # type: dict[float, list[np.ndarray]]
    if count < 2:
        return {level: np.nan for level in LEVELS}
    keep = _open(forecast, actual)
    for k in range(count):
        test, train = keep & (origin == k), keep & (origin != k)
        bands = _bands(forecast[train], actual[train])
        for level in LEVELS:
            low, high = bands.interval(forecast[test], level, day=True)
            inside[level].append((actual[test] >= low) & (actual[test] <= high))
    return {level: float(np.concatenate(parts).mean()) if parts else np.nan
            for level, parts in inside.items()}
