"""Charts of the weekly metrics page as inline SVG, in the report's style (Okabe–Ito).

Every series sits in a group whose id starts ``series-`` (the browser test counts them); meaning
never rests on colour alone: lines carry markers, the heat map prints its counts.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from scheduler.export.charts import PALETTE, STYLE, WIDTH_IN, svg_element

DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
MARKERS = ("o", "s", "^", "D", "v", "P", "X")


def _plt() -> Any:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _bars(ax: Any, x: np.ndarray, heights: np.ndarray, width: float, gid: str,
          label: str, **style: Any) -> Any:
    """Bars drawn as one collection (one ``series-`` group); returns the legend's patch."""
    from matplotlib.collections import PatchCollection
    from matplotlib.patches import Patch, Rectangle

    boxes = [Rectangle((left - width / 2, 0), width, float(h))
             for left, h in zip(x, np.nan_to_num(heights), strict=True)]
    bars = PatchCollection(boxes, **style)
    bars.set_gid(gid)
    ax.add_collection(bars)
    top = float(np.nanmax(heights)) if len(heights) and np.isfinite(heights).any() else 1.0
    ax.set_xlim(min(ax.get_xlim()[0], x.min() - width), max(ax.get_xlim()[1], x.max() + width))
    ax.set_ylim(0, max(ax.get_ylim()[1], top * 1.1))
    return Patch(label=label, **style)


def heat_map(volume: pd.DataFrame, title: str) -> str:
    """Tickets created by weekday (rows) and hour (columns), counts written in the cells."""
    plt = _plt()
    grid = volume.pivot(index="weekday", columns="hour", values="created").reindex(
        index=range(7), columns=range(24), fill_value=0).to_numpy()
    with plt.rc_context(STYLE):
        fig, ax = plt.subplots(figsize=(WIDTH_IN, 2.6))
        cells = ax.pcolormesh(np.arange(25) - 0.5, np.arange(8) - 0.5, grid, cmap="Blues",
                              vmin=0, edgecolors="white", linewidth=0.3)
        cells.set_gid("series-volume")
        ax.invert_yaxis()
        top = grid.max() if grid.size else 0
        for (row, col), count in np.ndenumerate(grid):
            if count:
                ax.text(col, row, str(int(count)), ha="center", va="center", fontsize=6,
                        color="white" if count > top * 0.6 else "black")
        ax.set_yticks(range(7), DAYS)
        ax.set_xticks(range(24), [f"{h:02d}" for h in range(24)])
        ax.set_xlabel("hour (local time)", fontsize=7, loc="right")
        ax.set_title(title)
        return svg_element(fig, title)


def backlog_chart(figures: pd.DataFrame, queues: list[str], title: str) -> str:
    """Open tickets at the end of each week, one line per queue."""
    plt = _plt()
    rows = figures[(figures["dimension"] == "queue") & (figures["figure"] == "backlog_end")]
    weeks = list(dict.fromkeys(figures["week"]))
    with plt.rc_context(STYLE):
        fig, ax = plt.subplots(figsize=(WIDTH_IN, 2.2))
        for i, queue in enumerate(queues):
            mine = rows[rows["member"] == queue].set_index("week")["value"].reindex(weeks)
            (line,) = ax.plot(weeks, mine.to_numpy(), marker=MARKERS[i % len(MARKERS)], ms=3,
                              color=PALETTE[i % len(PALETTE)], lw=1.2, label=queue)
            line.set_gid(f"series-backlog-{queue}")
        ax.set_ylabel("open tickets")
        ax.set_ylim(bottom=0)
        ax.set_title(title)
        ax.legend(loc="lower right", bbox_to_anchor=(1, 1), ncols=len(queues) or 1)
        return svg_element(fig, title)


