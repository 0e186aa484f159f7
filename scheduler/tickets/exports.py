"""Zendesk and Freshdesk ticket exports (their APIs' JSON) → raw tickets (tickets.records).

Zendesk: the Tickets API (``{"tickets": [...]}``, ``{"ticket": {...}}``) or one page of the
incremental export (``tickets``, ``after_cursor``, ``end_of_stream``), with ``slas`` on each
ticket (``include=slas``) and ``metric_sets`` beside them (``include=metric_sets``) where
present. Freshdesk: the Tickets API (a list, or ``{"tickets": [...]}``), integer priority,
status and source codes, ``fr_due_by`` and ``due_by``, ``stats`` (``include=stats``).
Problems name the file and the JSON path (``tickets[3].created_at``).

Real exports hold more than open tickets: deleted tickets (Zendesk ``status: deleted``,
Freshdesk ``deleted: true``), spam (Freshdesk ``spam: true``) and tickets closed by a merge
(Zendesk tag ``closed_by_merge``) are read with a ``skip`` reason so that a newer deleted copy
still replaces an older live one. Side files are recognised by their content: groups
(``{"groups": [...]}`` or Freshdesk's list of groups), users (Zendesk ``{"users": [...]}``),
agents (Freshdesk's list with ``contact``) and Zendesk custom statuses. Any other JSON is
refused by name.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from scheduler.errors import Problems
from scheduler.load.cells import read_text
from scheduler.tickets.records import Directory, Format, RawTicket, Source

ZENDESK_STATUS = {"new": "new", "open": "open", "pending": "pending", "hold": "on_hold",
                  "solved": "solved", "closed": "closed"}
ZENDESK_PRIORITY = {"low": "low", "normal": "normal", "high": "high", "urgent": "urgent"}
ZENDESK_VIA = {0: "web", 4: "email", 5: "api", 29: "chat", 33: "voice", 34: "voice",
               35: "voice", 55: "web"}
CHANNEL_NAMES = {"web_form": "web", "mail": "email", "web_service": "api", "voice": "voice"}
ZENDESK_REPLY_METRICS = ("first_reply_time", "next_reply_time")
ZENDESK_SOLVE_METRICS = ("requester_wait_time", "agent_work_time", "resolution_time")
FRESHDESK_STATUS = {2: "open", 3: "pending", 4: "solved", 5: "closed"}
FRESHDESK_PRIORITY = {1: "low", 2: "normal", 3: "high", 4: "urgent"}
FRESHDESK_SOURCE = {1: "email", 2: "web", 3: "voice", 4: "forum", 5: "twitter", 6: "facebook",
                    7: "chat", 8: "mobihelp", 9: "web", 10: "email"}
MERGED_TAG = "closed_by_merge"
MAX_ID_CHARS = 64
SIDE_KINDS = ("groups", "users", "agents", "custom_statuses")


def guess_format(path: Path) -> Format:
    """``csv`` for a ``.csv`` file; ``freshdesk`` for JSON that mentions ``fr_due_by``,
    ``responder_id`` or an agent's ``contact``; else ``zendesk``."""
    if path.suffix.lower() == ".csv":
        return "csv"
    try:
        head = path.read_bytes()[:200_000]
    except OSError:
        return "zendesk"
    marks = (b'"fr_due_by"', b'"responder_id"', b'"contact"', b'"agent_ids"')
    return "freshdesk" if any(m in head for m in marks) else "zendesk"


@dataclass
class JsonFile:
    """What one JSON file held: tickets (with the page's cursor state) or a side file."""

    kind: str
    tickets: list[RawTicket] = field(default_factory=list)
    end_of_stream: bool | None = None
    next_page: bool = False
    directory: Directory = field(default_factory=Directory)


