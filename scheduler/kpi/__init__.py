"""Measures of a roster: coverage, projected service, hours and fairness, computed once."""

from scheduler.kpi.headcount import HeadcountHeadline, HeadcountKpis, headcount_measure
from scheduler.kpi.measures import (
    Headline,
    Kpis,
    agent_load,
    async_backlog,
    coverage_by_interval,
    daily_coverage,
    headline,
    live_service,
    measure,
    penalty_table,
)

__all__ = [
    "HeadcountHeadline",
    "HeadcountKpis",
    "Headline",
    "Kpis",
    "agent_load",
    "async_backlog",
    "coverage_by_interval",
    "daily_coverage",
    "headcount_measure",
    "headline",
    "live_service",
    "measure",
    "penalty_table",
]
