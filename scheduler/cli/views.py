"""Rich tables of the results the commands print: rendering only, no planning logic."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from rich.table import Table
from rich.text import Text

from scheduler.cli.console import MAX_ROWS, cell, plural

if TYPE_CHECKING:
    import pandas as pd

    from scheduler.domain import Problem
    from scheduler.evaluation import Evaluation, Violation


def day_label(problem: Problem, day: int | None) -> str:
    """``Mon 2026-11-30`` for a horizon day (empty for none)."""
    if day is None:
        return ""
    when = problem.clock.date_of(day)
    return f"{when:%a} {when.isoformat()}"


def interval_label(problem: Problem, interval: int | None) -> str:
    """The local start of a planning interval (empty for none)."""
    if interval is None:
        return ""
    return f"{problem.clock.local(interval * problem.interval_minutes):%a %Y-%m-%d %H:%M}"


def hard_table(problem: Problem, hard: Sequence[Violation]) -> Table:
    """The hard rules a roster breaks, one row each (the first MAX_ROWS)."""
    table = Table(title=Text(plural(len(hard), "hard violation"), style="bold red"),
                  title_justify="left")
    intervals = any(v.interval is not None for v in hard)
    titles = ("Rule", "Agent", "Day", "Interval", "What") if intervals else (
        "Rule", "Agent", "Day", "What")
    for title in titles:
        table.add_column(title, overflow="fold")
    for v in hard[:MAX_ROWS]:
        cells = [cell(v.rule), cell(v.agent), cell(day_label(problem, v.day))]
        if intervals:
            cells.append(cell(interval_label(problem, v.interval)))
        table.add_row(*cells, cell(v.message))
    if len(hard) > MAX_ROWS:
        table.caption = f"… and {len(hard) - MAX_ROWS} more"
    return table


def penalty_table(penalties: dict[str, int], evaluation: Evaluation | None,
                  worst: bool) -> Table:
    """Soft penalty per rule, its share, how many findings, and (``worst``) the costliest."""
    total = sum(penalties.values())
    counts = evaluation.findings_by_rule() if evaluation is not None else {}
    table = Table(title="Penalty per rule", title_justify="left")
    for title in ("Rule", "Penalty", "Share", "Findings"):
        table.add_column(title, justify="left" if title == "Rule" else "right")
    if worst:
        table.add_column("Worst", overflow="fold")
    for rule, penalty in sorted(penalties.items(), key=lambda kv: (-kv[1], kv[0])):
        if not penalty:
            continue
        row = [cell(rule), cell(penalty), cell(f"{penalty / total:.0%}"),
               cell(counts.get(rule, ""))]
        if worst and evaluation is not None:
            row.append(cell("\n".join(evaluation.worst(rule))))
        table.add_row(*row)
    table.add_section()
    table.add_row(cell("total"), cell(total), cell("100%" if total else ""),
                  cell(sum(counts.values()) or ""), *([cell("")] if worst else []))
    return table


def headline_table(problem: Problem, kpis: Any) -> Table:
    """Coverage, under-covered hours and service level per queue, from the KPIs (a team
    planned by headcount without a forecast: :func:`headcount_table`)."""
    if kpis.headcount is not None and not problem.forecast:
        return headcount_table(problem, kpis)
    h = kpis.headline
    table = Table(title=Text(f"Roster of {problem.team} at a glance"), title_justify="left")
    for title in ("Queue", "Coverage", "Short (agent-h)", "SL worst", "SL all contacts"):
        table.add_column(title, justify="left" if title == "Queue" else "right")
    for q in problem.queues:
        worst, weighted = h.service_worst.get(q.id), h.service_weighted.get(q.id)
        table.add_row(cell(q.id), cell(f"{h.coverage.get(q.id, 1.0):.1%}"),
                      cell(f"{h.short_hours.get(q.id, 0.0):.1f}"),
                      cell("" if worst is None else f"{worst:.1%}"),
                      cell("" if weighted is None else f"{weighted:.1%}"))
    table.caption = (f"{h.hours:.1f} h scheduled (contracts {h.contract_min_hours:.0f}–"
                     f"{h.contract_max_hours:.0f} h), penalty {h.penalty}")
    return table


def headcount_table(problem: Problem, kpis: Any) -> Table:
    """Short of coverage.csv's minimum and above its maximum per row and day, then the team's
    fair-share and preference figures (``Kpis.headcount``)."""
    view = kpis.headcount
    h, unit = view.headline, view.headline.unit
    table = Table(title=Text(f"Roster of {problem.team} at a glance: {unit} short of "
                             "coverage.csv's minimum and over its maximum"), title_justify="left")
    for title in ("Day", "Applies to", "Short", "Intervals short", "Over", "Intervals over"):
        table.add_column(title, justify="left" if title in ("Day", "Applies to") else "right")
    for row in view.daily.itertuples():
        table.add_row(cell(row.date), cell("everyone" if row.queue == "any" else row.queue),
                      cell(row.short), cell(row.short_intervals), cell(row.over),
                      cell(row.over_intervals))
    table.add_section()
    table.add_row(cell("week"), cell(""), cell(h.short), cell(h.short_intervals), cell(h.over),
                  cell(h.over_intervals))
    table.caption = (f"{h.agents_with_hours} of {h.agents_available} agents with hours, "
                     f"{h.hours:.1f} h; {h.preferred_share:.1%} of time on duty preferred; "
                     f"fair-share distance {h.mean_fair_distance_h:.1f} h mean, "
                     f"{h.max_fair_distance_h:.1f} h most; penalty {kpis.headline.penalty}")
    return table


def staffing_table(team: str, daily: pd.DataFrame, per_queue: pd.DataFrame) -> Table:
    """Peak agents and agent-hours per day and queue, then per queue over the horizon."""
    table = Table(title=Text(f"Agents to schedule — {team}"), title_justify="left")
    for title in ("Date", "Queue", "Peak agents", "Agent-hours"):
        table.add_column(title, justify="left" if title in ("Date", "Queue") else "right")
    previous = None
    for row in daily.to_dict("records"):
        label = f"{row['weekday']} {row['date']}" if row["date"] != previous else ""
        if previous is not None and row["date"] != previous:
            table.add_section()
        previous = row["date"]
        table.add_row(label, cell(row["queue"]), cell(row["peak_agents"]),
                      cell(f"{row['agent_hours']:.1f}"))
    table.add_section()
    for queue, totals in per_queue.iterrows():
        table.add_row("All days", cell(queue), cell(int(totals["peak_agents"])),
                      cell(f"{totals['agent_hours']:.1f}"))
    table.add_row(Text("Total", style="bold"), "", "",
                  Text(f"{daily['agent_hours'].sum():.1f}", style="bold"))
    return table


def facts_table(rows: Sequence[tuple[str, object]]) -> Table:
    """Name–value lines without borders (validate's summary)."""
    table = Table(show_header=False, box=None, padding=(0, 2))
    table.add_column(style="bold")
    table.add_column()
    for name, value in rows:
        table.add_row(name, cell(value))
    return table
