"""Reading the CSV files of a team folder into domain objects, with every bad cell reported.

Each reader takes what team.yaml and agents.csv made known (:class:`Refs`) and returns the
valid objects; rows with a problem are reported and left out (the loader then raises).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from scheduler.domain import (
    Agent,
    ForecastRow,
    Shift,
    ShiftCover,
    ShiftRequest,
    ShiftTemplate,
    TimeOff,
)
from scheduler.errors import Problems
from scheduler.load.cells import (
    CellError,
    RowReader,
    Table,
    listing,
    localize,
    parse_availability,
    parse_choice,
    parse_date,
    parse_float,
    parse_hours,
    parse_ids,
    parse_int,
    parse_limits,
    parse_moment,
    parse_yes_no,
    read_table,
    text,
    weekday,
)
from scheduler.load.horizon_edges import check_partial_week
from scheduler.settings import RuleSettings
from scheduler.timeline import Clock, is_ambiguous

AGENTS, TIME_OFF, FORECAST = "agents.csv", "time_off.csv", "forecast.csv"
REQUESTS, COVER, LAST, PUBLISHED = ("requests.csv", "cover.csv", "last_roster.csv",
                                    "published_roster.csv")
AGENT_COLUMNS = ("name", "email", "time_zone", "calendar", "skills", "min_hours", "max_hours",
                 "hours_period",
                 "max_days_per_week", "max_shifts", "max_consecutive_days",
                 "min_consecutive_days", "min_consecutive_days_off", "max_weekends",
                 "availability", "prefers", "avoids", "ideal_hours", "share_weight", "mentors")
CONTRACT_INTS = ("max_days_per_week", "max_consecutive_days", "min_consecutive_days",
                 "min_consecutive_days_off", "max_weekends")
OFF_SHIFTS = ("", "off", "-")


@dataclass
class Refs:
    """What later files may refer to. A None id set is unknown (its file was unusable) and
    is not checked; a None clock means the horizon is unknown."""

    clock: Clock | None
    templates: tuple[ShiftTemplate, ...] = ()
    template_ids: frozenset[str] | None = None
    queue_ids: frozenset[str] | None = None
    agent_ids: frozenset[str] | None = None
    zones: dict[str, ZoneInfo] = field(default_factory=dict)
    rules: RuleSettings = field(default_factory=RuleSettings)
    mentors: list[tuple[int, str, tuple[str, ...]]] = field(default_factory=list)
    day_starts_at: int = 0


def check(reader: RowReader, column: str, value: str, known: frozenset[str] | None,
          what: str, where: str) -> bool:
    """Whether ``value`` is among ``known`` (an unknown set passes); records a problem if not."""
    if known is None or value in known:
        return True
    reader.fail(column, f"{what} {value} is not in {where}", f"use one of: {listing(known)}",
                value)
    return False


def offered(template: ShiftTemplate, clock: Clock, day: int) -> bool:
    """Whether ``template`` is offered on horizon day ``day``."""
    return not template.weekdays or clock.weekday(day) in template.weekdays


# --------------------------------------------------------------------------- agents.csv


_CONTRACT_COLUMN = {"min_minutes": "min_hours", "max_minutes": "max_hours",
                    "period": "hours_period"}


def _agent_column(loc: tuple[int | str, ...]) -> str:
    names = [part for part in loc if isinstance(part, str)]
    if not names:
        return "id"
    if names[0] == "contract":
        return _CONTRACT_COLUMN.get(names[1], names[1]) if len(names) > 1 else "min_hours"
    return "ideal_hours" if names[0] == "ideal_minutes" else names[0]


def read_agents(folder: Path, refs: Refs,
                problems: Problems) -> tuple[list[Agent], list[ShiftRequest]]:
    """Agents, and the off-requests that express their ``prefers``/``avoids``.

    Sets ``refs.agent_ids`` (every id written, valid row or not) and ``refs.zones``.
    """
    table = read_table(folder, AGENTS, problems, required=("id",), optional=AGENT_COLUMNS,
                       must_exist=True)
    if table is None:
        return [], []
    if not table.rows:
        problems.add(AGENTS, "there are no agents", "add one row per agent under the header")
    agents: list[Agent] = []
    requests: list[ShiftRequest] = []
    first: dict[str, int] = {}
    for row in table.rows:
        reader = RowReader(table, row, problems)
        agent_id = row.get("id")
        if agent_id and agent_id in first:
            reader.fail("id", f"agent id {agent_id} is used twice (first on row "
                        f"{first[agent_id]})", "give every agent a different id", agent_id)
            continue
        first[agent_id] = row.line
        agent, wishes = _agent(reader, refs), _wishes(reader, refs)
        if agent is None or wishes is None or not reader.ok:
            continue
        agents.append(agent)
        if agent.time_zone:
            refs.zones[agent.id] = ZoneInfo(agent.time_zone)
        requests += _preferences(agent.id, *wishes, refs)
    refs.agent_ids = frozenset(first)
    return agents, requests


def _contract(reader: RowReader, rules: RuleSettings) -> dict[str, Any]:
    low, high = reader.get("min_hours", parse_hours), reader.get("max_hours", parse_hours)
    if low is not None and high is not None and low > high:
        row = reader.row
        reader.fail("min_hours", f"min_hours ({row.get('min_hours')}) is above max_hours "
                    f"({row.get('max_hours')})", "lower min_hours or raise max_hours",
                    row.get("min_hours"))
        low = None
    contract: dict[str, Any] = {
        "min_minutes": low, "max_minutes": high,
        "period": reader.get("hours_period", parse_choice(("week", "horizon"))),
        "max_shifts": reader.get("max_shifts", parse_limits)}
    contract |= {column: reader.get(column, parse_int) for column in CONTRACT_INTS}
    _runs_in_order(reader, contract, rules)
    return {key: value for key, value in contract.items() if value is not None}


def _runs_in_order(reader: RowReader, contract: dict[str, Any], rules: RuleSettings) -> None:
    """The agent's shortest run of working days is not above the longest (team's if unset)."""
    low = contract["min_consecutive_days"] or rules.consecutive.min_days
    high = contract["max_consecutive_days"] or rules.consecutive.max_days
    if low is None or high is None or low <= high:
        return
    own = "min_consecutive_days" if contract["min_consecutive_days"] else "max_consecutive_days"
    reader.fail(own, f"the shortest run of working days ({low}) is above the longest ({high}, "
                "with the team's rules.consecutive where the agent sets none)",
                "lower min_consecutive_days or raise max_consecutive_days", reader.row.get(own))


def _agent(reader: RowReader, refs: Refs) -> Agent | None:
    row, contract = reader.row, _contract(reader, refs.rules)
    check_partial_week(reader, refs.clock, contract)
    windows = reader.get("availability", parse_availability) or []
    skills = reader.get("skills", parse_ids) or ()
    data: dict[str, Any] = {
        "id": row.get("id"), "name": row.get("name"), "email": row.get("email"),
        "time_zone": row.get("time_zone") or None, "calendar": row.get("calendar") or "",
        "skills": skills, "contract": contract,
        "availability": [{"weekday": d, "start_minute": s, "end_minute": e}
                         for d, s, e in windows]}
    for key, column, parse in (("ideal_minutes", "ideal_hours", parse_hours),
                               ("share_weight", "share_weight", parse_float)):
        value = reader.get(column, parse)
        if value is not None:
            data[key] = value
    mentors = reader.get("mentors", parse_ids)
    if mentors:
        refs.mentors.append((row.line, row.get("id"), mentors))
    agent = reader.model(Agent, data, _agent_column)
    for skill in skills:
        check(reader, "skills", skill, refs.queue_ids, "queue", "the queues of team.yaml")
    for template in contract.get("max_shifts", {}):
        check(reader, "max_shifts", template, refs.template_ids, "shift", "shift_templates")
    return agent


def _wishes(reader: RowReader,
            refs: Refs) -> tuple[tuple[str, ...], tuple[str, ...], tuple[int, ...]] | None:
    """Preferred templates, avoided templates and avoided weekdays of one agent."""
    prefers = reader.get("prefers", parse_ids) or ()
    ok = all([check(reader, "prefers", t, refs.template_ids, "shift", "shift_templates")
              for t in prefers])
    avoid_templates, avoid_days = [], []
    for item in reader.get("avoids", parse_ids) or ():
        if refs.template_ids is None or item in refs.template_ids:
            avoid_templates.append(item)
        elif (day := weekday(item)) is not None:
            avoid_days.append(day)
        else:
            ok = False
            reader.fail("avoids", f"{item} is neither a shift template nor a weekday",
                        f"use shift ids ({listing(refs.template_ids)}) or mon..sun", item)
    return (prefers, tuple(avoid_templates), tuple(avoid_days)) if ok else None


def _preferences(agent: str, prefers: tuple[str, ...], avoid_templates: tuple[str, ...],
                 avoid_days: tuple[int, ...], refs: Refs) -> list[ShiftRequest]:
    """Off-requests that express ``prefers`` and ``avoids`` on every day of the horizon."""
    if refs.clock is None:
        return []
    clock, weight = refs.clock, refs.rules.preferences.weight
    wanted: set[tuple[int, str | None]] = set()
    for day in range(clock.days):
        ids = [t.id for t in refs.templates if offered(t, clock, day)]
        wanted |= {(day, t) for t in ids if (prefers and t not in prefers)
                   or t in avoid_templates}
        if clock.weekday(day) in avoid_days:
            wanted.add((day, None))
    return [ShiftRequest(agent=agent, day=day, template=template, on=False, weight=weight)
            for day, template in sorted(wanted, key=lambda w: (w[0], w[1] or ""))]


# --------------------------------------------------------------------------- time_off.csv


def known_agent(reader: RowReader, refs: Refs) -> str | None:
    """The row's ``agent`` cell, a problem when missing or not an id of agents.csv."""
    agent = reader.need("agent", text)
    if agent:
        check(reader, "agent", agent, refs.agent_ids, "agent", AGENTS)
    return agent


