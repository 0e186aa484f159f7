"""The ticket history the weekly metrics are computed from: one row per ticket, as a frame.

The importer (:mod:`scheduler.tickets`) reads the help desk's exports; this module fixes the
columns the metrics read, so that a frame built from Zendesk, Freshdesk or the normalised CSV
looks the same. Times are UTC; minutes are floats, NaN where the export does not say.
"""

from __future__ import annotations

import pandas as pd

TEXT_COLUMNS = ("ticket", "status", "priority", "channel", "group", "queue", "agent")
TIME_COLUMNS = ("created", "solved")
MINUTE_COLUMNS = ("first_reply_minutes", "first_reply_business_minutes",
                  "resolution_minutes", "resolution_business_minutes")
COUNT_COLUMNS = ("replies", "reopens")
HISTORY_COLUMNS = TEXT_COLUMNS + TIME_COLUMNS + MINUTE_COLUMNS + COUNT_COLUMNS
SLA_PREFIX = "sla_"
"""Columns ``sla_<metric>`` hold ``achieved``, ``breached`` or empty (no target, or running)."""
SLA_OUTCOMES = ("achieved", "breached")


def empty_history() -> pd.DataFrame:
    """A history frame with no ticket (every column, with its type)."""
    return normalise_history(pd.DataFrame({c: [] for c in HISTORY_COLUMNS}))


def normalise_history(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with every history column present and typed.

    Missing text columns become empty text, missing times NaT, missing minutes and counts NaN.
    ``resolution_minutes`` is filled from ``solved - created`` where the export gave no figure.
    ``sla_*`` columns are kept as text.

    Parameters
    ----------
    frame
        One row per ticket; at least ``ticket`` and ``created`` (UTC-aware or naive UTC).
    """
    out = pd.DataFrame(index=frame.index)
    for column in TEXT_COLUMNS:
        values = frame[column] if column in frame else pd.Series("", index=frame.index)
        out[column] = values.fillna("").astype(str)
    for column in TIME_COLUMNS:
        values = frame[column] if column in frame else pd.Series(pd.NaT, index=frame.index)
        out[column] = pd.to_datetime(values, utc=True)
    for column in MINUTE_COLUMNS + COUNT_COLUMNS:
        values = frame[column] if column in frame else pd.Series(float("nan"),
                                                                  index=frame.index)
        out[column] = pd.to_numeric(values, errors="coerce").astype(float)
    spent = (out["solved"] - out["created"]).dt.total_seconds() / 60
    out["resolution_minutes"] = out["resolution_minutes"].fillna(spent)
    for column in sorted(c for c in frame.columns if str(c).startswith(SLA_PREFIX)):
        out[column] = frame[column].fillna("").astype(str)
    return out.reset_index(drop=True)


def sla_metrics(history: pd.DataFrame) -> list[str]:
    """The SLA metrics the history has outcomes for (``first_reply_time``, ...), sorted."""
    return sorted(c[len(SLA_PREFIX):] for c in history.columns if c.startswith(SLA_PREFIX))
