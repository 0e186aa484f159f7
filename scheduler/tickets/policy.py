"""The ``tickets:`` section of team.yaml: routing rules, effort, SLA weights, tiers.

Read on its own (the team folder loader only tolerates the key), with problems reported at the
YAML key path and line, like the rest of team.yaml. docs/tickets.md describes every key.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from pydantic import Field, ValidationError, field_validator, model_validator

from scheduler.domain import Frozen, Problem
from scheduler.errors import Problems
from scheduler.load.cells import listing, read_text
from scheduler.load.team_yaml import TEAM, YamlReader, parse_yaml

Priority = Literal["low", "normal", "high", "urgent"]
PRIORITIES: tuple[Priority, ...] = ("low", "normal", "high", "urgent")
DEFAULT_WEIGHTS: dict[Priority, int] = {"urgent": 1000, "high": 100, "normal": 10, "low": 1}


class RoutingRule(Frozen):
    """One line of the routing list: when every given condition holds, the ticket goes to
    ``queue`` at ``tier``. A rule with no condition matches every ticket (a catch-all).

    ``tag`` matches when the ticket carries that tag; ``field`` and ``value`` match a custom
    field (Zendesk: the field id; Freshdesk: ``cf_name``; CSV: the ``cf_`` column).
    """

    group: str | None = None
    channel: str | None = None
    tag: str | None = None
    type: str | None = None
    field: str | None = None
    value: str | None = None
    queue: str = Field(min_length=1)
    tier: int = Field(1, ge=1)

    @field_validator("group", "channel", "tag", "type", "field", "value", mode="before")
    @classmethod
    def _as_text(cls, value: Any) -> Any:
        return str(value) if isinstance(value, int | float) and not isinstance(value, bool) \
            else value

    @model_validator(mode="after")
    def _field_and_value(self) -> RoutingRule:
        if (self.field is None) != (self.value is None):
            raise ValueError("field and value go together; use both, e.g. field: cf_product, "
                             "value: billing")
        return self

    def matches(self, group: str | None, channel: str, tags: frozenset[str],
                kind: str | None, fields: dict[str, str], *,
                group_name: str | None = None) -> bool:
        """Whether every condition of the rule holds for a ticket's attributes (``group``:
        the group id, or its name from the groups file, case aside)."""
        named = group_name is not None and self.group is not None \
            and self.group.strip().lower() == group_name.strip().lower()
        return ((self.group is None or self.group == group or named)
                and (self.channel is None or self.channel == channel)
                and (self.tag is None or self.tag in tags)
                and (self.type is None or (kind or "").lower() == self.type.lower())
                and (self.field is None or fields.get(self.field) == self.value))


class BusinessWindow(Frozen):
    """``tickets.business_hours``: open from ``start`` to ``end`` (``HH:MM``) on ``weekdays``
    (0 = Monday; default Monday to Friday), for business response times in the metrics."""

    start: str = Field(pattern=r"^([01]\d|2[0-3]):[0-5]\d$")
    end: str = Field(pattern=r"^([01]\d|2[0-4]):[0-5]\d$")
    weekdays: tuple[int, ...] = (0, 1, 2, 3, 4)

    @property
    def start_minute(self) -> int:
        """Minutes after local midnight the business day starts."""
        return int(self.start[:2]) * 60 + int(self.start[3:])

    @property
    def end_minute(self) -> int:
        """Minutes after local midnight the business day ends."""
        return min(int(self.end[:2]) * 60 + int(self.end[3:]), 24 * 60)

    @model_validator(mode="after")
    def _order(self) -> BusinessWindow:
        if self.end_minute <= self.start_minute or not all(0 <= d <= 6 for d in self.weekdays):
            raise ValueError("business hours end after they start, on weekdays 0-6; use e.g. "
                             "{start: '08:00', end: '18:00', weekdays: [0, 1, 2, 3, 4]}")
        return self


class TicketPolicy(Frozen):
    """How tickets are routed, estimated and weighed (team.yaml ``tickets:``).

    Attributes
    ----------
    routing
        Ordered rules, first match wins; a ticket no rule matches is skipped with a warning.
    handle_minutes
        Minutes a ticket of a queue takes; queues not listed use the forecast's average
        handle time, else ``default_handle_minutes``.
    priority_scale, type_scale
        Multipliers of the handle time by priority and by ticket type.
    breach_weights
        Cost of one breached (or unassigned) ticket of each priority.
    at_risk_minutes
        A ticket projected to finish less than this before its due time is ``at risk``.
    open_statuses
        Statuses that are worked now (Freshdesk custom statuses read as ``status_6`` and so on).
    agent_tiers
        Tier of each specialist agent (others are tier 1).
    helpdesk_ids
        The help desk's user id of each agent (for current assignees and the update payload).
    business_hours
        The hours business response times count in the metrics (default: the support day of
        the shift templates, Monday to Friday).
    """

    routing: tuple[RoutingRule, ...] = ()
    handle_minutes: dict[str, float] = Field(default_factory=dict)
    default_handle_minutes: float = Field(15, gt=0)
    priority_scale: dict[Priority, float] = Field(default_factory=dict)
    type_scale: dict[str, float] = Field(default_factory=dict)
    breach_weights: dict[Priority, int] = Field(default_factory=lambda: dict(DEFAULT_WEIGHTS))
    at_risk_minutes: int = Field(60, ge=0)
    open_statuses: tuple[str, ...] = ("new", "open")
    agent_tiers: dict[str, int] = Field(default_factory=dict)
    helpdesk_ids: dict[str, str] = Field(default_factory=dict)
    business_hours: BusinessWindow | None = None

    @field_validator("handle_minutes", "priority_scale", "type_scale")
    @classmethod
    def _positive(cls, value: dict[str, float]) -> dict[str, float]:
        if any(v <= 0 for v in value.values()):
            raise ValueError("minutes and scales must be above 0; use e.g. 1.5")
        return value

    @field_validator("breach_weights")
    @classmethod
    def _weights(cls, value: dict[str, int]) -> dict[str, int]:
        weights = DEFAULT_WEIGHTS | value
        if any(w < 1 or w > 10**6 for w in weights.values()):
            raise ValueError("breach weights are whole numbers from 1 to 1000000; use e.g. 100")
        return weights

    @field_validator("open_statuses", mode="before")
    @classmethod
    def _status_names(cls, value: Any) -> Any:
        """``hold`` (Zendesk's word) is ``on_hold``; names are case-blind."""
        if not isinstance(value, list | tuple):
            return value
        names = [str(v).strip().lower() for v in value]
        return tuple("on_hold" if n in ("hold", "on-hold", "on hold") else n for n in names)

    @field_validator("helpdesk_ids", mode="before")
    @classmethod
    def _ids_as_text(cls, value: Any) -> Any:
        return {str(k): str(v) for k, v in value.items()} if isinstance(value, dict) else value

    def weight(self, priority: str) -> int:
        """The breach weight of a priority."""
        return self.breach_weights.get(priority, DEFAULT_WEIGHTS.get(priority, 1))  # type: ignore[call-overload]

    def agent_of(self, helpdesk_id: str) -> str | None:
        """The team agent whose help-desk id (or own id) this is."""
        for agent, known in self.helpdesk_ids.items():
            if known == helpdesk_id:
                return agent
        return None


def read_ticket_policy(folder: Path | str, problem: Problem) -> TicketPolicy:
    """Read the ``tickets:`` section of ``folder/team.yaml`` (defaults when there is none).

    Raises
    ------
    TeamFolderError
        For every bad key (key path and line), an unknown queue or agent.
    """
    problems = Problems()
    source = read_text(Path(folder) / TEAM, TEAM, problems, required=True)
    parsed = None if source is None else parse_yaml(source, problems)
    policy = TicketPolicy()
    if parsed is not None and isinstance(parsed[0], dict) and parsed[0].get("tickets"):
        data, lines = parsed
        y = YamlReader(problems, lines)
        raw = data["tickets"]
        if not isinstance(raw, dict):
            y.add("tickets", "tickets must be key: value lines", "see docs/tickets.md")
        else:
            try:
                policy = TicketPolicy.model_validate(raw)
            except ValidationError as exc:
                y.validation(exc, "tickets", TicketPolicy)
            else:
                _references(policy, problem, y)
    problems.raise_if_any(str(folder))
    return policy


def _references(policy: TicketPolicy, problem: Problem, y: YamlReader) -> None:
    queues, agents = problem.queue_index, problem.agent_index
    for i, rule in enumerate(policy.routing):
        if rule.queue not in queues:
            y.add(f"tickets.routing[{i}].queue", f"queue {rule.queue} is not in queues",
                  f"use one of: {listing(queues)}", rule.queue)
    for key in ("handle_minutes",):
        for queue in getattr(policy, key):
            if queue not in queues:
                y.add(f"tickets.{key}.{queue}", f"queue {queue} is not in queues",
                      f"use one of: {listing(queues)}", queue)
    for key in ("agent_tiers", "helpdesk_ids"):
        for agent in getattr(policy, key):
            if agent not in agents:
                y.add(f"tickets.{key}.{agent}", f"agent {agent} is not in agents.csv",
                      f"use one of: {listing(agents)}", agent)
