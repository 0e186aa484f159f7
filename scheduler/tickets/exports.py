"""Zendesk and Freshdesk ticket exports (their APIs' JSON) → raw tickets (tickets.records).

Zendesk: the Tickets API (``{"tickets": [...]}``, ``{"ticket": {...}}``) or one page of the
incremental export (``tickets``, ``after_cursor``, ``end_of_stream``), with ``slas`` on each
ticket (``include=slas``) and ``metric_sets`` beside them (``include=metric_sets``) where
present. Freshdesk: the Tickets API (a list, or ``{"tickets": [...]}``), integer priority,
status and source codes, ``fr_due_by`` and ``due_by``. Problems name the file and the JSON path
(``tickets[3].created_at``).
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from scheduler.errors import Problems
from scheduler.load.cells import read_text
from scheduler.tickets.records import Format, RawTicket, Source

ZENDESK_STATUS = {"new": "new", "open": "open", "pending": "pending", "hold": "on_hold",
                  "solved": "solved", "closed": "closed"}
ZENDESK_PRIORITY = {"low": "low", "normal": "normal", "high": "high", "urgent": "urgent"}
ZENDESK_VIA = {0: "web", 4: "email", 5: "api", 29: "chat", 33: "voice", 34: "voice",
               35: "voice", 55: "web"}
CHANNEL_NAMES = {"web_form": "web", "mail": "email", "web_service": "api", "voice": "voice"}
ZENDESK_REPLY_METRICS = ("first_reply_time", "next_reply_time")
FRESHDESK_STATUS = {2: "open", 3: "pending", 4: "solved", 5: "closed"}
FRESHDESK_PRIORITY = {1: "low", 2: "normal", 3: "high", 4: "urgent"}
FRESHDESK_SOURCE = {1: "email", 2: "web", 3: "voice", 4: "forum", 5: "twitter", 6: "facebook",
                    7: "chat", 8: "mobihelp", 9: "web", 10: "email"}


def guess_format(path: Path) -> Format:
    """``csv`` for a ``.csv`` file; ``freshdesk`` for JSON that mentions ``fr_due_by``; else
    ``zendesk``."""
    if path.suffix.lower() == ".csv":
        return "csv"
    try:
        head = path.read_bytes()[:200_000]
    except OSError:
        return "zendesk"
    return "freshdesk" if b'"fr_due_by"' in head or b'"responder_id"' in head else "zendesk"


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
            self.fail(f"{path}.{key}", "not an id", "use a number or text", value)
            return None
        return str(value)

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
        value = item.get("tags") or []
        if not isinstance(value, list) or not all(isinstance(t, str | int) for t in value):
            self.fail(f"{path}.tags", "tags must be a list of words", "use [\"vip\", ...]",
                      value)
            return frozenset()
        return frozenset(str(t) for t in value)


def read_json_export(path: Path, kind: Format, zone: ZoneInfo, problems: Problems,
                     warnings: Problems) -> list[RawTicket]:
    """Read one Zendesk or Freshdesk JSON file (one page of a paginated export)."""
    source = read_text(path, path.name, problems, required=True)
    if source is None:
        return []
    try:
        doc = json.loads(source)
    except (json.JSONDecodeError, RecursionError) as exc:
        line = getattr(exc, "lineno", None)
        problems.add(path.name, f"not valid JSON ({getattr(exc, 'msg', exc)})",
                     "export the tickets again; the file may be cut short", row=line)
        return []
    items = _items(doc, path.name, problems)
    reader = _Json(path.name, zone, problems, warnings)
    metrics = _metric_sets(doc) if kind == "zendesk" else {}
    parse = _zendesk if kind == "zendesk" else _freshdesk
    found = []
    for index, item in enumerate(items or []):
        where = f"tickets[{index}]"
        if not isinstance(item, dict):
            reader.fail(where, "a ticket must be an object", "export the tickets again")
            continue
        reader.ok = True
        raw = parse(item, where, reader, metrics)
        if reader.ok and raw is not None:
            found.append(raw)
    return found


def _items(doc: Any, file: str, problems: Problems) -> list[Any] | None:
    if isinstance(doc, list):
        return doc
    if isinstance(doc, dict):
        if isinstance(doc.get("tickets"), list):
            return list(doc["tickets"])
        if isinstance(doc.get("ticket"), dict):
            return [doc["ticket"]]
        if isinstance(doc.get("results"), list):
            return list(doc["results"])
    problems.add(file, "no tickets found", "give a Tickets API response: {\"tickets\": [...]} "
                 "or a list of tickets", column="tickets")
    return None


def _metric_sets(doc: Any) -> dict[str, dict[str, Any]]:
    sets = doc.get("metric_sets") if isinstance(doc, dict) else None
    if not isinstance(sets, list):
        return {}
    return {str(m["ticket_id"]): m for m in sets if isinstance(m, dict) and "ticket_id" in m}


def _zendesk(item: dict[str, Any], path: str, j: _Json,
             metrics: dict[str, dict[str, Any]]) -> RawTicket | None:
    ticket_id = j.ident(item, "id", path, need=True)
    created = j.moment(item, "created_at", path, need=True)
    status = j.code(item, "status", path, ZENDESK_STATUS, "open")
    priority = j.code(item, "priority", path, ZENDESK_PRIORITY, "normal")
    metric = item.get("metric_set") if isinstance(item.get("metric_set"), dict) else (
        metrics.get(ticket_id or "", {}))
    reply = metric.get("reply_time_in_minutes") if isinstance(metric, dict) else None
    responded = bool(isinstance(metric, dict) and (
        (isinstance(metric.get("replies"), int) and metric["replies"] > 0)
        or (isinstance(reply, dict) and reply.get("calendar") is not None)))
    first, later = _zendesk_slas(item, path, j)
    fields = _zendesk_fields(item, path, j)
    if ticket_id is None or created is None or status is None or priority is None:
        return None
    return RawTicket(
        id=ticket_id, created=created, source=Source(j.file, path=path), status=status,
        priority=priority, type=item.get("type") if isinstance(item.get("type"), str) else None,
        channel=_zendesk_channel(item.get("via")), group=j.ident(item, "group_id", path,
                                                                 need=False),
        assignee=j.ident(item, "assignee_id", path, need=False), tags=j.tags(item, path),
        fields=fields, first_response_due=first,
        resolution_due=later or j.moment(item, "due_at", path), responded=responded,
        subject=str(item.get("subject") or ""), updated=j.moment(item, "updated_at", path))


def _zendesk_channel(via: Any) -> str:
    if isinstance(via, dict):
        via = via.get("channel")
    if isinstance(via, int) and not isinstance(via, bool):
        return ZENDESK_VIA.get(via, f"via_{via}")
    if isinstance(via, str):
        return CHANNEL_NAMES.get(via.lower(), via.lower())
    return ""


def _zendesk_slas(item: dict[str, Any], path: str,
                  j: _Json) -> tuple[datetime | None, datetime | None]:
    """Breach times of the active SLA metrics: first reply, and the earliest other one."""
    slas = item.get("slas")
    metrics = slas.get("policy_metrics") if isinstance(slas, dict) else None
    first: datetime | None = None
    later: datetime | None = None
    for index, metric in enumerate(metrics if isinstance(metrics, list) else []):
        if not isinstance(metric, dict) or metric.get("stage", "active") != "active":
            continue
        at = j.moment(metric, "breach_at", f"{path}.slas.policy_metrics[{index}]")
        if at is None:
            continue
        if metric.get("metric") == "first_reply_time":
            first = at if first is None else min(first, at)
        else:
            later = at if later is None else min(later, at)
    return first, later


def _zendesk_fields(item: dict[str, Any], path: str, j: _Json) -> dict[str, str]:
    raw = item.get("custom_fields") or []
    if not isinstance(raw, list):
        j.fail(f"{path}.custom_fields", "custom_fields must be a list of {id, value}",
               "export the tickets again")
        return {}
    return {str(f["id"]): str(f["value"]) for f in raw
            if isinstance(f, dict) and "id" in f and f.get("value") not in (None, "")}


def _freshdesk(item: dict[str, Any], path: str, j: _Json,
               metrics: dict[str, dict[str, Any]]) -> RawTicket | None:
    ticket_id = j.ident(item, "id", path, need=True)
    created = j.moment(item, "created_at", path, need=True)
    status_code = item.get("status")
    if isinstance(status_code, int) and not isinstance(status_code, bool) and status_code > 5:
        status: str | None = f"status_{status_code}"
    else:
        status = j.code(item, "status", path, FRESHDESK_STATUS, "open")
    priority = j.code(item, "priority", path, FRESHDESK_PRIORITY, "normal")
    source = item.get("source")
    channel = FRESHDESK_SOURCE.get(source, f"source_{source}") if isinstance(source, int) \
        else ""
    fields = item.get("custom_fields") or {}
    if not isinstance(fields, dict):
        j.fail(f"{path}.custom_fields", "custom_fields must be an object", "export again")
        fields = {}
    stats = item.get("stats") if isinstance(item.get("stats"), dict) else {}
    responded = bool(stats.get("first_responded_at")) if isinstance(stats, dict) else False
    if ticket_id is None or created is None or status is None or priority is None:
        return None
    return RawTicket(
        id=ticket_id, created=created, source=Source(j.file, path=path), status=status,
        priority=priority, type=item.get("type") if isinstance(item.get("type"), str) else None,
        channel=channel, group=j.ident(item, "group_id", path, need=False),
        assignee=j.ident(item, "responder_id", path, need=False), tags=j.tags(item, path),
        fields={str(k): str(v) for k, v in fields.items() if v not in (None, "")},
        first_response_due=j.moment(item, "fr_due_by", path),
        resolution_due=j.moment(item, "due_by", path), responded=responded,
        subject=str(item.get("subject") or ""), updated=j.moment(item, "updated_at", path))
