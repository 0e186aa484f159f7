"""The ``scheduler`` command: parse arguments, call the scheduler package, render with Rich.

No planning logic lives here. Exit codes: 0 ok; 1 the result is not what was asked (no roster
found, a roster breaks a hard rule); 2 bad input or usage (the team folder has problems, a file
cannot be written, an unknown option).

The heavy modules (CP-SAT, the loader) are imported inside the commands so that ``--help`` and
``--version`` answer at once.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from enum import Enum
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from scheduler.errors import TeamFolderError

if TYPE_CHECKING:
    import pandas as pd

    from scheduler.domain import Problem, Roster
    from scheduler.evaluation import Evaluation, Violation
    from scheduler.export.publish import PublishResult

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

MAX_ROWS = 40  # longest list of findings printed; the rest are counted

app = typer.Typer(
    name="scheduler",
    help=HELP,
    rich_markup_mode="rich",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
# No markup, emoji codes or highlighting in what we print: team, agent, file and queue names are
# the coordinator's text and must appear as written ("Support [/b] team" is a name, not a tag).
# Panel titles and status lines parse markup even so: they always get a Text.
out = Console(highlight=False, markup=False, emoji=False)
err = Console(stderr=True, highlight=False, markup=False, emoji=False)

TeamDir = Annotated[
    Path,
    typer.Argument(exists=True, file_okay=False, dir_okay=True, readable=True,
                   show_default=False, metavar="TEAM_DIR",
                   help="Team folder: team.yaml and the CSV files."),
]

RosterCsv = Annotated[
    Path,
    typer.Argument(exists=True, dir_okay=False, readable=True, show_default=False,
                   metavar="ROSTER_CSV",
                   help="A roster CSV (as written by 'roster', possibly edited)."),
]


# --------------------------------------------------------------------------------------------
# Rendering helpers


def _version() -> str:
    try:
        return version("support-scheduler")
    except PackageNotFoundError:
        return "unknown"


def _version_callback(value: bool) -> None:
    if value:
        out.print(f"support-scheduler {_version()}")
        raise typer.Exit()


def _cell(value: object) -> Text:
    """A table cell shown as plain text (no Rich markup in file names or values)."""
    return Text("" if value is None else str(value))


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def _input_problems(exc: TeamFolderError, where: Path) -> typer.Exit:
    """Print a team folder's problems as a table on stderr; the exit to raise (code 2)."""
    problems = list(getattr(exc, "problems", []))
    folder = getattr(exc, "folder", "") or str(where)
    if not problems:
        err.print(Text(f"Cannot read {folder}: {exc}", style="red"))
        return typer.Exit(2)
    total = getattr(exc, "total", len(problems))
    table = Table(title=Text(f"{_plural(total, 'problem')} in {folder}", style="bold red"),
                  show_lines=True, title_justify="left")
    for title in ("File", "Row", "Column"):
        table.add_column(title, no_wrap=True)
    table.add_column("Value", overflow="fold", max_width=24)
    for title in ("What is wrong", "How to fix"):
        table.add_column(title, overflow="fold", ratio=1)
    for p in problems:
        table.add_row(*(_cell(getattr(p, name, None)) for name in
                        ("file", "row", "column", "value", "message", "fix")))
    err.print(table)
    err.print("Fix these and run the command again.")
    return typer.Exit(2)


@contextmanager
def _input_errors(where: Path, writing: bool = False) -> Iterator[None]:
    """Turn a bad team folder (or roster file) into a table of problems and exit code 2."""
    try:
        yield
    except TeamFolderError as exc:
        raise _input_problems(exc, where) from None
    except (OSError, ValidationError) as exc:
        err.print(Text(f"Cannot {'write' if writing else 'read'} {where}: {exc}", style="red"))
        raise typer.Exit(2) from None


def _load(team_dir: Path) -> Problem:
    from scheduler.load import load_team

    with _input_errors(team_dir):
        problem: Problem = load_team(team_dir)
    return problem


def _requirements(problem: Problem, team_dir: Path) -> pd.DataFrame:
    """The staffing stage: agents needed per interval and queue."""
    from scheduler.staffing import requirements

    with _input_errors(team_dir):
        needs: pd.DataFrame = requirements(problem)
    return needs


def _day_label(problem: Problem, day: int | None) -> str:
    if day is None:
        return ""
    when = problem.clock.date_of(day)
    return f"{when:%a} {when.isoformat()}"


def _interval_label(problem: Problem, interval: int | None) -> str:
    if interval is None:
        return ""
    return f"{problem.clock.local(interval * problem.interval_minutes):%a %Y-%m-%d %H:%M}"


def _hard_table(problem: Problem, hard: Sequence[Violation]) -> Table:
    table = Table(title=Text(_plural(len(hard), "hard violation"), style="bold red"),
                  title_justify="left")
    intervals = any(v.interval is not None for v in hard)
    titles = ("Rule", "Agent", "Day", "Interval", "What") if intervals else (
        "Rule", "Agent", "Day", "What")
    for title in titles:
        table.add_column(title, overflow="fold")
    for v in hard[:MAX_ROWS]:
        cells = [_cell(v.rule), _cell(v.agent), _cell(_day_label(problem, v.day))]
        if intervals:
            cells.append(_cell(_interval_label(problem, v.interval)))
        table.add_row(*cells, _cell(v.message))
    if len(hard) > MAX_ROWS:
        table.caption = f"… and {len(hard) - MAX_ROWS} more"
    return table


