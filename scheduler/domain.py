"""The team's world as validated, frozen objects: the one truth every step reads.

Every model is immutable and forbids unknown fields. Checks that involve one object live on
that object; checks across objects (an agent's skill naming a queue, time off for a known agent,
forecast inside the horizon) live in :meth:`Problem._cross_checks`.

Times: the horizon starts at local midnight of ``Problem.start`` in the team's time zone. Inside
the engine every time is an integer number of minutes from that instant, counted on the real
(UTC) clock, so a shift over a DST change has its true length. Conversions live in
:mod:`scheduler.timeline`.
"""

from __future__ import annotations

from datetime import date, datetime, time
from enum import StrEnum
from functools import cached_property
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from scheduler.settings import MAX_DAYS, MAX_WEEKENDS, MAX_WEIGHT, RuleSettings
from scheduler.timeline import Clock

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
MAX_PRIORITY = 100
MAX_HEADCOUNT = 10_000
MAX_VOLUME = 10_000
"""Contacts arriving on one queue in one interval."""
MAX_AHT_S = 4 * 3600
MAX_MINUTES = MAX_DAYS * 24 * 60
MAX_SHRINKAGE = 0.9
MIN_OCCUPANCY = 0.1
ID_PATTERN = r"^[A-Za-z0-9_][A-Za-z0-9_.-]*$"
"""Ids start with a letter, digit or _: never with = + - @, which spreadsheets run as formulas."""


class Frozen(BaseModel):
    """Base of every domain object: immutable, no unknown fields."""

    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)


class Channel(StrEnum):
    """How contacts reach a queue, which decides how staffing is computed."""

    PHONE = "phone"
    CHAT = "chat"
    EMAIL = "email"


def check_time_zone(name: str) -> str:
    """Return ``name`` if it is a known IANA time zone, else raise ``ValueError``."""
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError) as exc:  # OSError: a folder, too long
        raise ValueError(
            f"unknown time zone {name!r}; use an IANA name such as Europe/Berlin") from exc
    return name


class Queue(Frozen):
    """A queue of work: phone line, chat widget or e-mail/ticket inbox.

    Attributes
    ----------
    id, name
        Short identifier used in CSV files, and the display name.
    channel
        ``phone`` (live, Erlang C), ``chat`` (live with concurrency) or ``email`` (async workload).
    priority
        Weight multiplier for being short on this queue (integer >= 1).
    service_level, answer_within_s
        Live queues: target fraction of contacts answered within ``answer_within_s`` seconds.
    concurrency
        Chat: conversations one agent handles at once.
    first_response_minutes
        Async queues: every contact gets its first response within this many minutes.
    shrinkage, max_occupancy
        Override the team-wide values for this queue when given.
    """

    id: str = Field(min_length=1, pattern=ID_PATTERN)
    name: str = ""
    channel: Channel
    priority: int = Field(1, ge=1, le=MAX_PRIORITY)
    service_level: float = Field(0.8, gt=0, le=0.999)
    answer_within_s: float = Field(20, ge=1, le=24 * 3600)
    concurrency: int = Field(1, ge=1, le=50)
    first_response_minutes: int = Field(240, ge=0, le=31 * 24 * 60)
    shrinkage: float | None = Field(None, ge=0, le=MAX_SHRINKAGE)
    max_occupancy: float | None = Field(None, ge=MIN_OCCUPANCY, le=1)