def read_time_off(folder: Path, refs: Refs, problems: Problems) -> list[TimeOff]:
    """Time off as aware [start, end) in the agent's time zone (the team's if none)."""
    table = read_table(folder, TIME_OFF, problems, required=("agent", "start", "end"),
                       optional=("status", "note"))
    found: list[TimeOff] = []
    if table is None:
        return found
    for row in table.rows:
        reader = RowReader(table, row, problems)
        agent = known_agent(reader, refs)
        start, end = reader.need("start", parse_moment), reader.need("end", parse_moment)
        status = reader.get("status", parse_choice(("approved", "pending"))) or "approved"
        if not reader.ok or refs.clock is None or start is None or end is None:
            continue
        zone = refs.zones.get(agent or "", refs.clock.zone)
        begin = _convert(reader, "start", _instant, start, zone, end=False)
        finish = _convert(reader, "end", _instant, end, zone, end=True)
        if not reader.ok:
            continue
        item = reader.model(TimeOff, {"agent": agent, "start": begin, "end": finish,
                                      "status": status, "note": row.get("note")},
                            lambda loc: str(loc[0]) if loc else "end")
        if item is not None:
            found.append(item)
    return found


def _convert(reader: RowReader, column: str, compute: Callable[..., Any], *args: Any,
             **kwargs: Any) -> Any:
    """``compute(*args, **kwargs)``, or None with a problem on ``column`` if it fails."""
    try:
        return compute(*args, **kwargs)
    except CellError as exc:
        reader.fail(column, exc.message, exc.fix, reader.row.get(column))
        return None