def _penalty_table(penalties: dict[str, int], evaluation: Evaluation | None,
                   worst: bool) -> Table:
    """Soft penalty per rule, its share, how many findings, and (``worst``) the costliest."""
    total = sum(penalties.values())
    counts: dict[str, int] = {}
    if evaluation is not None:
        for v in evaluation.violations:
            if not v.hard and v.penalty:
                counts[v.rule] = counts.get(v.rule, 0) + 1
    table = Table(title="Penalty per rule", title_justify="left")
    table.add_column("Rule")
    table.add_column("Penalty", justify="right")
    table.add_column("Share", justify="right")
    table.add_column("Findings", justify="right")
    if worst:
        table.add_column("Worst", overflow="fold")
    for rule, penalty in sorted(penalties.items(), key=lambda kv: (-kv[1], kv[0])):
        if not penalty:
            continue
        row = [_cell(rule), _cell(penalty), _cell(f"{penalty / total:.0%}"),
               _cell(counts.get(rule, ""))]
        if worst and evaluation is not None:
            row.append(_cell("\n".join(evaluation.worst(rule))))
        table.add_row(*row)
    table.add_section()
    table.add_row(_cell("total"), _cell(total), _cell("100%" if total else ""),
                  _cell(sum(counts.values()) or ""), *([_cell("")] if worst else []))
    return table


# --------------------------------------------------------------------------------------------
# Commands


@app.callback()
def _main(
    show_version: Annotated[
        bool,
        typer.Option("--version", callback=_version_callback, is_eager=True,
                     help="Show the version and exit."),
    ] = False,
) -> None:
    """Plan support rosters from a team folder."""


def _availability_rows(problem: Problem) -> list[tuple[str, object]]:
    """validate's lines for an availability-driven team (none for other teams)."""
    if not (problem.flexible or problem.availability or problem.coverage):
        return []
    policy = problem.policy
    with_rows = {r.agent for r in problem.availability}
    without = [a.id for a in problem.agents if a.id not in with_rows]
    start = policy.day_starts_at
    flexible = [t for t in problem.templates if t.flexible is not None]
    offers = sum(len(o.templates) for o in problem.offers)
    return [
        ("Support day", f"{start // 60:02d}:{start % 60:02d} for 24 hours"),
        ("Availability", f"{len(problem.availability)} rows for {len(with_rows)} agents; "
                         f"{len(without)} agents without rows follow the team default "
                         f"({policy.default.value})"),
        ("Flexible shifts", f"{len(problem.flexible)} ({', '.join(f.id for f in problem.flexible)}"
                            f"): {len(flexible)} candidate shifts, {offers} offered "
                            "to agents over the horizon"),
        ("Coverage rows", len(problem.coverage)),
        ("Onboarding", ", ".join(f"{o.agent} (mentors {', '.join(o.mentors)})"
                                 for o in problem.onboarding) or "none"),
        ("Balance", f"{len(problem.balance)} agents carry hours from earlier weeks"),
    ]


@app.command()
def validate(team_dir: TeamDir) -> None:
    """Load a team folder and report every problem in it, or a short summary when clean.

    Example: [cyan]scheduler validate fixtures/small[/cyan]
    """
    problem = _load(team_dir)
    clock = problem.clock
    fixed = [t for t in problem.templates if t.flexible is None]
    approved = sum(1 for t in problem.time_off if t.status == "approved")
    pending = len(problem.time_off) - approved
    first, last = clock.date_of(0), clock.date_of(problem.days - 1)
    table = Table(show_header=False, box=None, padding=(0, 2))
    table.add_column(style="bold")
    table.add_column()
    rows: list[tuple[str, object]] = [
        ("Team", problem.team),
        ("Time zone", problem.time_zone),
        ("Horizon", f"{first:%a} {first.isoformat()} to {last:%a} {last.isoformat()}, "
                    f"{_plural(problem.days, 'day')}"),
        ("Intervals", f"{problem.interval_minutes} minutes"),
        ("Agents", len(problem.agents)),
        ("Queues", f"{len(problem.queues)}"
                   + (f" ({', '.join(q.id for q in problem.queues)})" if problem.queues else "")),
        ("Shift templates", f"{len(fixed)} ({', '.join(t.id for t in fixed)})"),
        ("Forecast rows", len(problem.forecast)),
        ("Time off", f"{approved} approved, {pending} pending"),
    ]
    optional: list[tuple[str, int]] = [
        ("Shift requests", len(problem.requests)), ("Headcount rows", len(problem.cover)),
        ("Last roster shifts", len(problem.history)), ("Locked shifts", len(problem.locked)),
        ("Reference shifts", len(problem.reference)), ("Open tickets", len(problem.tickets)),
    ]
    rows += [(name, count) for name, count in optional if count]
    rows += _availability_rows(problem)
    for name, value in rows:
        table.add_row(name, _cell(value))
    out.print(Text(f"✓ {team_dir} is valid", style="bold green"))
    out.print(table)


