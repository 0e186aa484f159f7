"""The Typer application every command module registers with."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version
from typing import Annotated

import typer

from scheduler.cli.console import out

HELP = """\
Plan support rosters from a team folder (team.yaml and CSV files).

[bold]Examples[/bold]

  [cyan]scheduler validate fixtures/small[/cyan]
      check a team folder and summarise it

  [cyan]scheduler staffing fixtures/small --out out/requirements.csv[/cyan]
      agents needed per day and queue; the per-interval table as CSV

  [cyan]scheduler roster fixtures/small --out out/small --time-limit 30[/cyan]
      solve the roster; write roster.csv, roster.xlsx and solve-report.json

  [cyan]scheduler check fixtures/small out/small/roster.csv[/cyan]
      check a (hand-edited) roster against every rule

  [cyan]scheduler calendar fixtures/small out/small/roster.csv --out out/cal[/cyan]
      one iCalendar feed per agent and one for the team (re-run after changes)

  [cyan]scheduler publish fixtures/small out/small/roster.csv --caldav URL --user U[/cyan]
      each agent's shifts to their calendar (password in $CALDAV_PASSWORD)

[bold]Exit codes[/bold]: 0 ok, 1 no roster found, hard rules broken or the CalDAV server
failed, 2 bad input or usage.
"""

app = typer.Typer(
    name="scheduler",
    help=HELP,
    rich_markup_mode="rich",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def package_version() -> str:
    """The installed version of support-scheduler ("unknown" when not installed)."""
    try:
        return version("support-scheduler")
    except PackageNotFoundError:
        return "unknown"


def _version_callback(value: bool) -> None:
    if value:
        out.print(f"support-scheduler {package_version()}")
        raise typer.Exit()


@app.callback()
def _main(
    show_version: Annotated[
        bool,
        typer.Option("--version", callback=_version_callback, is_eager=True,
                     help="Show the version and exit."),
    ] = False,
) -> None:
    """Plan support rosters from a team folder."""
