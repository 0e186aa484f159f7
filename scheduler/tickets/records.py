"""A ticket as read from an export, before the team's routing policy is applied."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

Format = Literal["csv", "zendesk", "freshdesk"]


@dataclass
class Directory:
    """What the side files of an export say: group names, help-desk users and custom
    statuses (id → name / e-mail / label), per help desk."""

    groups: dict[str, str] = field(default_factory=dict)
    users: dict[tuple[str, str], str] = field(default_factory=dict)
    """(help desk, user id) → e-mail (lower case)."""
    statuses: dict[str, tuple[str, str]] = field(default_factory=dict)
    """Zendesk custom status id → (label, status category)."""


@dataclass(frozen=True)
class Source:
    """Where a ticket was read: the file, and its CSV row or JSON path."""

    file: str
    row: int | None = None
    path: str | None = None

    def __str__(self) -> str:
        place = f", row {self.row}" if self.row is not None else ""
        return self.file + place + (f", key {self.path}" if self.path else "")


@dataclass
class RawTicket:
    """One ticket in the normalised form, before routing (see docs/tickets.md); ``source``
    says where it was read, for problems and warnings about it.

    ``system`` is the help desk it came from; ``version`` orders copies of one ticket (the
    export's ``generated_timestamp`` or ``updated_at``, newest wins); ``skip`` says why it is
    not a ticket to work or count (``deleted``, ``spam``, ``merged``). The history fields
    (``solved`` onwards) feed the weekly metrics; None where the export does not say.
    """

    id: str
    created: datetime
    source: Source
    status: str = "open"
    priority: str = "normal"
    type: str | None = None
    channel: str = ""
    group: str | None = None
    assignee: str | None = None
    tags: frozenset[str] = frozenset()
    fields: dict[str, str] = field(default_factory=dict)
    first_response_due: datetime | None = None
    resolution_due: datetime | None = None
    responded: bool = False
    effort: int | None = None
    queue: str | None = None
    tier: int | None = None
    subject: str = ""
    updated: datetime | None = None
    system: Format = "csv"
    version: float = float("-inf")
    skip: str | None = None
    group_name: str | None = None
    solved: datetime | None = None
    first_reply_minutes: float | None = None
    first_reply_business: float | None = None
    resolution_minutes: float | None = None
    resolution_business: float | None = None
    replies: int | None = None
    reopens: int | None = None
    targets: tuple[tuple[str, datetime, str], ...] = ()
    """SLA targets as exported: (metric, breach time, stage)."""
    sla: dict[str, str] = field(default_factory=dict)
    """SLA outcome per metric (``first_reply_time`` → ``achieved`` / ``breached``)."""