class _Json:
    """Reads typed values at JSON paths of one file, recording problems and warnings."""

    def __init__(self, file: str, zone: ZoneInfo, problems: Problems, warnings: Problems):
        self.file, self.zone, self.problems, self.warnings = file, zone, problems, warnings
        self.ok = True

    def fail(self, path: str, message: str, fix: str, value: object = None) -> None:
        self.ok = False
        self.problems.add(self.file, message, fix, column=path, value=value)

    def ident(self, item: dict[str, Any], key: str, path: str, *, need: bool) -> str | None:
        value = item.get(key)
        if value is None or value == "":
            if need:
                self.fail(f"{path}.{key}", "required but missing", f"every ticket needs {key}")
            return None
        if isinstance(value, bool) or not isinstance(value, int | str):
            self.fail(f"{path}.{key}", "not an id", "use a whole number or text", value)
            return None
        if isinstance(value, int) and value < 1:
            self.fail(f"{path}.{key}", "an id is a whole number from 1", "export again; the "
                      "help desk never writes such an id", value)
            return None
        text = str(value).strip()
        if not text or len(text) > MAX_ID_CHARS or not text.isprintable():
            self.fail(f"{path}.{key}", f"not an id (empty, control characters or over "
                      f"{MAX_ID_CHARS} characters)", "use the help desk's id", value)
            return None
        return text

    def moment(self, item: dict[str, Any], key: str, path: str, *,
               need: bool = False) -> datetime | None:
        value = item.get(key)
        if value is None:
            if need:
                self.fail(f"{path}.{key}", "required but missing", "add the ISO 8601 time")
            return None
        if not isinstance(value, str):
            self.fail(f"{path}.{key}", "not a timestamp", "use ISO 8601 such as "
                      "2026-11-30T09:00:00Z", value)
            return None
        try:
            moment = datetime.fromisoformat(value.strip())
        except ValueError:
            self.fail(f"{path}.{key}", "not a timestamp", "use ISO 8601 such as "
                      "2026-11-30T09:00:00Z", value)
            return None
        if not 1900 <= moment.year <= 2999:
            self.fail(f"{path}.{key}", "the year is out of range", "use a year 1900-2999", value)
            return None
        if moment.tzinfo is None:
            self.warnings.add(self.file, f"timestamp without a time zone, read in "
                              f"{self.zone.key}", "export with UTC times (Z)",
                              column=f"{path}.{key}", value=value)
            return moment.replace(tzinfo=self.zone)
        return moment

    def code(self, item: dict[str, Any], key: str, path: str, table: dict[Any, str],
             default: str | None) -> str | None:
        value = item.get(key)
        if value is None:
            return default
        if isinstance(value, str) and value.strip().isdigit():
            value = int(value)
        if isinstance(value, str):
            value = value.strip().lower()
        if isinstance(value, bool) or not isinstance(value, int | str) or value not in table:
            choices = ", ".join(str(k) for k in table)
            self.fail(f"{path}.{key}", f"unknown {key}", f"use one of: {choices}", value)
            return None
        return table[value]

    def tags(self, item: dict[str, Any], path: str) -> frozenset[str]:
        value = item.get("tags")
        if value is None:
            return frozenset()
        if not isinstance(value, list) or not all(
                isinstance(t, str | int) and not isinstance(t, bool) for t in value):
            self.fail(f"{path}.tags", "tags must be a list of words", "use [\"vip\", ...]",
                      value)
            return frozenset()
        return frozenset(str(t) for t in value)

    def minutes(self, value: Any) -> float | None:
        """A non-negative finite number of minutes, else None."""
        if isinstance(value, bool) or not isinstance(value, int | float):
            return None
        return float(value) if math.isfinite(value) and value >= 0 else None

    def count(self, value: Any) -> int | None:
        return value if isinstance(value, int) and not isinstance(value, bool) \
            and value >= 0 else None


def read_json_file(path: Path, kind: Format, zone: ZoneInfo, problems: Problems,
                   warnings: Problems) -> JsonFile:
    """Read one JSON file: a page of tickets (Zendesk or Freshdesk), or a side file."""
    source = read_text(path, path.name, problems, required=True)
    if source is None:
        return JsonFile("unreadable")
    try:
        doc = json.loads(source)
    except (json.JSONDecodeError, RecursionError) as exc:
        line = getattr(exc, "lineno", None)
        problems.add(path.name, f"not valid JSON ({getattr(exc, 'msg', exc)})",
                     "export the tickets again; the file may be cut short", row=line)
        return JsonFile("unreadable")
    what = classify(doc)
    if what in SIDE_KINDS:
        return JsonFile(what, directory=read_directory(doc, what, kind))
    if what != "tickets":
        problems.add(path.name, f"this file holds {what}, not tickets",
                     "pass a ticket export (Zendesk {\"tickets\": [...]}, a Freshdesk list of "
                     "tickets) or the groups, users or agents files beside it")
        return JsonFile(what)
    page = JsonFile("tickets")
    if isinstance(doc, dict):
        stream = doc.get("end_of_stream")
        page.end_of_stream = stream if isinstance(stream, bool) else None
        page.next_page = bool(doc.get("after_cursor") or doc.get("next_page")
                              or doc.get("after_url"))
    page.tickets = _tickets(doc, path.name, kind, zone, problems, warnings)
    return page


