"""One call from the export to the figures: what ``scheduler metrics`` and the web app run.

Bad input is a :class:`~scheduler.errors.TeamFolderError` (exit 2 on the command line) before
anything is computed or written: no ticket left to measure (an empty export, or only deleted
ones), a week outside the history, a queue team.yaml does not know.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

import pandas as pd

from scheduler.domain import Problem
from scheduler.errors import InputProblem, Problems
from scheduler.metrics.business import business_hours, fill_business
from scheduler.metrics.history import normalise_history
from scheduler.metrics.sources import history_from_export, read_history_csv
from scheduler.metrics.weekly import WeeklyMetrics, choose_weeks, weekly_metrics
from scheduler.metrics.weeks import parse_week
from scheduler.tickets.policy import TicketPolicy
from scheduler.tickets.read import export_files
from scheduler.tickets.records import Format


@dataclass
class MetricsRun:
    """The figures, what the import left out and why, and forecast against actual."""

    metrics: WeeklyMetrics
    tickets: int
    skipped: Counter[str] = field(default_factory=Counter)
    warnings: list[InputProblem] = field(default_factory=list)
    forecast: pd.DataFrame | None = None


def measure(paths: Sequence[Path | str], problem: Problem, policy: TicketPolicy, *,
            week: str | None = None, weeks: int = 4, queues: Sequence[str] = (),
            fmt: Format | None = None) -> MetricsRun:
    """Read the export and compute the weekly metrics.

    Parameters
    ----------
    paths
        Ticket exports: Zendesk / Freshdesk JSON pages (and their side files), folders of
        pages, or history CSVs (the normalised columns of docs/metrics.md).
    week
        ``2026-W48``; default: the week of the newest ticket.
    weeks
        How many weeks to show, ending with ``week``.
    queues
        Only these queues (all when empty).

    Raises
    ------
    TeamFolderError
        With every problem found; nothing is computed then.
    """
    problems, warnings = Problems(), Problems()
    zone = ZoneInfo(problem.time_zone)
    monday = parse_week(week, problems) if week else None
    for queue in queues:
        if queue not in problem.queue_index:
            problems.add("--queue", f"queue {queue} is not in the queues of team.yaml",
                         f"use one of: {', '.join(problem.queue_index)}", value=queue)
    files = export_files(list(paths))
    csvs = [f for f in files if f.suffix.lower() == ".csv" and fmt in (None, "csv")]
    others = [f for f in files if f not in csvs]
    frames, skipped = [], Counter[str]()
    if others or not csvs:
        frame, skipped = history_from_export(others, problem, policy, problems, warnings, fmt)
        frames.append(frame)
    for path in csvs:
        frame, left = read_history_csv(path, problem, policy, problems)
        frames.append(frame)
        skipped.update(left)
    history = normalise_history(pd.concat(frames, ignore_index=True))
    history = fill_business(history, business_hours(problem, policy))
    if queues:
        history = history[history["queue"].isin(list(queues))].reset_index(drop=True)
    chosen = []
    if not problems.items:
        left_out = ", ".join(f"{n} {why}" for why, n in sorted(skipped.items()))
        if history.empty and left_out:
            problems.add(files[0].name if files else ".", "no ticket left to measure (left "
                         f"out: {left_out})", "export the weeks to report on")
        else:
            chosen = choose_weeks(history, monday, weeks, zone, problems)
    problems.raise_if_any(str(files[0].parent) if files else ".")
    metrics = weekly_metrics(history, chosen, zone)
    return MetricsRun(metrics, len(history), skipped, warnings.items,
                      forecast_against_actual(problem, metrics, zone))


def forecast_against_actual(problem: Problem, metrics: WeeklyMetrics,
                            zone: ZoneInfo) -> pd.DataFrame | None:
    """Forecast (forecast.csv of the team folder) and actual tickets per queue and day of the
    last week; None when no forecast covers that week."""
    if not problem.forecast:
        return None
    week = metrics.weeks[-1]
    rows = [(r.queue, r.start.astimezone(zone).date(), r.volume) for r in problem.forecast
            if week.start <= pd.Timestamp(r.start) < week.end]
    if not rows:
        return None
    forecast = (pd.DataFrame(rows, columns=["queue", "date", "forecast"])
                .groupby(["queue", "date"], as_index=False)["forecast"].sum())
    both = metrics.daily.merge(forecast, how="outer", on=["queue", "date"])
    both = both[both["queue"].isin(forecast["queue"].unique())]
    return both.fillna({"created": 0, "forecast": 0}).sort_values(["queue", "date"]).reset_index(
        drop=True)
