"""The weekly support metrics: volume, response and resolution times, backlog, SLA."""

from scheduler.metrics.history import HISTORY_COLUMNS, empty_history, normalise_history
from scheduler.metrics.weekly import WeeklyMetrics, choose_weeks, figure_names, weekly_metrics
from scheduler.metrics.weeks import Week, parse_week, week_of, weeks_back

__all__ = ["HISTORY_COLUMNS", "Week", "WeeklyMetrics", "choose_weeks", "empty_history",
           "figure_names", "normalise_history", "parse_week", "week_of", "weekly_metrics",
           "weeks_back"]
