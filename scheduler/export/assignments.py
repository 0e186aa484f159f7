"""Assignment outputs: assignments.csv and the help desks' bulk-update payloads.

``assignments.csv`` has one row per ticket (agent, position in that agent's queue, projected
start and finish in the team's time zone, SLA status, moved yes/no, why unassigned).
``zendesk-update-many.json`` is a list of request bodies for ``PUT
/api/v2/tickets/update_many.json`` (at most 100 tickets each); ``freshdesk-bulk-update.json`` a
list of bodies for ``POST /api/v2/tickets/bulk_update`` (one per agent). Both hold only the
tickets whose assignee changes. All files are written together or not at all.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pandas as pd

from scheduler.export.cells import csv_safe
from scheduler.export.files import write_group
from scheduler.solvers.assignment import AssignResult
from scheduler.tickets.desk import Desk, Watch
from scheduler.tickets.policy import TicketPolicy

COLUMNS = ("ticket", "priority", "queue", "tier", "due", "effort_minutes", "agent", "position",
           "start", "finish", "sla_status", "minutes_to_due", "moved", "reason")
ZENDESK_BATCH = 100
STAMP = "%Y-%m-%d %H:%M"


def assignments_frame(desk: Desk, result: AssignResult, watch: Sequence[Watch],
                      zone: str) -> pd.DataFrame:
    """One row per ticket in earliest-due-first order (see the module note)."""
    status = {w.ticket: w.status for w in watch}
    tz = ZoneInfo(zone)

    def when(minute: int | None) -> str:
        if minute is None:
            return ""
        return f"{(desk.at + timedelta(minutes=minute)).astimezone(tz):{STAMP}}"

    rows = []
    for job in desk.jobs:
        place = result.outcome.placed[job.id]
        sla = job.ticket.due is not None
        rows.append({
            "ticket": job.id, "priority": job.ticket.priority, "queue": job.queue,
            "tier": job.tier, "due": when(job.due) if sla else "", "effort_minutes": job.effort,
            "agent": place.agent or "", "position": place.position or "",
            "start": when(place.start), "finish": when(place.finish),
            "sla_status": status[job.id], "minutes_to_due": job.due if sla else "",
            "moved": "yes" if place.moved else "no", "reason": result.reasons.get(job.id, ""),
        })
    return pd.DataFrame(rows, columns=list(COLUMNS))


def _changes(desk: Desk, result: AssignResult, policy: TicketPolicy) -> list[tuple[Any, Any]]:
    """(ticket id, help-desk assignee id) for every ticket whose assignee changes."""
    found = []
    for job in desk.jobs:
        agent = result.assignment.get(job.id)
        if agent is None or agent == job.ticket.assignee:
            continue
        found.append((_number(job.id), _number(policy.helpdesk_ids.get(agent, agent))))
    return found


def _number(value: str) -> Any:
    return int(value) if value.isdigit() else value


def zendesk_payload(desk: Desk, result: AssignResult, policy: TicketPolicy) -> list[dict[str, Any]]:
    """Bodies for Zendesk's update_many, at most 100 tickets each."""
    tickets = [{"id": ticket, "assignee_id": agent}
               for ticket, agent in _changes(desk, result, policy)]
    return [{"tickets": tickets[i:i + ZENDESK_BATCH]}
            for i in range(0, len(tickets), ZENDESK_BATCH)]


def freshdesk_payload(desk: Desk, result: AssignResult,
                      policy: TicketPolicy) -> list[dict[str, Any]]:
    """Bodies for Freshdesk's bulk_update, one per new responder."""
    by_agent: dict[Any, list[Any]] = {}
    for ticket, agent in _changes(desk, result, policy):
        by_agent.setdefault(agent, []).append(ticket)
    return [{"bulk_action": {"ids": ids, "properties": {"responder_id": agent}}}
            for agent, ids in sorted(by_agent.items(), key=lambda kv: str(kv[0]))]


def write_assignment_outputs(out_dir: Path, frame: pd.DataFrame,
                             payloads: dict[str, list[dict[str, Any]]]) -> list[Path]:
    """Write assignments.csv and the payload files (``name`` → bodies) as one group."""
    out_dir.mkdir(parents=True, exist_ok=True)
    outputs: list[tuple[Path, Any]] = [
        (out_dir / "assignments.csv", lambda path: csv_safe(frame).to_csv(path, index=False))]
    for name, bodies in payloads.items():
        text = json.dumps(bodies, indent=2, ensure_ascii=False) + "\n"
        outputs.append((out_dir / name, lambda path, text=text: path.write_text(
            text, encoding="utf-8")))
    return write_group(outputs)


def payloads_for(kind: str, desk: Desk, result: AssignResult, policy: TicketPolicy
                 ) -> dict[str, Any]:
    """The bulk-update payloads to write for tickets read as ``kind``.

    A Zendesk export gets Zendesk's ``update_many`` body, a Freshdesk export Freshdesk's bulk
    update; the project's CSV or a JSON file of unknown origin (``csv``, ``json``) get both.
    """
    payloads: dict[str, Any] = {}
    if kind in ("zendesk", "csv", "json"):
        payloads["zendesk-update-many.json"] = zendesk_payload(desk, result, policy)
    if kind in ("freshdesk", "csv", "json"):
        payloads["freshdesk-bulk-update.json"] = freshdesk_payload(desk, result, policy)
    return payloads
