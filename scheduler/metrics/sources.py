"""The history frame from the help desk's exports (through the ticket importer).

The importer reads the files as :func:`scheduler.tickets.load_tickets` does (deleted, spam and
merged tickets left out, newest copy of each ticket); here every ticket is kept whatever its
status, routed to its queue by team.yaml's rules, and its SLA targets judged:

- a target whose moment of fulfilment is known (first reply: created + first reply time;
  resolution and requester wait: the solve) is ``achieved`` when that moment is at or before
  the breach time, else ``breached``;
- otherwise a target the help desk marks ``achieved`` is achieved, one whose breach time is at
  or before the export's newest change is ``breached``, and one still running is not counted.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pandas as pd

from scheduler.domain import Problem
from scheduler.errors import Problems
from scheduler.metrics.history import empty_history, normalise_history
from scheduler.tickets.policy import TicketPolicy
from scheduler.tickets.read import agent_for, export_files, people_by_id, read_export, route_one
from scheduler.tickets.records import Format, RawTicket

REPLY_METRICS = ("first_reply_time",)
SOLVE_METRICS = ("requester_wait_time", "agent_work_time", "resolution_time")


def sla_outcomes(raw: RawTicket, as_of: datetime | None) -> dict[str, str]:
    """Each SLA metric's outcome for one ticket (see the module note); running ones left out."""
    found: dict[str, str] = {}
    for metric, breach, stage in raw.targets:
        done = None
        if metric in REPLY_METRICS and raw.first_reply_minutes is not None:
            done = raw.created + timedelta(minutes=raw.first_reply_minutes)
        elif metric in SOLVE_METRICS and raw.solved is not None:
            done = raw.solved
        if done is not None:
            outcome = "achieved" if done <= breach else "breached"
        elif stage == "achieved":
            outcome = "achieved"
        elif as_of is not None and breach <= as_of:
            outcome = "breached"
        else:
            continue
        if found.get(metric) != "breached":
            found[metric] = outcome
    return found


def history_from_export(paths: Sequence[Path | str] | Path | str, problem: Problem,
                        policy: TicketPolicy, problems: Problems, warnings: Problems,
                        fmt: Format | None = None) -> tuple[pd.DataFrame, Counter[str]]:
    """Read an export (files, or folders of pages) into the history frame.

    Returns
    -------
    tuple of DataFrame and Counter
        The history (one row per ticket kept) and what was left out per reason.
    """
    files = export_files(paths)
    export = read_export(files, ZoneInfo(problem.time_zone), fmt, problems, warnings)
    people = people_by_id(problem, export.directory)
    rows = []
    for raw in export.raws:
        target = route_one(raw, policy)
        row = {
            "ticket": raw.id, "created": raw.created, "solved": raw.solved,
            "status": raw.status, "priority": raw.priority, "channel": raw.channel,
            "group": raw.group_name or raw.group or "",
            "queue": target[0] if target else "",
            "agent": agent_for(raw, problem, policy, people) or raw.assignee or "",
            "first_reply_minutes": raw.first_reply_minutes,
            "first_reply_business_minutes": raw.first_reply_business,
            "resolution_minutes": raw.resolution_minutes,
            "resolution_business_minutes": raw.resolution_business,
            "replies": raw.replies, "reopens": raw.reopens}
        for metric, outcome in sla_outcomes(raw, export.as_of).items():
            row[f"sla_{metric}"] = outcome
        rows.append(row)
    if not rows:
        return empty_history(), export.skipped
    return normalise_history(pd.DataFrame(rows)), export.skipped


HISTORY_CSV_REQUIRED = ("ticket_id", "created_at")
SKIPPED_STATUSES = ("deleted", "spam")
MAX_LISTED = 20


