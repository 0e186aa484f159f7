"""Changes of the queues' targets, the team, its time off, its rules and its shift templates.

Each is a pure function ``Problem -> Problem`` (see :mod:`scheduler.whatif.changes`).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from pydantic import Field, ValidationError

from scheduler.domain import (
    WEEKDAYS,
    Agent,
    Contract,
    Problem,
    Queue,
    ShiftTemplate,
    TimeOff,
    Window,
)
from scheduler.errors import describe_error
from scheduler.settings import Level, RuleSettings
from scheduler.whatif.changes import Change, ChangeError, clock_text, percent_text, rebuilt

# --------------------------------------------------------------------------- queue settings


def _queues(problem: Problem, ids: tuple[str, ...], **update: object) -> tuple[Queue, ...]:
    return tuple(q.model_validate({**q.model_dump(), **update}) if q.id in ids else q
                 for q in problem.queues)


class Target(Change):
    """A queue's service target: ``target phone 90/20`` (90 % answered within 20 s), or for
    e-mail its first response: ``target email 120min``."""

    queue: str
    service_level: float | None = None
    answer_within_s: float | None = None
    first_response_minutes: int | None = None

    def apply(self, problem: Problem) -> Problem:
        """Set the queue's targets."""
        update = {k: v for k, v in self.model_dump(exclude={"queue"}).items() if v is not None}
        return rebuilt(problem, queues=_queues(problem, (self.queue,), **update))

    def __str__(self) -> str:
        if self.first_response_minutes is not None:
            return f"target {self.queue} {self.first_response_minutes}min"
        return f"target {self.queue} {100 * (self.service_level or 0):g}/{self.answer_within_s:g}"


class Setting(Change):
    """Maximum occupancy or shrinkage (``what``), team-wide or for some queues, as a fraction."""

    what: str
    value: float
    queues: tuple[str, ...] = ()

    def apply(self, problem: Problem) -> Problem:
        """Set the team-wide value, or the named queues' own."""
        field = "max_occupancy" if self.what == "occupancy" else "shrinkage"
        if not self.queues:
            return rebuilt(problem, **{field: self.value})
        return rebuilt(problem, queues=_queues(problem, self.queues, **{field: self.value}))

    def __str__(self) -> str:
        return " ".join([self.what, percent_text(100 * self.value, signed=False), *self.queues])


class Concurrency(Change):
    """Chats one agent holds at once on a chat queue."""

    queue: str
    value: int = Field(ge=1)

    def apply(self, problem: Problem) -> Problem:
        """Set the queue's concurrency."""
        return rebuilt(problem, queues=_queues(problem, (self.queue,), concurrency=self.value))

    def __str__(self) -> str:
        return f"concurrency {self.queue} {self.value}"


# --------------------------------------------------------------------------- agents


def _span(problem: Problem, first: date, last: date, agent: str, note: str) -> TimeOff:
    """Approved time off covering local days ``first`` to ``last`` (inclusive)."""
    zone = problem.clock.zone
    start = datetime.combine(first, time(0), tzinfo=zone)
    end = datetime.combine(last + timedelta(days=1), time(0), tzinfo=zone)
    return TimeOff(agent=agent, start=start, end=end, status="approved", note=note)


def _away(problem: Problem, agent: Agent, first: date, last: date, note: str) -> Problem:
    """The agent off (approved) from ``first`` to ``last``; the contract's minimum shrinks
    with the share of the horizon the agent is away."""
    clock = problem.clock
    first, last = max(first, clock.date_of(0)), min(last, clock.date_of(problem.days - 1))
    if last < first:
        return problem
    present = problem.days - ((last - first).days + 1)
    low = agent.contract.min_minutes * present // problem.days
    contract = agent.contract.model_copy(update={"min_minutes": low})
    agents = tuple(a.model_copy(update={"contract": contract}) if a.id == agent.id else a
                   for a in problem.agents)
    return rebuilt(problem, agents=agents,
                   time_off=(*problem.time_off, _span(problem, first, last, agent.id, note)))