@app.command()
def staffing(
    team_dir: TeamDir,
    out_file: Annotated[
        Path | None,
        typer.Option("--out", "-o", dir_okay=False, show_default=False,
                     help="Also write the per-interval requirements to this CSV file."),
    ] = None,
) -> None:
    """Agents needed per day and queue (peak and agent-hours), from the forecast.

    Example: [cyan]scheduler staffing fixtures/small --out out/requirements.csv[/cyan]
    """
    from scheduler.export.tables import staffing_by_day, write_staffing_csv

    problem = _load(team_dir)
    requirements = _requirements(problem, team_dir)
    if requirements.empty:
        out.print("No forecast: there is nothing to staff (coverage comes from cover.csv).")
    else:
        daily = staffing_by_day(problem, requirements)
        table = Table(title=Text(f"Agents to schedule — {problem.team}"), title_justify="left")
        for title, justify in (("Date", "left"), ("Queue", "left"),
                               ("Peak agents", "right"), ("Agent-hours", "right")):
            table.add_column(title, justify=justify)  # type: ignore[arg-type]
        previous = None
        for row in daily.to_dict("records"):
            label = f"{row['weekday']} {row['date']}" if row["date"] != previous else ""
            if previous is not None and row["date"] != previous:
                table.add_section()
            previous = row["date"]
            table.add_row(label, _cell(row["queue"]), _cell(row["peak_agents"]),
                          _cell(f"{row['agent_hours']:.1f}"))
        table.add_section()
        per_queue = daily.groupby("queue", sort=False).agg(
            peak=("peak_agents", "max"), hours=("agent_hours", "sum"))
        for queue, totals in per_queue.iterrows():
            table.add_row("All days", _cell(queue), _cell(int(totals["peak"])),
                          _cell(f"{totals['hours']:.1f}"))
        table.add_row(Text("Total", style="bold"), "", "",
                      Text(f"{daily['agent_hours'].sum():.1f}", style="bold"))
        out.print(table)
    if out_file is not None:
        try:
            path = write_staffing_csv(out_file, problem, requirements)
        except OSError as exc:
            err.print(Text(f"Cannot write {out_file}: {exc}", style="red"))
            raise typer.Exit(2) from None
        out.print(Text(f"Wrote {path}"))


@app.command()
def roster(
    team_dir: TeamDir,
    out_dir: Annotated[
        Path,
        typer.Option("--out", "-o", file_okay=False, show_default=False,
                     help="Folder for roster.csv, roster.xlsx and solve-report.json."),
    ],
    time_limit: Annotated[
        float, typer.Option(min=0.1, help="Seconds to search; the best roster found is kept."),
    ] = 60.0,
    workers: Annotated[int, typer.Option(min=1, help="Solver threads.")] = 2,
    seed: Annotated[int, typer.Option(min=0, help="Random seed (same seed, same roster).")] = 0,
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="No progress line and no penalty table."),
    ] = False,
    with_report: Annotated[
        bool, typer.Option("--report", help="Also write report.html (see 'scheduler report')."),
    ] = False,
    calendars: Annotated[
        bool, typer.Option("--calendars",
                           help="Also write the iCalendar feeds into OUT/calendars."),
    ] = False,
) -> None:
    """Solve the roster and write roster.csv, roster.xlsx and solve-report.json.

    The files (with --calendars, the calendar feeds too) are written together or not at all.

    When the hard rules cannot all hold, the conflict is explained and nothing is written.

    Example: [cyan]scheduler roster fixtures/small --out out/small --time-limit 30[/cyan]
    """
    from scheduler.export.tables import write_roster_outputs
    from scheduler.solvers.roster import solve

    problem = _load(team_dir)
    needs = _requirements(problem, team_dir)
    options: dict[str, Any] = {"time_limit": time_limit, "workers": workers, "seed": seed}
    if quiet:
        result = solve(problem, needs, **options)
    else:
        title = f"Solving {problem.team}"
        sizes = f"{_plural(len(problem.agents), 'agent')}, {_plural(problem.days, 'day')}"
        with out.status(Text(f"{title} ({sizes}, up to {time_limit:g} s)")) as status:

            def show(progress: Any) -> None:
                gap = "" if progress.gap is None else f", gap {progress.gap:.1%}"
                status.update(Text(f"{title}: best {progress.objective}, bound "
                                   f"{progress.bound:.0f}{gap}, {progress.elapsed_s:.1f} s "
                                   f"({_plural(progress.solutions, 'solution')})"))

            result = solve(problem, needs, on_progress=show, **options)
    report = result.report
    if result.roster is None or not report.solved:
        out.print(Panel(Text(report.summary()), title="No roster", border_style="red",
                        title_align="left"))
        if report.status == "UNKNOWN":
            out.print(f"No roster was found in {time_limit:g} s; "
                      "try a longer --time-limit or relax a hard rule.")
        raise typer.Exit(1)
    out.print(Panel(Text(report.summary()), title=Text(f"Roster for {problem.team}"),
                    border_style="green", title_align="left"))
    if not quiet:
        out.print(_penalty_table(report.penalties, result.evaluation, worst=False))
    from scheduler.covering import covering_plan

    plan = covering_plan(problem, needs, result.roster)  # one plan for every file written
    page = None
    if with_report:
        from scheduler.export.report import report_for

        page, kpis = report_for(problem, needs, result.roster, evaluation=result.evaluation,
                                solve=report, source=str(out_dir / "roster.csv"), plan=plan)
        if not quiet:
            out.print(_headline_table(problem, kpis))
    try:
        with _input_errors(out_dir, writing=True):
            paths = write_roster_outputs(out_dir, problem, needs, result, page,
                                         calendars=calendars, plan=plan)
    except OSError as exc:
        err.print(Text(f"Cannot write to {out_dir}: {exc}", style="red"))
        raise typer.Exit(2) from None
    shown = [p for p in paths if p is not None]
    for path in (*shown, *([paths.csv.with_name("report.html")] if page is not None else [])):
        out.print(Text(f"Wrote {path}"))
    if calendars:
        out.print(Text(f"Wrote the calendar feeds in {paths.csv.parent / 'calendars'}"))
    hard = result.evaluation.hard if result.evaluation is not None else ()
    if hard:
        out.print(_hard_table(problem, hard))
        raise typer.Exit(1)


