"""From the help desk's history to next week's demand: contacts per queue and interval.

The stage reads the history (scheduler.forecast.history), puts it on the team's wall clock
(grid), backtests the models (models, backtest) per queue, forecasts the planning week with the
one that backtests best, with 80 % and 95 % bands (run), and gives forecast.csv in the team
folder's format with the backtest table and the chart (tables, stage). docs/forecast.md.
"""

from scheduler.forecast.backtest import Backtest, Bands, Score
from scheduler.forecast.run import Forecast, Horizon, QueueForecast
from scheduler.forecast.settings import ForecastSettings, read_forecast_settings
from scheduler.forecast.stage import (
    Evaluation,
    ForecastRun,
    evaluate_week,
    forecast_files,
    plan_forecast,
)

__all__ = ["Backtest", "Bands", "Evaluation", "Forecast", "ForecastRun", "ForecastSettings",
           "Horizon", "QueueForecast", "Score", "evaluate_week", "forecast_files",
           "plan_forecast", "read_forecast_settings"]
