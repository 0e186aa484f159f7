"""The report page's Forecast section, when the team folder's forecast.csv came from
``scheduler forecast`` (its backtest table and chart lie beside it, written together)."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

__all__ = ["forecast_section"]

STALE_SECONDS = 2.0


def forecast_section(team_dir: Path | str) -> dict[str, Any] | None:
    """The section's content, or None when forecast.csv was not made by the forecast stage
    (no forecast-backtest.csv beside it, or forecast.csv changed after it was written)."""
    folder = Path(team_dir)
    table, chart, made = (folder / "forecast-backtest.csv", folder / "forecast.svg",
                          folder / "forecast.csv")
    try:
        if made.stat().st_mtime > table.stat().st_mtime + STALE_SECONDS:
            return None  # edited by hand since
        with table.open(encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle))
        svg = chart.read_text(encoding="utf-8") if chart.is_file() else ""
    except (OSError, UnicodeDecodeError, csv.Error):
        return None
    found = _rows(rows)
    if not found:
        return None
    origins = rows[0].get("origins", "")
    return {"rows": found, "svg": svg[svg.find("<svg"):] if "<svg" in svg else "",
            "note": f"{origins} weekly backtest origins"}


def _rows(rows: list[dict[str, str]]) -> list[dict[str, str]]:
    """One row per queue: the chosen model's figures beside the baselines' WAPE."""
    by_queue: dict[str, dict[str, dict[str, str]]] = {}
    for row in rows:
        by_queue.setdefault(row.get("queue", ""), {})[row.get("model", "")] = row
    found = []
    for queue, models in by_queue.items():
        chosen = next((r for r in models.values() if r.get("chosen") == "yes"), None)
        if chosen is None:
            continue
        found.append({
            "queue": queue + (" (thin: daily totals)" if chosen.get("thin") else ""),
            "model": chosen.get("model", ""), "wape": chosen.get("wape", ""),
            "naive": models.get("seasonal naive", {}).get("wape", ""),
            "median": models.get("median of 4 weeks", {}).get("wape", ""),
            "bias": chosen.get("bias", ""), "coverage80": chosen.get("coverage80", ""),
            "coverage95": chosen.get("coverage95", "")})
    return found
