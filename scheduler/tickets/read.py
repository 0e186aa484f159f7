"""Open tickets in: the normalised CSV, a Zendesk export or a Freshdesk export → :class:`Ticket`.

Each reader turns its source into :class:`RawTicket` records (the normalised fields of
docs/tickets.md). :func:`route` then applies team.yaml's ``tickets:`` policy: open statuses
only, first matching routing rule → queue and tier, effort from the queue's handle time, the due
time that applies now, the current assignee as a team agent. Hard problems (a missing id, a bad
timestamp, a ticket twice in one CSV) are collected with file, row and column (or JSON path) and
raised together as one :class:`~scheduler.errors.TeamFolderError`; soft ones (no rule matches,
an assignee who is not on the team, a timestamp without a zone) are counted warnings.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo

from scheduler.domain import Problem, Ticket
from scheduler.errors import InputProblem, Problems, TeamFolderError
from scheduler.load.cells import (
    CellError,
    RowReader,
    localize,
    parse_choice,
    parse_float,
    parse_int,
    parse_moment,
    read_table,
    text,
)
from scheduler.tickets.columns import read_ticket_columns
from scheduler.tickets.exports import JsonFile, guess_format, read_json_file
from scheduler.tickets.policy import PRIORITIES, TicketPolicy
from scheduler.tickets.records import Directory, Format, RawTicket, Source

CSV_REQUIRED = ("ticket_id", "created_at")
STATUS_NAMES = {"new": "new", "open": "open", "pending": "pending", "hold": "on_hold",
                "on_hold": "on_hold", "solved": "solved", "closed": "closed"}
CSV_OPTIONAL = ("status", "priority", "type", "channel", "group_id", "assignee_id", "tags",
                "first_response_due_at", "due_at", "effort_minutes", "queue", "tier",
                "responded", "subject", "updated_at")


@dataclass
class TicketLoad:
    """Tickets ready to assign, with what was left out and why.

    Attributes
    ----------
    tickets
        Open, routed tickets in file order.
    skipped
        Count of tickets left out per reason (``status solved``, ``no routing rule matches``,
        ``deleted``, ``spam``, ``merged``, ``older copy of a ticket``, ``no status``).
    warnings
        One entry per ticket something was assumed or dropped for (where and what).
    system
        The help desk the tickets came from (``csv``: the normalised CSV).
    unmapped
        Help-desk user id → team agent for assignees known by e-mail (users/agents files).
    """

    tickets: tuple[Ticket, ...]
    skipped: Counter[str] = field(default_factory=Counter)
    warnings: list[InputProblem] = field(default_factory=list)
    system: Format = "csv"
    unmapped: dict[str, str] = field(default_factory=dict)


def load_tickets(paths: Sequence[Path | str] | Path | str, problem: Problem,
                 policy: TicketPolicy, fmt: Format | None = None) -> TicketLoad:
    """Read open tickets from one file, several (paginated) files or a folder of pages.

    Parameters
    ----------
    paths
        Files, or one folder whose ``*.json`` / ``*.csv`` files are read in name order.
    problem, policy
        The team (queues, agents, time zone) and its ``tickets:`` section of team.yaml.
    fmt
        ``csv``, ``zendesk`` or ``freshdesk``; None guesses from the file (``.csv`` is CSV,
        JSON with ``fr_due_by`` is Freshdesk, other JSON Zendesk).

    Raises
    ------
    TeamFolderError
        With every problem found; never any other exception.
    """
    files = export_files(paths)
    where = str(files[0].parent) if files else str(paths)
    try:
        return _load(files, problem, policy, fmt)
    except TeamFolderError:
        raise
    except Exception as exc:  # a coordinator never meets a traceback
        name = files[0].name if len(files) == 1 else "."
        problem_ = InputProblem(name, None, None, None, "internal error while reading the "
                                f"tickets ({type(exc).__name__}: {exc})",
                                "please report this together with the file")
        raise TeamFolderError([problem_], where) from exc


def export_files(paths: Sequence[Path | str] | Path | str) -> list[Path]:
    """The files to read: those given, and a folder's ``*.json`` / ``*.csv`` in name order."""
    items = [Path(paths)] if isinstance(paths, str | Path) else [Path(p) for p in paths]
    files: list[Path] = []
    for item in items:
        if item.is_dir():
            files += sorted(p for p in item.iterdir() if p.suffix.lower() in (".json", ".csv"))
        else:
            files.append(item)
    return files