@app.command()
def check(
    team_dir: TeamDir,
    roster_csv: RosterCsv,
) -> None:
    """Check a roster against every rule: hard rules broken, penalty per rule.

    Exit code 1 when a hard rule is broken.

    Example: [cyan]scheduler check fixtures/small out/small/roster.csv[/cyan]
    """
    from scheduler.check import check as check_roster
    from scheduler.load import read_roster

    problem = _load(team_dir)
    with _input_errors(roster_csv):
        plan = read_roster(roster_csv, problem)
    evaluation = check_roster(problem, plan, _requirements(problem, team_dir))
    hard = evaluation.hard
    if hard:
        out.print(_hard_table(problem, hard))
    penalties = evaluation.penalty_by_rule
    if any(penalties.values()):
        out.print(_penalty_table(penalties, evaluation, worst=True))
    shifts = _plural(len(plan.shifts), "shift")
    if hard:
        out.print(Text(f"✗ {roster_csv}: {shifts}, {_plural(len(hard), 'hard violation')}, "
                       f"penalty {evaluation.total_penalty}", style="bold red"))
        raise typer.Exit(1)
    out.print(Text(f"✓ {roster_csv}: {shifts}, no hard rule broken, "
                   f"penalty {evaluation.total_penalty}", style="bold green"))


@app.command("report")
def report_command(
    team_dir: TeamDir,
    roster_csv: RosterCsv,
    out_file: Annotated[
        Path,
        typer.Option("--out", "-o", dir_okay=False, show_default=False,
                     help="The HTML file to write (one self-contained page)."),
    ],
) -> None:
    """Write one HTML page about a roster: coverage, service level, grid, fairness, penalties.

    The page needs no network and prints on A4 landscape. A roster that breaks hard rules
    still gets its page, with the violations at the top.

    Example: [cyan]scheduler report fixtures/small out/small/roster.csv --out report.html[/cyan]
    """
    from scheduler.export.report import report_for, write_report
    from scheduler.load import read_roster

    problem = _load(team_dir)
    with _input_errors(roster_csv):
        plan = read_roster(roster_csv, problem)
    page, kpis = report_for(problem, _requirements(problem, team_dir), plan,
                            source=str(roster_csv))
    try:
        path = write_report(out_file, page)
    except OSError as exc:
        err.print(Text(f"Cannot write {out_file}: {exc}", style="red"))
        raise typer.Exit(2) from None
    out.print(_headline_table(problem, kpis))
    if kpis.headline.hard_violations:
        out.print(Text(f"✗ {_plural(kpis.headline.hard_violations, 'hard violation')}: "
                       "listed at the top of the page", style="bold red"))
    out.print(Text(f"Wrote {path} ({len(page.encode('utf-8')) / 1024:.0f} KB)"))


def _headline_table(problem: Problem, kpis: Any) -> Table:
    """Coverage, under-covered hours and service level per queue, from the KPIs."""
    h = kpis.headline
    table = Table(title=Text(f"Roster of {problem.team} at a glance"), title_justify="left")
    for title in ("Queue", "Coverage", "Short (agent-h)", "SL worst", "SL all contacts"):
        table.add_column(title, justify="left" if title == "Queue" else "right")
    for q in problem.queues:
        worst, weighted = h.service_worst.get(q.id), h.service_weighted.get(q.id)
        table.add_row(_cell(q.id), _cell(f"{h.coverage.get(q.id, 1.0):.1%}"),
                      _cell(f"{h.short_hours.get(q.id, 0.0):.1f}"),
                      _cell("" if worst is None else f"{worst:.1%}"),
                      _cell("" if weighted is None else f"{weighted:.1%}"))
    table.caption = (f"{h.hours:.1f} h scheduled (contracts {h.contract_min_hours:.0f}–"
                     f"{h.contract_max_hours:.0f} h), penalty {h.penalty}")
    return table

# --------------------------------------------------------------------------------------------
# What-if


def _whatif_table(table: Any) -> Table:
    """Figures as rows, baseline and scenarios as columns (value and delta)."""
    from scheduler.whatif.compare import wide

    grid = wide(table)
    view = Table(title="What-if: every figure as value (delta against the baseline)",
                 title_justify="left")
    view.add_column("Figure")
    for name in grid.columns:
        view.add_column(Text(str(name)), justify="right", overflow="fold")
    for figure, row in grid.iterrows():
        if figure == "penalty":
            view.add_section()
        view.add_row(_cell(figure), *(_cell(v) for v in row))
        if figure == "gap":
            view.add_section()
    return view


