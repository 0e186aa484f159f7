"""The normalised ticket CSV read column-wise: hundreds of thousands of rows in seconds.

:func:`read_ticket_columns` parses every column at once with pandas and returns the same
:class:`~scheduler.tickets.records.RawTicket` records as the row reader, or None as soon as any
cell is not plainly valid (a bad time, an unknown status, a ticket twice, a cell over several
lines, ...): the caller then reads the file row by row, which names every problem with its row
and column. Clean files, the common case, never pay for the row reader.
"""

from __future__ import annotations

import io
import math
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd

from scheduler.tickets.records import RawTicket, Source

MIN_ROWS = 1_000
"""Smaller files go row by row (fast enough, and the one reader for every small case)."""
TIME = r"^\d{4}-\d\d-\d\d[ T]\d\d:\d\d(?::\d\d(?:\.\d+)?)?(?:Z|[+-]\d\d:?\d\d)?$"
YES = {"yes": True, "y": True, "true": True, "1": True, "no": False, "n": False,
       "false": False, "0": False, "": False}


class _Unclean(Exception):
    """A cell the row reader must look at."""


def read_ticket_columns(path: Path, zone: ZoneInfo, statuses: dict[str, str],
                        priorities: tuple[str, ...],
                        known: tuple[str, ...]) -> list[RawTicket] | None:
    """The file's tickets, or None when it is small or any cell needs the row reader."""
    try:
        data = path.read_bytes()
        frame = pd.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False,
                            encoding="utf-8")
    except (OSError, UnicodeDecodeError, ValueError, pd.errors.ParserError):
        return None
    if data.count(b"\n") + (not data.endswith(b"\n")) != len(frame) + 1 or b"\r" in data:
        return None  # a cell over several lines, blank lines or CR line ends: row by row
    frame.columns = [str(c).strip().lower() for c in frame.columns]
    if len(frame) < MIN_ROWS or len(set(frame.columns)) != len(frame.columns) or any(
            c not in known and not c.startswith(("cf_", "#")) for c in frame.columns):
        return None
    try:
        return _records(frame, path.name, zone, statuses, priorities)
    except _Unclean:
        return None


def _col(frame: pd.DataFrame, name: str) -> pd.Series:
    return frame[name].str.strip() if name in frame else pd.Series("", index=frame.index)


def _check(ok: object) -> None:
    if not bool(np.all(np.asarray(ok))):
        raise _Unclean


def _times(values: pd.Series, zone: ZoneInfo, need: bool) -> list[object]:
    given = values != ""
    _check(given.all() if need else True)
    _check(values[given].str.match(TIME).all())
    aware = values.str.contains(r"(?:Z|[+-]\d\d:?\d\d)$", regex=True) & given
    out = pd.Series(pd.NaT, index=values.index, dtype=f"datetime64[ns, {zone.key}]")
    if aware.any():
        out[aware] = pd.to_datetime(values[aware], utc=True, format="ISO8601").dt.tz_convert(
            zone)
    naive = given & ~aware
    if naive.any():
        local = pd.to_datetime(values[naive], format="ISO8601")
        out[naive] = local.dt.tz_localize(zone, ambiguous="NaT", nonexistent="NaT")
    _check(out[given].notna().all())
    years = out[given].dt.year
    _check(years.between(1900, 2999).all())
    moments = out.dt.to_pydatetime()
    return [m if ok else None for m, ok in zip(moments, given, strict=True)]


def _records(frame: pd.DataFrame, file: str, zone: ZoneInfo, statuses: dict[str, str],
             priorities: tuple[str, ...]) -> list[RawTicket]:
    ids = _col(frame, "ticket_id")
    _check(ids.ne("").all() & ~ids.duplicated().any())
    _check(ids.map(str.isprintable).all())
    status = _col(frame, "status").str.lower().replace("", "open")
    _check(status.isin(list(statuses)).all())
    priority = _col(frame, "priority").str.lower().replace("", "normal")
    _check(priority.isin(list(priorities)).all())
    responded = _col(frame, "responded").str.lower()
    _check(responded.isin(list(YES)).all())
    effort = pd.to_numeric(_col(frame, "effort_minutes").replace("", "nan"), errors="coerce")
    _check(((effort > 0) & (effort <= 100_000)) | (_col(frame, "effort_minutes") == ""))
    tier = _col(frame, "tier")
    _check(tier.str.fullmatch(r"[1-9]\d{0,5}") | (tier == ""))
    created = _times(_col(frame, "created_at"), zone, need=True)
    first = _times(_col(frame, "first_response_due_at"), zone, need=False)
    due = _times(_col(frame, "due_at"), zone, need=False)
    fields = [c for c in frame.columns if c.startswith("cf_")]
    states = status.tolist()
    levels = priority.tolist()
    replied = responded.tolist()
    minutes = effort.tolist()
    tiers = tier.tolist()
    columns = {name: _col(frame, name).tolist() for name in (
        "type", "channel", "group_id", "assignee_id", "tags", "queue", "subject")}
    cf = {name: _col(frame, name).tolist() for name in fields}
    out = []
    for i, ticket in enumerate(ids.tolist()):
        tags = columns["tags"][i]
        out.append(RawTicket(
            id=ticket, created=created[i], source=Source(file, i + 2),  # type: ignore[arg-type]
            status=statuses[states[i]], priority=levels[i],
            type=columns["type"][i] or None, channel=columns["channel"][i].lower(),
            group=columns["group_id"][i] or None, assignee=columns["assignee_id"][i] or None,
            tags=frozenset(t.strip() for t in tags.split(";") if t.strip()) if tags
            else frozenset(),
            fields={name: cf[name][i] for name in fields if cf[name][i]},
            first_response_due=first[i], resolution_due=due[i],  # type: ignore[arg-type]
            responded=YES[replied[i]],
            effort=None if math.isnan(minutes[i]) else math.ceil(minutes[i] - 1e-9),
            queue=columns["queue"][i] or None, tier=int(tiers[i]) if tiers[i] else None,
            subject=columns["subject"][i]))
    return out
