"""The help desk's history → contacts per queue on the team's wall clock.

Three kinds of file are read, each into one table of events (local time, queue, contacts,
handle seconds):

- a CSV of counts per interval, ``interval_start, queue, contacts[, handle_seconds]``
  (``handle_seconds``: the mean handle time of the interval's contacts), for phone and chat
  systems that only give counts;
- the project's ticket CSV (docs/tickets.md), read with pandas in one pass (a million tickets
  in seconds), each ticket one contact at its creation time, routed by team.yaml's rules;
- Zendesk and Freshdesk JSON exports (pages and side files), through the ticket importer
  (scheduler.tickets.read.read_export: each ticket's newest copy, deleted / spam / merged left
  out and counted).

Deleted, spam and merged tickets are not demand. Every problem names the file, the row (or JSON
path) and the column, and says what to do.
"""

from __future__ import annotations

import csv
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd

from scheduler.errors import Problems
from scheduler.forecast.settings import ForecastSettings
from scheduler.tickets.exports import guess_format
from scheduler.tickets.policy import RoutingRule, TicketPolicy
from scheduler.tickets.read import read_export
from scheduler.tickets.records import RawTicket

__all__ = ["COUNT_COLUMNS", "Events", "read_counts", "read_history", "read_ticket_table"]

COUNT_COLUMNS = ("interval_start", "queue", "contacts")
NOT_DEMAND = frozenset({"deleted", "spam", "merged"})
MERGE_TAGS = frozenset({"closed_by_merge", "spam"})
LOCAL = re.compile(r"^\d{4}-\d{2}-\d{2}[ T]\d{1,2}:\d{2}(:\d{2})?$")
COLUMNS = ["local", "queue", "contacts", "handle_s", "handled"]


@dataclass
class Events:
    """Contacts read from the history, one row per ticket or counts row.

    Attributes
    ----------
    table
        ``local`` (naive local wall-clock time), ``queue``, ``contacts``, ``handle_s`` (handle
        seconds summed over the row's contacts, 0 when unknown) and ``handled`` (contacts whose
        handle time is known).
    skipped
        Tickets left out per reason (``deleted``, ``no routing rule matches``).
    files
        Files read, with the kind each was read as.
    """

    table: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=COLUMNS))
    skipped: Counter[str] = field(default_factory=Counter)
    files: list[tuple[str, str]] = field(default_factory=list)


def read_history(paths: Sequence[Path | str], queues: Sequence[str], zone: str,
                 policy: TicketPolicy, settings: ForecastSettings,
                 problems: Problems) -> Events:
    """Read every history file into one table of events (problems recorded, not raised).

    Parameters
    ----------
    paths
        Counts CSVs, ticket CSVs, Zendesk / Freshdesk JSON exports, or folders of them.
    queues
        The queue ids of team.yaml.
    zone
        The team's time zone: naive times are read in it, times with offsets converted to it.
    policy, settings
        team.yaml's ``tickets:`` (routing) and ``forecast:`` (handle-time field).
    """
    parts, events, exports = [], Events(), []
    for path in _files(paths, problems):
        kind = _kind(path, problems)
        if kind is None:
            continue
        events.files.append((path.name, kind))
        if kind == "counts":
            parts.append(read_counts(path, queues, zone, problems))
        elif kind == "csv":
            parts.append(read_ticket_table(path, queues, zone, policy, settings, problems,
                                           events.skipped))
        else:
            exports.append(path)
    if exports:  # pages of one export: the importer keeps each ticket's newest copy
        export = read_export(exports, ZoneInfo(zone), None, problems, Problems())
        events.skipped.update(export.skipped)
        parts.append(_route_raw(export.raws, queues, zone, policy, settings, events.skipped))
    parts = [p for p in parts if len(p)]
    if parts:
        events.table = pd.concat(parts, ignore_index=True)
    return events


