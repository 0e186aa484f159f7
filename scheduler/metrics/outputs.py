"""The weekly metrics a manager reads: metrics.html, metrics.xlsx and metrics.csv.

Every figure comes from :func:`scheduler.metrics.weekly_metrics`; this module only arranges
them. The page is self-contained (inline styles and SVG charts, no script, no network), uses
the report's style and palette, and prints on A4 landscape. The workbook and the CSV hold the
same figures (long form: week, dimension, member, figure, value, previous, change).
"""

from __future__ import annotations

import math
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd
from openpyxl import Workbook

from scheduler.export.cells import csv_safe
from scheduler.export.files import write_group
from scheduler.metrics.charts import (
    backlog_chart,
    forecast_chart,
    heat_map,
    sla_chart,
    times_chart,
)
from scheduler.metrics.weekly import WeeklyMetrics

__all__ = ["HEADLINE", "metrics_html", "metrics_workbook", "write_metrics_outputs"]

HEADLINE = (("created", "Tickets created", "count"), ("solved", "Tickets solved", "count"),
            ("resolution_rate", "Solved within the week", "share"),
            ("backlog_end", "Open at the end of the week", "count"),
            ("first_reply_median", "First reply, median", "minutes"),
            ("resolution_median", "Resolution, median", "minutes"),
            ("one_touch_rate", "One-touch resolution", "share"),
            ("reopened", "Reopened", "count"))
TABLE_FIGURES = ("created", "solved", "resolution_rate", "backlog_start", "backlog_end",
                 "first_reply_median", "first_reply_p90", "resolution_median", "resolution_p90",
                 "one_touch_rate", "reopened")
SHARES = ("rate",)


def _kind(figure: str) -> str:
    if figure.endswith("_rate"):
        return "share"
    if figure.endswith(("_median", "_p90")):
        return "minutes"
    return "count"


def show(value: float | None, kind: str) -> str:
    """A figure as the page prints it: counts whole, shares in %, minutes as h:mm."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if kind == "share":
        return f"{value * 100:.1f} %"
    if kind == "minutes":
        sign = "-" if value < 0 else ""
        hours, minutes = divmod(round(abs(value)), 60)
        return f"{sign}{hours}:{minutes:02d} h"
    return f"{value:,.0f}"


def change(value: float | None, kind: str) -> str:
    """A week-over-week change with its sign (shares in points)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if kind == "share":
        return f"{value * 100:+.1f} pt"
    text = show(abs(value), kind)
    return ("+" if value >= 0 else "−") + text


def _cells(metrics: WeeklyMetrics, dimension: str, member: str) -> list[dict[str, str]]:
    f = metrics.figures
    rows = f[(f["week"] == metrics.weeks[-1].label) & (f["dimension"] == dimension)
             & (f["member"] == member)].set_index("figure")
    values, changes = rows["value"].to_dict(), rows["change"].to_dict()
    out = []
    for figure in TABLE_FIGURES:
        if figure in values:
            kind = _kind(figure)
            out.append({"value": show(float(values[figure]), kind),
                        "change": change(float(changes[figure]), kind)})
    return out


def _tables(metrics: WeeklyMetrics) -> list[dict[str, Any]]:
    f = metrics.figures
    last = f[f["week"] == metrics.weeks[-1].label]
    found = []
    for dimension, title in (("queue", "Per queue"), ("group", "Per group"),
                             ("channel", "Per channel")):
        members = sorted(last.loc[last["dimension"] == dimension, "member"].unique())
        found.append({"id": dimension, "title": title, "rows": [
            {"member": m, "cells": _cells(metrics, dimension, m)} for m in members]})
    return found


def _sla_rates(metrics: WeeklyMetrics) -> pd.DataFrame:
    f = metrics.figures
    rows = f[(f["week"] == metrics.weeks[-1].label) & (f["dimension"] == "queue")
             & f["figure"].str.match(r"^sla_.*_rate$")]
    return pd.DataFrame({"queue": rows["member"].to_numpy(),
                         "metric": rows["figure"].str[4:-5].to_numpy(),
                         "rate": rows["value"].to_numpy()})


def _sla_rows(metrics: WeeklyMetrics) -> list[dict[str, str]]:
    f = metrics.figures
    last = f[(f["week"] == metrics.weeks[-1].label) & f["figure"].str.startswith("sla_")
             & f["dimension"].isin(["all", "queue"])].set_index(["member", "figure"])
    values, changes = last["value"].to_dict(), last["change"].to_dict()
    metrics_ = sorted({name[4:-9] for name in last.index.get_level_values(1)
                       if name.endswith("_achieved")})
    rows = []
    for member in dict.fromkeys(last.index.get_level_values(0)):
        for metric in metrics_:
            def cell(part: str, kind: str, m: str = member, k: str = metric) -> str:
                key = (m, f"sla_{k}_{part}")
                return show(float(values[key]), kind) if key in values else "–"
            rows.append({"member": member, "metric": metric.replace("_", " "),
                         "achieved": cell("achieved", "count"),
                         "breached": cell("breached", "count"), "rate": cell("rate", "share"),
                         "change": change(float(changes.get((member, f"sla_{metric}_rate"),
                                                            math.nan)), "share")})
    return rows


