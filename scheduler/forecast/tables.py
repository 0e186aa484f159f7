"""What the forecast stage writes: forecast.csv for the staffing stage, the bands, the backtest.

``forecast.csv`` has exactly the columns the team folder reads (``interval_start, queue,
volume, aht_s``), one row per real interval and queue in time order (none where nothing is
expected: closed hours and days have no row, as in a hand-written forecast), local times written
``YYYY-MM-DD HH:MM``: on the night clocks go back, the repeated hour appears twice, first
occurrence first, which is how the team folder reads it.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Sequence

from scheduler.forecast.models import BASELINES
from scheduler.forecast.run import Forecast

__all__ = ["backtest_csv", "backtest_table", "bands_csv", "forecast_csv"]


def _text(rows: Sequence[Sequence[object]]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    return buffer.getvalue()


def _round(value: object, digits: int = 2) -> str:
    number = float(value)  # type: ignore[arg-type]
    return "" if math.isnan(number) else f"{round(number, digits):g}"


def forecast_csv(forecast: Forecast, quantile: float | None = None) -> str:
    """forecast.csv as the team folder reads it (the mean, or the ``quantile`` to staff for)."""
    rows: list[Sequence[object]] = [("interval_start", "queue", "volume", "aht_s")]
    for row in forecast.rows(quantile):
        if not float(row["mean"]) > 0:  # type: ignore[arg-type]
            continue
        rows.append((f"{row['start']:%Y-%m-%d %H:%M}", row["queue"],
                     _round(row["volume"]), _round(row["aht_s"], 0)))
    return _text(rows)


def bands_csv(forecast: Forecast) -> str:
    """Every interval with its mean and 80 % / 95 % bands (ISO times with UTC offset)."""
    header = ("interval_start", "queue", "mean", "low80", "high80", "low95", "high95")
    rows: list[Sequence[object]] = [header]
    for row in forecast.rows():
        rows.append((row["start"].isoformat(timespec="minutes"),  # type: ignore[attr-defined]
                     row["queue"], *(_round(row[k]) for k in header[2:])))
    return _text(rows)


def backtest_table(forecast: Forecast) -> list[dict[str, str]]:
    """Per queue and model: WAPE, MASE against the seasonal naive, bias; chosen marked."""
    table = []
    for queue, result in forecast.queues.items():
        test = result.backtest
        for score in test.scores:
            table.append({
                "queue": queue, "model": score.model,
                "kind": "baseline" if score.model in BASELINES else "model",
                "chosen": "yes" if score.model == test.chosen else "",
                "wape": _round(score.wape, 3), "mase": _round(score.mase, 3),
                "bias": _round(score.bias, 3), "origins": str(test.origins),
                "coverage80": _round(test.coverage[0.8], 3),
                "coverage95": _round(test.coverage[0.95], 3),
                "thin": "yes" if result.thin else ""})
    return table


def backtest_csv(forecast: Forecast) -> str:
    """The backtest table as CSV."""
    table = backtest_table(forecast)
    if not table:
        return ""
    return _text([tuple(table[0]), *(tuple(row.values()) for row in table)])