def read_json_export(path: Path, kind: Format, zone: ZoneInfo, problems: Problems,
                     warnings: Problems) -> list[RawTicket]:
    """Read one Zendesk or Freshdesk JSON page; the raw tickets (side files give none)."""
    return read_json_file(path, kind, zone, problems, warnings).tickets


def classify(doc: Any) -> str:
    """What a JSON document holds: ``tickets``, one of :data:`SIDE_KINDS`, or the name of
    what it holds instead (``organizations``, ``an object``)."""
    if isinstance(doc, dict):
        for key in ("tickets", "ticket", "results"):
            if key in doc:
                return "tickets"
        for key in SIDE_KINDS:
            if isinstance(doc.get(key), list):
                return key
        lists = [k for k, v in doc.items() if isinstance(v, list)]
        return lists[0] if lists else "an object without tickets"
    if isinstance(doc, list):
        first = next((item for item in doc if isinstance(item, dict)), None)
        if first is None:
            return "tickets"
        if isinstance(first.get("contact"), dict):
            return "agents"
        ticket_keys = {"subject", "status", "requester_id", "created_at"}
        if "agent_ids" in first or ("name" in first and not ticket_keys & set(first)):
            return "groups"
        return "tickets"
    return "not a list or object"


def read_directory(doc: Any, what: str, kind: Format) -> Directory:
    """Group names, users' e-mails or custom status labels from a side file."""
    items = doc.get(what) if isinstance(doc, dict) else doc
    found = Directory()
    for item in items if isinstance(items, list) else []:
        if not isinstance(item, dict) or item.get("id") in (None, ""):
            continue
        key = str(item["id"])
        if what == "groups" and isinstance(item.get("name"), str):
            found.groups[key] = item["name"]
        elif what == "users" and isinstance(item.get("email"), str):
            found.users[("zendesk", key)] = item["email"].strip().lower()
        elif what == "agents":
            contact: dict[str, Any] = item["contact"] if isinstance(item.get("contact"),
                                                                     dict) else item
            if isinstance(contact.get("email"), str):
                found.users[("freshdesk", key)] = contact["email"].strip().lower()
        elif what == "custom_statuses":
            label = item.get("agent_label") or item.get("end_user_label")
            category = item.get("status_category")
            if isinstance(label, str) and isinstance(category, str):
                found.statuses[key] = (label, category)
    return found


def _tickets(doc: Any, file: str, kind: Format, zone: ZoneInfo, problems: Problems,
             warnings: Problems) -> list[RawTicket]:
    items = _items(doc)
    if items is None:
        problems.add(file, "no ticket list found", "give a Tickets API response: "
                     "{\"tickets\": [...]} or a list of tickets", column="tickets")
        return []
    reader = _Json(file, zone, problems, warnings)
    metrics = _metric_sets(doc) if kind == "zendesk" else {}
    parse = _zendesk if kind == "zendesk" else _freshdesk
    found = []
    for index, item in enumerate(items):
        where = f"tickets[{index}]"
        if not isinstance(item, dict):
            reader.fail(where, "a ticket must be an object", "export the tickets again")
            continue
        reader.ok = True
        raw = parse(item, where, reader, metrics)
        if reader.ok and raw is not None:
            found.append(raw)
    return found


def _items(doc: Any) -> list[Any] | None:
    if isinstance(doc, list):
        return doc
    if isinstance(doc, dict):
        if isinstance(doc.get("tickets"), list):
            return list(doc["tickets"])
        if isinstance(doc.get("ticket"), dict):
            return [doc["ticket"]]
        if isinstance(doc.get("results"), list):
            return list(doc["results"])
    return None


def _metric_sets(doc: Any) -> dict[str, dict[str, Any]]:
    sets = doc.get("metric_sets") if isinstance(doc, dict) else None
    if not isinstance(sets, list):
        return {}
    return {str(m["ticket_id"]): m for m in sets if isinstance(m, dict) and "ticket_id" in m}


def _version(item: dict[str, Any], updated: datetime | None) -> float:
    stamp = item.get("generated_timestamp")
    if isinstance(stamp, int | float) and not isinstance(stamp, bool) and math.isfinite(stamp):
        return float(stamp)
    return updated.timestamp() if updated is not None else float("-inf")


def _pair(value: Any, j: _Json) -> tuple[float | None, float | None]:
    if not isinstance(value, dict):
        return None, None
    return j.minutes(value.get("calendar")), j.minutes(value.get("business"))


