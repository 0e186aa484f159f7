"""Publish each agent's shifts to their calendar on a CalDAV server.

The events are the agent feeds' events (:mod:`scheduler.export.ical`), versioned against a state
file of what the server accepted (:mod:`scheduler.export.calendar_state`). Each event is stored
at ``<calendar>/<UID>.ics``, so sending it again replaces it in place: an operation whose answer
was lost (the server died mid-way) is simply repeated on the next run, never duplicated. The
state file is rewritten after every operation the server accepted, and only then; a removed
shift stays in it until its DELETE succeeded, so no cancellation is lost.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit, urlunsplit

from scheduler.domain import Problem, Roster
from scheduler.errors import Problems
from scheduler.export.calendar_state import Change, Published, load_state, reconcile, save_state
from scheduler.export.ical import TEAM_FEED, feed_calendar, feeds_of, in_horizon, planned_events
from scheduler.export.vtimezone import vtimezone

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["Operation", "PublishError", "PublishResult", "calendar_name", "display_name",
           "plan_publish", "publish", "safe_url", "url_problem"]

STATE_FILE = "caldav-state.json"


class PublishError(Exception):
    """The server is down, refused the login or failed; the message is one line.

    ``then`` says what to do next: run the same command again once the server is back, or
    first fix the login or the account's rights (running it again as it is would not help).
    """

    def __init__(self, message: str, then: str = "run the same command again to finish") -> None:
        super().__init__(message)
        self.then = then


def url_problem(url: str) -> str | None:
    """What is wrong with a CalDAV server URL, in words (None when it is usable).

    The scheme is case-insensitive (``HTTP://`` is http); the host must be a name or an
    address without spaces, and a bracketed IPv6 address must be closed.
    """
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError as exc:
        return f"{url!r} is not a URL ({exc})"
    if parts.scheme.lower() not in ("http", "https"):
        return f"{url!r} is not an http:// or https:// URL"
    host = parts.hostname or ""
    if not host:
        return f"{url!r} names no server"
    if any(c.isspace() or c in "<>\"{}|^`" for c in host) or (port is not None and port <= 0):
        return f"{url!r} has spaces or other characters a server name cannot hold"
    return None


def safe_url(url: str) -> str:
    """The URL without any user or password written into it (the URL as given when it cannot
    be read at all, minus anything before an ``@``)."""
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        netloc = host + (f":{parts.port}" if parts.port else "")
    except ValueError:
        return url.rsplit("@", 1)[-1]
    if ":" in host:
        netloc = f"[{host}]" + (f":{parts.port}" if parts.port else "")
    return urlunsplit((parts.scheme.lower(), netloc, parts.path, "", ""))


def calendar_name(problem: Problem, agent_id: str) -> str:
    """The agent's calendar: agents.csv's ``calendar`` column, else ``shifts-<id>``."""
    return problem.agent_index[agent_id].calendar or f"shifts-{agent_id}"


def display_name(problem: Problem, agent_id: str) -> str:
    """The name a person sees for the agent's calendar: ``<team> — <agent's name>``."""
    return f"{problem.team} — {problem.agent_index[agent_id].label}"


@dataclass(frozen=True)
class Operation:
    """One change to send: ``create``, ``update`` or ``delete`` of one event."""

    kind: str
    agent: str
    calendar: str
    change: Change
    body: str = field(default="", repr=False)

    @property
    def summary(self) -> str:
        """The event's summary and start, for listings."""
        event = self.change.component
        start = event.decoded("dtstart")
        form = "%a %Y-%m-%d %H:%M" if isinstance(start, datetime) else "%a %Y-%m-%d"
        when = start.strftime(form)
        return f"{when} {event.get('summary', '')}"


@dataclass
class PublishResult:
    """What was (or, for a dry run, would be) sent; ``unchanged`` events were left alone."""

    operations: list[Operation]
    unchanged: int
    done: int = 0

    def count(self, kind: str) -> int:
        """How many operations are of ``kind``."""
        return sum(1 for op in self.operations if op.kind == kind)


def plan_publish(problem: Problem, roster: Roster, covering: pd.DataFrame,
                 previous: Mapping[str, Published],
                 now: datetime | None = None) -> tuple[list[Operation], int]:
    """The operations that bring the server from ``previous`` to the roster; and how many
    events are unchanged."""
    feeds = [f for f in feeds_of(problem) if not f.is_team]
    events = [e for e in planned_events(problem, roster, covering) if e.feed != TEAM_FEED]
    result = reconcile(previous, events, in_horizon(problem, (f.key for f in feeds)),
                       now or datetime.now(UTC))
    first, last = problem.clock.date_of(-1), problem.clock.date_of(problem.days + 1)
    zones = {f.key: (f, vtimezone(f.zone, first, last)) for f in feeds}
    operations = []
    for change in result.changes:
        agent = change.record.feed
        if change.kind == "same":
            continue
        if change.kind == "cancel":
            operations.append(Operation("delete", agent, calendar_name(problem, agent), change))
            continue
        feed, zone = zones[agent]
        body = feed_calendar(feed, [change.component], zone, stored=True).to_ical().decode()
        operations.append(Operation(change.kind, agent, calendar_name(problem, agent), change,
                                    body))
    return operations, result.count("same")


@contextmanager
def _server(action: str, url: str) -> Iterator[None]:
    """Turn whatever the client raises into a one-line :class:`PublishError`."""
    from caldav.lib import error

    try:
        yield
    except error.AuthorizationError as exc:
        if exc.status == 403:
            raise PublishError(f"{safe_url(url)} forbade {action} (403): the account may not "
                               "do this; check the calendar's sharing or use another --user",
                               "run the command again once the account may") from None
        raise PublishError(f"{safe_url(url)} refused the login while {action} (401): "
                           "check --user and the password variable",
                           "run the command again with the right login") from None
    except error.DAVError as exc:
        reason = " ".join(str(getattr(exc, "reason", "") or type(exc).__name__).split())
        status = f"HTTP {exc.status}, " if getattr(exc, "status", None) else ""
        raise PublishError(f"{safe_url(url)} failed while {action}: {status}{reason[:160]}"
                           ) from None
    except OSError as exc:  # connection refused or reset, time-outs (niquests / requests)
        raise PublishError(f"cannot reach {safe_url(url)} while {action} "
                           f"({type(exc).__name__}): is the server up") from None


class _Calendars:
    """The publishing account's calendars by id (the last part of their URL); missing ones
    are created with their display name, and an existing one's display name is brought up to
    date the first time it is used."""

    def __init__(self, client: Any, url: str, titles: Mapping[str, str]) -> None:
        self.url = url
        self.titles = titles
        self.named: set[str] = set()
        with _server("finding the calendars", url):
            self.principal = client.principal()
            self.known = {str(calendar.url).rstrip("/").rsplit("/", 1)[-1]: calendar
                          for calendar in self.principal.calendars()}

    def get(self, name: str) -> Any:
        title = self.titles.get(name, name)
        if name not in self.known:
            with _server(f"creating calendar {name}", self.url):
                self.known[name] = self.principal.make_calendar(name=title, cal_id=name)
            self.named.add(name)
        if name not in self.named:
            self.named.add(name)
            self._rename(self.known[name], name, title)
        return self.known[name]

    def _rename(self, calendar: Any, name: str, title: str) -> None:
        from caldav.elements import dav

        with _server(f"naming calendar {name}", self.url):
            if calendar.get_display_name() != title:
                calendar.set_properties([dav.DisplayName(title)])


def _send(op: Operation, calendar: Any, client: Any, url: str) -> str:
    """Apply one operation; the event's href ("" after a delete)."""
    from caldav.calendarobjectresource import Event
    from caldav.lib import error

    uid = op.change.record.uid
    with _server(f"{'deleting' if op.kind == 'delete' else 'saving'} event {uid}", url):
        if op.kind != "delete":
            # our SEQUENCE is already right: the client must not raise it again
            return str(calendar.save_event(op.body, increase_seqno=False).url)
        try:
            href = op.change.record.href
            found = (Event(client=client, url=href, parent=calendar) if href
                     else calendar.event_by_uid(uid))
            found.delete()
        except error.NotFoundError:
            pass  # already gone: a DELETE whose answer was lost, or removed by hand
    return ""


def publish(problem: Problem, roster: Roster, covering: pd.DataFrame, url: str, *,
            state_path: str | os.PathLike[str], user: str | None = None,
            password: str | None = None, dry_run: bool = False, now: datetime | None = None,
            on_operation: Callable[[Operation], None] | None = None) -> PublishResult:
    """Bring each agent's calendar on ``url`` up to date with the roster.

    Parameters
    ----------
    covering
        The roster's covering plan (:func:`scheduler.staffing.covering.covering_plan`).
    url, user, password
        The CalDAV server and the login (no login when ``user`` is None). The password is
        only handed to the client: it is never printed, logged or written.
    state_path
        The state file of what this server accepted (created when missing).
    dry_run
        Only work out the operations; the server is not contacted.
    on_operation
        Called after each operation the server accepted.

    Raises
    ------
    TeamFolderError
        When the state file is unreadable or belongs to another server.
    PublishError
        When the server is down, refuses the login or fails; every operation accepted before
        is already recorded in the state file.
    """
    scheme, colon, rest = url.strip().partition(":")
    url = scheme.lower() + colon + rest  # schemes are case-insensitive; the client wants lower
    problems = Problems()
    owner = safe_url(url)
    state = load_state(state_path, problems, owner=owner)
    problems.raise_if_any(str(Path(state_path).parent))
    operations, unchanged = plan_publish(problem, roster, covering, state, now)
    result = PublishResult(operations, unchanged)
    if dry_run or not operations:
        return result
    from caldav.davclient import DAVClient

    with _server("connecting", url):
        client = DAVClient(url, username=user, password=password, timeout=30)
    titles = {op.calendar: display_name(problem, op.agent) for op in operations}
    calendars = _Calendars(client, url, titles)
    for op in operations:
        href = _send(op, calendars.get(op.calendar), client, url)
        uid = op.change.record.uid
        if op.kind == "delete":
            state.pop(uid, None)
        else:
            state[uid] = replace(op.change.record, href=href)
        save_state(state_path, state, owner=owner)
        result.done += 1
        if on_operation is not None:
            on_operation(op)
    return result