@dataclass
class TicketExport:
    """Everything read from the export's files, before routing.

    Attributes
    ----------
    raws
        One record per ticket (its newest copy), without the deleted, spam and merged ones.
    skipped
        Count per reason of what was left out (``deleted``, ``older copy``, ...).
    directory
        Group names, users' e-mails and custom statuses from the side files.
    system
        The help desk the tickets came from (``csv`` for the normalised CSV).
    as_of
        The newest change in the export (its moment): SLA targets that ended before it and
        were not met count as breached.
    """

    raws: list[RawTicket]
    skipped: Counter[str] = field(default_factory=Counter)
    directory: Directory = field(default_factory=Directory)
    system: Format = "csv"
    as_of: datetime | None = None


def read_export(files: list[Path], zone: ZoneInfo, fmt: Format | None, problems: Problems,
                warnings: Problems) -> TicketExport:
    """Read every file of an export: tickets, pages and side files; newest copy wins.

    Deleted, spam and merged tickets are left out and counted; so are older copies of a
    ticket (whatever the file order); a page that says more follow (``end_of_stream:
    false``) without the last page among the files is a warning, and so is an export with no
    ticket at all.
    """
    raws: list[RawTicket] = []
    directory = Directory()
    pages: list[JsonFile] = []
    systems: set[str] = set()
    if not files:
        problems.add(".", "no ticket files given", "pass a CSV or JSON export with --tickets")
    for path in files:
        kind = fmt or guess_format(path)
        if kind == "csv":
            raws += read_ticket_csv(path, zone, problems)
            systems.add("csv")
            continue
        read = read_json_file(path, kind, zone, problems, warnings)
        _merge(directory, read.directory)
        if read.kind == "tickets":
            pages.append(read)
            raws += read.tickets
            systems.add(kind)
    name = files[0].name if len(files) == 1 else "."
    if len(systems) > 1:
        problems.add(name, f"tickets from {' and '.join(sorted(systems))} in one import",
                     "read each help desk's export on its own")
    _stream_check(pages, name, warnings)
    export = TicketExport([], Counter(), directory, next(iter(sorted(systems)), "csv"))  # type: ignore[arg-type]
    newest = _unique(raws, problems, export.skipped)
    versions = [r.version for r in newest if r.version > float("-inf")]
    if versions:
        export.as_of = datetime.fromtimestamp(max(versions), UTC)
    for raw in newest:
        if raw.skip:
            export.skipped[raw.skip] += 1
            continue
        if raw.group is not None:
            raw.group_name = directory.groups.get(raw.group)
        _custom_status(raw, directory)
        export.raws.append(raw)
    if files and not raws and not problems.items:
        warnings.add(name, "the export holds no ticket", "check the export's time range; "
                     "nothing to assign or measure")
    return export


def _merge(into: Directory, more: Directory) -> None:
    into.groups.update(more.groups)
    into.users.update(more.users)
    into.statuses.update(more.statuses)


def _custom_status(raw: RawTicket, directory: Directory) -> None:
    known = directory.statuses.get(raw.fields.get("custom_status_id", ""))
    if known is not None:
        raw.fields["custom_status"] = known[0]


def _stream_check(pages: list[JsonFile], name: str, warnings: Problems) -> None:
    states = [p.end_of_stream for p in pages if p.end_of_stream is not None]
    if states and not any(states):
        warnings.add(name, "the export is unfinished: every page says more follow "
                     "(end_of_stream: false) and the last page is not among the files",
                     "fetch the next pages (after_url) until end_of_stream is true and pass "
                     "them all")


def _load(files: list[Path], problem: Problem, policy: TicketPolicy,
          fmt: Format | None) -> TicketLoad:
    problems, warnings = Problems(), Problems()
    export = read_export(files, ZoneInfo(problem.time_zone), fmt, problems, warnings)
    where = str(files[0].parent) if files else "."
    load = route(export.raws, problem, policy, problems, warnings, export.directory)
    load.skipped.update(export.skipped)
    load.system = export.system
    problems.raise_if_any(where)
    load.warnings = warnings.items
    return load


def _unique(raws: list[RawTicket], problems: Problems,
            skipped: Counter[str]) -> list[RawTicket]:
    """One record per ticket id: the newest copy (``version``; equal versions: the one read
    last); the same id twice in one CSV is a problem."""
    seen: dict[str, RawTicket] = {}
    for raw in raws:
        before = seen.get(raw.id)
        where = raw.source
        if before is not None:
            if where.row is not None and before.source.file == where.file:
                problems.add(where.file, f"ticket {raw.id} appears twice (first at "
                             f"{before.source})", "keep one row per ticket", row=where.row,
                             column="ticket_id", value=raw.id)
                continue
            skipped["older copy of a ticket"] += 1
            if before.version > raw.version:
                continue
        seen[raw.id] = raw
    return list(seen.values())


KNOWN_STATUSES = frozenset(STATUS_NAMES.values())