def _files(paths: Sequence[Path | str], problems: Problems) -> list[Path]:
    found: list[Path] = []
    for item in map(Path, paths):
        if item.is_dir():
            found += sorted(p for p in item.iterdir() if p.suffix.lower() in (".json", ".csv"))
        elif item.is_file():
            found.append(item)
        else:
            problems.add(item.name, f"the history file {item} does not exist",
                         "check the path given to --history")
    return found


def _kind(path: Path, problems: Problems) -> str | None:
    """``counts``, ``csv`` (tickets), ``zendesk`` or ``freshdesk``; None (a problem) when the
    file is none of them."""
    if path.suffix.lower() != ".csv":
        return guess_format(path)
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            header = [c.strip().lower() for c in next(csv.reader(handle), [])]
    except (OSError, UnicodeDecodeError) as exc:
        problems.add(path.name, f"the file cannot be read as UTF-8 text ({exc})",
                     "save it as CSV UTF-8")
        return None
    if all(c in header for c in COUNT_COLUMNS):
        return "counts"
    if "ticket_id" in header and "created_at" in header:
        return "csv"
    problems.add(path.name, "this is neither a ticket export (ticket_id, created_at) nor a "
                 "CSV of counts (interval_start, queue, contacts); its columns are "
                 + (", ".join(header[:8]) or "none"),
                 "export tickets as in docs/tickets.md, or counts per interval as in "
                 "docs/forecast.md", row=1)
    return None


def _times(cells: pd.Series, zone: str, file: str, column: str,
           problems: Problems, lines: np.ndarray) -> pd.Series:
    """Local wall-clock times of ``YYYY-MM-DD HH:MM`` cells (team time) or ISO with offset."""
    text = cells.fillna("").astype(str).str.strip()
    local = text.str.match(LOCAL.pattern)
    out = pd.Series(pd.NaT, index=cells.index, dtype="datetime64[ns]")
    out[local] = pd.to_datetime(text[local].str.replace("T", " "), format="mixed",
                                errors="coerce")
    other = ~local & (text != "")
    if other.any():
        out[other] = _with_offsets(text[other], zone)
    for i in np.flatnonzero(out.isna().to_numpy())[:20]:
        problems.add(file, "not a time" if text.iloc[i] else "the time is missing",
                     "write YYYY-MM-DD HH:MM (team time) or ISO with offset such as "
                     "2026-11-30T09:00+01:00", row=int(lines[i]), column=column,
                     value=text.iloc[i] or None)
    if out.isna().sum() > 20:
        problems.add(file, f"{int(out.isna().sum()) - 20} more rows without a readable time",
                     "fix those and run again", column=column)
    return out


def _with_offsets(text: pd.Series, zone: str) -> pd.Series:
    """ISO times with offsets → local wall-clock times in ``zone``. Parsed a UTC offset at a
    time: pandas' fast path needs one offset per call (an export has a few: summer, winter)."""
    suffix = text.str[-6:].where(~text.str.endswith("Z"), "Z")
    groups = suffix.groupby(suffix).groups
    if len(groups) > 50:
        groups = {"mixed": text.index}
    out = pd.Series(pd.NaT, index=text.index, dtype="datetime64[ns]")
    for index in groups.values():
        aware = pd.to_datetime(text[index], format="ISO8601", utc=True, errors="coerce")
        out[index] = aware.dt.tz_convert(zone).dt.tz_localize(None)
    return out


def _numbers(cells: pd.Series, file: str, column: str, problems: Problems,
             lines: np.ndarray, *, required: bool) -> pd.Series:
    text = cells.fillna("").astype(str).str.strip()
    values = pd.to_numeric(text, errors="coerce")
    bad = (values.isna() & ((text != "") | required)) | (values < 0) | ~np.isfinite(
        values.fillna(0))
    for i in np.flatnonzero(bad.to_numpy())[:20]:
        problems.add(file, "not a number of 0 or more" if text.iloc[i] else "the number is "
                     "missing", "write a count such as 12 (or 0)", row=int(lines[i]),
                     column=column, value=text.iloc[i] or None)
    return values.where(~bad)


