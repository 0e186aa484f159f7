"""Charts of the report as inline SVG (matplotlib): coverage and projected service per queue.

matplotlib's SVG is a few tens of kilobytes per chart, needs no script to show, keeps its text
as text (``svg.fonttype = none``: crisp when printed, searchable) and prints sharp at any size.
Colours are the Okabe–Ito palette (safe for colour-blind readers) and meaning never rests on
colour alone: gaps are hatched, the target is dashed, intervals below target get a marker.
Every series is drawn in a group whose id starts ``series-`` so that a test can count them.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from html import escape
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.typing import RcKeyType

    from scheduler.domain import Problem

__all__ = ["PALETTE", "coverage_chart", "headcount_chart", "service_chart"]

# Okabe & Ito (2008): blue, vermillion, bluish green, orange, reddish purple, sky blue, yellow.
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#E69F00", "#CC79A7", "#56B4E9", "#F0E442")
INK, GAP, WEEKEND = "#000000", "#D55E00", "#EEEEEE"
EXCESS = "#CC79A7"  # reddish purple: agents above the maximum
WIDTH_IN = 10.8  # A4 landscape less its margins
STYLE: dict[RcKeyType, Any] = {
    "svg.fonttype": "none", "svg.hashsalt": "support-scheduler", "font.size": 8,
    "font.family": "sans-serif", "axes.spines.top": False, "axes.spines.right": False,
    "axes.titlesize": 9, "axes.titleweight": "bold", "axes.titlelocation": "left",
    "legend.fontsize": 7, "legend.frameon": False,
}


def svg_element(figure: object, title: str) -> str:
    """The figure as an inline ``<svg>`` element with ``title`` as its accessible name."""
    import matplotlib.pyplot as plt

    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", metadata={"Date": None}, bbox_inches="tight")  # type: ignore[attr-defined]
    plt.close(figure)  # type: ignore[arg-type]
    text = buffer.getvalue()
    text = text[text.index("<svg"):]
    text = re.sub(r"\s*<metadata>.*?</metadata>", "", text, count=1, flags=re.S)
    text = re.sub(r'<svg ([^>]*?)width="[^"]*" height="[^"]*"',
                  r'<svg \1role="img" aria-label="' + escape(title, quote=True) + '"', text,
                  count=1)
    return re.sub(r"(<svg[^>]*>)", r"\1<title>" + escape(title) + "</title>", text, count=1)


def _day_axis(ax: Axes, problem: Problem, label: bool = True) -> None:
    """Day ticks at local midnights, labelled ``Mon 30 Nov``; weekends shaded."""
    clock, size = problem.clock, problem.interval_minutes
    starts = [clock.day_start(d) / size for d in range(problem.days + 1)]
    ax.set_xticks(starts[:-1])
    ax.set_xticklabels([f"{clock.date_of(d):%a %d %b}" for d in range(problem.days)],
                       ha="left")
    ax.set_xlim(0, clock.n_intervals)
    for d in range(problem.days):
        if clock.weekday(d) >= 5:
            ax.axvspan(starts[d], starts[d + 1], color=WEEKEND, zorder=0, lw=0)
    ax.grid(axis="x", color="#BBBBBB", lw=0.5)
    if label:
        ax.set_xlabel(f"day (local time, {problem.time_zone})", fontsize=7, loc="right")


def coverage_chart(problem: Problem, coverage: pd.DataFrame, queue: str, title: str) -> str:
    """Required vs scheduled agents of one queue over the horizon, gaps hatched.

    Parameters
    ----------
    problem
        For the time axis.
    coverage
        ``Kpis.coverage`` (``interval``, ``queue``, ``required``, ``scheduled``).
    queue
        The queue to draw.
    title
        Chart title and accessible name.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rows = coverage[coverage["queue"] == queue].sort_values("interval")
    x = np.append(rows["interval"].to_numpy(), problem.clock.n_intervals)
    need = np.append(rows["required"].to_numpy(), rows["required"].to_numpy()[-1:])
    have = np.append(rows["scheduled"].to_numpy(), rows["scheduled"].to_numpy()[-1:])
    with plt.rc_context(STYLE):
        fig, ax = plt.subplots(figsize=(WIDTH_IN, 1.9))
        _day_axis(ax, problem)
        area = ax.fill_between(x, 0, have, step="post", color=PALETTE[0], alpha=0.25, lw=0,
                               label="scheduled")
        area.set_gid(f"series-{queue}-scheduled")
        (line,) = ax.step(x, have, where="post", color=PALETTE[0], lw=1)
        line.set_gid(f"series-{queue}-scheduled-line")
        (req,) = ax.step(x, need, where="post", color=INK, lw=1.1, ls="--", label="required")
        req.set_gid(f"series-{queue}-required")
        gap = ax.fill_between(x, have, need, where=need > have, step="post", facecolor="none",
                              edgecolor=GAP, hatch="////", lw=0, label="short (gap)")
        gap.set_gid(f"series-{queue}-gap")
        ax.set_ylabel("agents")
        ax.set_ylim(0, max(1, int(max(need.max(), have.max()))) * 1.1)
        ax.set_title(title)
        ax.legend(loc="lower right", bbox_to_anchor=(1, 1), ncols=3)
        return svg_element(fig, title)