class Remove(Change):
    """An agent leaves: for good (``remove ana``), from a date (``remove ana from 2026-12-03``)
    or for some days (``remove ana 2026-12-01..2026-12-04``, a sick week)."""

    agent: str
    first: date | None = None
    last: date | None = None

    def apply(self, problem: Problem) -> Problem:
        """Drop the agent and everything that names them, or add approved time off."""
        if self.first is not None or self.last is not None:
            clock = problem.clock
            return _away(problem, problem.agent_index[self.agent],
                         self.first or clock.date_of(0),
                         self.last or clock.date_of(problem.days - 1), "what-if: away")
        gone = self.agent
        naming = {name: tuple(item for item in getattr(problem, name)
                              if getattr(item, "agent", None) != gone)
                  for name in ("time_off", "requests", "history", "reference", "locked",
                               "availability", "onboarding", "balance", "offers")}
        # an onboarding agent keeps the other mentors; with none left, onboarding ends
        naming["onboarding"] = tuple(
            o.model_copy(update={"mentors": tuple(m for m in o.mentors if m != gone)})
            for o in naming["onboarding"] if set(o.mentors) - {gone})
        return rebuilt(problem, agents=tuple(a for a in problem.agents if a.id != gone),
                       **naming)

    def __str__(self) -> str:
        if self.first is not None and self.last is None:
            return f"remove {self.agent} from {self.first.isoformat()}"
        if self.first is not None or self.last is not None:
            first = (self.first or self.last)
            assert first is not None and self.last is not None
            return f"remove {self.agent} {first.isoformat()}..{self.last.isoformat()}"
        return f"remove {self.agent}"


class Hire(Change):
    """New agents joining: skills, contract and availability, possibly from a start date.

    ``count`` agents named ``<id>-1`` … (just ``<id>`` when ``count`` is 1). Before ``start``
    they are on approved time off and their contract minimum shrinks accordingly.
    """

    id: str
    count: int = Field(1, ge=0)
    skills: tuple[str, ...]
    contract: Contract
    availability: tuple[Window, ...] = ()
    start: date | None = None
    text: str = ""

    def agent_ids(self) -> list[str]:
        """The new agents' ids."""
        if self.count == 1:
            return [self.id]
        return [f"{self.id}-{n}" for n in range(1, self.count + 1)]

    def apply(self, problem: Problem) -> Problem:
        """Add the agents (and their time off before ``start``)."""
        new = [Agent(id=i, name=f"New hire {i}", skills=self.skills, contract=self.contract,
                     availability=self.availability) for i in self.agent_ids()]
        problem = rebuilt(problem, agents=(*problem.agents, *new))
        if self.start is not None and self.start > problem.clock.date_of(0):
            for agent in new:
                problem = _away(problem, agent, problem.clock.date_of(0),
                                self.start - timedelta(days=1), "what-if: not started yet")
        return problem

    def __str__(self) -> str:
        count = f" x{self.count}" if self.count != 1 else ""
        return f"add {self.id}{count} {self.text}".rstrip()


class Skill(Change):
    """Cross-training: an agent gains skills (``skill ana billing``)."""

    agent: str
    queues: tuple[str, ...]

    def apply(self, problem: Problem) -> Problem:
        """Add the queues to the agent's skills."""
        agents = tuple(
            a.model_copy(update={"skills": (*a.skills, *(q for q in self.queues
                                                         if q not in a.skills))})
            if a.id == self.agent else a for a in problem.agents)
        return rebuilt(problem, agents=agents)

    def __str__(self) -> str:
        return f"skill {self.agent} {','.join(self.queues)}"