class ShiftTemplate(Frozen):
    """A shift pattern agents can be given: start time, paid length and unpaid break.

    ``weekdays`` limits the days the template is offered (0 = Monday); empty means every day.
    A shift whose start plus length passes midnight simply ends the next day. ``day_offset`` 1
    starts the shift on the next date (a flexible shift starting after midnight of an
    overnight support day); ``flexible`` names the flexible shift a candidate was cut from
    (such templates are offered only to the agents and days listed in ``Problem.offers``).
    """

    id: str = Field(min_length=1, pattern=ID_PATTERN)
    name: str = ""
    start: time
    paid_minutes: int = Field(gt=0, le=24 * 60)
    break_minutes: int = Field(0, ge=0, le=240)
    weekdays: tuple[int, ...] = ()
    day_offset: int = Field(0, ge=0, le=1)
    flexible: str | None = None

    @property
    def length_minutes(self) -> int:
        """Minutes from start to end, break included."""
        return self.paid_minutes + self.break_minutes

    @field_validator("weekdays")
    @classmethod
    def _weekdays_in_range(cls, value: tuple[int, ...]) -> tuple[int, ...]:
        if any(not 0 <= d <= 6 for d in value):
            raise ValueError("weekdays are 0 (Monday) to 6 (Sunday)")
        return value


class Contract(Frozen):
    """What an agent's contract allows. ``None`` means: use the team's rule setting.

    Minutes are paid minutes. ``period`` says whether min/max minutes count per calendar week
    of the horizon (weeks start on the horizon's first day) or over the whole horizon.
    """

    min_minutes: int = Field(0, ge=0, le=MAX_MINUTES)
    max_minutes: int | None = Field(None, ge=0, le=MAX_MINUTES)
    period: Literal["week", "horizon"] = "week"
    max_days_per_week: int | None = Field(None, ge=0, le=7)
    max_shifts: dict[str, Annotated[int, Field(ge=0, le=MAX_DAYS)]] = Field(default_factory=dict)
    max_consecutive_days: int | None = Field(None, ge=1, le=MAX_DAYS)
    min_consecutive_days: int | None = Field(None, ge=1, le=MAX_DAYS)
    min_consecutive_days_off: int | None = Field(None, ge=1, le=MAX_DAYS)
    max_weekends: int | None = Field(None, ge=0, le=MAX_WEEKENDS)

    @model_validator(mode="after")
    def _min_not_above_max(self) -> Contract:
        if self.max_minutes is not None and self.min_minutes > self.max_minutes:
            raise ValueError(
                f"minimum hours {self.min_minutes / 60:g} are above maximum hours "
                f"{self.max_minutes / 60:g}"
            )
        return self


class Window(Frozen):
    """An availability window: on ``weekday`` (0 = Monday), local minutes [start, end)."""

    weekday: int = Field(ge=0, le=6)
    start_minute: int = Field(ge=0, le=24 * 60)
    end_minute: int = Field(ge=0, le=24 * 60)

    @model_validator(mode="after")
    def _ordered(self) -> Window:
        if self.end_minute <= self.start_minute:
            raise ValueError("an availability window must end after it starts")
        return self


DAY_MINUTES = 24 * 60


class Preference(StrEnum):
    """How much an agent likes to work an interval (``availability.csv``)."""

    PREFERRED = "preferred"
    AVAILABLE = "available"
    IF_NEEDED = "if needed"
    UNAVAILABLE = "unavailable"


class AvailabilityPolicy(Frozen):
    """How availability is read: the support day, the default level and the level costs.

    Attributes
    ----------
    day_starts_at
        Minute after local midnight at which a planning day starts (``06:00`` → 360): a window
        or shift up to ``day_starts_at + 24:00`` belongs to the day it started on.
    default
        Level of every interval an agent gave no row for (``available`` or ``unavailable``).
    costs
        Cost per interval on duty at each level (``unavailable`` is never worked).
    """

    day_starts_at: int = Field(0, ge=0, lt=DAY_MINUTES)
    default: Literal[Preference.AVAILABLE, Preference.UNAVAILABLE] = Preference.AVAILABLE
    costs: dict[Preference, int] = Field(default_factory=lambda: {
        Preference.PREFERRED: 0, Preference.AVAILABLE: 1, Preference.IF_NEEDED: 5})

    @property
    def day_ends_at(self) -> int:
        """Minute (after the planning day's midnight) at which the support day ends."""
        return self.day_starts_at + DAY_MINUTES

    def cost(self, level: Preference) -> int:
        """Cost of one interval on duty at ``level``."""
        return self.costs.get(level, 0)


