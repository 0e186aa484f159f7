"""Read a change written as text (``volume +20% chat mon-fri 09:00-12:00``) into a Change.

The first word says what changes; the rest are checked against the team's problem (queues,
agents, templates, dates inside the horizon), so a bad change is reported before any solve.
Every function here raises :class:`~scheduler.whatif.changes.ChangeError` (message and fix) on
bad text and nothing else. docs/whatif.md lists every kind with examples.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, time, timedelta
from typing import TypeVar

from scheduler.domain import (
    MAX_SHRINKAGE,
    MIN_OCCUPANCY,
    WEEKDAYS,
    Contract,
    Problem,
    ShiftTemplate,
    Window,
)
from scheduler.load.cells import (
    CellError,
    listing,
    parse_availability,
    parse_clock,
    parse_date,
    parse_float,
    parse_hours,
    parse_int,
    parse_weekdays,
)
from scheduler.settings import MAX_WEIGHT, Level, RuleSettings
from scheduler.whatif.changes import Change, ChangeError, Close, Open, Scale, When
from scheduler.whatif.team_changes import (
    AddTemplate,
    Concurrency,
    Hire,
    Remove,
    RemoveTemplate,
    Rule,
    Setting,
    Skill,
    Target,
    TimeOffDecision,
)

KINDS = ("volume", "aht", "close", "open", "target", "occupancy", "shrinkage", "concurrency",
         "remove", "add", "skill", "time-off", "rule", "template")
CONTRACTS = {
    "full-time": Contract(min_minutes=32 * 60, max_minutes=40 * 60, max_days_per_week=5),
    "part-time": Contract(min_minutes=16 * 60, max_minutes=24 * 60, max_days_per_week=4),
}
HIRE_KEYS = ("skills", "contract", "hours", "days", "availability", "start", "like")
_PERCENT = re.compile(r"([+-]?)([0-9]+(?:\.[0-9]+)?)%")
_RANGE = re.compile(r"([0-9]{1,2}:[0-9]{2})-([0-9]{1,2}:[0-9]{2})")
_TARGET = re.compile(r"([0-9]+(?:\.[0-9]+)?)/([0-9]+(?:\.[0-9]+)?)")
_MINUTES = re.compile(r"([0-9]+)min")
_COUNT = re.compile(r"x([0-9]+)")
T = TypeVar("T")


def _cell(parse: Callable[[str], T], value: str) -> T:
    """A cell parser of scheduler.load.cells, its CellError as a ChangeError."""
    try:
        return parse(value)
    except CellError as exc:
        raise ChangeError(f"{value!r}: {exc.message}", exc.fix) from None


def _fail(message: str, fix: str) -> ChangeError:
    return ChangeError(message, fix)


class _Words:
    """The words after the kind, taken one by one."""

    def __init__(self, words: list[str], usage: str) -> None:
        self.words, self.usage = words, usage

    def take(self, what: str) -> str:
        if not self.words:
            raise _fail(f"{what} is missing", f"write it as: {self.usage}")
        return self.words.pop(0)

    def done(self) -> None:
        if self.words:
            raise _fail(f"unexpected {' '.join(self.words)!r}", f"write it as: {self.usage}")


def parse_change(text: str, problem: Problem) -> Change:
    """The change a line of text describes, checked against ``problem``.

    Raises
    ------
    ChangeError
        When the text is not a change or names what the team does not have.
    """
    words = text.split()
    if not words:
        raise _fail("the change is empty", "write e.g. 'volume +20% chat mon-fri'")
    kind, rest = words[0].lower(), words[1:]
    if kind not in _PARSERS:
        raise _fail(f"{words[0]!r} is not a kind of change", f"start with one of: "
                    f"{', '.join(KINDS)}")
    if kind == "add":
        return _add(text.split(None, 1)[1] if len(words) > 1 else "", problem)
    return _PARSERS[kind](rest, problem)


# --------------------------------------------------------------------------- selections


def _queue(word: str, problem: Problem) -> str:
    if word not in problem.queue_index:
        raise _fail(f"{word!r} is not a queue", f"use one of: {listing(problem.queue_index)}")
    return word


def _agent(word: str, problem: Problem) -> str:
    if word not in problem.agent_index:
        raise _fail(f"{word!r} is not an agent of the team",
                    f"use an id from agents.csv: {listing(problem.agent_index)}")
    return word


def _day(word: str, problem: Problem) -> date:
    day = _cell(parse_date, word)
    clock = problem.clock
    first, last = clock.date_of(0), clock.date_of(problem.days - 1)
    if not first <= day <= last:
        raise _fail(f"{word} is outside the planning horizon",
                    f"use a date from {first.isoformat()} to {last.isoformat()}")
    return day


def _dates(word: str, problem: Problem) -> list[date]:
    """``2026-12-01`` or ``2026-12-01..2026-12-03`` (both ends inside the horizon)."""
    first, sep, last = word.partition("..")
    start, end = _day(first, problem), _day(last if sep else first, problem)
    if end < start:
        raise _fail(f"{word} ends before it starts", "write the earlier date first")
    return [start + timedelta(days=n) for n in range((end - start).days + 1)]


def _selection(words: list[str], problem: Problem, *, percent: bool,
               signed: bool = True) -> tuple[float | None, tuple[str, ...], When]:
    """The percentage, queues and days/times a forecast change names (in any order)."""
    found: float | None = None
    queues: list[str] = []
    weekdays: list[int] = []
    dates: list[date] = []
    start, end = 0, 24 * 60
    for word in words:
        if (m := _PERCENT.fullmatch(word)) and percent:
            if signed and not m.group(1):
                raise _fail(f"{word!r} has no sign", f"write +{word} or -{word}")
            found = float(m.group(1) + m.group(2))
        elif m := _RANGE.fullmatch(word):
            start = _cell(parse_clock, m.group(1))
            end = _cell(lambda v: parse_clock(v, allow_24=True), m.group(2))
            if end <= start:
                raise _fail(f"the time range {word} ends before it starts",
                            "write an earlier start, e.g. 09:00-12:00")
        elif word[:1].isdigit():
            dates += _dates(word, problem)
        elif word.lower() == "all":
            continue
        elif word in problem.queue_index:
            queues.append(word)
        else:
            try:
                weekdays += parse_weekdays(word)
            except CellError:
                raise _fail(f"{word!r} is not a queue, weekday, date, time range or percentage",
                            f"queues: {listing(problem.queue_index)}; days such as mon-fri or "
                            "2026-12-01; times such as 09:00-12:00; a change such as +20%"
                            ) from None
    when = When(weekdays=tuple(sorted(set(weekdays))), dates=tuple(sorted(set(dates))),
                start=start, end=end)
    return found, tuple(dict.fromkeys(queues)), when


def _scale(what: str) -> Callable[[list[str], Problem], Change]:
    def parse(words: list[str], problem: Problem) -> Change:
        percent, queues, when = _selection(words, problem, percent=True)
        if percent is None:
            raise _fail(f"the {what} change has no percentage",
                        f"write e.g. '{what} +20% chat mon-fri 09:00-12:00'")
        if percent <= -100:
            raise _fail(f"{what} cannot fall by {-percent:g}%", "use a change above -100%")
        return Scale(what=what, percent=percent, queues=queues, when=when)
    return parse


def _close(words: list[str], problem: Problem) -> Change:
    _, queues, when = _selection(words, problem, percent=False)
    if when == When():
        raise _fail("close needs days or hours", "write e.g. 'close sun' or 'close "
                    "mon-fri 18:00-20:00'")
    return Close(when=when, queues=queues)


def _open(words: list[str], problem: Problem) -> Change:
    lowered = [w.lower() for w in words]
    if "like" not in lowered or lowered.index("like") == len(words) - 1:
        raise _fail("open needs the weekday whose contacts to copy",
                    "write e.g. 'open sat 09:00-15:00 like fri 60%'")
    at = lowered.index("like")
    try:
        source = parse_weekdays(words[at + 1])
    except CellError:
        source = []
    if len(source) != 1:
        raise _fail(f"{words[at + 1]!r} is not one weekday", "write e.g. 'like fri'")
    percent, queues, when = _selection(words[:at] + words[at + 2:], problem, percent=True,
                                       signed=False)
    if not when.weekdays and not when.dates:
        raise _fail("open needs the days to open", "write e.g. 'open sat like fri'")
    return Open(when=when, like=source[0], percent=100.0 if percent is None else percent,
                queues=queues)


# --------------------------------------------------------------------------- settings


def _fraction(word: str) -> float:
    if m := _PERCENT.fullmatch(word):
        return float(m.group(1) + m.group(2)) / 100
    return _cell(parse_float, word)


def _target(words: list[str], problem: Problem) -> Change:
    """``QUEUE 90/20`` or ``QUEUE:90/20`` (the same syntax as ``--target``)."""
    if words and ":" in words[0]:
        name, _, value = words[0].partition(":")
        words = [name, *([value] if value else []), *words[1:]]
    w = _Words(words, "target QUEUE 90/20 or QUEUE:90/20 (QUEUE 120min for e-mail)")
    queue = problem.queue_index[_queue(w.take("the queue"), problem)]
    value = w.take("the target")
    w.done()
    if str(queue.channel) == "email":
        if not (m := _MINUTES.fullmatch(value)):
            raise _fail(f"{value!r} is not a first-response time", "write e.g. 120min")
        return Target(queue=queue.id, first_response_minutes=int(m.group(1)))
    if not (m := _TARGET.fullmatch(value)):
        raise _fail(f"{value!r} is not a service target", "write percent/seconds, e.g. 90/20")
    level, seconds = float(m.group(1)) / 100, float(m.group(2))
    if not 0 < level <= 0.999 or not 1 <= seconds <= 24 * 3600:
        raise _fail(f"{value!r} is not a service target",
                    "use a percentage above 0 up to 99.9 and 1 to 86400 seconds")
    return Target(queue=queue.id, service_level=level, answer_within_s=seconds)


def _setting(what: str) -> Callable[[list[str], Problem], Change]:
    def parse(words: list[str], problem: Problem) -> Change:
        w = _Words(words, f"{what} 85% [QUEUE ...]")
        value = _fraction(w.take(f"the {what}"))
        queues = tuple(_queue(q, problem) for q in w.words)
        low, high = (MIN_OCCUPANCY, 1.0) if what == "occupancy" else (0.0, MAX_SHRINKAGE)
        if not low <= value <= high:
            raise _fail(f"{what} {value:g} is out of range",
                        f"use a share from {low:.0%} to {high:.0%}")
        return Setting(what=what, value=value, queues=queues)
    return parse


def _concurrency(words: list[str], problem: Problem) -> Change:
    w = _Words(words, "concurrency QUEUE 3")
    queue = problem.queue_index[_queue(w.take("the queue"), problem)]
    value = _cell(parse_int, w.take("the number of chats"))
    w.done()
    if str(queue.channel) != "chat":
        raise _fail(f"{queue.id} is not a chat queue", "concurrency applies to chat queues")
    if value < 1:
        raise _fail(f"concurrency {value} is below 1", "use 1 or more")
    return Concurrency(queue=queue.id, value=value)


def _rule(words: list[str], problem: Problem) -> Change:
    w = _Words(words, "rule RULE [hard|soft|off] [weight=N]")
    name = w.take("the rule")
    if name not in RuleSettings.model_fields:
        raise _fail(f"{name!r} is not a rule", f"use one of: {listing(RuleSettings.model_fields)}")
    level, weight = None, None
    for word in w.words:
        if word.lower() in set(Level):
            level = Level(word.lower())
        elif word.lower().startswith("weight="):
            weight = _cell(parse_int, word.split("=", 1)[1])
            if not 0 <= weight <= MAX_WEIGHT:
                raise _fail(f"{word!r} is not a weight a rule can have",
                            f"use a whole number from 0 to {MAX_WEIGHT}")
        else:
            raise _fail(f"{word!r} is neither a level nor a weight",
                        "write hard, soft or off, and/or weight=N")
    if level is None and weight is None:
        raise _fail("the rule change sets nothing", "add hard, soft or off, or weight=N")
    return Rule(rule=name, level=level, weight=weight)


# --------------------------------------------------------------------------- agents


def _remove(words: list[str], problem: Problem) -> Change:
    w = _Words(words, "remove AGENT [from DATE | DATE..DATE]")
    agent = _agent(w.take("the agent"), problem)
    if not w.words:
        return Remove(agent=agent)
    word = w.take("the dates")
    if word.lower() == "from":
        first = _day(w.take("the date"), problem)
        w.done()
        return Remove(agent=agent, first=first)
    days = _dates(word, problem)
    w.done()
    return Remove(agent=agent, first=days[0], last=days[-1])


def _skill(words: list[str], problem: Problem) -> Change:
    w = _Words(words, "skill AGENT QUEUE[,QUEUE]")
    agent = _agent(w.take("the agent"), problem)
    queues = tuple(_queue(q, problem) for q in w.take("the queue").split(",") if q)
    w.done()
    return Skill(agent=agent, queues=queues)


def _time_off(words: list[str], problem: Problem) -> Change:
    w = _Words(words, "time-off approve|deny AGENT [DATE]")
    decision = w.take("approve or deny").lower()
    if decision not in ("approve", "deny"):
        raise _fail(f"{decision!r} is not approve or deny", "write approve or deny")
    agent = _agent(w.take("the agent"), problem)
    day = _day(w.take("the date"), problem) if w.words else None
    w.done()
    change = TimeOffDecision(decision=decision, agent=agent, day=day)
    if not any(change.picks(problem, off) for off in problem.time_off):
        status = "pending time off" if decision == "approve" else "time off"
        when = f" on {day.isoformat()}" if day else ""
        raise _fail(f"{agent} has no {status}{when}",
                    "check time_off.csv for the agent's dates and status")
    return change


def _hire_fields(spec: str, problem: Problem) -> dict[str, str]:
    fields: dict[str, str] = {}
    for item in (part.strip() for part in spec.split(";")):
        if not item:
            continue
        key, sign, value = item.partition("=")
        key = key.strip().lower()
        if not sign or key not in HIRE_KEYS:
            raise _fail(f"{item!r} is not one of the hire's key=value settings",
                        f"use {', '.join(k + '=...' for k in HIRE_KEYS)}, separated by ;")
        if key == "availability" and key in fields:
            fields[key] += "; " + value.strip()
        else:
            fields[key] = value.strip()
    return fields


def hire(spec: str, problem: Problem, agent_id: str = "hire", count: int = 1) -> Hire:
    """New hires from ``skills=phone,chat; contract=full-time; start=2026-12-02``.

    Keys: ``skills`` (queues, comma-separated), ``contract`` (``full-time``: 32–40 h a week,
    5 days; ``part-time``: 16–24 h, 4 days), ``hours`` (``30-38`` per week), ``days`` (most
    days a week), ``availability`` (a window as in agents.csv; give the key once per
    window), ``start`` (first day) and ``like`` (an agent whose skills, contract and
    availability to copy).
    """
    fields = _hire_fields(spec, problem)
    model = problem.agent_index[_agent(fields["like"], problem)] if "like" in fields else None
    skills = tuple(_queue(q.strip(), problem) for q in fields.get("skills", "").split(",")
                   if q.strip()) or (model.skills if model else ())
    if not skills:
        raise _fail("the hire has no skills", "add skills=QUEUE,QUEUE (or like=AGENT)")
    contract = model.contract if model else CONTRACTS["full-time"]
    if "contract" in fields:
        if fields["contract"].lower() not in CONTRACTS:
            raise _fail(f"{fields['contract']!r} is not a contract",
                        f"use one of: {', '.join(CONTRACTS)} (or hours=MIN-MAX)")
        contract = CONTRACTS[fields["contract"].lower()]
    contract = _contract(contract, fields)
    windows: tuple[Window, ...] = model.availability if model else ()
    if "availability" in fields:
        found = _cell(parse_availability, fields["availability"])
        windows = tuple(Window(weekday=d, start_minute=s, end_minute=e)
                        for d, s, e in found)
    start = _day(fields["start"], problem) if "start" in fields else None
    clash = [i for i in Hire(id=agent_id, count=count, skills=skills, contract=contract)
             .agent_ids() if i in problem.agent_index]
    if clash:
        raise _fail(f"agent id {clash[0]} is already on the team", "choose another id")
    return Hire(id=agent_id, count=count, skills=skills, contract=contract,
                availability=windows, start=start, text=spec.strip())


def _contract(contract: Contract, fields: dict[str, str]) -> Contract:
    update: dict[str, object] = {}
    if "hours" in fields:
        low, _, high = fields["hours"].partition("-")
        least = _cell(parse_hours, low.strip())
        most = _cell(parse_hours, (high or low).strip())
        update |= {"min_minutes": least, "max_minutes": most}
        if least > most:
            raise _fail(f"hours {fields['hours']} has its minimum above its maximum",
                        "write MIN-MAX, e.g. hours=30-38")
    if "days" in fields:
        days = _cell(parse_int, fields["days"])
        if not 0 <= days <= 7:
            raise _fail(f"days={fields['days']} is not 0 to 7", "use days=5")
        update["max_days_per_week"] = days
    return Contract.model_validate({**contract.model_dump(), **update})


def _add(rest: str, problem: Problem) -> Change:
    head = rest.split(None, 2)
    if not head:
        raise _fail("the new agent's id is missing",
                    "write e.g. 'add hire x2 skills=phone,chat; contract=full-time'")
    agent_id, count = head[0], 1
    spec = rest.split(None, 1)[1] if len(head) > 1 else ""
    if len(head) > 1 and (m := _COUNT.fullmatch(head[1])):
        count = int(m.group(1))
        spec = head[2] if len(head) > 2 else ""
    if not re.fullmatch(r"[A-Za-z0-9_.@-]+", agent_id):
        raise _fail(f"{agent_id!r} is not an agent id", "use letters, digits and . _ - @")
    return hire(spec, problem, agent_id, count)


# --------------------------------------------------------------------------- templates


def _template(words: list[str], problem: Problem) -> Change:
    w = _Words(words, "template add ID HH:MM HOURSh [break=MIN] [DAYS] | template remove ID")
    action = w.take("add or remove").lower()
    if action == "remove":
        name = w.take("the template")
        w.done()
        if name not in problem.template_index:
            raise _fail(f"{name!r} is not a shift template",
                        f"use one of: {listing(problem.template_index)}")
        if len(problem.templates) == 1:
            raise _fail(f"{name} is the only shift template", "add another one first")
        return RemoveTemplate(template=name)
    if action != "add":
        raise _fail(f"{action!r} is not add or remove", "write template add or template remove")
    name = w.take("the template id")
    if name in problem.template_index:
        raise _fail(f"shift template {name} already exists", "choose another id")
    start = _cell(parse_clock, w.take("the start time"))
    paid = w.take("the paid hours").lower().removesuffix("h")
    hours = _cell(parse_hours, paid)
    pause, days = 0, []
    for word in w.words:
        if word.lower().startswith("break="):
            pause = _cell(parse_int, word.split("=", 1)[1])
        else:
            days = _cell(parse_weekdays, word)
    if not 0 < hours <= 24 * 60 or not 0 <= pause <= 240:
        raise _fail("the template's hours or break are out of range",
                    "use paid hours above 0 up to 24 and a break of 0 to 240 minutes")
    template = ShiftTemplate(id=name, start=time(start // 60, start % 60), paid_minutes=hours,
                             break_minutes=pause, weekdays=tuple(days))
    return AddTemplate(template=template)


_PARSERS: dict[str, Callable[[list[str], Problem], Change]] = {
    "volume": _scale("volume"), "aht": _scale("aht"), "close": _close, "open": _open,
    "target": _target, "occupancy": _setting("occupancy"), "shrinkage": _setting("shrinkage"),
    "concurrency": _concurrency, "remove": _remove, "add": lambda w, p: _add(" ".join(w), p),
    "skill": _skill, "time-off": _time_off, "rule": _rule, "template": _template,
}

__all__ = ["CONTRACTS", "KINDS", "WEEKDAYS", "hire", "parse_change"]
