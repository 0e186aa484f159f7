"""The week as it happens: an absence re-planned now, and the pending time-off requests.

The commands parse, call :mod:`scheduler.operations` and print; every decision is made there.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table
from rich.text import Text

from scheduler.cli.app import app
from scheduler.cli.console import (
    TeamDir,
    cell,
    fail,
    input_errors,
    load,
    out,
    plural,
    requirements,
    wrote,
)

if TYPE_CHECKING:
    from scheduler.domain import Problem
    from scheduler.operations import AbsenceAnswer, Option, ShiftChange, Triage

Agent = Annotated[str, typer.Option("--agent", show_default=False, metavar="ID",
                                    help="The absent agent's id (agents.csv).")]
From = Annotated[str, typer.Option(
    "--from", show_default=False, metavar="WHEN",
    help="First day of the absence (2026-12-02), or the moment it starts (2026-12-02T13:00).")]
To = Annotated[str, typer.Option(
    "--to", show_default=False, metavar="WHEN",
    help="Last day of the absence (inclusive), or the moment it ends.")]
At = Annotated[str | None, typer.Option(
    "--at", show_default=False, metavar="WHEN",
    help="Now: what started before is fixed (default: the absence's start).")]
Prefer = Annotated[str, typer.Option(
    "--prefer", metavar="stability|coverage",
    help="What matters more: fewest changes, or covering the gap.")]
Options = Annotated[int, typer.Option("--options", min=1, max=9,
                                      help="How many ways to cover the gap to look for.")]
Take = Annotated[int, typer.Option("--take", min=1, help="The option to write (1 = best).")]
OutDir = Annotated[Path | None, typer.Option(
    "--out", "-o", file_okay=False, show_default=False,
    help="Write roster.csv, changes.csv and calendar-updates/ of the option taken here.")]
WorkLimit = Annotated[float, typer.Option(min=0.05, help="Solver work units per solve.")]
Grant = Annotated[list[str] | None, typer.Option(
    "--grant", show_default=False, metavar="ID",
    help="Write these pending requests as approved in time_off.csv (repeatable).")]
MaxCost = Annotated[int, typer.Option(min=0, help="Largest cost of a request to grant.")]


def _change_text(problem: Problem, change: ShiftChange) -> str:
    from scheduler.constraints.base import day_label

    name = problem.agent_index[change.agent].label
    return f"{name} {day_label(problem, change.day)}: {change.before or 'off'} → " \
           f"{change.after or 'off'}"


def _options_table(answer: AbsenceAnswer) -> Table:
    table = Table(title="Ways to cover the gap (best first)", title_justify="left")
    for name in ("#", "changes", "cost against leaving the gap open", "penalty"):
        table.add_column(name, overflow="fold")
    for option in answer.options:
        changes = "\n".join(_change_text(answer.problem, c) for c in option.changes)
        cost = ", ".join(f"{rule} {value:+d}" for rule, value in option.cost.items()) or "none"
        table.add_row(str(option.rank), cell(changes or "none"), cell(cost),
                      str(option.evaluation.total_penalty))
    return table


@app.command()
def absence(team_dir: TeamDir, agent: Agent, start: From, end: To, at: At = None,
            prefer: Prefer = "stability", options: Options = 3, take: Take = 1,
            out_dir: OutDir = None, work_limit: WorkLimit = 1.0, seed: int = 0) -> None:
    """Re-plan the published roster around an absence that starts now.

    Shifts that started before --at are what happened and stay; the rest of the week is
    re-planned with as few changes as possible. Prints the ways to cover the gap with what
    each costs; --out writes the one --take chooses: roster.csv, changes.csv and the
    calendar updates of the agents whose events change.

    Example: [cyan]scheduler absence fixtures/acme-support --agent amelia.taylor
    --from 2026-12-02 --to 2026-12-03 --out out/absence[/cyan]
    """
    from scheduler.operations import PRIORITIES, Absence, moment_of, plan_absence
    from scheduler.operations.outputs import write_replan

    if prefer not in PRIORITIES:
        fail(f"--prefer must be one of: {', '.join(PRIORITIES)}.")
    problem = load(team_dir)
    needs = requirements(problem, team_dir)
    with input_errors(team_dir):
        gone = Absence(agent, moment_of(problem, "--from", start),
                       moment_of(problem, "--to", end, end=True))
        now = None if at is None else moment_of(problem, "--at", at)
        answer = plan_absence(problem, needs, gone, now, prefer=prefer,
                              options=options, work_limit=work_limit, seed=seed)
    if not answer.options:
        fail("No re-plan keeps every hard rule with this absence; see scheduler check.", 1)
    out.print(_options_table(answer))
    if out_dir is None:
        return
    with input_errors(team_dir):
        chosen: Option = answer.option(take)
    with input_errors(out_dir, writing=True):
        written = write_replan(out_dir, problem, answer.published, answer.problem,
                               chosen.roster, chosen.changes, needs)
    out.print(Text(f"Option {take}: {plural(len(chosen.changes), 'shift')} changed; "
                   f"calendars change for {plural(len(written.calendar_agents), 'agent')}."))
    wrote(*written.paths)


def _triage_table(problem: Problem, result: Triage) -> Table:
    from scheduler.operations.requests import describe

    table = Table(title="Pending time off, in the order asked", title_justify="left")
    for name in ("id", "agent", "when", "recommendation"):
        table.add_column(name, overflow="fold")
    for decision in result.decisions:
        request = decision.request
        table.add_row(cell(decision.id), cell(problem.agent_index[request.agent].label),
                      cell(describe(problem, request)),
                      Text(decision.reason, style="green" if decision.grant else "yellow"))
    return table


@app.command()
def requests(team_dir: TeamDir, grant: Grant = None, max_cost: MaxCost = 300,
             work_limit: WorkLimit = 1.0, seed: int = 0) -> None:
    """What granting each pending time-off request would cost, and whether to grant it.

    Each request is solved with and without it (earlier requests first: first asked, first
    served). --grant ID writes the named requests as approved in time_off.csv instead.

    Example: [cyan]scheduler requests fixtures/acme-support[/cyan], then
    [cyan]scheduler requests fixtures/acme-support --grant moritz.fischer-2026-12-04[/cyan]
    """
    from scheduler.operations import grant as grant_requests
    from scheduler.operations import triage
    from scheduler.operations.requests import NotSolved

    problem = load(team_dir)
    if grant:
        with input_errors(team_dir / "time_off.csv", writing=True):
            path = grant_requests(team_dir, problem, grant)
        out.print(Text(f"Approved {plural(len(grant), 'request')}."))
        wrote(path)
        return
    needs = requirements(problem, team_dir)
    try:
        result = triage(problem, needs, max_cost=max_cost, work_limit=work_limit, seed=seed)
    except NotSolved as exc:
        fail(f"No answer: {exc}.", 1)
    if not result.decisions:
        out.print("No pending time-off request in time_off.csv.")
        return
    out.print(_triage_table(problem, result))
    ids = result.recommended()
    if ids:
        out.print(Text(f"To grant the recommended: scheduler requests {team_dir} "
                       + " ".join(f"--grant {i}" for i in ids)))