def _instant(moment: date | datetime, zone: ZoneInfo, *, end: bool) -> datetime:
    """A time-off bound: a date means its midnight (the next midnight for an inclusive end)."""
    if isinstance(moment, datetime):
        return localize(moment, zone)
    midnight = datetime.combine(moment + timedelta(days=1 if end else 0), time(0), tzinfo=zone)
    return midnight.astimezone(UTC).astimezone(zone)


# --------------------------------------------------------------------------- forecast.csv


@dataclass
class _Seen:
    """What earlier forecast rows fixed: ambiguous local times already used, filled slots."""

    ambiguous: set[tuple[str, datetime]] = field(default_factory=set)
    slots: dict[tuple[str, int], int] = field(default_factory=dict)


def _forecast_column(loc: tuple[int | str, ...]) -> str:
    name = str(loc[0]) if loc else "volume"
    return "interval_start" if name == "start" else name


def read_forecast(folder: Path, refs: Refs, problems: Problems) -> list[ForecastRow]:
    """Forecast rows on interval boundaries inside the horizon (team time zone)."""
    table = read_table(folder, FORECAST, problems,
                       required=("interval_start", "queue", "volume", "aht_s"), optional=())
    found: list[ForecastRow] = []
    seen = _Seen()
    if table is None:
        return found
    for row in table.rows:
        reader = RowReader(table, row, problems)
        queue = reader.need("queue", text)
        if queue:
            check(reader, "queue", queue, refs.queue_ids, "queue", "the queues of team.yaml")
        moment = reader.need("interval_start", parse_moment)
        volume, aht = reader.need("volume", parse_float), reader.need("aht_s", parse_float)
        if moment is not None and not isinstance(moment, datetime):
            reader.fail("interval_start", "the interval start has no time of day",
                        "write YYYY-MM-DD HH:MM", row.get("interval_start"))
        if not reader.ok or refs.clock is None or not isinstance(moment, datetime):
            continue
        start = _interval_start(reader, moment, queue or "", refs.clock, seen)
        if start is None:
            continue
        item = reader.model(ForecastRow, {"start": start, "queue": queue, "volume": volume,
                                          "aht_s": aht}, _forecast_column)
        if item is not None and reader.ok:
            found.append(item)
    return found


