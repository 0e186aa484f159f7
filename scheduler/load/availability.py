"""Reading the availability-driven files of a team folder: availability.csv, coverage.csv,
balance.csv, and the mentors column of agents.csv.

Days are a weekday (``mon`` … ``sun``, every such day of the horizon) or a date
(``YYYY-MM-DD``); rows for a date replace that day's weekday rows. Times are ``HH:MM`` after
local midnight of the day and may pass 24:00 (``22:00`` to ``27:00`` ends at 03:00 the next
morning), but must lie inside the team's support day (team.yaml ``availability.day_starts_at``
to 24 hours later). Every problem is reported with its file, row and column.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from scheduler.domain import (
    DAY_MINUTES,
    AvailabilityRow,
    Balance,
    CoverageRow,
    Onboarding,
    Preference,
)
from scheduler.errors import Problems
from scheduler.load.availability_columns import read_availability_columns
from scheduler.load.cells import (
    CellError,
    RowReader,
    listing,
    parse_choice,
    parse_date,
    parse_day_clock,
    parse_hours,
    parse_int,
    read_table,
    text,
    weekday,
)
from scheduler.load.files import AGENTS, Refs, check, horizon_day, known_agent

AVAILABILITY, COVERAGE, BALANCE = "availability.csv", "coverage.csv", "balance.csv"
LEVELS = {"preferred": Preference.PREFERRED, "available": Preference.AVAILABLE,
          "if needed": Preference.IF_NEEDED, "if_needed": Preference.IF_NEEDED,
          "unavailable": Preference.UNAVAILABLE}
def parse_level(value: str) -> Preference:
    """``preferred``, ``available``, ``if needed`` (or ``if_needed``) or ``unavailable``."""
    level = LEVELS.get(" ".join(value.lower().split()))
    if level is None:
        raise CellError(f"{value!r} is not an availability level",
                        "use one of: preferred, available, if needed, unavailable")
    return level


@dataclass(frozen=True)
class Days:
    """What a ``day`` cell means: the horizon days, and whether it named a date."""

    days: tuple[int, ...]
    dated: bool


def _days(reader: RowReader, refs: Refs) -> Days | None:
    raw = reader.row.get("day")
    if not raw:
        reader.fail("day", "day is empty", "write a weekday (mon … sun) or a date YYYY-MM-DD")
        return None
    clock = refs.clock
    named = weekday(raw)
    if named is not None:
        return None if clock is None else Days(
            tuple(d for d in range(clock.days) if clock.weekday(d) == named), False)
    day = horizon_day(reader, "day", reader.get("day", parse_date), clock)
    return None if day is None else Days((day,), True)


def _window(reader: RowReader, refs: Refs) -> tuple[int, int] | None:
    """The row's from–to, checked to lie in the support day."""
    start, end = reader.need("from", parse_day_clock), reader.need("to", parse_day_clock)
    if start is None or end is None:
        return None
    first, last = refs.day_starts_at, refs.day_starts_at + DAY_MINUTES
    support = f"{first // 60:02d}:{first % 60:02d} to {last // 60:02d}:{last % 60:02d}"
    if end <= start:
        reader.fail("to", "the window ends before it starts", "past midnight keep counting: "
                    "22:00 to 27:00 ends at 03:00 the next morning", reader.row.get("to"))
        return None
    for column, minute in (("from", start), ("to", end)):
        if not first <= minute <= last:
            reader.fail(column, f"the time is outside the support day ({support})",
                        f"use times from {support} (team.yaml availability.day_starts_at); "
                        "after midnight write e.g. 26:00", reader.row.get(column))
            break  # one problem per window
    if refs.clock is not None and (start % refs.clock.interval_minutes or
                                   end % refs.clock.interval_minutes):
        reader.fail("from", f"the window is not on the {refs.clock.interval_minutes}-minute "
                    "intervals", "use times such as 09:00 and 09:30", reader.row.get("from"))
    return (start, end) if reader.ok else None


def read_availability(folder: Path, refs: Refs, problems: Problems) -> list[AvailabilityRow]:
    """availability.csv: agent, day, from, to, level. Overlapping rows are problems.

    A large clean file is read column-wise (:mod:`scheduler.load.availability_columns`);
    otherwise, or when any cell needs a closer look, row by row."""
    quick = read_availability_columns(folder / AVAILABILITY, refs, LEVELS)
    if quick is not None:
        return quick
    table = read_table(folder, AVAILABILITY, problems,
                       required=("agent", "day", "from", "to", "level"), optional=())
    if table is None:
        return []
    spans: dict[tuple[str, int, bool], list[tuple[int, int, int]]] = defaultdict(list)
    rows: dict[tuple[str, int, bool], list[AvailabilityRow]] = defaultdict(list)
    for row in table.rows:
        reader = RowReader(table, row, problems)
        agent = known_agent(reader, refs)
        days, window = _days(reader, refs), _window(reader, refs)
        level = reader.need("level", parse_level)
        if not reader.ok or days is None or window is None or level is None or agent is None:
            continue
        for day in days.days:
            key = (agent, day, days.dated)
            clash = next((line for s, e, line in spans[key] if s < window[1] and window[0] < e),
                         None)
            spans[key].append((*window, row.line))
            if clash is not None:
                reader.fail("from", f"the window overlaps row {clash} for {agent} on the same "
                            "day", "make the windows follow each other (one level per time)",
                            row.get("from"))
                break
            rows[key].append(AvailabilityRow(agent=agent, day=day, start_minute=window[0],
                                             end_minute=window[1], level=level))
    dated = {(a, d) for a, d, is_date in rows if is_date}
    return [r for (a, d, is_date), items in rows.items() for r in items
            if is_date or (a, d) not in dated]