@contextmanager
def _progress(total: int, quiet: bool) -> Iterator[Any]:
    """A Rich progress bar of solves: done, running and failed; yields the event callback."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    if quiet:
        yield None
        return
    state = {"running": 0, "failed": 0}
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                  TextColumn("running {task.fields[running]}, failed {task.fields[failed]}"),
                  console=out, transient=True) as bar:
        job = bar.add_task("Solving", total=total or None, running=0, failed=0)

        def event(name: str, outcome: Any) -> None:
            if outcome is None:
                state["running"] += 1
            else:
                state["running"] -= 1
                state["failed"] += not outcome.solved
            bar.update(job, advance=0 if outcome is None else 1, description=f"Solving {name}",
                       running=state["running"], failed=state["failed"])

        yield event


def _headcount_table(answer: Any, queues: Sequence[str]) -> Table:
    view = Table(title=f"Headcount search (started at the staffing bound: {answer.bound})",
                 title_justify="left")
    for title in ("Hires", "Status", "Intervals missing a target", "Under-covered agent-h"):
        view.add_column(title, justify="right")
    for queue in queues:
        view.add_column(f"{queue} worst", justify="right")
    for probe in answer.probes:
        h = probe.outcome.headline
        worst = [f"{h.service_worst[q]:.0%}" if h and q in h.service_worst else "–"
                 for q in queues]
        view.add_row(_cell(probe.hires), _cell(probe.outcome.status.lower()),
                     _cell(len(probe.missed) if probe.outcome.solved else "–"),
                     _cell(f"{h.short_hours_total:.1f}" if h else "–"), *map(_cell, worst))
    return view


@app.command()
def whatif(
    team_dir: TeamDir,
    scenario: Annotated[
        list[Path] | None,
        typer.Option("--scenario", "-s", exists=True, dir_okay=False, readable=True,
                     help="A scenario file (YAML); may be given several times."),
    ] = None,
    change: Annotated[
        list[str] | None,
        typer.Option("--change", "-c", help="A change, e.g. 'volume +20% chat mon-fri "
                     "09:00-12:00'; all --change options form one scenario."),
    ] = None,
    out_dir: Annotated[
        Path | None,
        typer.Option("--out", "-o", file_okay=False, show_default=False,
                     help="Folder for whatif.csv, whatif-coverage.svg/.png and whatif.html."),
    ] = None,
    min_headcount: Annotated[
        bool, typer.Option("--min-headcount", help="Find the fewest --hire agents that meet "
                           "every service target in every interval."),
    ] = False,
    hire: Annotated[
        str, typer.Option(help="The kind of agent to hire, e.g. 'skills=phone,chat; "
                          "contract=full-time'."),
    ] = "",
    target: Annotated[
        list[str] | None,
        typer.Option(help="A queue's target for the search, e.g. 'phone:80/20' (default: "
                     "every queue's own)."),
    ] = None,
    max_hires: Annotated[int, typer.Option(min=0, help="Most hires the search tries.")] = 40,
    leavers: Annotated[
        int, typer.Option(min=0, help="Also solve with 1, 2, … N agents leaving (a curve)."),
    ] = 0,
    jobs: Annotated[int, typer.Option(min=1, help="Solves side by side in local processes.")]
    = 2,
    cluster: Annotated[
        str | None,
        typer.Option("--cluster", "--dask", help="Run the solves on this Dask scheduler "
                     "(tcp://HOST:8786) instead of local processes."),
    ] = None,
    time_limit: Annotated[float, typer.Option(min=0.1, help="Seconds per solve (safety net).")]
    = 120.0,
    work_limit: Annotated[
        float, typer.Option(min=0.01, help="CP-SAT deterministic seconds per solve thread "
                            "(same roster wherever it runs)."),
    ] = 5.0,
    workers: Annotated[int, typer.Option(min=1, help="Solver threads per solve.")] = 1,
    seed: Annotated[int, typer.Option(min=0, help="Random seed.")] = 0,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
) -> None:
    """Compare scenarios against the baseline, or search the headcount that meets the targets.

    Every solve stops on CP-SAT's deterministic clock, so a scenario gives the same roster in a
    local process or on a Dask cluster.

    Examples:
    [cyan]scheduler whatif fixtures/acme-support -s fixtures/acme-scenarios.yaml[/cyan] ;
    [cyan]scheduler whatif fixtures/acme-support --min-headcount
    --hire "skills=phone; contract=full-time" --target phone:80/20[/cyan]
    """
    from functools import partial

    from scheduler.whatif.compare import compare_scenarios, unique_names
    from scheduler.whatif.headcount import leavers as leaving
    from scheduler.whatif.run import ClusterError, SolveOptions, run_tasks
    from scheduler.whatif.scenarios import inline_scenario, read_scenarios

    problem = _load(team_dir)
    if not (scenario or change or min_headcount or leavers):
        err.print("Give --scenario FILE, --change TEXT, --min-headcount or --leavers N.")
        raise typer.Exit(2)
    options = SolveOptions(time_limit=time_limit, work_limit=work_limit, workers=workers,
                           seed=seed)
    groups = []
    for path in scenario or []:
        with _input_errors(path):
            groups.append(read_scenarios(path, problem))
    if change:
        with _input_errors(Path("--change")):
            groups.append([inline_scenario(change, problem)])
    if min_headcount:
        search = _search_setup(problem, hire, target or [])
    serving = [t.partition(":")[0] for t in target or []]
    groups.append(leaving(problem, leavers, serving)[1:] if leavers else [])
    try:
        if min_headcount:
            _run_headcount(problem, search, options, jobs, cluster, max_hires, quiet, out_dir)
        scenarios = unique_names(groups)
        if not scenarios:
            return
        with _progress(len(scenarios) + 1, quiet) as event:
            run = partial(run_tasks, jobs=jobs, cluster=cluster, on_event=event)
            table, outcomes = compare_scenarios(problem, scenarios, options, run)
    except ClusterError as exc:
        err.print(Text(str(exc), style="red"))
        raise typer.Exit(2) from None
    out.print(_whatif_table(table))
    for outcome in outcomes:
        if not outcome.solved:
            out.print(Text(f"{outcome.name}: {outcome.status.lower()}: {outcome.reason}",
                           style="red"))
    if out_dir is not None:
        _write_whatif(out_dir, problem, table, outcomes)
    if not outcomes[0].solved:
        raise typer.Exit(1)


def _search_setup(problem: Problem, hire: str, targets: Sequence[str]) -> Any:
    """Read --hire and --target into (the problem with targets set, the hire, the queues)."""
    from scheduler.whatif.scenarios import inline_scenario

    if not hire:
        err.print("--min-headcount needs --hire, e.g. --hire 'skills=phone; contract=full-time'")
        raise typer.Exit(2)
    texts = []
    for item in targets:
        queue, _, value = item.partition(":")
        texts.append(f"target {queue} {value}")
    with _input_errors(Path("--target")):
        targeted = inline_scenario(texts, problem, "--target").apply(problem) if texts \
            else problem
    with _input_errors(Path("--hire")):
        found = inline_scenario([f"add hire {hire}"], targeted, "--hire").changes[0]
    queues = [t.partition(":")[0] for t in targets] or [q.id for q in problem.queues]
    return targeted, found, queues


def _run_headcount(problem: Problem, search: Any, options: Any, jobs: int,
                   cluster: str | None, max_hires: int, quiet: bool,
                   out_dir: Path | None) -> None:
    from functools import partial

    from scheduler.whatif.headcount import search_headcount
    from scheduler.whatif.run import run_tasks

    targeted, hire, queues = search
    with _progress(0, quiet) as event:
        run = partial(run_tasks, jobs=jobs, cluster=cluster, on_event=event)
        answer = search_headcount(targeted, hire, queues, options=options, run=run,
                                  batch=1 if cluster is None and jobs <= 1 else jobs,
                                  limit=max_hires)
    out.print(_headcount_table(answer, queues))
    if answer.hires is None:
        out.print(Text(f"No number of hires up to {max_hires} meets every target: "
                       f"{answer.reason}", style="red"))
    else:
        fewer = answer.hires - 1
        out.print(Text(f"✓ {_plural(answer.hires, 'hire')} meet every target of "
                       f"{', '.join(queues)} in every interval; {fewer} "
                       f"{'does' if fewer == 1 else 'do'} not (checked by solving both)"
                       if answer.hires else "✓ The team meets every target without hires.",
                       style="bold green"))
    if out_dir is not None:
        from scheduler.export.cells import csv_safe
        from scheduler.export.files import write_text_atomic
        from scheduler.whatif.headcount import probe_frame

        out_dir.mkdir(parents=True, exist_ok=True)
        path = write_text_atomic(out_dir / "headcount.csv", csv_safe(probe_frame(
            answer)).to_csv(index=False, lineterminator="\n"))
        out.print(Text(f"Wrote {path}"))


def _write_whatif(out_dir: Path, problem: Problem, table: Any, outcomes: Any) -> None:
    from scheduler.export.whatif import write_whatif

    try:
        paths = write_whatif(out_dir, problem, table, outcomes)
    except OSError as exc:
        err.print(Text(f"Cannot write to {out_dir}: {exc}", style="red"))
        raise typer.Exit(2) from None
    for path in paths:
        out.print(Text(f"Wrote {path}"))



TicketFormat = Enum("TicketFormat", {"csv": "csv", "zendesk": "zendesk", "freshdesk": "freshdesk"},
                    type=str)


@app.command()
def assign(
    team_dir: TeamDir,
    tickets: Annotated[
        list[Path],
        typer.Option("--tickets", "-t", exists=True, readable=True, show_default=False,
                     help="Ticket export: a CSV, a JSON file or a folder of JSON pages "
                          "(repeat for several pages)."),
    ],
    at: Annotated[str, typer.Option(help="Window start, e.g. '2026-11-30 09:00' (team time).",
                                    show_default=False)],
    out_dir: Annotated[
        Path, typer.Option("--out", "-o", file_okay=False, show_default=False,
                           help="Folder for assignments.csv and the bulk-update payload."),
    ],
    fmt: Annotated[
        TicketFormat | None,
        typer.Option("--format", help="csv, zendesk or freshdesk (default: from the file)."),
    ] = None,
    roster_csv: Annotated[
        Path | None,
        typer.Option("--roster", exists=True, dir_okay=False, show_default=False,
                     help="Roster CSV (default: published_roster.csv of the team folder)."),
    ] = None,
    agents_csv: Annotated[
        Path | None,
        typer.Option("--agents", exists=True, dir_okay=False, show_default=False,
                     help="Agents file (agent, minutes, skills, tier) instead of a roster."),
    ] = None,
    window: Annotated[str, typer.Option(help="Length of the window: 2h, 90m, 1h30m.")] = "2h",
    work_limit: Annotated[float, typer.Option(min=0.01, help="Solver work units.")] = 2.0,
    workers: Annotated[int, typer.Option(min=1, help="Solver threads.")] = 2,
    seed: Annotated[int, typer.Option(min=0, help="Random seed.")] = 0,
) -> None:
    """Assign open tickets to the agents on duty: by skill, tier, SLA and workload.

    Writes assignments.csv and a Zendesk / Freshdesk bulk-update payload; prints a summary per
    agent beside the simple routers' figures, and the tickets at risk, worst first.

    Example: [cyan]scheduler assign fixtures/helpdesk --tickets fixtures/helpdesk/tickets.csv
    --at '2026-11-30 09:00' --out out/assign[/cyan]
    """
    from scheduler.desk import agent_summary, make_desk, sla_watch
    from scheduler.desk_agents import window_agents
    from scheduler.export.assignments import (
        assignments_frame,
        freshdesk_payload,
        write_assignment_outputs,
        zendesk_payload,
    )
    from scheduler.solvers.assignment import assign as assign_tickets
    from scheduler.solvers.assignment import run_baselines
    from scheduler.ticket_policy import read_ticket_policy
    from scheduler.tickets import load_tickets

    problem = _load(team_dir)
    start, minutes = _window_options(problem, at, window)
    with _input_errors(team_dir):
        policy = read_ticket_policy(team_dir, problem)
    with _input_errors(tickets[0]):
        load = load_tickets(tickets, problem, policy, fmt.value if fmt else None)
    roster = _roster_option(problem, roster_csv, agents_csv)
    with _input_errors(agents_csv or team_dir):
        agents = window_agents(problem, start, minutes, policy, roster=roster,
                               agents_file=agents_csv)
    desk = make_desk(load.tickets, agents, start, minutes, policy)
    result = assign_tickets(desk, work_limit=work_limit, workers=workers, seed=seed)
    watch = sla_watch(desk, result.outcome, policy.at_risk_minutes)
    kind = fmt.value if fmt else ("csv" if tickets[0].suffix.lower() == ".csv" else "json")
    payloads = {}
    if kind in ("zendesk", "csv", "json"):
        payloads["zendesk-update-many.json"] = zendesk_payload(desk, result, policy)
    if kind in ("freshdesk", "csv", "json"):
        payloads["freshdesk-bulk-update.json"] = freshdesk_payload(desk, result, policy)
    frame = assignments_frame(desk, result, watch, problem.time_zone)
    try:
        paths = write_assignment_outputs(out_dir, frame, payloads)
    except OSError as exc:
        err.print(Text(f"Cannot write to {out_dir}: {exc}", style="red"))
        raise typer.Exit(2) from None
    _print_load(load)
    out.print(_agents_table(agent_summary(desk, result.outcome)))
    out.print(_compare_table(result, run_baselines(desk)))
    out.print(_risk_table(watch, frame))
    for path in paths:
        out.print(Text(f"Wrote {path}"))


def _window_options(problem: Problem, at: str, window: str) -> tuple[Any, int]:
    from scheduler.desk_agents import parse_at, parse_window
    from scheduler.load_csv import CellError

    try:
        return parse_at(at, problem), parse_window(window)
    except CellError as exc:
        raise typer.BadParameter(f"{exc.message}; {exc.fix}") from None


def _roster_option(problem: Problem, roster_csv: Path | None, agents_csv: Path | None) -> Any:
    from scheduler.load import read_roster

    if roster_csv is not None:
        with _input_errors(roster_csv):
            return read_roster(roster_csv, problem)
    if agents_csv is None and not problem.reference:
        err.print(Text("No roster: give --roster ROSTER.csv or --agents AGENTS.csv (or keep a "
                       "published_roster.csv in the team folder).", style="red"))
        raise typer.Exit(2)
    return None


def _print_load(load: Any) -> None:
    skipped = ", ".join(f"{n} {why}" for why, n in sorted(load.skipped.items()))
    out.print(f"{_plural(len(load.tickets), 'open ticket')}"
              + (f" (left out: {skipped})" if skipped else ""))
    if load.warnings:
        out.print(Text(f"{_plural(len(load.warnings), 'warning')}:", style="yellow"))
        for warning in load.warnings[:MAX_ROWS]:
            out.print(Text(f"  - {warning}"))
        if len(load.warnings) > MAX_ROWS:
            out.print(f"  … and {len(load.warnings) - MAX_ROWS} more")


def _agents_table(rows: list[dict[str, Any]]) -> Table:
    table = Table(title="Tickets per agent", title_justify="left")
    for title in ("Agent", "Tickets", "Minutes", "Available", "Load", "Breaches"):
        table.add_column(title, justify="left" if title == "Agent" else "right")
    for row in rows:
        table.add_row(_cell(row["agent"]), _cell(row["tickets"]), _cell(row["minutes"]),
                      _cell(row["capacity"]), _cell(f"{row['load']:.0%}"),
                      _cell(row["breaches"] or ""))
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
        table.add_row(_cell(name), _cell(o.weighted_breaches), _cell(o.breaches),
                      _cell(o.unassigned), _cell(f"{o.max_load / 10:.0f}%"),
                      _cell(f"{o.mean_load:.0%}"), _cell(o.moves), _cell(f"{seconds:.2f}"))
    return table


def _risk_table(watch: Sequence[Any], frame: Any) -> Table:
    flagged = [w for w in watch if w.status != "ok"]
    table = Table(title=f"SLA watch: {_plural(len(flagged), 'ticket')} to look at",
                  title_justify="left")
    for title in ("Ticket", "Priority", "Status", "Due", "Agent", "Finish", "Why"):
        table.add_column(title)
    rows = frame.set_index("ticket")
    for w in flagged[:MAX_ROWS]:
        row = rows.loc[w.ticket]
        table.add_row(_cell(w.ticket), _cell(w.priority), _cell(w.status), _cell(row["due"]),
                      _cell(row["agent"]), _cell(row["finish"]), _cell(row["reason"]))
    if len(flagged) > MAX_ROWS:
        table.caption = f"… and {len(flagged) - MAX_ROWS} more"
    return table


def _load_roster(team_dir: Path, roster_csv: Path) -> tuple[Problem, Roster, pd.DataFrame]:
    """The team, a roster CSV for it, and the roster's covering plan."""
    from scheduler.covering import covering_plan
    from scheduler.load import read_roster

    problem = _load(team_dir)
    with _input_errors(roster_csv):
        roster: Roster = read_roster(roster_csv, problem)
    plan: pd.DataFrame = covering_plan(problem, _requirements(problem, team_dir), roster)
    return problem, roster, plan


