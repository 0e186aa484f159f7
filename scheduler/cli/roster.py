"""The roster command: solve, print the summary, write the files together."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.panel import Panel
from rich.text import Text

from scheduler.cli.app import app
from scheduler.cli.console import TeamDir, input_errors, load, out, plural, requirements, wrote
from scheduler.cli.views import hard_table, headline_table, penalty_table

if TYPE_CHECKING:
    import pandas as pd

    from scheduler.domain import Problem
    from scheduler.solvers.result import SolveResult


def _solve(problem: Problem, needs: pd.DataFrame, options: dict[str, Any],
           quiet: bool) -> SolveResult:
    """Solve, showing the best penalty, bound and gap on a status line unless ``quiet``."""
    from scheduler.solvers.roster import solve

    if quiet:
        return solve(problem, needs, **options)
    title = f"Solving {problem.team}"
    sizes = f"{plural(len(problem.agents), 'agent')}, {plural(problem.days, 'day')}"
    with out.status(Text(f"{title} ({sizes}, up to {options['time_limit']:g} s)")) as status:

        def show(progress: Any) -> None:
            gap = "" if progress.gap is None else f", gap {progress.gap:.1%}"
            status.update(Text(f"{title}: best {progress.objective}, bound "
                               f"{progress.bound:.0f}{gap}, {progress.elapsed_s:.1f} s "
                               f"({plural(progress.solutions, 'solution')})"))

        return solve(problem, needs, on_progress=show, **options)


def _no_roster(result: SolveResult, time_limit: float) -> None:
    """Say why there is no roster and leave with exit code 1."""
    report = result.report
    out.print(Panel(Text(report.summary()), title="No roster", border_style="red",
                    title_align="left"))
    if report.status == "UNKNOWN":
        out.print(f"No roster was found in {time_limit:g} s; "
                  "try a longer --time-limit or relax a hard rule.")
    raise typer.Exit(1)


def _write(out_dir: Path, problem: Problem, needs: pd.DataFrame, result: SolveResult,
           report: tuple[bool, Path], calendars: bool, quiet: bool) -> None:
    """roster.csv, roster.xlsx, solve-report.json (and report.html, calendars) as a group."""
    from scheduler.export.report import report_for
    from scheduler.export.tables import write_roster_outputs
    from scheduler.forecast.report import forecast_section
    from scheduler.staffing.covering import covering_plan

    assert result.roster is not None
    covering = covering_plan(problem, needs, result.roster)  # one plan for every file written
    page = None
    with_report, team_dir = report
    if with_report:
        page, kpis = report_for(problem, needs, result.roster, evaluation=result.evaluation,
                                solve=result.report, source=str(out_dir / "roster.csv"),
                                covering=covering, forecast=forecast_section(team_dir))
        if not quiet:
            out.print(headline_table(problem, kpis))
    with input_errors(out_dir, writing=True):
        paths = write_roster_outputs(out_dir, problem, needs, result, page,
                                     calendars=calendars, covering=covering)
    wrote(*(p for p in paths if p is not None))
    if page is not None:
        wrote(paths.csv.with_name("report.html"))
    if calendars:
        out.print(Text(f"Wrote the calendar feeds in {paths.csv.parent / 'calendars'}"))


def _publish(roster_csv: Path, team_dir: Path) -> None:
    """The roster as published: the team folder's published_roster.csv, whole or not at all."""
    from scheduler.export.files import write_bytes_atomic
    from scheduler.load.files import PUBLISHED

    target = team_dir / PUBLISHED
    with input_errors(target, writing=True):
        write_bytes_atomic(target, roster_csv.read_bytes())
    wrote(target)


OutDir = Annotated[Path, typer.Option(
    "--out", "-o", file_okay=False, show_default=False,
    help="Folder for roster.csv, roster.xlsx and solve-report.json.")]
TimeLimit = Annotated[float, typer.Option(
    min=0.1, help="Seconds to search; the best roster found is kept.")]
WorkLimit = Annotated[float | None, typer.Option(
    min=0.01, help="CP-SAT deterministic seconds per solver thread: the same roster on a busy "
    "machine (with a --time-limit long enough).")]
Workers = Annotated[int, typer.Option(min=1, help="Solver threads.")]
Seed = Annotated[int, typer.Option(min=0, help="Random seed (same seed, same roster).")]
Quiet = Annotated[bool, typer.Option(
    "--quiet", "-q", help="No progress line and no penalty table.")]
WithReport = Annotated[bool, typer.Option(
    "--report", help="Also write report.html (see 'scheduler report').")]
Calendars = Annotated[bool, typer.Option(
    "--calendars", help="Also write the iCalendar feeds into OUT/calendars.")]
Publish = Annotated[bool, typer.Option(
    "--publish", help="Also copy roster.csv to the team folder's published_roster.csv (see "
    "'scheduler absence').")]


@app.command()
def roster(team_dir: TeamDir, out_dir: OutDir, time_limit: TimeLimit = 60.0,
           work_limit: WorkLimit = None, workers: Workers = 2, seed: Seed = 0,
           quiet: Quiet = False, with_report: WithReport = False, calendars: Calendars = False,
           publish: Publish = False) -> None:
    """Solve the roster and write roster.csv, roster.xlsx and solve-report.json.

    The files (with --calendars, the calendar feeds too) are written together or not at all.

    When the hard rules cannot all hold, the conflict is explained and nothing is written.

    Example: [cyan]scheduler roster fixtures/small --out out/small --time-limit 30[/cyan]
    """
    problem = load(team_dir)
    needs = requirements(problem, team_dir)
    options = {"time_limit": time_limit, "work_limit": work_limit, "workers": workers,
               "seed": seed}
    result = _solve(problem, needs, options, quiet)
    if result.roster is None or not result.report.solved:
        _no_roster(result, time_limit)
    out.print(Panel(Text(result.report.summary()), title=Text(f"Roster for {problem.team}"),
                    border_style="green", title_align="left"))
    if not quiet:
        out.print(penalty_table(result.report.penalties, result.evaluation, worst=False))
    _write(out_dir, problem, needs, result, (with_report, team_dir), calendars, quiet)
    hard = result.evaluation.hard if result.evaluation is not None else ()
    if hard:
        out.print(hard_table(problem, hard))
        raise typer.Exit(1)
    if publish:
        _publish(out_dir / "roster.csv", team_dir)
