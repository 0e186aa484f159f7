"""Calendar commands: iCalendar feeds in a folder, and publishing to a CalDAV server."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table
from rich.text import Text

from scheduler.cli.app import app
from scheduler.cli.console import (
    MAX_ROWS,
    RosterCsv,
    TeamDir,
    cell,
    err,
    fail,
    input_errors,
    load_roster,
    out,
    plural,
)

if TYPE_CHECKING:
    from scheduler.export.publish import PublishResult

CalendarDir = Annotated[Path, typer.Option(
    "--out", "-o", file_okay=False, show_default=False,
    help="Folder for team.ics, agents/<id>.ics and calendar-state.json.")]
CaldavUrl = Annotated[str, typer.Option(
    "--caldav", show_default=False, metavar="URL",
    help="The CalDAV server, e.g. https://cal.example.com/dav/.")]
User = Annotated[str | None, typer.Option("--user", show_default=False, help="Login name.")]
PasswordEnv = Annotated[str, typer.Option(
    "--password-env", metavar="VAR", help="Environment variable holding the password.")]
StateFile = Annotated[Path | None, typer.Option(
    "--state", dir_okay=False, show_default=False,
    help="State file of what the server holds \\[default: caldav-state.json beside ROSTER_CSV].")]
DryRun = Annotated[bool, typer.Option(
    "--dry-run", help="List what would be created, updated and deleted; send nothing.")]


@app.command()
def calendar(team_dir: TeamDir, roster_csv: RosterCsv, out_dir: CalendarDir) -> None:
    """Write iCalendar feeds: one per agent (in their time zone) and one for the team.

    Re-running after a change keeps every event's UID, raises SEQUENCE only where a shift
    changed and publishes a removed shift once as cancelled. All files are written together
    or not at all.

    Example: [cyan]scheduler calendar fixtures/small out/small/roster.csv --out out/cal[/cyan]
    """
    from scheduler.export.ical import write_calendars
    from scheduler.staffing.covering import covering_plan

    problem, roster, needs = load_roster(team_dir, roster_csv)
    with input_errors(out_dir, writing=True):
        outputs = write_calendars(out_dir, problem, roster, covering_plan(problem, needs, roster))
    changes = outputs.reconciled
    out.print(Text(f"Wrote {plural(len(outputs.paths) - 1, 'calendar feed')} in {out_dir}: "
                   f"{changes.count('create')} new, {changes.count('update')} changed, "
                   f"{changes.count('cancel')} cancelled, {changes.count('same')} unchanged "
                   "events"))


def _password(user: str | None, variable: str) -> str | None:
    """The password from the environment (never from the command line)."""
    if user is None:
        return None
    password = os.environ.get(variable)
    if not password:
        fail(f"No password for {user}: set the environment variable {variable} "
             "(or name another one with --password-env).")
    return password


def _operations_table(result: PublishResult, dry_run: bool) -> Table:
    title = "Would send" if dry_run else "Sent"
    table = Table(title=f"{title} to the CalDAV server", title_justify="left")
    for column in ("Change", "Agent", "Calendar", "Event"):
        table.add_column(column, overflow="fold")
    for op in result.operations[:MAX_ROWS]:
        table.add_row(cell(op.kind), cell(op.agent), cell(op.calendar), cell(op.summary))
    if len(result.operations) > MAX_ROWS:
        table.caption = f"… and {len(result.operations) - MAX_ROWS} more"
    return table


def _print_published(result: PublishResult, caldav: str, dry_run: bool) -> None:
    from scheduler.export.publish import safe_url

    if result.operations:
        out.print(_operations_table(result, dry_run))
    counts = (f"{result.count('create')} created, {result.count('update')} updated, "
              f"{result.count('delete')} deleted, {result.unchanged} unchanged")
    if dry_run:
        out.print(Text(f"Dry run (nothing sent): would be {counts}."))
    else:
        out.print(Text(f"✓ Published to {safe_url(caldav)}: {counts}.", style="bold green"))


@app.command()
def publish(team_dir: TeamDir, roster_csv: RosterCsv, caldav: CaldavUrl, user: User = None,
            password_env: PasswordEnv = "CALDAV_PASSWORD", state: StateFile = None,
            dry_run: DryRun = False) -> None:
    """Publish each agent's shifts to their calendar on a CalDAV server.

    Events are updated in place by UID; removed shifts are deleted. After a failure, run the
    same command again: it finishes the job without duplicates. Exit 1 when the server is
    down, refuses the login or fails.

    Example: [cyan]CALDAV_PASSWORD=... scheduler publish fixtures/small roster.csv
    --caldav https://cal.example.com/ --user coord[/cyan]
    """
    from scheduler.export.publish import STATE_FILE, PublishError, url_problem
    from scheduler.export.publish import publish as publish_roster
    from scheduler.staffing.covering import covering_plan

    wrong = url_problem(caldav)
    if wrong:
        fail(f"--caldav: {wrong}; give the server's address, e.g. https://cal.example.com/dav/.")
    password = _password(user, password_env)
    problem, roster, needs = load_roster(team_dir, roster_csv)
    state_path = state or roster_csv.parent / STATE_FILE
    sent: list[object] = []
    try:
        with input_errors(state_path):
            result = publish_roster(problem, roster, covering_plan(problem, needs, roster),
                                    caldav, state_path=state_path, user=user,
                                    password=password, dry_run=dry_run, on_operation=sent.append)
    except PublishError as exc:
        err.print(Text(f"Publishing failed: {exc} ({plural(len(sent), 'change')} sent and "
                       f"recorded; {exc.then})", style="red"), soft_wrap=True)
        raise typer.Exit(1) from None
    _print_published(result, caldav, dry_run)
