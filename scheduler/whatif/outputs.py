"""What-if outputs: the comparison as CSV, the coverage chart (SVG and PNG) and the page.

The page is the baseline roster's report (:mod:`scheduler.export.report`) with a "Scenarios"
section: the comparison table and the chart of coverage per queue over the week, one line per
scenario. Every file of a run is written together or not at all.
"""

from __future__ import annotations

import io
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from scheduler.domain import Problem
from scheduler.export.cells import csv_safe
from scheduler.export.charts import PALETTE, STYLE, WIDTH_IN, svg_element
from scheduler.export.files import write_group, write_text_atomic
from scheduler.whatif.compare import wide
from scheduler.whatif.headcount import Headcount, probe_frame
from scheduler.whatif.run import Outcome, roster_of

__all__ = ["coverage_figure", "scenarios_section", "write_whatif"]

DASHES = ("-", "--", "-.", ":")  # with colour, so no line rests on colour alone


def coverage_figure(problem: Problem, outcomes: Sequence[Outcome]) -> Any:
    """A matplotlib figure: one panel per queue, coverage % per day, a line per scenario.

    Every line's group id is ``series-<queue>-<n>`` (n: the outcome's position).
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    queues = [q.id for q in problem.queues]
    days = [problem.clock.date_of(d).isoformat() for d in range(problem.days)]
    labels = [f"{problem.clock.date_of(d):%a %d}" for d in range(problem.days)]
    with plt.rc_context(STYLE):
        fig, axes = plt.subplots(len(queues) or 1, 1, figsize=(WIDTH_IN, 1.6 * max(1,
                                 len(queues)) + 0.6), sharex=True, squeeze=False)
        for ax, queue in zip(axes[:, 0], queues, strict=False):
            for n, outcome in enumerate(outcomes):
                if outcome.daily.empty:
                    continue
                mine = outcome.daily[outcome.daily["queue"] == queue].set_index("date")
                share = mine["coverage"].reindex(days).to_numpy(dtype=float) * 100
                (line,) = ax.plot(range(len(days)), share, color=PALETTE[n % len(PALETTE)],
                                  ls=DASHES[n % len(DASHES)], marker="o", ms=2.5, lw=1.2,
                                  label=outcome.name)
                line.set_gid(f"series-{queue}-{n}")
            ax.set_ylabel(f"{queue} %")
            ax.set_ylim(min(50.0, _lowest(outcomes, queue)), 102)
            ax.grid(axis="y", color="#DDDDDD", lw=0.5)
        axes[-1, 0].set_xticks(range(len(days)), labels)
        axes[0, 0].set_title("Coverage per queue and day, one line per scenario")
        # below the last panel: with many scenarios a legend above would cover the title
        axes[-1, 0].legend(loc="upper center", bbox_to_anchor=(0.5, -0.18),
                           ncols=min(4, len(outcomes)))
    return fig


def _lowest(outcomes: Sequence[Outcome], queue: str) -> float:
    values = [o.daily.loc[o.daily["queue"] == queue, "coverage"].min() * 100
              for o in outcomes if not o.daily.empty]
    finite = [v for v in values if np.isfinite(v)]
    return max(0.0, min(finite) - 5) if finite else 0.0


def _png(figure: Any) -> bytes:
    import matplotlib.pyplot as plt

    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=150, bbox_inches="tight",
                   metadata={"Software": None})
    plt.close(figure)
    return buffer.getvalue()


def scenarios_section(table: pd.DataFrame, svg: str) -> dict[str, Any]:
    """What the report page's "Scenarios" section shows: the table and the chart."""
    grid = wide(table)
    changes = table.drop_duplicates("scenario").set_index("scenario")
    return {
        "columns": list(grid.columns),
        "changes": [str(changes.loc[c, "changes"]) for c in grid.columns],
        "reasons": [str(changes.loc[c, "reason"]) for c in grid.columns],
        "rows": [{"figure": str(index), "cells": [str(v) for v in row]}
                 for index, row in grid.iterrows()],
        "svg": svg,
    }


def write_whatif(out_dir: str | os.PathLike[str], problem: Problem, table: pd.DataFrame,
                 outcomes: Sequence[Outcome]) -> list[Path]:
    """Write ``whatif.csv``, ``whatif-coverage.svg``, ``whatif-coverage.png`` and
    ``whatif.html`` (the baseline's report page with the scenarios section) into ``out_dir``.

    The first outcome is the baseline; without a baseline roster the page is left out.
    """
    title = "Coverage per queue and day, one line per scenario"
    svg = svg_element(coverage_figure(problem, outcomes), title)
    png = _png(coverage_figure(problem, outcomes))
    csv_text = csv_safe(table).to_csv(index=False, lineterminator="\n")
    folder = Path(out_dir)
    folder.mkdir(parents=True, exist_ok=True)
    files: list[tuple[Path, Any]] = [
        (folder / "whatif.csv", _text(csv_text)),
        (folder / "whatif-coverage.svg", _text(_standalone(svg))),
        (folder / "whatif-coverage.png", lambda temp: temp.write_bytes(png)),
    ]
    if outcomes and outcomes[0].solved:
        html = _page(problem, outcomes[0], scenarios_section(table, svg))
        files.append((folder / "whatif.html", _text(html)))
    return write_group(files)


def _text(content: str) -> Any:
    return lambda temp: temp.write_bytes(content.encode("utf-8"))


def _standalone(svg: str) -> str:
    """An inline ``<svg>`` as a file of its own (with the XML namespace it needs)."""
    if "xmlns=" not in svg[:300]:
        svg = svg.replace("<svg ", '<svg xmlns="http://www.w3.org/2000/svg" ', 1)
    return '<?xml version="1.0" encoding="utf-8" standalone="no"?>\n' + svg


def _page(problem: Problem, baseline: Outcome, section: dict[str, Any]) -> str:
    from scheduler.export.report import build_report
    from scheduler.staffing import requirements
    from scheduler.staffing.covering import covering_plan

    roster = roster_of(baseline)
    needs = requirements(problem)
    return build_report(problem, needs, roster, covering_plan(problem, needs, roster),
                        source="what-if baseline", scenarios=section)


def write_headcount(out_dir: str | os.PathLike[str], answer: Headcount) -> Path:
    """``headcount.csv``: one row per solve of a headcount search (see
    :func:`scheduler.whatif.headcount.probe_frame`), written atomically."""
    folder = Path(out_dir)
    folder.mkdir(parents=True, exist_ok=True)
    text = csv_safe(probe_frame(answer)).to_csv(index=False, lineterminator="\n")
    return write_text_atomic(folder / "headcount.csv", text)