def _interval_start(reader: RowReader, moment: datetime, queue: str, clock: Clock,
                    seen: _Seen) -> datetime | None:
    """The aware start of a forecast interval, checked against the horizon and earlier rows.

    A local time that happens twice is the first occurrence the first time it appears for a
    queue, and the second occurrence (``fold=1``) the next time.
    """
    fold = 0
    if moment.tzinfo is None and is_ambiguous(moment, clock.zone):
        fold = 1 if (queue, moment) in seen.ambiguous else 0
        seen.ambiguous.add((queue, moment))
    start = _convert(reader, "interval_start", localize, moment, clock.zone, fold)
    if start is None:
        return None
    minute, raw = clock.minute(start), reader.row.get("interval_start")
    first, last = clock.local(0), clock.local(clock.horizon_minutes)
    if not 0 <= minute < clock.horizon_minutes:
        span = f"{first:%Y-%m-%d %H:%M} to {last:%Y-%m-%d %H:%M}"
        reader.fail("interval_start", f"the interval is outside the horizon ({span})",
                    "remove the row or change start/days in team.yaml", raw)
    elif minute % clock.interval_minutes:
        reader.fail("interval_start", f"the time is not on a {clock.interval_minutes}-minute "
                    "interval boundary", f"use times such as {first:%H:%M}, "
                    f"{clock.local(clock.interval_minutes):%H:%M}, ...", raw)
    elif (queue, minute) in seen.slots:
        reader.fail("interval_start", f"queue {queue} already has a row for this interval "
                    f"(row {seen.slots[queue, minute]})", "keep one row per interval and queue",
                    raw)
    else:
        seen.slots[queue, minute] = reader.row.line
        return start
    return None


# --------------------------------------------------------------------------- requests, cover


def horizon_day(reader: RowReader, column: str, when: date | None,
                clock: Clock | None) -> int | None:
    """Horizon day of a date read from ``column`` (None, with the problem, when outside)."""
    if when is None or clock is None:
        return None
    day = clock.day_of_date(when)
    if not 0 <= day < clock.days:
        reader.fail(column, f"the date is outside the horizon ({clock.start} to "
                    f"{clock.date_of(clock.days - 1)})", "use a date inside the horizon",
                    reader.row.get(column))
        return None
    return day


def _day(reader: RowReader, clock: Clock | None) -> int | None:
    """Horizon day of the row's ``date`` (None if bad, outside the horizon or unknown)."""
    return horizon_day(reader, "date", reader.need("date", parse_date), clock)


def _shift_on(reader: RowReader, refs: Refs, day: int | None, *, allow_any: bool) -> str | None:
    """The row's ``shift``: a template offered on ``day`` (``any`` → None when allowed)."""
    name = reader.need("shift", text)
    if name is None or (allow_any and name.lower() == "any"):
        return None
    if not check(reader, "shift", name, refs.template_ids, "shift", "shift_templates"):
        return None
    template = next((t for t in refs.templates if t.id == name), None)
    if template and day is not None and refs.clock and not offered(template, refs.clock, day):
        reader.fail("shift", f"shift {name} is not offered on a {refs.clock.date_of(day):%A}",
                    "use a shift offered that day (see weekdays in team.yaml)", name)
    return name


_REQUEST_COLUMNS = {"agent": "agent", "day": "date", "template": "shift", "on": "want"}


def read_requests(folder: Path, refs: Refs, problems: Problems) -> list[ShiftRequest]:
    """Shift requests of requests.csv (want a day or shift on, or off)."""
    table = read_table(folder, REQUESTS, problems, required=("agent", "date", "shift", "want"),
                       optional=("weight",))
    found: list[ShiftRequest] = []
    if table is None:
        return found
    for row in table.rows:
        reader = RowReader(table, row, problems)
        agent = known_agent(reader, refs)
        day = _day(reader, refs.clock)
        template = _shift_on(reader, refs, day, allow_any=True)
        want = reader.need("want", parse_choice(("on", "off")))
        weight = reader.get("weight", parse_int)
        if not reader.ok or day is None:
            continue
        data = {"agent": agent, "day": day, "template": template, "on": want == "on",
                "weight": refs.rules.preferences.weight if weight is None else weight}
        item = reader.model(ShiftRequest, data,
                            lambda loc: _REQUEST_COLUMNS.get(str(loc[0]) if loc else "", "weight"))
        if item is not None:
            found.append(item)
    return found