def route(raws: list[RawTicket], problem: Problem, policy: TicketPolicy, problems: Problems,
          warnings: Problems, directory: Directory | None = None) -> TicketLoad:
    """Apply the policy: open statuses, routing rules, effort, due time, assignee."""
    load = TicketLoad(())
    tickets = []
    unknown: Counter[str] = Counter()
    people = people_by_id(problem, directory or Directory())
    handle: dict[str, float] = {}  # minutes per ticket of each queue, worked out once
    for raw in raws:
        if raw.queue is not None and raw.queue not in problem.queue_index:
            problems.add(raw.source.file, f"queue {raw.queue} is not in the queues of "
                         "team.yaml", f"use one of: {', '.join(problem.queue_index)}",
                         row=raw.source.row, column="queue", value=raw.queue)
            continue
        if not is_open(raw, policy):
            load.skipped[f"status {raw.status}"] += 1
            if raw.status not in KNOWN_STATUSES:
                unknown[raw.status] += 1
            continue
        target = route_one(raw, policy)
        if target is None:
            load.skipped["no routing rule matches"] += 1
            warnings.add(raw.source.file, f"ticket {raw.id}: no routing rule matches "
                         f"(group {raw.group_name or raw.group}, channel {raw.channel or '-'});"
                         " skipped", "add a rule (or a catch-all) to tickets.routing in "
                         "team.yaml", column=raw.source.path, row=raw.source.row)
            continue
        queue, tier = target
        tickets.append(_ticket(raw, queue, tier, problem, policy, warnings, people, handle))
    for status, count in sorted(unknown.items()):
        warnings.add(".", f"{count} ticket(s) have status {status}, which team.yaml does not "
                     "name; left out", f"if they are worked, add {status} to "
                     "tickets.open_statuses in team.yaml", value=status)
    load.tickets = tuple(tickets)
    return load


def is_open(raw: RawTicket, policy: TicketPolicy) -> bool:
    """Whether the ticket is worked now: its status (or Zendesk custom status label) is one
    of ``open_statuses``."""
    label = raw.fields.get("custom_status", "").strip().lower()
    return raw.status in policy.open_statuses or bool(label and label in policy.open_statuses)


def route_one(raw: RawTicket, policy: TicketPolicy) -> tuple[str, int] | None:
    """The queue and tier of a ticket: its own (CSV), else the first rule that matches (a
    rule's ``group`` matches the group id or, from the groups file, its name)."""
    if raw.queue:
        return raw.queue, raw.tier or 1
    for rule in policy.routing:
        if rule.matches(raw.group, raw.channel, raw.tags, raw.type, raw.fields,
                        group_name=raw.group_name):
            return rule.queue, raw.tier or rule.tier
    return None


def people_by_id(problem: Problem, directory: Directory) -> dict[tuple[str, str], str]:
    """(help desk, user id) → team agent, matched by e-mail from the users/agents files."""
    by_email = {a.email.strip().lower(): a.id for a in problem.agents if a.email}
    return {key: by_email[email] for key, email in directory.users.items() if email in by_email}


def agent_for(raw: RawTicket, problem: Problem, policy: TicketPolicy,
              people: dict[tuple[str, str], str]) -> str | None:
    """The team agent a help-desk assignee is: a team id, ``helpdesk_ids``, or the users /
    agents file's e-mail matched to agents.csv."""
    if raw.assignee is None:
        return None
    if raw.assignee in problem.agent_index:
        return raw.assignee
    return policy.agent_of(raw.assignee) or people.get((raw.system, raw.assignee))


def handle_minutes(problem: Problem, policy: TicketPolicy, queue: str) -> float:
    """Minutes one ticket of ``queue`` takes: team.yaml, else the forecast's average handle
    time (weighted by volume), else ``default_handle_minutes``."""
    if queue in policy.handle_minutes:
        return policy.handle_minutes[queue]
    rows = [r for r in problem.forecast if r.queue == queue and r.volume > 0]
    volume = sum(r.volume for r in rows)
    if volume > 0:
        return sum(r.volume * r.aht_s for r in rows) / volume / 60
    return policy.default_handle_minutes