class AvailabilityRow(Frozen):
    """One agent's level on horizon ``day`` from ``start_minute`` to ``end_minute``.

    Minutes count from local midnight of the day's date and may pass 24:00 (overnight).
    """

    agent: str
    day: int = Field(ge=0)
    start_minute: int = Field(ge=0, le=2 * DAY_MINUTES)
    end_minute: int = Field(ge=0, le=2 * DAY_MINUTES)
    level: Preference

    @model_validator(mode="after")
    def _ordered(self) -> AvailabilityRow:
        if self.end_minute <= self.start_minute:
            raise ValueError("an availability window must end after it starts")
        return self


class BreakRule(Frozen):
    """Shifts of at least ``min_minutes`` (start to end) hold an unpaid break."""

    min_minutes: int = Field(gt=0, le=DAY_MINUTES)
    break_minutes: int = Field(gt=0, le=240)


class FlexibleShift(Frozen):
    """Shifts that start on a grid and last between a minimum and a maximum length.

    Minutes count from local midnight of the planning day and may pass 24:00. Lengths are
    start to end (break included). ``ideal_minutes`` is the team's ideal length (an agent's
    own, in agents.csv, wins); ``ideal_weight`` is the cost per interval away from it.
    """

    id: str = Field(min_length=1, pattern=r"^[A-Za-z0-9_][A-Za-z0-9_-]*$")
    earliest_start: int = Field(ge=0, le=2 * DAY_MINUTES)
    latest_end: int = Field(ge=0, le=2 * DAY_MINUTES)
    grid_minutes: Literal[15, 30, 60] = 30
    min_minutes: int = Field(gt=0, le=DAY_MINUTES)
    max_minutes: int = Field(gt=0, le=DAY_MINUTES)
    ideal_minutes: int | None = Field(None, gt=0, le=DAY_MINUTES)
    ideal_weight: int = Field(1, ge=0)
    breaks: tuple[BreakRule, ...] = ()
    weekdays: tuple[int, ...] = ()

    @model_validator(mode="after")
    def _consistent(self) -> FlexibleShift:
        if self.max_minutes < self.min_minutes:
            raise ValueError("max length is below min length; use a max of at least the min")
        if self.latest_end < self.earliest_start + self.min_minutes:
            raise ValueError("no shift fits between earliest_start and latest_end; "
                             "use a later latest_end or a shorter min length")
        if any(not 0 <= d <= 6 for d in self.weekdays):
            raise ValueError("weekdays are 0 (Monday) to 6 (Sunday)")
        return self

    def break_for(self, length: int) -> int:
        """Unpaid break minutes of a shift lasting ``length`` minutes (the longest rule met)."""
        return max((b.break_minutes for b in self.breaks if length >= b.min_minutes), default=0)


class CoverageRow(Frozen):
    """Headcount wanted on ``queue`` (or ``any``) on horizon ``day`` between two minutes.

    Minutes count from local midnight of the day's date and may pass 24:00. Minimum and
    maximum are each hard (``*_weight`` None) or soft (cost per agent per interval).
    """

    queue: str
    day: int = Field(ge=0)
    start_minute: int = Field(ge=0, le=2 * DAY_MINUTES)
    end_minute: int = Field(ge=0, le=2 * DAY_MINUTES)
    min_agents: int = Field(0, ge=0)
    max_agents: int | None = Field(None, ge=0)
    min_weight: int | None = Field(None, ge=0)
    max_weight: int | None = Field(None, ge=0)

    @model_validator(mode="after")
    def _ordered(self) -> CoverageRow:
        if self.end_minute <= self.start_minute:
            raise ValueError("a coverage window must end after it starts")
        if self.max_agents is not None and self.max_agents < self.min_agents:
            raise ValueError(f"max_agents {self.max_agents} is below min_agents "
                             f"{self.min_agents}; use a max of at least the min")
        return self