@app.command()
def calendar(
    team_dir: TeamDir,
    roster_csv: RosterCsv,
    out_dir: Annotated[
        Path,
        typer.Option("--out", "-o", file_okay=False, show_default=False,
                     help="Folder for team.ics, agents/<id>.ics and calendar-state.json."),
    ],
) -> None:
    """Write iCalendar feeds: one per agent (in their time zone) and one for the team.

    Re-running after a change keeps every event's UID, raises SEQUENCE only where a shift
    changed and publishes a removed shift once as cancelled. All files are written together
    or not at all.

    Example: [cyan]scheduler calendar fixtures/small out/small/roster.csv --out out/cal[/cyan]
    """
    from scheduler.export.ical import write_calendars

    problem, roster, plan = _load_roster(team_dir, roster_csv)
    with _input_errors(out_dir, writing=True):
        outputs = write_calendars(out_dir, problem, roster, plan)
    changes = outputs.reconciled
    out.print(Text(f"Wrote {_plural(len(outputs.paths) - 1, 'calendar feed')} in {out_dir}: "
                   f"{changes.count('create')} new, {changes.count('update')} changed, "
                   f"{changes.count('cancel')} cancelled, {changes.count('same')} unchanged "
                   "events"))


def _password(user: str | None, variable: str) -> str | None:
    """The password from the environment (never from the command line)."""
    import os

    if user is None:
        return None
    password = os.environ.get(variable)
    if not password:
        err.print(Text(f"No password for {user}: set the environment variable {variable} "
                       "(or name another one with --password-env).", style="red"))
        raise typer.Exit(2)
    return password