def read_history_csv(path: Path, problem: Problem, policy: TicketPolicy,
                     problems: Problems) -> tuple[pd.DataFrame, Counter[str]]:
    """A history CSV (docs/metrics.md) read column-wise, for millions of tickets.

    Times without an offset are team time. Rows with status ``deleted`` or ``spam`` or the tag
    ``closed_by_merge`` are left out and counted; tickets without a ``queue`` are routed by
    team.yaml's rules. Bad cells (a time that does not parse, a queue team.yaml does not
    know) are problems with their row.
    """
    try:
        raw = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError, pd.errors.ParserError,
            pd.errors.EmptyDataError) as exc:
        problems.add(path.name, f"cannot read the CSV ({exc})", "save it as UTF-8 CSV")
        return empty_history(), Counter()
    missing = [c for c in HISTORY_CSV_REQUIRED if c not in raw.columns]
    if missing:
        problems.add(path.name, f"missing column(s) {', '.join(missing)}",
                     "add ticket_id and created_at (see docs/metrics.md)", row=1)
        return empty_history(), Counter()
    skipped: Counter[str] = Counter()
    status = _column(raw, "status").str.strip().str.lower().replace("hold", "on_hold")
    tags = _column(raw, "tags")
    gone = status.isin(SKIPPED_STATUSES) | tags.str.contains(r"(?:^|;)\s*closed_by_merge\s*(?:;|$)")
    for reason, mask in (("deleted", status == "deleted"), ("spam", status == "spam"),
                         ("merged", gone & ~status.isin(SKIPPED_STATUSES))):
        if mask.any():
            skipped[reason] += int(mask.sum())
    lines = pd.Series(raw.index + 2, index=raw.index)
    raw, status, tags, lines = raw[~gone], status[~gone], tags[~gone], lines[~gone]
    zone = ZoneInfo(problem.time_zone)
    frame = pd.DataFrame({
        "ticket": raw["ticket_id"].str.strip(), "status": status,
        "created": _times(raw["created_at"], zone, path.name, "created_at", lines, problems),
        "solved": _times(_column(raw, "solved_at"), zone, path.name, "solved_at", lines,
                         problems),
        "priority": _column(raw, "priority").str.lower().replace("", "normal"),
        "channel": _column(raw, "channel").str.strip().str.lower(),
        "group": _column(raw, "group").where(_column(raw, "group") != "",
                                             _column(raw, "group_id")),
        "queue": route_frame(raw, tags, policy),
        "agent": _agents(raw, problem, policy)})
    for column in ("first_reply_minutes", "first_reply_business_minutes", "resolution_minutes",
                   "resolution_business_minutes", "replies", "reopens"):
        frame[column] = pd.to_numeric(_column(raw, column), errors="coerce")
    for column in (c for c in raw.columns if c.startswith("sla_")):
        frame[column] = raw[column].str.strip().str.lower()
    unknown = frame["queue"].ne("") & ~frame["queue"].isin(list(problem.queue_index))
    for line, value in list(zip(lines[unknown], frame["queue"][unknown], strict=True))[:MAX_LISTED]:
        problems.add(path.name, f"queue {value} is not in the queues of team.yaml",
                     f"use one of: {', '.join(problem.queue_index)}", row=int(line),
                     column="queue", value=value)
    return normalise_history(frame), skipped


def _column(frame: pd.DataFrame, name: str) -> pd.Series:
    return frame[name] if name in frame else pd.Series("", index=frame.index, dtype=object)


def _times(values: pd.Series, zone: ZoneInfo, file: str, column: str, lines: pd.Series,
           problems: Problems) -> pd.Series:
    """ISO times (team time unless they carry an offset) as UTC; bad ones are problems."""
    text = values.str.strip()
    given = text != ""
    aware = text.str.contains(r"(?:Z|[+-]\d\d:?\d\d)$", regex=True)
    out = pd.Series(pd.NaT, index=values.index, dtype="datetime64[ns, UTC]")
    if (given & aware).any():
        out[given & aware] = pd.to_datetime(text[given & aware], utc=True, errors="coerce",
                                            format="ISO8601")
    if (given & ~aware).any():
        local = pd.to_datetime(text[given & ~aware], errors="coerce", format="ISO8601")
        out[given & ~aware] = local.dt.tz_localize(zone, ambiguous="NaT",
                                                   nonexistent="shift_forward").dt.tz_convert(
            "UTC")
    bad = given & out.isna()
    if column == "created_at":
        bad |= ~given
    for line, value in list(zip(lines[bad], text[bad], strict=True))[:MAX_LISTED]:
        problems.add(file, "not a time", "write YYYY-MM-DD HH:MM (team time) or ISO 8601 with "
                     "an offset", row=int(line), column=column, value=value)
    return out


def route_frame(raw: pd.DataFrame, tags: pd.Series, policy: TicketPolicy) -> pd.Series:
    """Each row's queue: its ``queue`` cell, else the first routing rule that matches."""
    queue = _column(raw, "queue").str.strip()
    group_id = _column(raw, "group_id").str.strip()
    group = _column(raw, "group").str.strip().str.lower()
    channel = _column(raw, "channel").str.strip().str.lower()
    kind = _column(raw, "type").str.strip().str.lower()
    words = ";" + tags.str.replace(r"\s*;\s*", ";", regex=True).str.strip() + ";"
    open_ = queue == ""
    for rule in policy.routing:
        match = open_.copy()
        if rule.group is not None:
            match &= (group_id == rule.group) | (group == rule.group.strip().lower())
        if rule.channel is not None:
            match &= channel == rule.channel
        if rule.tag is not None:
            match &= words.str.contains(f";{rule.tag};", regex=False)
        if rule.type is not None:
            match &= kind == rule.type.lower()
        if rule.field is not None:
            match &= _column(raw, rule.field) == rule.value
        queue = queue.where(~match, rule.queue)
        open_ &= ~match
    return queue


def _agents(raw: pd.DataFrame, problem: Problem, policy: TicketPolicy) -> pd.Series:
    ids = _column(raw, "assignee_id").str.strip()
    known = {agent: agent for agent in problem.agent_index}
    known.update({helpdesk: agent for agent, helpdesk in policy.helpdesk_ids.items()})
    return ids.map(known).fillna(ids)