def headcount_chart(problem: Problem, coverage: pd.DataFrame, queue: str, title: str) -> str:
    """Agents on duty against coverage.csv's minimum and maximum, gaps hatched, excess marked.

    Parameters
    ----------
    problem
        For the time axis.
    coverage
        The headcount coverage frame (``interval``, ``queue``, ``minimum``, ``maximum``,
        ``on_duty``; :func:`scheduler.kpi.headcount.headcount_measure`).
    queue
        The row's queue (``any`` for everyone on duty).
    title
        Chart title and accessible name.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rows = coverage[coverage["queue"] == queue].sort_values("interval")

    def steps(column: str) -> np.ndarray:
        values = rows[column].to_numpy(dtype="float64")
        return np.append(values, values[-1:])

    x = np.append(rows["interval"].to_numpy(), problem.clock.n_intervals)
    least, most, have = steps("minimum"), steps("maximum"), steps("on_duty")
    with plt.rc_context(STYLE):
        fig, ax = plt.subplots(figsize=(WIDTH_IN, 1.9))
        _day_axis(ax, problem)
        area = ax.fill_between(x, 0, have, step="post", color=PALETTE[0], alpha=0.25, lw=0,
                               label="on duty")
        area.set_gid(f"series-{queue}-on-duty")
        (line,) = ax.step(x, have, where="post", color=PALETTE[0], lw=1)
        line.set_gid(f"series-{queue}-on-duty-line")
        (low,) = ax.step(x, least, where="post", color=INK, lw=1.1, ls="--", label="minimum")
        low.set_gid(f"series-{queue}-minimum")
        (high,) = ax.step(x, most, where="post", color=PALETTE[2], lw=1.1, ls=":",
                          label="maximum")
        high.set_gid(f"series-{queue}-maximum")
        gap = ax.fill_between(x, have, least, where=least > have, step="post", facecolor="none",
                              edgecolor=GAP, hatch="////", lw=0, label="short of the minimum")
        gap.set_gid(f"series-{queue}-short")
        above = np.nan_to_num(most, nan=np.inf) < have
        over = ax.fill_between(x, np.nan_to_num(most), have, where=above, step="post",
                               facecolor="none", edgecolor=EXCESS, hatch="xxxx", lw=0,
                               label="above the maximum")
        over.set_gid(f"series-{queue}-over")
        ax.set_ylabel("agents")
        top = np.nanmax(np.concatenate([least, have, np.nan_to_num(most)]))
        ax.set_ylim(0, max(1, int(top)) * 1.15)
        ax.set_title(title, pad=16)  # the legend sits on its own line under the title
        ax.legend(loc="lower right", bbox_to_anchor=(1, 1), ncols=5)
        return svg_element(fig, title)


def service_chart(problem: Problem, service: pd.DataFrame, queue: str, title: str) -> str:
    """Projected service level (top) and ASA (bottom) of one live queue, target dashed.

    Intervals without contacts are left blank; intervals below target are marked with a
    triangle; an ASA that is unbounded (no more agents than traffic) is drawn as a cross at the
    top of the ASA panel.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rows = service[(service["queue"] == queue) & (service["volume"] > 0)]
    full = pd.Series(np.nan, index=range(problem.clock.n_intervals))
    sl = full.copy()
    sl[rows["interval"].to_numpy()] = rows["service_level"].to_numpy() * 100
    asa = full.copy()
    asa[rows["interval"].to_numpy()] = rows["asa_s"].to_numpy()
    target = float(problem.queue_index[queue].service_level) * 100
    within = problem.queue_index[queue].answer_within_s
    x = sl.index.to_numpy() + 0.5
    with plt.rc_context(STYLE):
        fig, (top, bottom) = plt.subplots(2, 1, figsize=(WIDTH_IN, 2.8), sharex=True,
                                          height_ratios=(3, 2), gridspec_kw={"hspace": 0.45})
        _day_axis(top, problem, label=False)
        _day_axis(bottom, problem)
        (line,) = top.plot(x, sl.to_numpy(), color=PALETTE[0], lw=1.1,
                           label=f"answered within {within:g} s")
        line.set_gid(f"series-{queue}-service-level")
        goal = top.axhline(target, color=INK, ls="--", lw=1, label=f"target {target:g} %")
        goal.set_gid(f"series-{queue}-target")
        below = sl < target - 1e-9
        (low,) = top.plot(x[below], sl[below].to_numpy(), ls="none", marker="v", ms=3,
                          color=GAP, label="below target")
        low.set_gid(f"series-{queue}-below-target")
        top.set_ylim(0, 105)
        top.set_ylabel("service level %")
        top.set_title(title)
        top.legend(loc="lower right", bbox_to_anchor=(1, 1), ncols=3)
        finite = asa.replace(np.inf, np.nan)
        ceiling = max(float(np.nanmax(finite)) if finite.notna().any() else 0.0, within) * 1.15
        (wait,) = bottom.plot(x, finite.to_numpy(), color=PALETTE[3], lw=1.1, label="ASA")
        wait.set_gid(f"series-{queue}-asa")
        unbounded = np.isinf(asa.to_numpy())
        (cross,) = bottom.plot(x[unbounded], np.full(unbounded.sum(), ceiling), ls="none",
                               marker="x", ms=3, color=GAP, label="no agent free (ASA unbounded)")
        cross.set_gid(f"series-{queue}-asa-unbounded")
        bottom.set_ylim(0, ceiling * 1.05)
        bottom.set_ylabel("ASA s")
        bottom.legend(loc="lower right", bbox_to_anchor=(1, 1), ncols=2)
        return svg_element(fig, title)


def series_count(svg: str) -> int:
    """Number of ``series-`` groups in an SVG (what the browser test counts too)."""
    return len(re.findall(r'<g id="series-', svg))


def chart_ids(svgs: Sequence[str]) -> list[str]:
    """Ids of every series group, in order (for tests)."""
    return [m for svg in svgs for m in re.findall(r'<g id="(series-[^"]+)"', svg)]
