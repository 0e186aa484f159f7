"""The whatif command: compare scenarios with the baseline, or search the headcount."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from enum import Enum
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.table import Table
from rich.text import Text

from scheduler.cli.app import app
from scheduler.cli.console import TeamDir, cell, err, fail, input_errors, load, out, wrote

if TYPE_CHECKING:
    from scheduler.whatif.request import HeadcountAsk
    from scheduler.whatif.run import SolveOptions

Scenarios = Annotated[list[Path] | None, typer.Option(
    "--scenario", "-s", exists=True, dir_okay=False, readable=True,
    help="A scenario file (YAML); may be given several times.")]
Changes = Annotated[list[str] | None, typer.Option(
    "--change", "-c", help="A change, e.g. 'volume +20% chat mon-fri 09:00-12:00'; all "
    "--change options form one scenario.")]
OutDir = Annotated[Path | None, typer.Option(
    "--out", "-o", file_okay=False, show_default=False,
    help="Folder for whatif.csv, whatif-coverage.svg/.png and whatif.html.")]
MinHeadcount = Annotated[bool, typer.Option(
    "--min-headcount", help="Find the fewest --hire agents that meet every service target "
    "(per --criterion).")]
Hire = Annotated[str, typer.Option(
    help="The kind of agent to hire, e.g. 'skills=phone,chat; contract=full-time'.")]
Targets = Annotated[list[str] | None, typer.Option(
    help="A queue's target for the search, 'phone:80/20' or 'phone 80/20' as in scenario "
    "files (default: every queue's own).")]
# scheduler.whatif.targets.CRITERIA, written out: importing it would import pandas at start-up
Criteria = Enum("Criteria", {c: c for c in ("interval", "day", "week")},  # type: ignore[misc]
                type=str)
Criterion = Annotated[Criteria, typer.Option(
    help="What meets a target: 'day' (each day's service level, weighted by contacts; the "
    "default), 'week', or 'interval' (every interval with contacts).")]
MaxHires = Annotated[int, typer.Option(min=0, help="Most hires the search tries.")]
Leavers = Annotated[int, typer.Option(
    min=0, help="Also solve with 1, 2, … N agents leaving (a curve).")]
Jobs = Annotated[int, typer.Option(min=1, help="Solves side by side in local processes.")]
Cluster = Annotated[str | None, typer.Option(
    "--cluster", "--dask", help="Run the solves on this Dask scheduler (tcp://HOST:8786) "
    "instead of local processes.")]
TimeLimit = Annotated[float, typer.Option(min=0.1, help="Seconds per solve (safety net).")]
WorkLimit = Annotated[float, typer.Option(
    min=0.01, help="CP-SAT deterministic seconds per solve thread (same roster wherever it "
    "runs).")]
Workers = Annotated[int, typer.Option(min=1, help="Solver threads per solve.")]
Seed = Annotated[int, typer.Option(min=0, help="Random seed.")]
Quiet = Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")]


SIDE_BY_SIDE = 3  # more scenarios than this: scenarios as rows, figures in column groups
TITLE = "What-if: every figure as value (delta against the baseline; ≈ within solver noise)"


def _whatif_tables(table: Any, width: int) -> list[Table]:
    """The comparison as one table (figures as rows) for up to :data:`SIDE_BY_SIDE`
    scenarios, else as tables with scenarios as rows and as many figures as fit ``width``."""
    from scheduler.whatif.compare import long

    if table["scenario"].nunique() <= SIDE_BY_SIDE + 1:
        return [_whatif_table(table)]
    grid = long(table)
    room = width - max(len("Scenario"), *(len(str(n)) for n in grid.index)) - 4
    groups: list[list[str]] = [[]]
    used = 0
    for figure in grid.columns:
        need = max(len(str(figure)), *(len(str(v)) for v in grid[figure])) + 3
        if groups[-1] and used + need > room:
            groups.append([])
            used = 0
        groups[-1].append(figure)
        used += need
    views = []
    for n, chunk in enumerate(groups):
        view = Table(title=None if n else TITLE, title_justify="left")
        view.add_column("Scenario", no_wrap=True)
        for figure in chunk:
            view.add_column(Text(str(figure)), justify="right", no_wrap=True)
        for name, row in grid[chunk].iterrows():
            view.add_row(cell(name), *(cell(v) for v in row))
        views.append(view)
    return views


def _whatif_table(table: Any) -> Table:
    """Figures as rows, baseline and scenarios as columns (value and delta)."""
    from scheduler.whatif.compare import wide

    grid = wide(table)
    view = Table(title=TITLE, title_justify="left")
    view.add_column("Figure")
    for name in grid.columns:
        view.add_column(Text(str(name)), justify="right", overflow="fold")
    for figure, row in grid.iterrows():
        if figure == "penalty":
            view.add_section()
        view.add_row(cell(figure), *(cell(v) for v in row))
        if figure == ("note" if "note" in grid.index else "gap"):  # the solve, then figures
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
    for title in ("Hires", "Status", "Gap", f"{answer.criterion.title()}s missing a target",
                  "Under-covered agent-h"):
        view.add_column(title, justify="right")
    for queue in queues:
        view.add_column(f"{queue} worst", justify="right")
    for probe in answer.probes:
        o = probe.outcome
        h = o.headline
        worst = [f"{h.service_worst[q]:.0%}" if h and q in h.service_worst else "–"
                 for q in queues]
        status = o.status.lower() + (f", roster of {o.carried_from}" if o.carried_from else "")
        view.add_row(cell(probe.hires), cell(status),
                     cell("–" if o.gap is None else f"{o.gap:.0%}"),
                     cell(len(probe.missed) if o.solved else "–"),
                     cell(f"{h.short_hours_total:.1f}" if h else "–"), *map(cell, worst))
    return view


def _answer_line(answer: Any, queues: Sequence[str], max_hires: int,
                 work_limit: float | None) -> Text:
    """The search's answer in one sentence (with its caveat when the gap is large)."""
    from scheduler.whatif.headcount import verdict

    ok, text = verdict(answer, queues, max_hires, work_limit)
    return Text(text, style="bold green" if ok else "red")


