"""The assign command: open tickets to the agents on duty, with an SLA watch."""

from __future__ import annotations

from collections.abc import Sequence
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.table import Table
from rich.text import Text

from scheduler.cli.app import app
from scheduler.cli.console import (
    MAX_ROWS,
    TeamDir,
    cell,
    fail,
    input_errors,
    load,
    out,
    plural,
    wrote,
)

if TYPE_CHECKING:
    from scheduler.domain import Problem, Roster

TicketFormat = Enum("TicketFormat", {"csv": "csv", "zendesk": "zendesk", "freshdesk": "freshdesk"},
                    type=str)

Tickets = Annotated[list[Path], typer.Option(
    "--tickets", "-t", exists=True, readable=True, show_default=False,
    help="Ticket export: a CSV, a JSON file or a folder of JSON pages (repeat for several "
    "pages).")]
At = Annotated[str, typer.Option(help="Window start, e.g. '2026-11-30 09:00' (team time).",
                                 show_default=False)]
OutDir = Annotated[Path, typer.Option(
    "--out", "-o", file_okay=False, show_default=False,
    help="Folder for assignments.csv and the bulk-update payload.")]
Format = Annotated[TicketFormat | None, typer.Option(
    "--format", help="csv, zendesk or freshdesk (default: from the file).")]
RosterFile = Annotated[Path | None, typer.Option(
    "--roster", exists=True, dir_okay=False, show_default=False,
    help="Roster CSV (default: published_roster.csv of the team folder).")]
AgentsFile = Annotated[Path | None, typer.Option(
    "--agents", exists=True, dir_okay=False, show_default=False,
    help="Agents file (agent, minutes, skills, tier) instead of a roster.")]
Window = Annotated[str, typer.Option(help="Length of the window: 2h, 90m, 1h30m.")]
WorkLimit = Annotated[float, typer.Option(min=0.01, help="Solver work units.")]
Workers = Annotated[int, typer.Option(min=1, help="Solver threads.")]
Seed = Annotated[int, typer.Option(min=0, help="Random seed.")]


def _window_options(problem: Problem, at: str, window: str) -> tuple[Any, int]:
    from scheduler.load.cells import CellError
    from scheduler.tickets.on_duty import parse_at, parse_window

    try:
        return parse_at(at, problem), parse_window(window)
    except CellError as exc:
        raise typer.BadParameter(f"{exc.message}; {exc.fix}") from None


def _roster_option(problem: Problem, roster_csv: Path | None,
                   agents_csv: Path | None) -> Roster | None:
    from scheduler.load import read_roster

    if roster_csv is not None:
        with input_errors(roster_csv):
            return read_roster(roster_csv, problem)
    if agents_csv is None and not problem.reference:
        fail("No roster: give --roster ROSTER.csv or --agents AGENTS.csv (or keep a "
             "published_roster.csv in the team folder).")
    return None


def _print_load(load: Any) -> None:
    skipped = ", ".join(f"{n} {why}" for why, n in sorted(load.skipped.items()))
    out.print(f"{plural(len(load.tickets), 'open ticket')}"
              + (f" (left out: {skipped})" if skipped else ""))
    if load.warnings:
        out.print(Text(f"{plural(len(load.warnings), 'warning')}:", style="yellow"))
        for warning in load.warnings[:MAX_ROWS]:
            out.print(Text(f"  - {warning}"))
        if len(load.warnings) > MAX_ROWS:
            out.print(f"  … and {len(load.warnings) - MAX_ROWS} more")


def _agents_table(rows: list[dict[str, Any]]) -> Table:
    table = Table(title="Tickets per agent", title_justify="left")
    for title in ("Agent", "Tickets", "Minutes", "Available", "Load", "Breaches"):
        table.add_column(title, justify="left" if title == "Agent" else "right")
    for row in rows:
        table.add_row(cell(row["agent"]), cell(row["tickets"]), cell(row["minutes"]),
                      cell(row["capacity"]), cell(f"{row['load']:.0%}"),
                      cell(row["breaches"] or ""))
    return table


