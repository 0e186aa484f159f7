"""The forecasting models: each turns one queue's history into the next days, slot by slot.

A model sees :class:`Demand` (a days × slots matrix on the team's wall clock, NaN where the day
was closed, a holiday, or the slot did not exist) and the weekdays of the days to forecast, and
returns a days × slots matrix. Closed days to forecast get zero; that is done by the caller.

- ``seasonal naive``: the same slot on the latest open day of the same weekday.
- ``median of 4 weeks``: the median of the same slot over the last four open same weekdays.
- ``ETS daily × profile``, ``Theta daily × profile``: statsforecast's AutoETS / AutoTheta on the
  daily totals (the week's open weekdays as the season), spread over the day by the intraday
  profile of the last eight same weekdays. Daily totals and intraday shape forecast apart.
  The ``pooled profile`` variants take the shape from every day of those weeks that opens
  like the weekday (less noise, less weekday detail); the backtest decides.
- ``MSTL``: statsforecast's MSTL on the intervals themselves, daily and weekly seasons (the
  out-of-the-box model; on real half-hour arrivals it rarely wins).
- ``ETS + median``: the mean of the two, a combination the backtest may choose.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

__all__ = ["BASELINES", "COMBINATIONS", "DEFAULT_MODELS", "MODELS", "SLOW", "Demand",
           "daily_profile_forecast", "median_weeks", "predict", "profile", "seasonal_naive"]

PROFILE_WEEKS = 8
MEDIAN_WEEKS = 4
MSTL_WEEKS = 8
DAILY_WEEKS = 16  # daily totals ETS and Theta learn from: recent enough to follow the level


@dataclass(frozen=True)
class Demand:
    """One queue's history on the wall clock.

    Attributes
    ----------
    counts
        Days × slots contacts; NaN on days not learned from (closed, holiday) and slots that
        did not exist (clocks went forward).
    weekdays
        Weekday (0 = Monday) of each row.
    open_weekdays
        The weekdays the team is open on (the daily models' season).
    thin
        Whether the queue is thin: every model's day is then spread by the pooled profile.
    """

    counts: np.ndarray
    weekdays: np.ndarray
    open_weekdays: tuple[int, ...]
    thin: bool = False
    memo: dict[object, np.ndarray] = field(default_factory=dict, compare=False, repr=False)

    @property
    def learned(self) -> np.ndarray:
        """Rows learned from: open days (not every slot NaN)."""
        return ~np.all(np.isnan(self.counts), axis=1)

    def same_weekday(self, weekday: int, n: int) -> np.ndarray:
        """Indices of the last ``n`` learned days with this weekday (oldest first)."""
        rows = np.flatnonzero(self.learned & (self.weekdays == weekday))
        return rows[-n:]

    def upto(self, end: int) -> Demand:
        """The history before row ``end`` (a backtest origin)."""
        return Demand(self.counts[:end], self.weekdays[:end], self.open_weekdays, self.thin)


Model = Callable[[Demand, np.ndarray], np.ndarray]


def _filled(rows: np.ndarray) -> np.ndarray:
    return np.nan_to_num(rows, nan=0.0)


def seasonal_naive(history: Demand, weekdays: np.ndarray) -> np.ndarray:
    """Each day: the latest learned day of the same weekday, slot by slot (zero if none)."""
    out = np.zeros((len(weekdays), history.counts.shape[1]))
    for i, weekday in enumerate(weekdays):
        rows = history.same_weekday(int(weekday), 1)
        if len(rows):
            out[i] = _filled(history.counts[rows[-1]])
    return out


def median_weeks(history: Demand, weekdays: np.ndarray, weeks: int = MEDIAN_WEEKS) -> np.ndarray:
    """Each day: the slot-wise median of the last ``weeks`` learned same weekdays."""
    out = np.zeros((len(weekdays), history.counts.shape[1]))
    for i, weekday in enumerate(weekdays):
        rows = history.same_weekday(int(weekday), weeks)
        if len(rows):
            out[i] = np.median(_filled(history.counts[rows]), axis=0)
    return out


def profile(history: Demand, weekday: int, weeks: int = PROFILE_WEEKS,
            pooled: bool = False) -> np.ndarray:
    """The share of a day's contacts in each slot, from the last ``weeks`` same weekdays.

    ``pooled`` (always for a thin queue) takes every learned day of those weeks whose opening
    hours (the slots with contacts) are the weekday's: Monday to Friday share one shape when
    they open alike, which is eight weeks of five days instead of eight days. Sums to 1, or is
    all zero.
    """
    learned = np.flatnonzero(history.learned)
    recent = learned[learned >= (learned[-1] - 7 * weeks)] if len(learned) else learned
    if history.thin:
        rows = recent
    elif pooled:
        rows = recent[np.isin(history.weekdays[recent], _alike(history, weekday, recent))]
    else:
        rows = history.same_weekday(weekday, weeks)
    sums = _filled(history.counts[rows]).sum(axis=0)
    total = sums.sum()
    return sums / total if total > 0 else sums


def _alike(history: Demand, weekday: int, rows: np.ndarray) -> list[int]:
    """Weekdays whose slots with contacts (over ``rows``) are the same as ``weekday``'s."""
    def hours(w: int) -> bytes:
        mine = rows[history.weekdays[rows] == w]
        return (_filled(history.counts[mine]).sum(axis=0) > 0).tobytes()
    own = hours(weekday)
    return [w for w in range(7) if hours(w) == own]


def spread(history: Demand, totals: np.ndarray, weekdays: np.ndarray,
           pooled: bool = False) -> np.ndarray:
    """Daily totals spread over their days by the intraday profiles."""
    shapes = {int(w): profile(history, int(w), pooled=pooled) for w in set(weekdays.tolist())}
    return np.vstack([totals[i] * shapes[int(w)] for i, w in enumerate(weekdays)]) \
        if len(weekdays) else np.zeros((0, history.counts.shape[1]))


def daily_series(history: Demand) -> np.ndarray:
    """Daily totals of the open weekdays, oldest first; holidays filled with the median of the
    four same weekdays before them (so they teach nothing), the first ones with what follows."""
    keep = np.isin(history.weekdays, history.open_weekdays)
    counts, weekdays = history.counts[keep], history.weekdays[keep]
    learned = ~np.all(np.isnan(counts), axis=1)
    totals = np.where(learned, np.nansum(counts, axis=1), np.nan)
    for i in np.flatnonzero(~learned):
        same = np.flatnonzero(learned[:i] & (weekdays[:i] == weekdays[i]))[-MEDIAN_WEEKS:]
        if len(same):
            totals[i] = np.median(totals[same])
    first = np.flatnonzero(~np.isnan(totals))
    if not len(first):
        return np.zeros(0)
    totals = totals[first[0]:]
    totals[np.isnan(totals)] = np.nanmedian(totals)
    return totals[-DAILY_WEEKS * len(history.open_weekdays):]


def _open_horizon(history: Demand, weekdays: np.ndarray) -> np.ndarray:
    return np.isin(weekdays, history.open_weekdays)


def daily_profile_forecast(history: Demand, weekdays: np.ndarray,
                           fit: Callable[[np.ndarray, int, int], np.ndarray],
                           pooled: bool = False) -> np.ndarray:
    """Forecast the open days' totals with ``fit(series, season, h)``, spread by profile
    (the totals are remembered per history, so both profiles cost one fit)."""
    return spread(history, totals_of(history, weekdays, fit), weekdays, pooled)


def totals_of(history: Demand, weekdays: np.ndarray,
              fit: Callable[[np.ndarray, int, int], np.ndarray]) -> np.ndarray:
    """The daily totals ``fit`` forecasts for these days, fitted once per history."""
    key = (fit, weekdays.tobytes())
    if key not in history.memo:
        history.memo[key] = _daily_totals(history, weekdays, fit)
    return history.memo[key]


def _daily_totals(history: Demand, weekdays: np.ndarray,
                  fit: Callable[[np.ndarray, int, int], np.ndarray]) -> np.ndarray:
    series = daily_series(history)
    open_days = _open_horizon(history, weekdays)
    totals = np.zeros(len(weekdays))
    season = len(history.open_weekdays)
    if len(series) >= 2 * season and open_days.any():
        totals[open_days] = np.maximum(fit(series, season, int(open_days.sum())), 0.0)
    elif len(series):
        totals[open_days] = float(np.mean(series[-season:]))
    return totals


def fit_ets(series: np.ndarray, season: int, h: int) -> np.ndarray:
    """statsforecast AutoETS (error, trend and season chosen by AICc) on daily totals."""
    from statsforecast.models import AutoETS

    model = AutoETS(season_length=season, model="ZZZ")
    with np.errstate(divide="ignore", invalid="ignore"):  # a perfect fit has no variance
        return np.asarray(model.forecast(y=series.astype(float), h=h)["mean"])


def fit_theta(series: np.ndarray, season: int, h: int) -> np.ndarray:
    """statsforecast AutoTheta (the best of the Theta variants) on daily totals."""
    from statsforecast.models import AutoTheta

    model = AutoTheta(season_length=season)
    return np.asarray(model.forecast(y=series.astype(float), h=h)["mean"])


def fit_median(series: np.ndarray, season: int, h: int) -> np.ndarray:
    """The median of the last four totals of the same day of the season (weekday)."""
    out = np.empty(h)
    for i in range(h):
        same = series[(len(series) + i) % season::season][-MEDIAN_WEEKS:]
        out[i] = np.median(same) if len(same) else 0.0
    return out


def fit_arima(series: np.ndarray, season: int, h: int) -> np.ndarray:
    """statsforecast AutoARIMA on daily totals (slow: seconds per fit)."""
    from statsforecast.models import AutoARIMA

    model = AutoARIMA(season_length=season)
    return np.asarray(model.forecast(y=series.astype(float), h=h)["mean"])


def median_daily(history: Demand, weekdays: np.ndarray) -> np.ndarray:
    """The median of the last four same weekdays' totals × the weekday's intraday profile."""
    return daily_profile_forecast(history, weekdays, fit_median)


def ets_median_daily(history: Demand, weekdays: np.ndarray) -> np.ndarray:
    """The mean of ETS and median daily totals × the weekday's intraday profile (each fitted
    once per history)."""
    totals = (totals_of(history, weekdays, fit_ets) + totals_of(history, weekdays, fit_median))
    return spread(history, totals / 2, weekdays)


def arima_daily(history: Demand, weekdays: np.ndarray) -> np.ndarray:
    """AutoARIMA on daily totals × the weekday's intraday profile."""
    return daily_profile_forecast(history, weekdays, fit_arima)


def ets_daily(history: Demand, weekdays: np.ndarray) -> np.ndarray:
    """AutoETS on daily totals × the weekday's intraday profile."""
    return daily_profile_forecast(history, weekdays, fit_ets)


def ets_pooled(history: Demand, weekdays: np.ndarray) -> np.ndarray:
    """AutoETS on daily totals × the profile pooled over weekdays that open alike."""
    return daily_profile_forecast(history, weekdays, fit_ets, pooled=True)


def theta_daily(history: Demand, weekdays: np.ndarray) -> np.ndarray:
    """AutoTheta on daily totals × the weekday's intraday profile."""
    return daily_profile_forecast(history, weekdays, fit_theta)


def theta_pooled(history: Demand, weekdays: np.ndarray) -> np.ndarray:
    """AutoTheta on daily totals × the profile pooled over weekdays that open alike."""
    return daily_profile_forecast(history, weekdays, fit_theta, pooled=True)


def mstl_intervals(history: Demand, weekdays: np.ndarray) -> np.ndarray:
    """statsforecast MSTL on the last eight weeks of intervals (open weekdays, active slots),
    daily and weekly seasons, an ETS trend."""
    from statsforecast.models import MSTL, AutoETS

    keep = np.flatnonzero(np.isin(history.weekdays, history.open_weekdays))
    keep = keep[-MSTL_WEEKS * len(history.open_weekdays):]
    counts = history.counts[keep]
    active = np.flatnonzero(np.nansum(counts, axis=0) > 0)
    out = np.zeros((len(weekdays), history.counts.shape[1]))
    open_days = _open_horizon(history, weekdays)
    season = len(history.open_weekdays)
    if len(active) < 2 or len(keep) < 2 * season or not open_days.any():
        return out
    rows = counts[:, active]
    naive = np.roll(rows, season, axis=0)
    rows = np.where(np.isnan(rows), naive, rows)
    series = np.nan_to_num(rows.ravel(), nan=float(np.nanmean(rows)))
    model = MSTL(season_length=[len(active), len(active) * season],
                 trend_forecaster=AutoETS(model="ZZN"))
    h = int(open_days.sum()) * len(active)
    values = np.asarray(model.forecast(y=series, h=h)["mean"]).reshape(-1, len(active))
    out[np.ix_(np.flatnonzero(open_days), active)] = np.maximum(values, 0.0)
    return out


BASELINES: dict[str, Model] = {
    "seasonal naive": seasonal_naive,
    "median of 4 weeks": median_weeks,
}
MODELS: dict[str, Model] = {
    **BASELINES,
    "ETS daily × profile": ets_daily,
    "ETS daily × pooled profile": ets_pooled,
    "Theta daily × profile": theta_daily,
    "Theta daily × pooled profile": theta_pooled,
    "median daily × profile": median_daily,
    "ETS and median daily × profile": ets_median_daily,
    "MSTL": mstl_intervals,
    "ARIMA daily × profile": arima_daily,
}
SLOW = ("MSTL", "ARIMA daily × profile")
"""Models tried only when asked for (MSTL on a year of half-hours takes seconds per fit)."""
# Combinations: the mean of two models' forecasts, scored like any model.
COMBINATIONS: dict[str, tuple[str, str]] = {
    "ETS + median": ("ETS daily × profile", "median of 4 weeks"),
    "Theta pooled + median": ("Theta daily × pooled profile", "median of 4 weeks"),
}


DEFAULT_MODELS = tuple(m for m in (*MODELS, *COMBINATIONS) if m not in SLOW)


def predict(name: str, history: Demand, weekdays: np.ndarray) -> np.ndarray:
    """One model's (or combination's) forecast; a thin queue's days spread by its profile."""
    if name in COMBINATIONS:
        first, second = COMBINATIONS[name]
        return (predict(first, history, weekdays) + predict(second, history, weekdays)) / 2
    values = MODELS[name](history, weekdays)
    return spread(history, values.sum(axis=1), weekdays) if history.thin else values