class Onboarding(Frozen):
    """An agent in onboarding: works only while one of ``mentors`` is on duty."""

    agent: str
    mentors: tuple[str, ...] = Field(min_length=1)


class Balance(Frozen):
    """Hours carried from earlier weeks: positive minutes are owed to the agent."""

    agent: str
    minutes: int


class ShiftOffer(Frozen):
    """The candidate (flexible) shift templates offered to one agent on one day."""

    agent: str
    day: int = Field(ge=0)
    templates: tuple[str, ...]


class Agent(Frozen):
    """A person on the team: skills (queues), contract, availability.

    An empty ``availability`` means the agent can work any shift. ``calendar`` names the
    agent's calendar on the CalDAV server (``scheduler publish``); empty means ``shifts-<id>``.
    """

    id: str = Field(min_length=1, pattern=r"^[A-Za-z0-9_][A-Za-z0-9_.@-]*$")
    name: str = ""
    email: str = ""
    time_zone: str | None = None
    calendar: str = Field("", pattern=r"^[A-Za-z0-9_.@-]*$")
    skills: tuple[str, ...] = ()
    contract: Contract = Field(default_factory=Contract)
    availability: tuple[Window, ...] = ()
    ideal_minutes: int | None = Field(None, gt=0, le=DAY_MINUTES)
    share_weight: float = Field(1.0, ge=0)

    @field_validator("time_zone")
    @classmethod
    def _known_zone(cls, value: str | None) -> str | None:
        return None if value is None else check_time_zone(value)

    @property
    def label(self) -> str:
        """The agent's name, or id when no name is given."""
        return self.name or self.id


class TimeOff(Frozen):
    """Time an agent asked not to work, as aware datetimes [start, end)."""

    agent: str
    start: datetime
    end: datetime
    status: Literal["approved", "pending"] = "approved"
    note: str = ""

    @model_validator(mode="after")
    def _aware_and_ordered(self) -> TimeOff:
        if self.start.tzinfo is None or self.end.tzinfo is None:
            raise ValueError("time off needs time-zone aware start and end")
        if self.end <= self.start:
            raise ValueError("time off must end after it starts")
        return self


class ShiftRequest(Frozen):
    """A wish about one day: work it (``on``) or not (``on=False``), with a weight.

    ``template`` ``None`` means any shift. An unmet on-request costs ``weight``; a met
    off-request (the agent works the named shift, or any shift) costs ``weight``.
    """

    agent: str
    day: int = Field(ge=0)
    template: str | None = None
    on: bool
    weight: int = Field(ge=0, le=MAX_WEIGHT)


class ShiftCover(Frozen):
    """Headcount coverage: ``required`` agents on ``template`` on ``day``, with weights."""

    day: int = Field(ge=0)
    template: str
    required: int = Field(ge=0, le=MAX_HEADCOUNT)
    under_weight: int = Field(ge=0, le=MAX_WEIGHT)
    over_weight: int = Field(0, ge=0, le=MAX_WEIGHT)


class ForecastRow(Frozen):
    """Expected contacts arriving on a queue in the interval starting at ``start``."""

    start: datetime
    queue: str
    volume: float = Field(ge=0, le=MAX_VOLUME)
    aht_s: float = Field(ge=0, le=MAX_AHT_S)


class Shift(Frozen):
    """One agent working one template on one day of the horizon.

    ``day`` counts from the horizon start; negative days are history (last roster).
    """

    agent: str
    day: int
    template: str


class Roster(Frozen):
    """A plan: the shifts of the horizon (at most one per agent and day)."""

    shifts: tuple[Shift, ...] = ()

    @cached_property
    def by_agent_day(self) -> dict[tuple[str, int], str]:
        """Template worked by each (agent, day) that has a shift."""
        return {(s.agent, s.day): s.template for s in self.shifts}