def _compare_table(result: Any, baselines: dict[str, Any]) -> Table:
    table = Table(title="Against the simple routers (weighted breaches; load: max, mean)",
                  title_justify="left")
    for title in ("Method", "Weighted", "Breaches", "Unassigned", "Max", "Mean", "Moves",
                  "Seconds"):
        table.add_column(title, justify="left" if title == "Method" else "right")
    rows = [(f"model ({result.method})", result.outcome, result.seconds)]
    rows += [(name, outcome, seconds) for name, (outcome, seconds) in baselines.items()]
    for name, o, seconds in rows:
        table.add_row(cell(name), cell(o.weighted_breaches), cell(o.breaches),
                      cell(o.unassigned), cell(f"{o.max_load / 10:.0f}%"),
                      cell(f"{o.mean_load:.0%}"), cell(o.moves), cell(f"{seconds:.2f}"))
    return table


def _risk_table(watch: Sequence[Any], frame: Any) -> Table:
    flagged = [w for w in watch if w.status not in ("ok", "no SLA")]
    table = Table(title=f"SLA watch: {plural(len(flagged), 'ticket')} to look at",
                  title_justify="left")
    for title in ("Ticket", "Priority", "Status", "Due", "Agent", "Finish", "Why"):
        table.add_column(title)
    rows = frame.set_index("ticket")
    for w in flagged[:MAX_ROWS]:
        row = rows.loc[w.ticket]
        table.add_row(cell(w.ticket), cell(w.priority), cell(w.status), cell(row["due"]),
                      cell(row["agent"]), cell(row["finish"]), cell(row["reason"]))
    if len(flagged) > MAX_ROWS:
        table.caption = f"… and {len(flagged) - MAX_ROWS} more"
    return table


def _window_desk(team_dir: Path, tickets: list[Path], fmt: TicketFormat | None,
                 when: tuple[str, str], sources: tuple[Path | None, Path | None]
                 ) -> tuple[Problem, Any, Any, Any]:
    """The team, its ticket policy, the tickets read and the desk of the window."""
    from scheduler.tickets import load_tickets
    from scheduler.tickets.desk import make_desk
    from scheduler.tickets.on_duty import window_agents
    from scheduler.tickets.policy import read_ticket_policy

    (at, window), (roster_csv, agents_csv) = when, sources
    problem = load(team_dir)
    start, minutes = _window_options(problem, at, window)
    with input_errors(team_dir):
        policy = read_ticket_policy(team_dir, problem)
    with input_errors(tickets[0]):
        load_ = load_tickets(tickets, problem, policy, fmt.value if fmt else None)
    roster = _roster_option(problem, roster_csv, agents_csv)
    with input_errors(agents_csv or team_dir):
        agents = window_agents(problem, start, minutes, policy, roster=roster,
                               agents_file=agents_csv)
    return problem, policy, load_, make_desk(load_.tickets, agents, start, minutes, policy)


@app.command()
def assign(team_dir: TeamDir, tickets: Tickets, at: At, out_dir: OutDir, fmt: Format = None,
           roster_csv: RosterFile = None, agents_csv: AgentsFile = None, window: Window = "2h",
           work_limit: WorkLimit = 2.0, workers: Workers = 2, seed: Seed = 0) -> None:
    """Assign open tickets to the agents on duty: by skill, tier, SLA and workload.

    Writes assignments.csv and a Zendesk / Freshdesk bulk-update payload; prints a summary per
    agent beside the simple routers' figures, and the tickets at risk, worst first.

    Example: [cyan]scheduler assign fixtures/helpdesk --tickets fixtures/helpdesk/tickets.csv
    --at '2026-11-30 09:00' --out out/assign[/cyan]
    """
    from scheduler.export.assignments import assignments_frame, payloads_for
    from scheduler.export.assignments import write_assignment_outputs as write_outputs
    from scheduler.solvers.assignment import assign as assign_tickets
    from scheduler.solvers.assignment import run_baselines
    from scheduler.tickets.desk import agent_summary, sla_watch

    problem, policy, load_, desk = _window_desk(team_dir, tickets, fmt, (at, window),
                                                (roster_csv, agents_csv))
    result = assign_tickets(desk, work_limit=work_limit, workers=workers, seed=seed)
    watch = sla_watch(desk, result.outcome, policy.at_risk_minutes)
    kind = load_.system  # the help desk the tickets came from: its payload only
    frame = assignments_frame(desk, result, watch, problem.time_zone)
    with input_errors(out_dir, writing=True):
        paths = write_outputs(out_dir, frame, payloads_for(kind, desk, result, policy))
    _print_load(load_)
    out.print(_agents_table(agent_summary(desk, result.outcome)))
    out.print(_compare_table(result, run_baselines(desk)))
    out.print(_risk_table(watch, frame))
    wrote(*paths)