def _operations_table(result: PublishResult, dry_run: bool) -> Table:
    title = "Would send" if dry_run else "Sent"
    table = Table(title=f"{title} to the CalDAV server", title_justify="left")
    for column in ("Change", "Agent", "Calendar", "Event"):
        table.add_column(column, overflow="fold")
    for op in result.operations[:MAX_ROWS]:
        table.add_row(_cell(op.kind), _cell(op.agent), _cell(op.calendar), _cell(op.summary))
    if len(result.operations) > MAX_ROWS:
        table.caption = f"… and {len(result.operations) - MAX_ROWS} more"
    return table


@app.command()
def publish(
    team_dir: TeamDir,
    roster_csv: RosterCsv,
    caldav: Annotated[
        str, typer.Option("--caldav", show_default=False, metavar="URL",
                          help="The CalDAV server, e.g. https://cal.example.com/dav/."),
    ],
    user: Annotated[
        str | None, typer.Option("--user", show_default=False, help="Login name."),
    ] = None,
    password_env: Annotated[
        str, typer.Option("--password-env", metavar="VAR",
                          help="Environment variable holding the password."),
    ] = "CALDAV_PASSWORD",
    state: Annotated[
        Path | None,
        typer.Option("--state", dir_okay=False, show_default=False,
                     help="State file of what the server holds [default: caldav-state.json "
                          "beside ROSTER_CSV]."),
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="List what would be created, updated and "
                                             "deleted; send nothing."),
    ] = False,
) -> None:
    """Publish each agent's shifts to their calendar on a CalDAV server.

    Events are updated in place by UID; removed shifts are deleted. After a failure, run the
    same command again: it finishes the job without duplicates. Exit 1 when the server is
    down, refuses the login or fails.

    Example: [cyan]CALDAV_PASSWORD=... scheduler publish fixtures/small roster.csv
    --caldav https://cal.example.com/ --user coord[/cyan]
    """
    from scheduler.export.publish import STATE_FILE, PublishError, safe_url
    from scheduler.export.publish import publish as publish_roster

    if not caldav.startswith(("http://", "https://")):
        err.print(Text("--caldav needs an http:// or https:// URL.", style="red"))
        raise typer.Exit(2)
    password = _password(user, password_env)
    problem, roster, plan = _load_roster(team_dir, roster_csv)
    state_path = state or roster_csv.parent / STATE_FILE
    sent: list[object] = []
    try:
        with _input_errors(state_path):
            result = publish_roster(problem, roster, plan, caldav, state_path=state_path,
                                    user=user,
                                    password=password, dry_run=dry_run,
                                    on_operation=sent.append)
    except PublishError as exc:
        err.print(Text(f"Publishing failed: {exc} ({_plural(len(sent), 'change')} sent and "
                       "recorded; run the same command again to finish)", style="red"),
                  soft_wrap=True)
        raise typer.Exit(1) from None
    if result.operations:
        out.print(_operations_table(result, dry_run))
    counts = (f"{result.count('create')} created, {result.count('update')} updated, "
              f"{result.count('delete')} deleted, {result.unchanged} unchanged")
    if dry_run:
        out.print(Text(f"Dry run (nothing sent): would be {counts}."))
    else:
        out.print(Text(f"✓ Published to {safe_url(caldav)}: {counts}.", style="bold green"))


def main() -> None:
    """Entry point of the ``scheduler`` console script."""
    app(prog_name="scheduler")


if __name__ == "__main__":
    main()