def _zendesk(item: dict[str, Any], path: str, j: _Json,
             metrics: dict[str, dict[str, Any]]) -> RawTicket | None:
    ticket_id = j.ident(item, "id", path, need=True)
    created = j.moment(item, "created_at", path, need=True)
    updated = j.moment(item, "updated_at", path)
    source = Source(j.file, path=path)
    status_value = item.get("status")
    if ticket_id is not None and isinstance(status_value, str) \
            and status_value.strip().lower() == "deleted":
        return RawTicket(id=ticket_id, created=created or datetime.min, source=source,
                         system="zendesk", version=_version(item, updated), skip="deleted")
    tags = j.tags(item, path)
    skip = "merged" if MERGED_TAG in tags else None
    status = _status(item, path, j, ZENDESK_STATUS, ticket_id)
    priority = j.code(item, "priority", path, ZENDESK_PRIORITY, "normal")
    metric = item.get("metric_set") if isinstance(item.get("metric_set"), dict) else (
        metrics.get(ticket_id or "", {}))
    metric = metric if isinstance(metric, dict) else {}
    reply, reply_business = _pair(metric.get("reply_time_in_minutes"), j)
    full, full_business = _pair(metric.get("full_resolution_time_in_minutes"), j)
    replies = j.count(metric.get("replies"))
    responded = bool((replies or 0) > 0 or reply is not None)
    first, later, targets = _zendesk_slas(item, path, j)
    fields = _zendesk_fields(item, path, j)
    custom = item.get("custom_status_id")
    if isinstance(custom, int | str) and not isinstance(custom, bool):
        fields["custom_status_id"] = str(custom)
    channel = _zendesk_channel(item, path, j)
    group = j.ident(item, "group_id", path, need=False)
    assignee = j.ident(item, "assignee_id", path, need=False)
    solved = j.moment(metric, "solved_at", f"{path}.metric_set") if metric else None
    if ticket_id is None or created is None or priority is None or channel is None:
        return None
    return RawTicket(
        id=ticket_id, created=created, source=source, status=status or "",
        priority=priority, type=item.get("type") if isinstance(item.get("type"), str) else None,
        channel=channel, group=group, assignee=assignee, tags=tags, fields=fields,
        first_response_due=first, resolution_due=later or j.moment(item, "due_at", path),
        responded=responded, subject=str(item.get("subject") or ""), updated=updated,
        system="zendesk", version=_version(item, updated),
        skip=skip or (None if status else "no status"),
        solved=solved if status in ("solved", "closed") else None,
        first_reply_minutes=reply, first_reply_business=reply_business,
        resolution_minutes=full, resolution_business=full_business, replies=replies,
        reopens=j.count(metric.get("reopens")), targets=targets)


def _status(item: dict[str, Any], path: str, j: _Json, table: dict[Any, str],
            ticket_id: str | None) -> str | None:
    """The status; a null status is reported (a warning) and the ticket left out."""
    if item.get("status") is None:
        j.warnings.add(j.file, f"ticket {ticket_id}: the status is null; left out",
                       "export the ticket again; a ticket always has a status",
                       column=f"{path}.status")
        return None
    return j.code(item, "status", path, table, None)


def _zendesk_channel(item: dict[str, Any], path: str, j: _Json) -> str | None:
    via = item.get("via")
    if "via" not in item:
        return ""
    if isinstance(via, dict):
        via = via.get("channel")
    if isinstance(via, int) and not isinstance(via, bool) and via >= 0:
        return ZENDESK_VIA.get(via, f"via_{via}")
    if isinstance(via, str) and via.strip():
        return CHANNEL_NAMES.get(via.strip().lower(), via.strip().lower())
    j.fail(f"{path}.via", "via must say the channel", "export again: via is "
           "{\"channel\": \"email\"} (or a via id from 0)", item.get("via"))
    return None


def _zendesk_slas(item: dict[str, Any], path: str, j: _Json) -> tuple[
        datetime | None, datetime | None, tuple[tuple[str, datetime, str], ...]]:
    """Breach times of the running SLA metrics (first reply, the earliest other one), and
    every target with its stage (for the metrics)."""
    slas = item.get("slas")
    metrics = slas.get("policy_metrics") if isinstance(slas, dict) else None
    first: datetime | None = None
    later: datetime | None = None
    targets = []
    for index, metric in enumerate(metrics if isinstance(metrics, list) else []):
        if not isinstance(metric, dict):
            continue
        at = j.moment(metric, "breach_at", f"{path}.slas.policy_metrics[{index}]")
        name = metric.get("metric")
        if at is None or not isinstance(name, str):
            continue
        stage = str(metric.get("stage", "active"))
        targets.append((name, at, stage))
        if stage != "active":
            continue
        if name == "first_reply_time":
            first = at if first is None else min(first, at)
        else:
            later = at if later is None else min(later, at)
    return first, later, tuple(targets)