class TimeOffDecision(Change):
    """Time off approved or denied: ``time-off approve ben 2026-12-02``.

    Approve turns the agent's pending time off (on ``day``, or all of it) into approved time
    off; deny removes the agent's time off (on ``day``, or all of it) of either status.
    """

    decision: str
    agent: str
    day: date | None = None

    def picks(self, problem: Problem, off: TimeOff) -> bool:
        """Whether the decision concerns this time off."""
        if off.agent != self.agent or (self.decision == "approve" and off.status != "pending"):
            return False
        if self.day is None:
            return True
        zone = problem.clock.zone
        return off.start.astimezone(zone).date() <= self.day < (
            off.end - timedelta(microseconds=1)).astimezone(zone).date() + timedelta(days=1)

    def apply(self, problem: Problem) -> Problem:
        """Approve or drop the time off picked."""
        kept = []
        for off in problem.time_off:
            if not self.picks(problem, off):
                kept.append(off)
            elif self.decision == "approve":
                kept.append(off.model_copy(update={"status": "approved"}))
        return rebuilt(problem, time_off=tuple(kept))

    def __str__(self) -> str:
        day = f" {self.day.isoformat()}" if self.day else ""
        return f"time-off {self.decision} {self.agent}{day}"


class Rule(Change):
    """A rule's level and/or weight: ``rule coverage weight=200``, ``rule rest soft``."""

    rule: str
    level: Level | None = None
    weight: int | None = Field(None, ge=0)

    def apply(self, problem: Problem) -> Problem:
        """Set the rule's level and weight."""
        rules = problem.rules.model_dump()
        update = {k: v for k, v in (("level", self.level), ("weight", self.weight))
                  if v is not None}
        rules[self.rule] = {**rules[self.rule], **update}
        try:
            settings = RuleSettings.model_validate(rules)
        except ValidationError as exc:
            message, fix = describe_error(exc.errors()[0], None)
            raise ChangeError(f"rule {self.rule}: {message}", fix) from None
        return rebuilt(problem, rules=settings)

    def __str__(self) -> str:
        words = ["rule", self.rule]
        if self.level is not None:
            words.append(str(self.level))
        if self.weight is not None:
            words.append(f"weight={self.weight}")
        return " ".join(words)


# --------------------------------------------------------------------------- shift templates


class AddTemplate(Change):
    """A new shift template: ``template add X 08:00 10h break=30 mon-fri``."""

    template: ShiftTemplate

    def apply(self, problem: Problem) -> Problem:
        """Offer the template too."""
        return rebuilt(problem, templates=(*problem.templates, self.template))

    def __str__(self) -> str:
        t = self.template
        words = ["template add", t.id, clock_text(t.start.hour * 60 + t.start.minute),
                 f"{t.paid_minutes / 60:g}h"]
        if t.break_minutes:
            words.append(f"break={t.break_minutes}")
        if t.weekdays:
            words.append(",".join(WEEKDAYS[d] for d in t.weekdays))
        return " ".join(words)


class RemoveTemplate(Change):
    """A shift template no longer offered: ``template remove L``.

    Whatever names it goes too: last week's and published shifts on it, shift requests and
    headcount rows for it, and its mentions in contracts and rule settings. Rest across the
    boundary with last week is then checked without those shifts.
    """

    template: str

    def apply(self, problem: Problem) -> Problem:
        """Drop the template and everything that names it."""
        gone = self.template
        rules = problem.rules.model_dump()
        rules["rest"]["forbidden_successions"] = [
            p for p in rules["rest"]["forbidden_successions"] if gone not in p]
        rules["fairness"]["late_templates"] = [
            t for t in rules["fairness"]["late_templates"] if t != gone]
        agents = tuple(a.model_copy(update={"contract": a.contract.model_copy(update={
            "max_shifts": {k: v for k, v in a.contract.max_shifts.items() if k != gone}})})
            for a in problem.agents)
        return rebuilt(
            problem, templates=tuple(t for t in problem.templates if t.id != gone),
            agents=agents, rules=RuleSettings.model_validate(rules),
            requests=tuple(r for r in problem.requests if r.template != gone),
            shift_cover=tuple(c for c in problem.shift_cover if c.template != gone),
            history=tuple(s for s in problem.history if s.template != gone),
            reference=tuple(s for s in problem.reference if s.template != gone),
            locked=tuple(s for s in problem.locked if s.template != gone))

    def __str__(self) -> str:
        return f"template remove {self.template}"