def read_counts(path: Path, queues: Sequence[str], zone: str,
                problems: Problems) -> pd.DataFrame:
    """Read a CSV of counts per interval (``interval_start, queue, contacts[,
    handle_seconds]``) into events; bad cells are problems with row and column."""
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig",
                            skipinitialspace=True)
    except (pd.errors.ParserError, UnicodeDecodeError, ValueError) as exc:
        problems.add(path.name, f"the file is not a readable CSV ({exc})",
                     "save it as CSV UTF-8 with a header row")
        return pd.DataFrame(columns=COLUMNS)
    frame.columns = [c.strip().lower() for c in frame.columns]
    lines = np.arange(len(frame)) + 2
    local = _times(frame["interval_start"], zone, path.name, "interval_start", problems, lines)
    queue = frame["queue"].str.strip()
    unknown = ~queue.isin(list(queues))
    for i in np.flatnonzero(unknown.to_numpy())[:20]:
        problems.add(path.name, f"queue {queue.iloc[i]!r} is not a queue of team.yaml",
                     f"use one of: {', '.join(queues)}", row=int(lines[i]), column="queue",
                     value=queue.iloc[i])
    contacts = _numbers(frame["contacts"], path.name, "contacts", problems, lines,
                        required=True)
    handle = (_numbers(frame["handle_seconds"], path.name, "handle_seconds", problems, lines,
                       required=False) if "handle_seconds" in frame else
              pd.Series(np.nan, index=frame.index))
    known = handle.notna() & contacts.notna()
    events = pd.DataFrame({"local": local, "queue": queue, "contacts": contacts,
                           "handle_s": (handle * contacts).where(known, 0.0),
                           "handled": contacts.where(known, 0.0)})
    return events[~unknown].dropna(subset=["local", "contacts"])


def read_ticket_table(path: Path, queues: Sequence[str], zone: str, policy: TicketPolicy,
                      settings: ForecastSettings, problems: Problems,
                      skipped: Counter[str]) -> pd.DataFrame:
    """Read the project's ticket CSV in one pass: each ticket one contact at its creation
    time, routed to a queue; deleted, spam and merged tickets skipped."""
    wanted = {"created_at", "status", "tags", "channel", "group_id", "type", "queue",
              settings.handle_time_field or "", *(r.field or "" for r in policy.routing)}
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig",
                            usecols=lambda c: c.strip() in wanted)
    except (pd.errors.ParserError, UnicodeDecodeError, ValueError) as exc:
        problems.add(path.name, f"the file is not a readable CSV ({exc})",
                     "save it as CSV UTF-8 with a header row")
        return pd.DataFrame(columns=COLUMNS)
    frame.columns = [c.strip() for c in frame.columns]
    lines = np.arange(len(frame)) + 2
    status = frame.get("status", pd.Series("", index=frame.index)).str.strip().str.lower()
    tags = frame.get("tags", pd.Series("", index=frame.index)).str.lower()
    dropped = status.isin(NOT_DEMAND) | _has_any_tag(tags, MERGE_TAGS)
    reasons = status[dropped].where(status[dropped].isin(NOT_DEMAND), "merged")
    for reason, count in reasons.value_counts().items():
        skipped[str(reason)] += int(count)
    frame, lines, tags = frame[~dropped], lines[~dropped.to_numpy()], tags[~dropped]
    local = _times(frame["created_at"], zone, path.name, "created_at", problems, lines)
    queue = _route_table(frame, tags, policy, queues, path.name, problems, lines)
    skipped["no routing rule matches"] += int(queue.isna().sum())
    handle = _ticket_handle(frame, settings, path.name, problems, lines)
    return pd.DataFrame({"local": local, "queue": queue, "contacts": 1.0,
                         "handle_s": handle.fillna(0.0),
                         "handled": handle.notna().astype(float)}).dropna(
        subset=["local", "queue"])