def metrics_html(metrics: WeeklyMetrics, *, team: str, time_zone: str,
                 forecast: pd.DataFrame | None = None, source: str = "",
                 generated_at: datetime | None = None) -> str:
    """The metrics page as one HTML string (no external reference).

    Parameters
    ----------
    metrics
        The figures (:func:`scheduler.metrics.weekly_metrics`).
    team, time_zone
        Shown in the title; weeks, days and hours are in this zone.
    forecast
        ``queue, date, created, forecast`` for the last week when a forecast was made for it.
    source
        Where the tickets came from.
    generated_at
        Time stamp printed on the page (default: now, UTC).
    """
    from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

    week = metrics.weeks[-1]
    queues = sorted(metrics.daily["queue"].unique())
    headline = [{"label": label, "value": show(metrics.value(key), kind),
                 "change": change(_change(metrics, key), kind), "key": key}
                for key, label, kind in HEADLINE]
    charts = [heat_map(metrics.volume, f"Tickets created in {week.label} by day and hour"),
              backlog_chart(metrics.figures, queues, "Open tickets at the end of each week"),
              times_chart(metrics.times, "first_reply_minutes", queues,
                          "First reply time (tickets created this week)"),
              times_chart(metrics.times, "resolution_minutes", queues,
                          "Resolution time (tickets solved this week)")]
    rates = _sla_rates(metrics)
    if not rates.empty:
        charts.append(sla_chart(rates, "SLA targets achieved per queue"))
    if forecast is not None and not forecast.empty:
        charts.append(forecast_chart(forecast, "Forecast against actual tickets per day"))
    env = Environment(loader=PackageLoader("scheduler.export", "templates"),
                      autoescape=select_autoescape(["html", "j2"]), undefined=StrictUndefined,
                      trim_blocks=True, lstrip_blocks=True)
    stamp = (generated_at or datetime.now(UTC)).astimezone(UTC)
    agents = metrics.agents[metrics.agents["week"] == week.label].sort_values(
        ["solved", "agent"], ascending=[False, True])
    return env.get_template("metrics.html.j2").render(
        team=team, time_zone=time_zone, week=week.label, monday=f"{week.monday:%a %d %b %Y}",
        first=metrics.weeks[0].label, weeks=len(metrics.weeks), source=source,
        generated=f"{stamp:%Y-%m-%d %H:%M} UTC", headline=headline, charts=charts,
        tables=_tables(metrics), heads=TABLE_FIGURES, sla=_sla_rows(metrics),
        agents=[{"agent": a, "solved": show(s, "count"), "change": change(c, "count")}
                for a, s, c in zip(agents["agent"], agents["solved"], agents["change"],
                                   strict=True)])


def _change(metrics: WeeklyMetrics, figure: str) -> float:
    f = metrics.figures
    rows = f[(f["week"] == metrics.weeks[-1].label) & (f["dimension"] == "all")
             & (f["figure"] == figure)]
    return float(rows["change"].iloc[0]) if len(rows) else float("nan")


def metrics_workbook(metrics: WeeklyMetrics) -> Workbook:
    """Sheets ``Figures`` (long form), ``Week`` (last week, one row per member), ``Agents``."""
    wb = Workbook()
    sheets = (("Figures", metrics.figures), ("Week", _wide(metrics)),
              ("Agents", metrics.agents), ("Volume", metrics.volume))
    for index, (title, frame) in enumerate(sheets):
        ws = wb.active if index == 0 else wb.create_sheet()
        ws.title = title
        safe = csv_safe(frame.astype(object).where(frame.notna(), None))
        ws.append(list(safe.columns))
        for row in safe.itertuples(index=False):
            ws.append([None if v is None or v != v else v for v in row])
        ws.freeze_panes = "A2"
    return wb


def _wide(metrics: WeeklyMetrics) -> pd.DataFrame:
    f = metrics.figures
    last = f[f["week"] == metrics.weeks[-1].label]
    return last.pivot_table(index=["dimension", "member"], columns="figure", values="value",
                            sort=False, dropna=False).reset_index()


def write_metrics_outputs(out_dir: str | os.PathLike[str], metrics: WeeklyMetrics,
                          html: str) -> list[Path]:
    """Write metrics.html, metrics.xlsx and metrics.csv together, or none of them."""
    folder = Path(out_dir)
    folder.mkdir(parents=True, exist_ok=True)
    text = csv_safe(metrics.figures).to_csv(index=False, lineterminator="\n")
    workbook = metrics_workbook(metrics)
    return write_group([
        (folder / "metrics.html", lambda p: p.write_text(html, encoding="utf-8")),
        (folder / "metrics.csv", lambda p: p.write_text(text, encoding="utf-8")),
        (folder / "metrics.xlsx", lambda p: workbook.save(p)),
    ])
