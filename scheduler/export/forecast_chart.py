"""The forecast chart: each queue's recent history, the forecast and its 80 % / 95 % bands.

One panel per queue, Okabe–Ito colours as in the report: history in black, the forecast in
blue with its bands in two shades of sky blue; meaning does not rest on colour alone (the
forecast is dashed, the history solid). Written as SVG (text stays text) or PNG.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import numpy as np

from scheduler.export.charts import PALETTE, STYLE, WIDTH_IN

__all__ = ["QueueSeries", "forecast_chart"]


@dataclass(frozen=True)
class QueueSeries:
    """What one panel draws (plain values; the forecast stage fills them)."""

    queue: str
    history_at: Sequence[datetime]
    history: np.ndarray
    forecast_at: Sequence[datetime]
    mean: np.ndarray
    low80: np.ndarray
    high80: np.ndarray
    low95: np.ndarray
    high95: np.ndarray
    note: str = ""


def forecast_chart(panels: Sequence[QueueSeries], title: str, fmt: str = "svg") -> bytes:
    """History and forecast of every queue, with bands, as SVG or PNG bytes."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    with plt.rc_context(STYLE):
        fig, axes = plt.subplots(len(panels), 1, figsize=(WIDTH_IN, 1.8 * len(panels) + 0.4),
                                 squeeze=False)
        for ax, panel in zip(axes[:, 0], panels, strict=True):
            _panel(ax, panel)
        fig.suptitle(title, x=0.01, ha="left", fontsize=10, fontweight="bold")
        buffer = io.BytesIO()
        fig.savefig(buffer, format=fmt, metadata={"Date": None} if fmt == "svg" else None,
                    bbox_inches="tight", dpi=110)
        plt.close(fig)
    return buffer.getvalue()


def _panel(ax: object, panel: QueueSeries) -> None:
    a = ax  # matplotlib Axes
    band95 = a.fill_between(panel.forecast_at, panel.low95, panel.high95, step="post",  # type: ignore[attr-defined]
                            color=PALETTE[5], alpha=0.25, lw=0, label="95 % band")
    band95.set_gid(f"series-{panel.queue}-band95")
    band80 = a.fill_between(panel.forecast_at, panel.low80, panel.high80, step="post",  # type: ignore[attr-defined]
                            color=PALETTE[5], alpha=0.5, lw=0, label="80 % band")
    band80.set_gid(f"series-{panel.queue}-band80")
    (hist,) = a.step(panel.history_at, panel.history, where="post", color="#000000",  # type: ignore[attr-defined]
                     lw=0.7, label="history")
    hist.set_gid(f"series-{panel.queue}-history")
    (mean,) = a.step(panel.forecast_at, panel.mean, where="post", color=PALETTE[0], lw=1.1,  # type: ignore[attr-defined]
                     ls="--", label="forecast")
    mean.set_gid(f"series-{panel.queue}-forecast")
    a.set_ylabel("contacts")  # type: ignore[attr-defined]
    a.set_title(f"{panel.queue}" + (f" — {panel.note}" if panel.note else ""))  # type: ignore[attr-defined]
    a.set_ylim(bottom=0)  # type: ignore[attr-defined]
    a.legend(loc="lower right", bbox_to_anchor=(1, 1), ncols=4)  # type: ignore[attr-defined]