def _run_headcount(ask: HeadcountAsk, options: SolveOptions, runner: dict[str, Any],
                   max_hires: int, out_dir: Path | None) -> None:
    from scheduler.whatif.headcount import search_headcount
    from scheduler.whatif.outputs import write_headcount
    from scheduler.whatif.run import run_tasks

    batch = 1 if runner["cluster"] is None and runner["jobs"] <= 1 else runner["jobs"]
    with _progress(0, runner["quiet"]) as event:
        run = partial(run_tasks, jobs=runner["jobs"], cluster=runner["cluster"], on_event=event)
        answer = search_headcount(ask.targeted, ask.hire, ask.queues, options=options, run=run,
                                  batch=batch, limit=max_hires, criterion=ask.criterion)
    out.print(_headcount_table(answer, ask.queues))
    out.print(_answer_line(answer, ask.queues, max_hires, options.work_limit))
    if out_dir is not None:
        with input_errors(out_dir, writing=True):
            wrote(write_headcount(out_dir, answer))


def _compare(problem: Any, scenarios: list[Any], options: SolveOptions,
             runner: dict[str, Any], out_dir: Path | None) -> None:
    from scheduler.whatif.compare import caveat, compare_scenarios
    from scheduler.whatif.outputs import write_whatif
    from scheduler.whatif.run import run_tasks

    with _progress(len(scenarios) + 1, runner["quiet"]) as event:
        run = partial(run_tasks, jobs=runner["jobs"], cluster=runner["cluster"], on_event=event)
        table, outcomes = compare_scenarios(problem, scenarios, options, run,
                                            runner["criterion"])
    for view in _whatif_tables(table, out.width):
        out.print(view)
    for outcome in outcomes:
        if not outcome.solved:
            out.print(Text(f"{outcome.name}: {outcome.status.lower()}: {outcome.reason}",
                           style="red"))
        elif note := caveat(outcome):
            out.print(Text(f"⚠ {outcome.name}: {note}", style="yellow"))
    if out_dir is not None:
        with input_errors(out_dir, writing=True):
            wrote(*write_whatif(out_dir, problem, table, outcomes))
    if not outcomes[0].solved:
        raise typer.Exit(1)


def _asked_something(scenarios: bool, min_headcount: bool, hire: str) -> None:
    """Exit 2 with the usage when nothing is asked, or a search without its hire."""
    if not (scenarios or min_headcount):
        fail("Give --scenario FILE, --change TEXT, --min-headcount or --leavers N.")
    if min_headcount and not hire:
        fail("--min-headcount needs --hire, e.g. --hire 'skills=phone; contract=full-time'")


@app.command()
def whatif(team_dir: TeamDir, scenario: Scenarios = None, change: Changes = None,
           out_dir: OutDir = None, min_headcount: MinHeadcount = False, hire: Hire = "",
           target: Targets = None, criterion: Criterion = Criteria["day"],
           max_hires: MaxHires = 40, leavers: Leavers = 0, jobs: Jobs = 2,
           cluster: Cluster = None, time_limit: TimeLimit = 120.0,
           work_limit: WorkLimit = 5.0, workers: Workers = 1, seed: Seed = 0,
           quiet: Quiet = False) -> None:
    """Compare scenarios against the baseline, or search the headcount that meets the targets.

    Every solve stops on CP-SAT's deterministic clock, so a scenario gives the same roster in a
    local process or on a Dask cluster.

    Examples:
    [cyan]scheduler whatif fixtures/acme-support -s fixtures/acme-scenarios.yaml[/cyan] ;
    [cyan]scheduler whatif fixtures/acme-support --min-headcount
    --hire "skills=phone; contract=full-time" --target phone:80/20[/cyan]
    """
    from scheduler.whatif.request import asked_scenarios, headcount_ask, target_queues
    from scheduler.whatif.run import ClusterError, SolveOptions

    problem = load(team_dir)
    _asked_something(bool(scenario or change or leavers), min_headcount, hire)
    options = SolveOptions(time_limit=time_limit, work_limit=work_limit, workers=workers,
                           seed=seed)
    runner = {"jobs": jobs, "cluster": cluster, "quiet": quiet, "criterion": criterion.value}
    with input_errors(team_dir):
        scenarios = asked_scenarios(problem, scenario or [], change or [], leavers,
                                    target_queues(problem, target or []))
        ask = headcount_ask(problem, hire, target or [], criterion.value) if min_headcount \
            else None
    try:
        if ask is not None:
            _run_headcount(ask, options, runner, max_hires, out_dir)
        if scenarios:
            _compare(problem, scenarios, options, runner, out_dir)
    except ClusterError as exc:
        err.print(Text(str(exc), style="red"))
        raise typer.Exit(2) from None