def read_cover(folder: Path, refs: Refs, problems: Problems) -> list[ShiftCover]:
    """Headcount coverage rows of cover.csv."""
    table = read_table(folder, COVER, problems, required=("date", "shift", "required"),
                       optional=("under_weight", "over_weight"))
    found: list[ShiftCover] = []
    seen: dict[tuple[int, str], int] = {}
    if table is None:
        return found
    for row in table.rows:
        reader = RowReader(table, row, problems)
        day = _day(reader, refs.clock)
        template = _shift_on(reader, refs, day, allow_any=False)
        required = reader.need("required", parse_int)
        under = reader.get("under_weight", parse_int)
        over = reader.get("over_weight", parse_int)
        if not reader.ok or day is None or template is None:
            continue
        if (day, template) in seen:
            reader.fail("shift", f"this date and shift already have a row (row "
                        f"{seen[day, template]})", "keep one row per date and shift", template)
            continue
        seen[day, template] = row.line
        data = {"day": day, "template": template, "required": required,
                "under_weight": refs.rules.coverage.weight if under is None else under,
                "over_weight": over or 0}
        item = reader.model(ShiftCover, data, lambda loc: {"day": "date", "template": "shift"}
                            .get(str(loc[0]) if loc else "", str(loc[0]) if loc else "required"))
        if item is not None:
            found.append(item)
    return found


# --------------------------------------------------------------------------- rosters


def read_rosters(folder: Path, refs: Refs,
                 problems: Problems) -> tuple[list[Shift], list[Shift], list[Shift]]:
    """History (last_roster.csv, days before the start), reference and locked shifts
    (published_roster.csv, days inside the horizon)."""
    history: list[tuple[Shift, bool]] = []
    last = read_table(folder, LAST, problems, required=("agent", "date", "shift"), optional=())
    if last is not None:
        history = roster_rows(last, refs, problems, keep=lambda day, days: day < 0)
    reference: list[tuple[Shift, bool]] = []
    # the product's own roster.csv is a published roster: its other columns (agent_name,
    # weekday, start, queues, ...) are ignored, as scheduler check ignores them
    published = read_table(folder, PUBLISHED, problems, required=("agent", "date", "shift"),
                           optional=None)
    if published is not None:
        reference = roster_rows(published, refs, problems,
                                keep=lambda day, days: 0 <= day < days)
    return ([s for s, _ in history], [s for s, _ in reference],
            [s for s, locked in reference if locked])


def roster_rows(table: Table, refs: Refs, problems: Problems, *,
                keep: Callable[[int, int], bool],
                strict: bool = False) -> list[tuple[Shift, bool]]:
    """Shifts of a roster table with their ``locked`` flag.

    Rows on days where ``keep(day, horizon days)`` is false are ignored, or reported when
    ``strict``. An empty shift, ``off`` or ``-`` is a day off.
    """
    found: list[tuple[Shift, bool]] = []
    seen: dict[tuple[str | None, int], int] = {}
    for row in table.rows:
        reader = RowReader(table, row, problems)
        agent = known_agent(reader, refs)
        when = reader.need("date", parse_date)
        name = row.get("shift")
        locked = bool(reader.get("locked", parse_yes_no)) if "locked" in table.columns else False
        if name.lower() in OFF_SHIFTS:
            continue
        check(reader, "shift", name, refs.template_ids, "shift", "shift_templates")
        if when is None or refs.clock is None or not reader.ok:
            continue
        day = refs.clock.day_of_date(when)
        if not keep(day, refs.clock.days):
            if strict:
                reader.fail("date", "the date is outside the horizon", "use a date from "
                            f"{refs.clock.start} to {refs.clock.date_of(refs.clock.days - 1)}",
                            row.get("date"))
            continue
        if (agent, day) in seen:
            reader.fail("date", f"agent {agent} already has a shift on {when} (row "
                        f"{seen[agent, day]})", "keep one shift per agent and day",
                        row.get("date"))
            continue
        seen[agent, day] = row.line
        found.append((Shift(agent=agent or "", day=day, template=name), locked))
    return found