def _zendesk_fields(item: dict[str, Any], path: str, j: _Json) -> dict[str, str]:
    raw = item.get("custom_fields")
    if raw is None:
        return {}
    if not isinstance(raw, list):
        j.fail(f"{path}.custom_fields", "custom_fields must be a list of {id, value}",
               "export the tickets again")
        return {}
    return {str(f["id"]): str(f["value"]) for f in raw
            if isinstance(f, dict) and "id" in f and f.get("value") not in (None, "")}


def _freshdesk_status(item: dict[str, Any], path: str, j: _Json,
                      ticket_id: str | None) -> str | None:
    code = item.get("status")
    if isinstance(code, int) and not isinstance(code, bool) and code > 5:
        return f"status_{code}"
    return _status(item, path, j, FRESHDESK_STATUS, ticket_id)


def _freshdesk_channel(item: dict[str, Any], path: str, j: _Json) -> str | None:
    source = item.get("source")
    if source is None:
        return ""
    if isinstance(source, int) and not isinstance(source, bool) and source >= 1:
        return FRESHDESK_SOURCE.get(source, f"source_{source}")
    j.fail(f"{path}.source", "source must be a whole-number code",
           "export again: 1 email, 2 portal, 3 phone, 7 chat, ...", source)
    return None


def _freshdesk(item: dict[str, Any], path: str, j: _Json,
               metrics: dict[str, dict[str, Any]]) -> RawTicket | None:
    ticket_id = j.ident(item, "id", path, need=True)
    created = j.moment(item, "created_at", path, need=True)
    updated = j.moment(item, "updated_at", path)
    source = Source(j.file, path=path)
    for flag in ("deleted", "spam"):
        if ticket_id is not None and item.get(flag) is True:
            return RawTicket(id=ticket_id, created=created or datetime.min, source=source,
                             system="freshdesk", version=_version(item, updated), skip=flag)
    status = _freshdesk_status(item, path, j, ticket_id)
    priority = j.code(item, "priority", path, FRESHDESK_PRIORITY, "normal")
    channel = _freshdesk_channel(item, path, j)
    fields = item.get("custom_fields")
    if fields is None:
        fields = {}
    if not isinstance(fields, dict):
        j.fail(f"{path}.custom_fields", "custom_fields must be an object", "export again")
        fields = {}
    stats: dict[str, Any] = item["stats"] if isinstance(item.get("stats"), dict) else {}
    responded_at = j.moment(stats, "first_responded_at", f"{path}.stats")
    resolved = j.moment(stats, "resolved_at", f"{path}.stats") or j.moment(
        stats, "closed_at", f"{path}.stats")
    reopened = j.moment(stats, "reopened_at", f"{path}.stats")
    first_due, due = j.moment(item, "fr_due_by", path), j.moment(item, "due_by", path)
    tags = j.tags(item, path)
    group = j.ident(item, "group_id", path, need=False)
    assignee = j.ident(item, "responder_id", path, need=False)
    if ticket_id is None or created is None or priority is None or channel is None:
        return None
    targets = tuple((name, at, "active") for name, at in (
        ("first_reply_time", first_due), ("resolution_time", due)) if at is not None)
    return RawTicket(
        id=ticket_id, created=created, source=source, status=status or "",
        priority=priority, type=item.get("type") if isinstance(item.get("type"), str) else None,
        channel=channel, group=group, assignee=assignee, tags=tags,
        fields={str(k): str(v) for k, v in fields.items() if v not in (None, "")},
        first_response_due=first_due, resolution_due=due, responded=responded_at is not None,
        subject=str(item.get("subject") or ""), updated=updated, system="freshdesk",
        version=_version(item, updated), skip=None if status else "no status",
        solved=resolved if status in ("solved", "closed") else None,
        first_reply_minutes=_between(created, responded_at),
        resolution_minutes=_between(created, resolved) if status in ("solved", "closed")
        else None, reopens=None if not stats else int(reopened is not None), targets=targets)


def _between(start: datetime, end: datetime | None) -> float | None:
    if end is None:
        return None
    return max(0.0, (end - start) / timedelta(minutes=1))
