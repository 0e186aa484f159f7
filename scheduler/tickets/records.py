"""A ticket as read from an export, before the team's routing policy is applied."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

Format = Literal["csv", "zendesk", "freshdesk"]


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
    says where it was read, for problems and warnings about it."""

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
