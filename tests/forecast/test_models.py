"""Each forecasting model against values worked out by hand on tiny series."""

from __future__ import annotations

import numpy as np
import pytest

from scheduler.forecast.backtest import Bands, backtest, origins
from scheduler.forecast.models import (
    Demand,
    daily_profile_forecast,
    median_weeks,
    mstl_intervals,
    predict,
    profile,
    seasonal_naive,
)

EVERY_DAY = (0, 1, 2, 3, 4, 5, 6)


def demand(counts: list[list[float]], first_weekday: int = 0, thin: bool = False,
           open_weekdays: tuple[int, ...] = EVERY_DAY) -> Demand:
    rows = np.array(counts, dtype=float)
    weekdays = (np.arange(len(rows)) + first_weekday) % 7
    return Demand(rows, weekdays, open_weekdays, thin)


def weeks_of(values: list[float]) -> list[list[float]]:
    """Rows with value v in slot 0 and 2v in slot 1."""
    return [[v, 2 * v] for v in values]


def test_seasonal_naive_repeats_the_latest_same_weekday() -> None:
    history = demand(weeks_of(list(range(14))))  # Monday rows 0 and 7
    got = seasonal_naive(history, np.array([0, 1, 6]))
    assert got.tolist() == [[7, 14], [8, 16], [13, 26]]


def test_seasonal_naive_skips_a_holiday() -> None:
    rows = weeks_of(list(range(14)))
    rows[7] = [np.nan, np.nan]  # the last Monday was a holiday: not learned from
    assert seasonal_naive(demand(rows), np.array([0])).tolist() == [[0, 0]]


def test_median_of_the_last_four_same_weekdays() -> None:
    mondays = [1, 9, 3, 7, 5]  # the last four: 9, 3, 7, 5 → median 6
    rows = []
    for value in mondays:
        rows += [[value, 10 * value]] + [[0, 0]] * 6
    got = median_weeks(demand(rows), np.array([0, 1]))
    assert got.tolist() == [[6, 60], [0, 0]]


def test_profile_is_the_share_of_each_slot() -> None:
    rows = [[1, 3]] + [[0, 0]] * 6 + [[3, 1]] + [[5, 5]] * 6
    assert profile(demand(rows), 0).tolist() == [0.5, 0.5]  # (1+3, 3+1) / 8
    assert profile(demand(rows), 1).tolist() == [0.5, 0.5]
    thin = demand([[0, 4]] + [[0, 0]] * 6 + [[4, 0]], thin=True)
    assert profile(thin, 3).tolist() == [0.5, 0.5]  # pooled over every day


def test_daily_totals_spread_by_profile() -> None:
    rows = [[3, 7]] * 21  # 10 a day, 30 % then 70 %

    def flat(series: np.ndarray, season: int, h: int) -> np.ndarray:
        assert season == 7 and len(series) == 21 and series.tolist() == [10] * 21
        return np.full(h, 20.0)

    got = daily_profile_forecast(demand(rows), np.array([0, 1]), flat)
    assert got == pytest.approx(np.array([[6, 14], [6, 14]]))


def test_closed_weekdays_are_left_out_of_the_daily_season() -> None:
    # Weekdays open (season 5), the weekend closed: the daily series holds only open days.
    rows = [[2, 2] if d % 7 < 5 else [np.nan, np.nan] for d in range(21)]
    seen = {}

    def record(series: np.ndarray, season: int, h: int) -> np.ndarray:
        seen.update(season=season, n=len(series), h=h)
        return np.full(h, 4.0)

    got = daily_profile_forecast(demand(rows, open_weekdays=(0, 1, 2, 3, 4)),
                                 np.array([0, 5, 6]), record)
    assert seen == {"season": 5, "n": 15, "h": 1}
    assert got.tolist() == [[2, 2], [0, 0], [0, 0]]


def test_ets_on_a_constant_day_gives_the_constant() -> None:
    got = predict("ETS daily × profile", demand([[3, 7]] * 28), np.array([0, 1, 2]))
    assert got == pytest.approx(np.array([[3, 7]] * 3), rel=1e-3)


def test_mstl_learns_a_clean_daily_and_weekly_pattern() -> None:
    rows = [[2 + d % 7, 5 + d % 7, 0] for d in range(56)]  # slot 2 never active
    got = mstl_intervals(demand(rows), np.array([0, 1]))  # the Monday and Tuesday after
    assert got == pytest.approx(np.array([[2, 5, 0], [3, 6, 0]]), abs=0.05)


def test_a_thin_queue_spreads_each_model_day_by_the_pooled_profile() -> None:
    rows = [[1, 3]] * 14
    got = predict("seasonal naive", demand(rows, thin=True), np.array([0]))
    assert got.tolist() == [[1, 3]]  # 4 a day × (1/4, 3/4)
    rows[13] = [4, 0]  # the latest Sunday alone would say all in slot 0
    got = predict("seasonal naive", demand(rows, thin=True), np.array([6]))
    assert got == pytest.approx(np.array([[4 * 17 / 56, 4 * 39 / 56]]))


def test_combination_is_the_mean_of_its_parts() -> None:
    rows = weeks_of([float(d % 7) for d in range(35)])
    history = demand(rows)
    weekdays = np.array([0, 1])
    both = predict("ETS + median", history, weekdays)
    parts = (predict("ETS daily × profile", history, weekdays)
             + predict("median of 4 weeks", history, weekdays)) / 2
    assert both == pytest.approx(parts)


def test_origins_step_back_a_week_and_keep_two_weeks_to_learn_from() -> None:
    history = demand([[1, 1]] * 35)
    assert origins(history, 8) == [14, 21, 28]
    assert origins(history, 2) == [21, 28]


def test_backtest_scores_and_chooses_by_wape() -> None:
    # Mondays alternate 10 / 20 (slot 0); every other day is 5. The seasonal naive is always
    # off by 10 on Mondays; the median of four weeks by 5; nothing else differs.
    rows = []
    for week in range(6):
        rows += [[10.0 if week % 2 else 20.0, 0]] + [[5.0, 0]] * 6
    test = backtest(demand(rows), 2, models=("seasonal naive", "median of 4 weeks"))
    naive, median = test.score("seasonal naive"), test.score("median of 4 weeks")
    # Two test weeks, each 6 × 5 + one Monday (10 then 20): actual total 30 + 10 + 30 + 20.
    assert naive.wape == pytest.approx(20 / 90)
    assert naive.mase == pytest.approx(1.0)
    assert median.wape == pytest.approx(10 / 90)
    assert median.mase == pytest.approx(0.5)
    assert naive.bias == pytest.approx((10 - 10) / 90)
    assert test.chosen == "median of 4 weeks"
    assert test.best_baseline.model == "median of 4 weeks"


def test_bands_are_quantiles_of_the_standardised_error() -> None:
    errors = np.linspace(-2, 2, 101)  # z quantile p is -2 + 4p
    bands = Bands(errors)
    low, high = bands.interval(np.array([8.0]), 0.8)
    assert low[0] == pytest.approx(8 - 1.6 * 3)  # √(8 + 1) = 3
    assert high[0] == pytest.approx(8 + 1.6 * 3)
    assert bands.quantile(np.array([0.0]), 0.1)[0] == 0.0  # never below zero
