"""The forecast command: the help desk's history → forecast.csv, backtest table, bands, chart."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
from rich.table import Table
from rich.text import Text

from scheduler.cli.app import app
from scheduler.cli.console import TeamDir, cell, err, fail, input_errors, load, out, wrote

if TYPE_CHECKING:
    from scheduler.forecast import Evaluation, ForecastRun

ChartFormat = Enum("ChartFormat", {"svg": "svg", "png": "png"}, type=str)
ModelSet = Enum("ModelSet", {"default": "default", "all": "all"}, type=str)

History = Annotated[list[Path], typer.Option(
    "--history", "-H", exists=True, readable=True, show_default=False,
    help="History: a CSV of counts per interval, a ticket CSV, Zendesk / Freshdesk JSON, or a "
    "folder of them (repeat for several).")]
Weeks = Annotated[int | None, typer.Option(
    min=1, max=8, help="Forecast this many weeks from the start (default: the horizon of "
    "team.yaml).")]
OutFile = Annotated[Path | None, typer.Option(
    "--out", "-o", dir_okay=False, show_default=False,
    help="forecast.csv to write (default: the team folder's); the bands, backtest and chart "
    "go beside it.")]
Quantile = Annotated[float | None, typer.Option(
    min=0.5, max=0.99, show_default=False,
    help="Write this quantile as the volume (0.8: 80 % of the time no more arrive).")]
Models = Annotated[ModelSet, typer.Option(
    "--models", help="default, or all (adds MSTL and ARIMA: slower).")]
Chart = Annotated[ChartFormat, typer.Option("--chart", help="Chart format: svg or png.")]
Evaluate = Annotated[str | None, typer.Option(
    "--evaluate", show_default=False, metavar="WEEK",
    help="Compare the forecast of the week starting WEEK (YYYY-MM-DD) with what arrived.")]


@contextmanager
def _progress(show: bool) -> Iterator[Callable[[int], Callable[[], None]]]:
    """A Rich progress bar over the backtest (queues × origins) on stderr."""
    columns = (TextColumn("Backtesting"), BarColumn(), MofNCompleteColumn())
    with Progress(*columns, console=err, transient=True, disable=not show) as bar:
        def start(total: int) -> Callable[[], None]:
            task = bar.add_task("backtest", total=total)
            return lambda: bar.advance(task)
        yield start


def _backtest_table(run: ForecastRun) -> Table:
    """Per queue: the chosen model's WAPE beside the two baselines', MASE, bias, coverage
    (every model's figures are in forecast-backtest.csv)."""
    table = Table(title=Text("Backtest, one week ahead (WAPE: lower is better)"),
                  title_justify="left")
    for name in ("Queue", "Chosen model", "WAPE", "Naive", "Median 4 wk", "MASE", "Bias",
                 "80 %", "95 %"):
        table.add_column(name, justify="left" if name in ("Queue", "Chosen model") else "right",
                         min_width=18 if name == "Chosen model" else None)
    for queue, result in run.forecast.queues.items():
        test = result.backtest
        chosen = test.score(test.chosen)
        figures = (chosen.wape, test.score("seasonal naive").wape,
                   test.score("median of 4 weeks").wape, chosen.mase)
        table.add_row(cell(queue + (" (thin: daily)" if result.thin else "")), cell(test.chosen),
                      *(cell(f"{v:.3f}") for v in figures), cell(f"{chosen.bias:+.1%}"),
                      *(cell(f"{test.coverage[level]:.0%}") for level in (0.8, 0.95)))
    return table


def _evaluation_table(result: Evaluation) -> Table:
    table = Table(title=Text(f"Week of {result.week}: forecast against what arrived"),
                  title_justify="left")
    for name in ("Queue", "Model", "Forecast", "Arrived", "WAPE", "Bias", "In 80 % band",
                 "In 95 % band"):
        table.add_column(name)
    for row in result.rows:
        table.add_row(*(cell(f"{v:.3g}" if isinstance(v, float) else v) for v in row.values()))
    return table


def _writer(data: bytes) -> Callable[[Path], object]:
    return lambda temp: temp.write_bytes(data)


def _week(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        fail(f"--evaluate {text}: not a date; write the week's first day as YYYY-MM-DD")


@app.command()
def forecast(team_dir: TeamDir, history: History, weeks: Weeks = None,
             out_file: OutFile = None, quantile: Quantile = None,
             models: Models = ModelSet.default, chart: Chart = ChartFormat.svg,
             evaluate: Evaluate = None) -> None:
    """Forecast contacts per queue and interval from the help desk's history.

    Each queue's model is chosen by a one-week-ahead backtest on the history; writes
    forecast.csv (what 'roster' reads), forecast-bands.csv (80 % and 95 % bands),
    forecast-backtest.csv and a chart. Example: [cyan]scheduler forecast fixtures/acme-support
    --history tickets.csv --history counts.csv[/cyan]
    """
    from scheduler.export.files import write_group
    from scheduler.forecast import evaluate_week, forecast_files, plan_forecast
    from scheduler.forecast.models import DEFAULT_MODELS, SLOW

    problem = load(team_dir)
    if evaluate is not None:
        with input_errors(team_dir):
            out.print(_evaluation_table(evaluate_week(team_dir, problem, history,
                                                      _week(evaluate))))
        return
    chosen = (*DEFAULT_MODELS, *SLOW) if models == ModelSet.all else DEFAULT_MODELS
    with input_errors(team_dir), _progress(err.is_terminal) as step:
        run = plan_forecast(team_dir, problem, history, weeks=weeks, step=step, models=chosen)
    target = out_file or team_dir / "forecast.csv"
    files = forecast_files(run, target, quantile, chart.value)
    with input_errors(target, writing=True):
        paths = write_group((path, _writer(data)) for path, data in files.items())
    out.print(_backtest_table(run))
    skipped = ", ".join(f"{n} {why}" for why, n in run.events.skipped.most_common() if n)
    if skipped:
        out.print(Text(f"Left out of the history: {skipped}"))
    wrote(*paths)
