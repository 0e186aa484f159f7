"""The metrics command: the weekly support report from the help desk's exports."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table
from rich.text import Text

from scheduler.cli.app import app
from scheduler.cli.console import MAX_ROWS, TeamDir, cell, input_errors, load, out, plural, wrote

History = Annotated[list[Path], typer.Option(
    "--tickets", "-t", exists=True, readable=True, show_default=False,
    help="Ticket history: Zendesk / Freshdesk JSON pages (and their groups, users or agents "
    "files), folders of pages, or a history CSV. Repeat for several.")]
Week = Annotated[str | None, typer.Option(
    help="ISO week to report on, e.g. 2026-W48 (default: the week of the newest ticket).",
    show_default=False)]
Weeks = Annotated[int, typer.Option(min=1, max=104, help="Weeks shown, ending with --week.")]
Queues = Annotated[list[str] | None, typer.Option(
    "--queue", help="Only this queue (repeat for several).", show_default=False)]
OutDir = Annotated[Path, typer.Option(
    "--out", "-o", file_okay=False, show_default=False,
    help="Folder for metrics.html, metrics.xlsx and metrics.csv.")]


@app.command()
def metrics(team_dir: TeamDir, tickets: History, out_dir: OutDir, week: Week = None,
            weeks: Weeks = 4, queue: Queues = None) -> None:
    """Weekly support metrics: volume, response and resolution times, backlog, SLA.

    Per queue, group and channel, for the week and the weeks before it, each figure beside
    its change on the week before. Writes metrics.html (for the manager), metrics.xlsx and
    metrics.csv.

    Example: [cyan]scheduler metrics fixtures/helpdesk --tickets export/ --week 2026-W48
    --weeks 4 --out out/metrics[/cyan]
    """
    from scheduler.metrics.outputs import metrics_html, write_metrics_outputs
    from scheduler.metrics.run import measure
    from scheduler.tickets.policy import read_ticket_policy

    problem = load(team_dir)
    with input_errors(team_dir):
        policy = read_ticket_policy(team_dir, problem)
    with input_errors(tickets[0]):
        run = measure(tickets, problem, policy, week=week, weeks=weeks, queues=queue or ())
    html = metrics_html(run.metrics, team=problem.team, time_zone=problem.time_zone,
                        forecast=run.forecast, source=", ".join(p.name for p in tickets))
    with input_errors(out_dir, writing=True):
        paths = write_metrics_outputs(out_dir, run.metrics, html)
    _print_run(run)
    out.print(_headline_table(run))
    wrote(*paths)


def _print_run(run: Any) -> None:
    skipped = ", ".join(f"{n} {why}" for why, n in sorted(run.skipped.items()))
    out.print(f"{plural(run.tickets, 'ticket')} measured"
              + (f" (left out: {skipped})" if skipped else ""))
    for warning in run.warnings[:MAX_ROWS]:
        out.print(Text(f"  - {warning}", style="yellow"))


def _headline_table(run: Any) -> Table:
    from scheduler.metrics.outputs import HEADLINE, change, show

    m = run.metrics
    table = Table(title=f"Week {m.weeks[-1].label}, all queues", title_justify="left")
    for title in ("Figure", "Value", "Change on the week before"):
        table.add_column(title, justify="left" if title == "Figure" else "right")
    for key, label, kind in HEADLINE:
        row = m.figures[(m.figures["week"] == m.weeks[-1].label)
                        & (m.figures["dimension"] == "all") & (m.figures["figure"] == key)]
        value = float(row["value"].iloc[0]) if len(row) else float("nan")
        delta = float(row["change"].iloc[0]) if len(row) else float("nan")
        table.add_row(cell(label), cell(show(value, kind)), cell(change(delta, kind)))
    return table