def _ticket(raw: RawTicket, queue: str, tier: int, problem: Problem, policy: TicketPolicy,
            warnings: Problems, people: dict[tuple[str, str], str],
            handle: dict[str, float]) -> Ticket:
    effort = raw.effort
    if effort is None:
        if queue not in handle:
            handle[queue] = handle_minutes(problem, policy, queue)
        minutes = handle[queue]
        minutes *= policy.priority_scale.get(raw.priority, 1.0)  # type: ignore[call-overload]
        minutes *= policy.type_scale.get((raw.type or "").lower(), 1.0)
        effort = max(1, math.ceil(minutes - 1e-9))
    due, kind = running_due(raw)
    assignee = agent_for(raw, problem, policy, people)
    if raw.assignee and assignee is None:
        warnings.add(raw.source.file, f"ticket {raw.id}: assignee {raw.assignee} "
                     "is not a team agent; treated as unassigned",
                     "map help-desk ids to agents in tickets.helpdesk_ids of team.yaml, or "
                     "pass the users (Zendesk) / agents (Freshdesk) file with the same e-mails "
                     "as agents.csv", column=raw.source.path, row=raw.source.row)
    # every field is checked on the way in: no second validation per ticket (600,000 of them)
    return Ticket.model_construct(id=raw.id, queue=queue, tier=tier,
                                  priority=raw.priority,  # type: ignore[arg-type]
                                  created=raw.created, due=due, due_kind=kind,
                                  effort_minutes=effort, assignee=assignee, subject=raw.subject)


def running_due(raw: RawTicket) -> tuple[datetime | None,
                                         Literal["first_response", "resolution"]]:
    """The SLA target running now: the first response until it was given, then the
    resolution target; None when no target runs (never one made up)."""
    if not raw.responded and raw.first_response_due is not None:
        return raw.first_response_due, "first_response"
    return raw.resolution_due, "resolution"


# --------------------------------------------------------------------------------------------
# The normalised CSV


def parse_aware(zone: ZoneInfo) -> Callable[[str], datetime]:
    """A cell parser: a date-time (local in ``zone`` unless it has an offset), as UTC-aware."""
    def parse(value: str) -> datetime:
        moment = parse_moment(value)
        if not isinstance(moment, datetime):
            raise CellError("a time is needed, not only a date",
                            "write YYYY-MM-DD HH:MM or an ISO time with offset")
        return localize(moment, zone)
    return parse


def parse_tier(value: str) -> int:
    """A tier: a whole number of at least 1."""
    tier = parse_int(value)
    if tier < 1:
        raise CellError("the tier must be 1 or more", "use 1 (anyone) or 2 (specialists)")
    return tier


def parse_effort(value: str) -> int:
    """Minutes of effort: a number above 0, rounded up to whole minutes."""
    minutes = parse_float(value)
    if not 0 < minutes <= 100_000:
        raise CellError("the effort must be above 0 and at most 100000 minutes",
                        "use minutes, e.g. 20")
    return math.ceil(minutes - 1e-9)


def read_ticket_csv(path: Path, zone: ZoneInfo, problems: Problems) -> list[RawTicket]:
    """Read the project's normalised ticket CSV (docs/tickets.md); bad cells are problems.

    A large clean file is read column-wise (:mod:`scheduler.ticket_columns`); otherwise, or
    when any cell needs a closer look, row by row."""
    fast = read_ticket_columns(path, zone, STATUS_NAMES, PRIORITIES,
                               CSV_REQUIRED + CSV_OPTIONAL)
    if fast is not None:
        return fast
    table = read_table(path.parent, path.name, problems, required=CSV_REQUIRED,
                       optional=None, must_exist=True)
    if table is None:
        return []
    moment = parse_aware(zone)
    status = parse_choice(STATUS_NAMES)
    priority = parse_choice(PRIORITIES)
    raws = []
    for row in table.rows:
        r = RowReader(table, row, problems)
        ticket_id = r.need("ticket_id", text)
        created = r.need("created_at", moment)
        fields = {c: row.get(c) for c in table.columns if c.startswith("cf_") and row.get(c)}
        raw = RawTicket(
            id=ticket_id or "", created=created or datetime.min, source=Source(path.name, row.line),
            status=STATUS_NAMES.get(r.get("status", status) or "open", "open"),
            priority=r.get("priority", priority) or "normal", type=row.get("type") or None,
            channel=row.get("channel").lower(), group=row.get("group_id") or None,
            assignee=row.get("assignee_id") or None,
            tags=frozenset(t.strip() for t in row.get("tags").split(";") if t.strip()),
            fields=fields,
            first_response_due=r.get("first_response_due_at", moment),
            resolution_due=r.get("due_at", moment),
            responded=bool(r.get("responded", _yes_no)), effort=r.get("effort_minutes",
                                                                      parse_effort),
            queue=row.get("queue") or None, tier=r.get("tier", parse_tier),
            subject=row.get("subject"))
        if r.ok:
            raws.append(raw)
    return raws


def _yes_no(value: str) -> bool:
    lowered = value.strip().lower()
    if lowered in ("yes", "y", "true", "1"):
        return True
    if lowered in ("no", "n", "false", "0"):
        return False
    raise CellError("not yes or no", "write yes or no")
