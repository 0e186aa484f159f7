"""What was last published, and how a new export or publish follows on from it.

A calendar client treats an event as an update (not a new event) when it keeps its UID and has a
higher SEQUENCE. So every export remembers, per UID, the SEQUENCE, LAST-MODIFIED and a digest of
what it published, in a small JSON state file beside the feeds (or, for CalDAV, beside the
roster). :func:`reconcile` compares the new events with that memory:

- same content: same SEQUENCE and LAST-MODIFIED (only DTSTAMP changes);
- changed times, queues or break: SEQUENCE + 1, LAST-MODIFIED now;
- a shift that disappeared: published once more with STATUS:CANCELLED (SEQUENCE + 1), then
  dropped on the export after.

Only events in scope (the feeds being written, days inside the horizon) are compared; the rest
of the memory is kept as it is, so publishing next week never cancels last week.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable, Iterable, Mapping
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Literal

from icalendar import Event

from scheduler.errors import Problems
from scheduler.export.files import write_text_atomic

__all__ = [
    "Change",
    "PlannedEvent",
    "Published",
    "Reconciled",
    "fingerprint",
    "load_state",
    "reconcile",
    "save_state",
    "state_text",
    "stamp",
]

STATE_VERSION = 1
VOLATILE = ("DTSTAMP", "SEQUENCE", "LAST-MODIFIED", "STATUS")
Kind = Literal["create", "update", "cancel", "same"]


@dataclass(frozen=True)
class PlannedEvent:
    """An event as the roster says it should be, before versioning.

    ``component`` holds the content (times, summary, description, categories); SEQUENCE,
    LAST-MODIFIED, DTSTAMP and STATUS are added by :func:`reconcile`.
    """

    uid: str
    feed: str
    day: date
    component: Event


@dataclass(frozen=True)
class Published:
    """What one feed (or server calendar) holds for one UID."""

    uid: str
    feed: str
    day: str
    sequence: int
    last_modified: str
    digest: str
    cancelled: bool = False
    href: str = ""
    event: str = field(default="", repr=False)

    @property
    def component(self) -> Event:
        """The published VEVENT, parsed."""
        return _event(self.event)


@dataclass(frozen=True)
class Change:
    """One event of the new export: what happened to it and its final VEVENT."""

    kind: Kind
    record: Published
    component: Event


@dataclass
class Reconciled:
    """Changes in scope (sorted by feed, day, uid) and the state to remember afterwards."""

    changes: list[Change]
    state: dict[str, Published]

    def count(self, kind: Kind) -> int:
        """How many changes are of ``kind``."""
        return sum(1 for c in self.changes if c.kind == kind)


def _event(text: str | bytes) -> Event:
    """Parse one VEVENT."""
    event = Event.from_ical(text)
    assert isinstance(event, Event)
    return event


def fingerprint(component: Event) -> str:
    """A digest of an event's content, ignoring DTSTAMP, SEQUENCE, LAST-MODIFIED and STATUS."""
    text = component.to_ical()
    lines = [line for line in text.splitlines()
             if not any(line.upper().startswith(name.encode()) for name in VOLATILE)]
    return hashlib.sha256(b"\n".join(lines)).hexdigest()[:32]


def stamp(moment: datetime) -> str:
    """A UTC instant as ``YYYYMMDDTHHMMSSZ``."""
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _versioned(uid: str, component: Event, sequence: int, last_modified: str,
               now: datetime, status: str) -> Event:
    event = Event()  # a shallow copy: the planned component stays as it was
    for name, value in component.items():
        if name not in (*VOLATILE, "UID"):
            event[name] = value
    event.add("uid", uid)
    event.add("dtstamp", now.astimezone(UTC))
    event.add("sequence", sequence)
    event.add("last-modified", datetime.strptime(last_modified, "%Y%m%dT%H%M%SZ")
              .replace(tzinfo=UTC))
    event.add("status", status)
    return event


def reconcile(previous: Mapping[str, Published], planned: Iterable[PlannedEvent],
              in_scope: Callable[[Published], bool], now: datetime) -> Reconciled:
    """Version the planned events against what was published before.

    Parameters
    ----------
    previous
        The state read back, by UID.
    planned
        The events the roster asks for now.
    in_scope
        Whether a remembered event is covered by this export (its feed is written and its day
        is in the horizon); one out of scope is kept untouched and not cancelled.
    now
        The export's time: DTSTAMP, and LAST-MODIFIED of what changes.
    """
    now_text = stamp(now)
    state = dict(previous)
    changes: list[Change] = []
    seen = set()
    for item in planned:
        seen.add(item.uid)
        digest = fingerprint(item.component)
        old = previous.get(item.uid)
        kind: Kind
        if old is None:
            kind, sequence, modified = "create", 0, now_text
        elif old.digest == digest and not old.cancelled:
            kind, sequence, modified = "same", old.sequence, old.last_modified
        else:
            kind, sequence, modified = "update", old.sequence + 1, now_text
        event = _versioned(item.uid, item.component, sequence, modified, now, "CONFIRMED")
        record = Published(item.uid, item.feed, item.day.isoformat(), sequence, modified, digest,
                           href=old.href if old else "", event=event.to_ical().decode())
        state[item.uid] = record
        changes.append(Change(kind, record, event))
    for uid, old in previous.items():
        if uid in seen or not in_scope(old):
            continue
        del state[uid]
        if old.cancelled:
            continue
        event = _versioned(uid, old.component, old.sequence + 1, now_text, now, "CANCELLED")
        record = replace(old, sequence=old.sequence + 1, last_modified=now_text, cancelled=True,
                         event=event.to_ical().decode())
        state[uid] = record
        changes.append(Change("cancel", record, event))
    changes.sort(key=lambda c: (c.record.feed, c.record.day, c.record.uid))
    return Reconciled(changes, state)


def load_state(path: str | os.PathLike[str], problems: Problems,
               owner: str = "") -> dict[str, Published]:
    """Read a state file (empty when it does not exist); problems are recorded, not raised.

    ``owner`` (a CalDAV server URL) must match the one the file was written for, when given.
    """
    target = Path(path)
    if not target.exists():
        return {}
    fix = f"delete {target.name} to start afresh (events are then re-sent with SEQUENCE 0)"
    try:
        data = json.loads(target.read_text(encoding="utf-8"))
        if data.get("version") != STATE_VERSION:
            raise ValueError(f"unknown version {data.get('version')!r}")
        if owner and data.get("owner") != owner:
            problems.add(target.name, f"this state file is for {data.get('owner')!r}, not "
                         f"{owner!r}", "give another --state file for this server")
            return {}
        records = [Published(**item) for item in data["events"]]
    except (OSError, ValueError, TypeError, KeyError, AttributeError) as exc:
        problems.add(target.name, f"not a calendar state file written by scheduler ({exc})", fix)
        return {}
    return {r.uid: r for r in records}


def state_text(state: Mapping[str, Published], owner: str = "") -> str:
    """The state as JSON text, records sorted by feed, day and UID."""
    records = sorted(state.values(), key=lambda r: (r.feed, r.day, r.uid))
    return json.dumps({"version": STATE_VERSION, "owner": owner,
                       "events": [asdict(r) for r in records]}, indent=1,
                      ensure_ascii=False) + "\n"


def save_state(path: str | os.PathLike[str], state: Mapping[str, Published],
               owner: str = "") -> Path:
    """Write the state file whole or not at all."""
    return write_text_atomic(path, state_text(state, owner))