class Ticket(Frozen):
    """An open ticket waiting for an agent (from a help-desk export, see scheduler.tickets).

    Attributes
    ----------
    id
        The help desk's ticket id, as text.
    queue
        The queue whose skill the ticket needs (from the routing rules of team.yaml).
    tier
        1 for anyone with the skill; 2 (or more) only for agents of at least that tier.
    priority
        ``low``, ``normal``, ``high`` or ``urgent``.
    created, due
        Aware datetimes; ``due`` is the SLA target the ticket is worked against.
    due_kind
        ``first_response`` or ``resolution``: which target ``due`` is.
    effort_minutes
        Estimated minutes of work.
    assignee
        The team agent currently holding the ticket, if any.
    """

    id: str = Field(min_length=1)
    queue: str
    subject: str = ""
    tier: int = Field(1, ge=1)
    priority: Literal["low", "normal", "high", "urgent"] = "normal"
    created: datetime
    due: datetime | None = None
    due_kind: Literal["first_response", "resolution"] = "first_response"
    effort_minutes: int = Field(15, ge=1)
    assignee: str | None = None


class Problem(Frozen):
    """Everything the engine needs to plan one horizon for one team."""

    team: str
    time_zone: str
    start: date
    days: int = Field(ge=1, le=366)
    interval_minutes: Literal[15, 30, 60] = 30
    shrinkage: float = Field(0.3, ge=0, le=MAX_SHRINKAGE)
    max_occupancy: float = Field(0.85, ge=MIN_OCCUPANCY, le=1)
    queues: tuple[Queue, ...] = ()
    templates: tuple[ShiftTemplate, ...]
    agents: tuple[Agent, ...]
    time_off: tuple[TimeOff, ...] = ()
    forecast: tuple[ForecastRow, ...] = ()
    requests: tuple[ShiftRequest, ...] = ()
    shift_cover: tuple[ShiftCover, ...] = ()
    history: tuple[Shift, ...] = ()
    reference: tuple[Shift, ...] = ()
    locked: tuple[Shift, ...] = ()
    fixed_before: int | None = Field(None, ge=0)
    """Minute of the horizon before which the roster is what happened (a re-plan mid-week):
    the reference's shifts starting earlier stay, no other shift starting earlier is added."""
    tickets: tuple[Ticket, ...] = ()
    rules: RuleSettings = Field(default_factory=RuleSettings)
    policy: AvailabilityPolicy = Field(default_factory=AvailabilityPolicy)
    flexible: tuple[FlexibleShift, ...] = ()
    availability: tuple[AvailabilityRow, ...] = ()
    coverage: tuple[CoverageRow, ...] = ()
    onboarding: tuple[Onboarding, ...] = ()
    balance: tuple[Balance, ...] = ()
    offers: tuple[ShiftOffer, ...] = ()

    @cached_property
    def offer_index(self) -> dict[tuple[str, int], frozenset[str]]:
        """Flexible templates offered per (agent, day)."""
        return {(o.agent, o.day): frozenset(o.templates) for o in self.offers}

    @field_validator("time_zone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        return check_time_zone(value)

    @cached_property
    def agent_index(self) -> dict[str, Agent]:
        """Agents by id."""
        return {a.id: a for a in self.agents}

    @cached_property
    def template_index(self) -> dict[str, ShiftTemplate]:
        """Shift templates by id."""
        return {t.id: t for t in self.templates}

    @cached_property
    def queue_index(self) -> dict[str, Queue]:
        """Queues by id."""
        return {q.id: q for q in self.queues}

    @cached_property
    def history_index(self) -> dict[tuple[str, int], str]:
        """Last roster's template by (agent, day); its days are negative."""
        return {(s.agent, s.day): s.template for s in self.history}

    @cached_property
    def clock(self) -> Clock:
        """The horizon's time axis (local times ↔ integer minutes)."""
        return Clock(self.time_zone, self.start, self.days, self.interval_minutes)

    @cached_property
    def span_table(self) -> dict[tuple[int, str], tuple[int, int]]:
        """Start and end minute of every template on every day (a week of history included)."""
        table = {}
        for day in range(-7, self.days):
            for template in self.templates:
                start = self.clock.at(day + template.day_offset, template.start)
                table[day, template.id] = (start, start + template.length_minutes)
        return table

    def shift_span(self, shift: Shift) -> tuple[int, int]:
        """Start and end minute of a shift on the horizon's real-time axis."""
        found = self.span_table.get((shift.day, shift.template))
        if found is None:
            template = self.template_index[shift.template]
            start = self.clock.at(shift.day + template.day_offset, template.start)
            found = (start, start + template.length_minutes)
        return found

    def covered_intervals(self, span: tuple[int, int]) -> range:
        """Planning intervals lying wholly inside a span of minutes (clipped to the horizon)."""
        size = self.interval_minutes
        first = max(0, -(-span[0] // size))
        last = min(self.clock.n_intervals, span[1] // size)
        return range(first, max(first, last))

    @model_validator(mode="after")
    def _cross_checks(self) -> Problem:
        errors = list(cross_check(self))
        if errors:
            raise ValueError("; ".join(errors))
        return self


def cross_check(problem: Problem) -> list[str]:
    """Return every inconsistency between the problem's objects, in words."""
    errors: list[str] = []
    for kind, items in (("agent", problem.agents), ("queue", problem.queues),
                        ("shift template", problem.templates)):
        seen: set[str] = set()
        for item in items:
            if item.id in seen:
                errors.append(f"{kind} id {item.id!r} is used twice")
            seen.add(item.id)
    queues, agents, templates = problem.queue_index, problem.agent_index, problem.template_index
    for agent in problem.agents:
        errors += [f"agent {agent.id!r} has skill {s!r}, which is not a queue" for s in agent.skills
                   if s not in queues]
        errors += [f"agent {agent.id!r} limits shift {t!r}, which is not a shift template"
                   for t in agent.contract.max_shifts if t not in templates]
    def known(agent: str, template: str | None, what: str) -> None:
        if agent not in agents:
            errors.append(f"{what} names agent {agent!r}, who is not on the team")
        if template is not None and template not in templates:
            errors.append(f"{what} names shift {template!r}, which is not a shift template")
    for off in problem.time_off:
        known(off.agent, None, "time off")
    for req in problem.requests:
        known(req.agent, req.template, "a shift request")
        if req.day >= problem.days:
            errors.append(
                f"a shift request for {req.agent!r} is on day {req.day}, after the horizon")
    for group, what in ((problem.history, "last roster"), (problem.reference, "reference roster"),
                        (problem.locked, "locked shift")):
        for shift in group:
            known(shift.agent, shift.template, what)
    for cover in problem.shift_cover:
        if cover.template not in templates:
            errors.append(
                f"a cover row names shift {cover.template!r}, which is not a shift template")
        if cover.day >= problem.days:
            errors.append(f"a cover row is on day {cover.day}, after the horizon")
    for row in problem.forecast:
        if row.queue not in queues:
            errors.append(f"forecast names queue {row.queue!r}, which is not a queue")
    return errors + availability_checks(problem)


def availability_checks(problem: Problem) -> list[str]:
    """Inconsistencies of the availability-driven inputs (coverage, availability, mentors)."""
    errors: list[str] = []
    agents, queues = problem.agent_index, problem.queue_index
    for row in problem.coverage:
        if row.queue != "any" and row.queue not in queues:
            errors.append(f"coverage names queue {row.queue!r}, which is not a queue")
    named = [(r.agent, "availability") for r in problem.availability]
    named += [(b.agent, "balance") for b in problem.balance]
    named += [(o.agent, "onboarding") for o in problem.onboarding]
    named += [(m, "a mentor") for o in problem.onboarding for m in o.mentors]
    named += [(o.agent, "a shift offer") for o in problem.offers]
    errors += [f"{what} names agent {agent!r}, who is not on the team"
               for agent, what in named if agent not in agents]
    templates = problem.template_index
    errors += [f"a shift offer names shift {t!r}, which is not a shift template"
               for o in problem.offers for t in o.templates if t not in templates]
    return errors
