"""The report's sections for teams whose need is a headcount (coverage.csv): what they show.

Every figure comes from :mod:`scheduler.kpi.headcount`; this module only arranges them for the
template (``headcount.html.j2``): the cards at the top, the chart of agents on duty against the
minimum and maximum per queue row with the short and over runs in words, short and over per day
and week, who is on duty per half-hour, the fair-share table and the onboarding shifts.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from scheduler.domain import Problem
from scheduler.export.charts import headcount_chart
from scheduler.export.segments import amount_runs
from scheduler.kpi.headcount import HeadcountKpis

__all__ = ["MAX_RUNS", "applies_to", "has_contracts", "headcount_context", "records", "runs"]

MAX_RUNS = 24  # runs listed in words per chart; the rest are counted


def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """The frame's rows as dicts keyed by column name."""
    return [{str(k): v for k, v in row.items()} for row in frame.to_dict("records")]


def runs(problem: Problem, rows: pd.DataFrame, column: str, word: str) -> list[dict[str, Any]]:
    """Consecutive intervals of one queue row with the same amount in ``column`` (> 0).

    Each run: ``first`` interval, ``amount`` and ``text`` (``Tue 19:30–21:00 short by 3``).
    """
    picked = rows[rows[column] > 0].sort_values("interval")
    pairs = list(zip(picked["interval"].astype(int), picked[column].astype(int), strict=True))
    return [{"first": first, "amount": amount, "text": text}
            for first, _, amount, text in amount_runs(problem, pairs, word)]


def _charts(problem: Problem, view: HeadcountKpis) -> list[dict[str, Any]]:
    charts = []
    for queue, rows in view.coverage.groupby("queue", sort=False):
        name = applies_to(problem, str(queue))
        short, over = runs(problem, rows, "short", "short"), runs(problem, rows, "over", "over")
        charts.append({
            "queue": str(queue), "name": name,
            "svg": headcount_chart(problem, view.coverage, str(queue),
                                   f"{name.capitalize()}: agents on duty against the minimum "
                                   "and maximum"),
            "short": short[:MAX_RUNS], "short_more": max(0, len(short) - MAX_RUNS),
            "over": over[:MAX_RUNS], "over_more": max(0, len(over) - MAX_RUNS)})
    return charts


def applies_to(problem: Problem, queue: str) -> str:
    """Who a coverage row counts: ``everyone on duty`` for ``any``, else the queue's name."""
    return "everyone on duty" if queue == "any" else problem.queue_index[queue].name or queue


def _who(problem: Problem, view: HeadcountKpis) -> list[dict[str, Any]]:
    """Per local day: every interval with a limit or someone on duty, and who it is."""
    asked = view.coverage[(view.coverage["minimum"] > 0) | view.coverage["maximum"].notna()
                          | (view.coverage["on_duty"] > 0)]
    days = []
    for date, rows in asked.groupby("date", sort=True):
        days.append({"date": f"{pd.Timestamp(str(date)):%a %d %b}", "rows": [{
            "queue": applies_to(problem, r["queue"]), "time": r["time"],
            "minimum": int(r["minimum"]),
            "maximum": "" if pd.isna(r["maximum"]) else int(r["maximum"]),
            "on_duty": int(r["on_duty"]), "short": int(r["short"]), "over": int(r["over"]),
            "agents": r["agents"]} for r in rows.to_dict("records")]})
    return days


def _fair(view: HeadcountKpis, contracts: pd.DataFrame | None) -> list[dict[str, Any]]:
    """The fair-share rows; bars on one scale for every agent (the most hours or target)."""
    rows = records(view.agents.sort_values("name", kind="stable"))
    limits = contracts.set_index("agent") if contracts is not None else None
    scale = max([1.0] + [max(r["target_hours"], r["hours"]) for r in rows])
    for row in rows:
        row["bar"] = 100 * row["hours"] / scale
        row["target_mark"] = 100 * row["target_hours"] / scale
        row["ahead"] = row["balance_out_hours"] < 0
        row["ideal"] = "" if pd.isna(row["ideal_hours"]) else f"{row['ideal_hours']:g} h"
        if limits is not None:
            mine = limits.loc[row["agent"]]
            row["contract"] = (f"{mine['min_hours']:.0f}–" + ("open" if pd.isna(mine["max_hours"])
                               else f"{mine['max_hours']:.0f}") + " h")
            row["over"], row["under"] = float(mine["over_hours"]), float(mine["under_hours"])
    return rows


def has_contracts(agents: pd.DataFrame) -> bool:
    """Whether any agent's contract sets hours (``Kpis.agents`` minimum or maximum)."""
    return bool(((agents["min_hours"] > 0) | agents["max_hours"].notna()).any())


def headcount_context(problem: Problem, view: HeadcountKpis,
                      contracts: pd.DataFrame) -> dict[str, Any]:
    """Everything ``headcount.html.j2`` shows, from the headcount measures.

    Parameters
    ----------
    problem
        The team's problem (time axis, names).
    view
        The roster's headcount measures.
    contracts
        ``Kpis.agents`` (contract hours, over and under): its columns are shown only when
        some contract sets hours.
    """
    shown = contracts if has_contracts(contracts) else None
    week_rows = records(view.weekly)
    return {
        "headline": view.headline, "charts": _charts(problem, view),
        "daily": [dict(r, label=f"{pd.Timestamp(str(r['date'])):%a %d %b}",
                       applies=applies_to(problem, r["queue"]))
                  for r in records(view.daily)],
        "weekly": [dict(r, applies=applies_to(problem, r["queue"])) for r in week_rows],
        "who": _who(problem, view),
        "fair": _fair(view, shown), "contracts": shown is not None,
        "onboarding": records(view.onboarding),
        "learners": len(problem.onboarding),
        "interval": problem.interval_minutes,
    }