def _has_any_tag(tags: pd.Series, wanted: frozenset[str]) -> pd.Series:
    pattern = r"(?:^|;)\s*(?:" + "|".join(map(re.escape, sorted(wanted))) + r")\s*(?:;|$)"
    return tags.str.contains(pattern, regex=True)


def _route_table(frame: pd.DataFrame, tags: pd.Series, policy: TicketPolicy,
                 queues: Sequence[str], file: str, problems: Problems,
                 lines: np.ndarray) -> pd.Series:
    """Each ticket's queue: the ``queue`` column when given, else the first matching rule."""
    empty = pd.Series("", index=frame.index)
    given = frame.get("queue", empty).str.strip()
    queue = given.where(given != "")
    unknown = queue.notna() & ~queue.isin(list(queues))
    for i in np.flatnonzero(unknown.to_numpy())[:20]:
        problems.add(file, f"queue {queue.iloc[i]!r} is not a queue of team.yaml",
                     f"use one of: {', '.join(queues)}", row=int(lines[i]), column="queue",
                     value=queue.iloc[i])
    queue = queue.where(~unknown)
    columns = {"group": frame.get("group_id", empty).str.strip(),
               "channel": frame.get("channel", empty).str.strip().str.lower(),
               "type": frame.get("type", empty).str.strip().str.lower()}
    for rule in policy.routing:
        match = queue.isna() & _matches(rule, frame, columns, tags)
        queue = queue.where(~match, rule.queue)
    return queue


def _matches(rule: RoutingRule, frame: pd.DataFrame, columns: dict[str, pd.Series],
             tags: pd.Series) -> pd.Series:
    match = pd.Series(True, index=frame.index)
    if rule.group is not None:
        match &= columns["group"] == rule.group
    if rule.channel is not None:
        match &= columns["channel"] == rule.channel
    if rule.type is not None:
        match &= columns["type"] == rule.type.lower()
    if rule.tag is not None:
        match &= _has_any_tag(tags, frozenset({rule.tag.lower()}))
    if rule.field is not None:
        match &= frame.get(rule.field, pd.Series("", index=frame.index)).str.strip() \
            == rule.value
    return match


def _ticket_handle(frame: pd.DataFrame, settings: ForecastSettings, file: str,
                   problems: Problems, lines: np.ndarray) -> pd.Series:
    name = settings.handle_time_field
    if name is None or name not in frame:
        return pd.Series(np.nan, index=frame.index)
    values = _numbers(frame[name], file, name, problems, lines, required=False)
    return values * (60.0 if settings.handle_time_unit == "minutes" else 1.0)


def _route_raw(raws: list[RawTicket], queues: Sequence[str], zone: str, policy: TicketPolicy,
               settings: ForecastSettings, skipped: Counter[str]) -> pd.DataFrame:
    """Tickets read by the importer → events (status and merge tags decide what is demand)."""
    rows = []
    unit = 60.0 if settings.handle_time_unit == "minutes" else 1.0
    tz = ZoneInfo(zone)
    for raw in {r.id: r for r in raws}.values():  # the later copy of a ticket wins
        lowered = {t.lower() for t in raw.tags}
        if raw.status in NOT_DEMAND or lowered & MERGE_TAGS:
            skipped[raw.status if raw.status in NOT_DEMAND else "merged"] += 1
            continue
        queue = raw.queue if raw.queue in queues else next(
            (r.queue for r in policy.routing
             if r.matches(raw.group, raw.channel, raw.tags, raw.type, raw.fields)), None)
        if queue is None:
            skipped["no routing rule matches"] += 1
            continue
        handle = _float(raw.fields.get(settings.handle_time_field or "", ""))
        rows.append((raw.created.astimezone(tz).replace(tzinfo=None), queue, 1.0,
                     0.0 if handle is None else handle * unit, float(handle is not None)))
    return pd.DataFrame(rows, columns=COLUMNS)


def _float(text: str) -> float | None:
    try:
        value = float(text)
    except (TypeError, ValueError):
        return None
    return value if np.isfinite(value) and value >= 0 else None
