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
from datetime import datetime, timedelta
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
from scheduler.tickets.exports import guess_format, read_json_export
from scheduler.tickets.policy import PRIORITIES, TicketPolicy
from scheduler.tickets.records import Format, RawTicket, Source

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
        Count of tickets left out per reason (``status solved``, ``no routing rule matches``).
    warnings
        One entry per ticket something was assumed or dropped for (where and what).
    """

    tickets: tuple[Ticket, ...]
    skipped: Counter[str] = field(default_factory=Counter)
    warnings: list[InputProblem] = field(default_factory=list)


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
    files = _files(paths)
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


def _files(paths: Sequence[Path | str] | Path | str) -> list[Path]:
    items = [Path(paths)] if isinstance(paths, str | Path) else [Path(p) for p in paths]
    files: list[Path] = []
    for item in items:
        if item.is_dir():
            files += sorted(p for p in item.iterdir() if p.suffix.lower() in (".json", ".csv"))
        else:
            files.append(item)
    return files


def _load(files: list[Path], problem: Problem, policy: TicketPolicy,
          fmt: Format | None) -> TicketLoad:
    problems, warnings = Problems(), Problems()
    zone = ZoneInfo(problem.time_zone)
    raws: list[RawTicket] = []
    if not files:
        problems.add(".", "no ticket files given", "pass a CSV or JSON export with --tickets")
    for path in files:
        kind = fmt or guess_format(path)
        if kind == "csv":
            raws += read_ticket_csv(path, zone, problems)
        else:
            raws += read_json_export(path, kind, zone, problems, warnings)
    where = str(files[0].parent) if files else "."
    load = route(_unique(raws, problems, warnings), problem, policy, problems, warnings)
    problems.raise_if_any(where)
    load.warnings = warnings.items
    return load


def _unique(raws: list[RawTicket], problems: Problems, warnings: Problems) -> list[RawTicket]:
    """One record per ticket id: a JSON export's later page wins (the ticket changed while it
    was exported); the same id twice in one CSV is a problem."""
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
            warnings.add(where.file, f"ticket {raw.id} appears twice; the later copy is used "
                         f"(first at {before.source})", "", row=where.row, column=where.path)
            del seen[raw.id]
        seen[raw.id] = raw
    return list(seen.values())


def route(raws: list[RawTicket], problem: Problem, policy: TicketPolicy, problems: Problems,
          warnings: Problems) -> TicketLoad:
    """Apply the policy: open statuses, routing rules, effort, due time, assignee."""
    load = TicketLoad(())
    tickets = []
    open_statuses = set(policy.open_statuses)
    for raw in raws:
        if raw.queue is not None and raw.queue not in problem.queue_index:
            problems.add(raw.source.file, f"queue {raw.queue} is not in the queues of "
                         "team.yaml", f"use one of: {', '.join(problem.queue_index)}",
                         row=raw.source.row, column="queue", value=raw.queue)
            continue
        if raw.status not in open_statuses:
            load.skipped[f"status {raw.status}"] += 1
            continue
        target = _target(raw, problem, policy)
        if target is None:
            load.skipped["no routing rule matches"] += 1
            warnings.add(raw.source.file, f"ticket {raw.id}: no routing rule matches "
                         f"(group {raw.group}, channel {raw.channel or '-'}); skipped",
                         "add a rule (or a catch-all) to tickets.routing in team.yaml",
                         column=raw.source.path, row=raw.source.row)
            continue
        queue, tier = target
        tickets.append(_ticket(raw, queue, tier, problem, policy, warnings))
    load.tickets = tuple(tickets)
    return load


def _target(raw: RawTicket, problem: Problem, policy: TicketPolicy) -> tuple[str, int] | None:
    if raw.queue:
        return raw.queue, raw.tier or 1
    for rule in policy.routing:
        if rule.matches(raw.group, raw.channel, raw.tags, raw.type, raw.fields):
            return rule.queue, raw.tier or rule.tier
    return None


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
            warnings: Problems) -> Ticket:
    effort = raw.effort
    if effort is None:
        minutes = handle_minutes(problem, policy, queue)
        minutes *= policy.priority_scale.get(raw.priority, 1.0)  # type: ignore[call-overload]
        minutes *= policy.type_scale.get((raw.type or "").lower(), 1.0)
        effort = max(1, math.ceil(minutes - 1e-9))
    due, kind = _due(raw, problem, queue)
    assignee = None
    if raw.assignee:
        assignee = raw.assignee if raw.assignee in problem.agent_index else policy.agent_of(
            raw.assignee)
        if assignee is None:
            warnings.add(raw.source.file, f"ticket {raw.id}: assignee {raw.assignee} "
                         "is not a team agent; treated as unassigned",
                         "map help-desk ids to agents in tickets.helpdesk_ids of team.yaml",
                         column=raw.source.path, row=raw.source.row)
    return Ticket(id=raw.id, queue=queue, tier=tier, priority=raw.priority,
                  created=raw.created, due=due, due_kind=kind, effort_minutes=effort,
                  assignee=assignee, subject=raw.subject)


def _due(raw: RawTicket, problem: Problem,
         queue: str) -> tuple[datetime, Literal["first_response", "resolution"]]:
    """The target that applies now: first response until it was given, then resolution;
    the other when only one is known; else the queue's first-response time after creation."""
    order: list[tuple[datetime | None, Literal["first_response", "resolution"]]] = [
        (raw.first_response_due, "first_response"), (raw.resolution_due, "resolution")]
    if raw.responded:
        order.reverse()
    for due, kind in order:
        if due is not None:
            return due, kind
    minutes = problem.queue_index[queue].first_response_minutes
    return raw.created + timedelta(minutes=minutes), "first_response"


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
    """Read the project's normalised ticket CSV (docs/tickets.md); bad cells are problems."""
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