def times_chart(times: pd.DataFrame, column: str, queues: list[str], title: str) -> str:
    """Distribution of a response time per queue: share of tickets answered within x hours."""
    plt = _plt()
    with plt.rc_context(STYLE):
        fig, ax = plt.subplots(figsize=(WIDTH_IN / 2 - 0.1, 2.4))
        for i, queue in enumerate(queues):
            values = np.sort(times.loc[times["queue"] == queue, column].dropna().to_numpy())
            hours = values / 60
            share = np.arange(1, len(values) + 1) / max(len(values), 1) * 100
            (line,) = ax.step(hours, share, where="post", color=PALETTE[i % len(PALETTE)],
                              lw=1.2, label=f"{queue} ({len(values)})",
                              ls=("-", "--", ":", "-.")[i % 4])
            line.set_gid(f"series-{column}-{queue}")
        ax.set_xscale("symlog", linthresh=1)
        ax.set_xlabel("hours", fontsize=7, loc="right")
        ax.set_ylabel("% of tickets within")
        ax.set_ylim(0, 102)
        ax.set_title(title)
        ax.legend(loc="lower right", fontsize=6)
        return svg_element(fig, title)


def sla_chart(rates: pd.DataFrame, title: str) -> str:
    """SLA compliance per queue and metric (grouped bars, hatched per metric)."""
    plt = _plt()
    metrics = list(dict.fromkeys(rates["metric"]))
    queues = list(dict.fromkeys(rates["queue"]))
    x = np.arange(len(queues))
    width = 0.8 / max(len(metrics), 1)
    with plt.rc_context(STYLE):
        fig, ax = plt.subplots(figsize=(WIDTH_IN / 2 - 0.1, 2.4))
        handles = []
        ax.set_xlim(-width, len(queues))
        for i, metric in enumerate(metrics):
            mine = rates[rates["metric"] == metric].set_index("queue")["rate"].reindex(queues)
            handles.append(_bars(ax, x + i * width, mine.to_numpy(dtype=float) * 100, width,
                                 f"series-sla-{metric}", metric.replace("_", " "),
                                 facecolor=PALETTE[i % len(PALETTE)],
                                 hatch=("", "//", "..")[i % 3], edgecolor="white"))
        ax.set_xticks(x + width * (len(metrics) - 1) / 2, queues)
        ax.set_ylim(0, 105)
        ax.set_ylabel("% achieved")
        ax.set_title(title)
        ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.12), ncols=2,
                  fontsize=6)
        return svg_element(fig, title)


def forecast_chart(daily: pd.DataFrame, title: str) -> str:
    """Forecast (dashed) against actual (bars) tickets per queue and day."""
    plt = _plt()
    queues = list(dict.fromkeys(daily["queue"]))
    days = list(dict.fromkeys(daily["date"]))
    x = np.arange(len(days))
    width = 0.8 / max(len(queues), 1)
    with plt.rc_context(STYLE):
        fig, ax = plt.subplots(figsize=(WIDTH_IN, 2.2))
        handles = []
        ax.set_xlim(-width, len(days))
        for i, queue in enumerate(queues):
            mine = daily[daily["queue"] == queue].set_index("date").reindex(days)
            colour = PALETTE[i % len(PALETTE)]
            handles.append(_bars(ax, x + i * width, mine["created"].to_numpy(dtype=float),
                                 width, f"series-actual-{queue}", f"{queue} actual",
                                 facecolor=colour, alpha=0.6))
            (line,) = ax.plot(x + i * width, mine["forecast"].to_numpy(), ls="--", marker="_",
                              color=colour, label=f"{queue} forecast")
            line.set_gid(f"series-forecast-{queue}")
            handles.append(line)
        ax.set_xticks(x + width * (len(queues) - 1) / 2, [f"{d:%a %d %b}" for d in days])
        ax.set_ylabel("tickets")
        ax.set_title(title)
        ax.legend(handles=handles, loc="lower right", bbox_to_anchor=(1, 1),
                  ncols=min(len(queues) * 2, 6))
        return svg_element(fig, title)