def _level_weight(reader: RowReader, side: str, default: int) -> int | None:
    """Weight of a min or max: None when hard, the row's or the default when soft."""
    level = reader.get(f"{side}_level", parse_choice(("hard", "soft"))) or "hard"
    weight = reader.get(f"{side}_weight", parse_int)
    if weight is not None and weight < 0:
        reader.fail(f"{side}_weight", "the weight is negative", "use 0 or more", weight)
    if level == "hard":
        return None
    return default if weight is None else weight


def read_coverage(folder: Path, refs: Refs, problems: Problems) -> list[CoverageRow]:
    """coverage.csv: queue (or any), day, from, to, min_agents, max_agents, and for each of
    min and max a level (hard, the default, or soft) and a weight."""
    table = read_table(folder, COVERAGE, problems, required=("queue", "day", "from", "to",
                                                             "min_agents"),
                       optional=("max_agents", "min_level", "min_weight", "max_level",
                                 "max_weight"))
    found: list[CoverageRow] = []
    if table is None:
        return found
    if not table.rows:
        problems.add(COVERAGE, "the file has a header but no rows: nobody would be needed on "
                     "duty", "add one row per day and time (queue, day, from, to, min_agents), "
                     "or delete coverage.csv for a team planned by forecast", row=1)
        return found
    settings = refs.rules.headcount
    for row in table.rows:
        reader = RowReader(table, row, problems)
        queue = reader.need("queue", text)
        if queue and queue.lower() != "any":
            check(reader, "queue", queue, refs.queue_ids, "queue", "the queues of team.yaml "
                  "(or any)")
        days, window = _days(reader, refs), _window(reader, refs)
        least, most = reader.need("min_agents", parse_int), reader.get("max_agents", parse_int)
        for column, value in (("min_agents", least), ("max_agents", most)):
            if value is not None and value < 0:
                reader.fail(column, "the number of agents is negative", "use 0 or more", value)
        if least is not None and most is not None and most < least:
            reader.fail("max_agents", f"max_agents ({most}) is below min_agents ({least})",
                        "raise max_agents to at least min_agents", most)
        least_weight = _level_weight(reader, "min", settings.weight)
        most_weight = _level_weight(reader, "max", settings.over_weight)
        if not reader.ok or days is None or window is None or queue is None or least is None:
            continue
        found += [CoverageRow(queue="any" if queue.lower() == "any" else queue, day=day,
                              start_minute=window[0], end_minute=window[1], min_agents=least,
                              max_agents=most, min_weight=least_weight, max_weight=most_weight)
                  for day in days.days]
    return found


def read_balance(folder: Path, refs: Refs, problems: Problems) -> list[Balance]:
    """balance.csv: agent, hours (positive: owed to the agent; negative: ahead)."""
    table = read_table(folder, BALANCE, problems, required=("agent", "hours"), optional=())
    found: list[Balance] = []
    if table is None:
        return found
    seen: dict[str, int] = {}
    for row in table.rows:
        reader = RowReader(table, row, problems)
        agent = known_agent(reader, refs)
        if agent:
            if agent in seen:
                reader.fail("agent", f"agent {agent} already has a row (row {seen[agent]})",
                            "keep one row per agent", agent)
            seen.setdefault(agent, row.line)
        minutes = reader.need("hours", _signed_hours)
        if reader.ok and agent and minutes is not None:
            found.append(Balance(agent=agent, minutes=minutes))
    return found


def _signed_hours(value: str) -> int:
    negative = value.strip().startswith("-")
    minutes = parse_hours(value.strip().lstrip("+-"))
    return -minutes if negative else minutes


def read_onboarding(refs: Refs, problems: Problems) -> list[Onboarding]:
    """Onboarding agents from agents.csv ``mentors`` (every mentor must be on the team)."""
    found = []
    known = refs.agent_ids or frozenset()
    for line, agent, mentors in refs.mentors:
        unknown = [m for m in mentors if m not in known or m == agent]
        for mentor in unknown:
            problems.add(AGENTS, f"mentor {mentor} is not another agent of the team",
                         f"use one of: {listing(known - {agent})}", row=line, column="mentors",
                         value=mentor)
        if not unknown:
            found.append(Onboarding(agent=agent, mentors=mentors))
    return found
