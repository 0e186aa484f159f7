"""Agents' personal links: a signed token per agent and planning week, revocable.

The token carries only a random id, signed with the app's secret; what it stands for (team,
agent, week, expiry, revoked, answered) is kept in the app's own folder of the workspace
(``.scheduler-web/links.json``, written whole). A link whose signature, expiry or record fails
is refused, and a link only ever reads and writes its own agent's rows.
"""

from __future__ import annotations

import json
import secrets
import threading
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta

from itsdangerous import BadSignature

from scheduler.domain import Problem
from scheduler.export.files import write_text_atomic
from scheduler.web.security import Settings
from scheduler.web.workspace import Workspace

__all__ = ["Link", "LinkRefused", "issue", "not_answered", "revoke", "verify"]

VALID_DAYS = 14
_lock = threading.Lock()


class LinkRefused(PermissionError):
    """A link that is forged, expired, revoked or not for this agent."""


@dataclass(frozen=True)
class Link:
    """What one agent's link stands for."""

    id: str
    team: str
    agent: str
    week: str  # the planning week's first day, ISO
    expires: str  # ISO instant (UTC)
    revoked: bool = False
    answered: str = ""  # when the agent last saved, ISO instant


def _read(workspace: Workspace) -> dict[str, Link]:
    path = workspace.state_dir / "links.json"
    if not path.exists():
        return {}
    return {key: Link(**value) for key, value in json.loads(path.read_text()).items()}


def _write(workspace: Workspace, links: dict[str, Link]) -> None:
    data = {key: asdict(link) for key, link in links.items()}
    write_text_atomic(workspace.state_dir / "links.json", json.dumps(data, indent=1))


def issue(settings: Settings, team: str, problem: Problem, agent: str,
          now: datetime | None = None, valid_days: int = VALID_DAYS) -> str:
    """A new signed link token for ``agent`` of ``team`` for the problem's planning week."""
    if agent not in problem.agent_index:
        raise KeyError(f"no agent {agent!r} in {team}")
    moment = now or datetime.now(UTC)
    link = Link(secrets.token_urlsafe(12), team, agent, problem.start.isoformat(),
                (moment + timedelta(days=valid_days)).isoformat())
    with _lock:
        links = _read(settings.workspace)
        links[link.id] = link
        _write(settings.workspace, links)
    return settings.signer("agent link").dumps(link.id)


def verify(settings: Settings, token: str, now: datetime | None = None) -> Link:
    """The link a token stands for; :class:`LinkRefused` when it is not good (any reason)."""
    try:
        key = settings.signer("agent link").loads(token)
    except BadSignature:
        raise LinkRefused("this link is not valid") from None
    link = _read(settings.workspace).get(str(key))
    if link is None or link.revoked:
        raise LinkRefused("this link was withdrawn: ask your coordinator for a new one")
    if datetime.fromisoformat(link.expires) <= (now or datetime.now(UTC)):
        raise LinkRefused("this link has expired: ask your coordinator for a new one")
    return link


def revoke(workspace: Workspace, team: str, agent: str) -> int:
    """Withdraw every link of ``agent`` in ``team``; how many were active."""
    count = 0
    with _lock:
        links = _read(workspace)
        for key, link in links.items():
            if link.team == team and link.agent == agent and not link.revoked:
                links[key] = Link(**{**asdict(link), "revoked": True})
                count += 1
        _write(workspace, links)
    return count


def answered(workspace: Workspace, link: Link, now: datetime | None = None) -> None:
    """Record that the agent of ``link`` saved their availability."""
    with _lock:
        links = _read(workspace)
        moment = (now or datetime.now(UTC)).isoformat()
        links[link.id] = Link(**{**asdict(link), "answered": moment})
        _write(workspace, links)


def active(workspace: Workspace, team: str, problem: Problem) -> dict[str, list[Link]]:
    """The links of this team's planning week that still work, per agent."""
    week, now = problem.start.isoformat(), datetime.now(UTC)
    found: dict[str, list[Link]] = {}
    for link in _read(workspace).values():
        if link.team == team and link.week == week and not link.revoked and \
                datetime.fromisoformat(link.expires) > now:
            found.setdefault(link.agent, []).append(link)
    return found


def not_answered(workspace: Workspace, team: str, problem: Problem) -> list[str]:
    """Agents (by name) sent a link for the planning week who have not answered yet."""
    names = {a.id: a.name or a.id for a in problem.agents}
    return sorted(names.get(agent, agent)
                  for agent, links in active(workspace, team, problem).items()
                  if not any(link.answered for link in links))
