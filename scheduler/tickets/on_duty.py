"""Who can work tickets in the assignment window, and for how many minutes.

From a roster: the covering plan (:func:`~.covering_plan`) says which queue
each on-duty agent serves per interval; the minutes on asynchronous (``email``) queues inside
the window are the agent's ticket minutes, with their gaps. Or from an agents file: ticket
minutes left, skills and tier per agent, worked from the window start.
"""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pandas as pd

from scheduler.domain import Problem, Roster
from scheduler.errors import Problems
from scheduler.load.cells import (
    CellError,
    RowReader,
    listing,
    localize,
    parse_ids,
    parse_int,
    parse_moment,
    read_table,
    text,
)
from scheduler.tickets.desk import DeskAgent
from scheduler.tickets.policy import TicketPolicy


def agents_from_plan(problem: Problem, covering: pd.DataFrame, at: datetime, window: int,
                     policy: TicketPolicy) -> tuple[DeskAgent, ...]:
    """Agents with minutes on asynchronous (e-mail/ticket) queues in the window, from a
    covering plan (``agent, interval, queue``); skills from agents.csv."""
    size = problem.interval_minutes
    start = problem.clock.minute(at)
    async_queues = {q.id for q in problem.queues if q.channel == "email"}
    spans: dict[str, list[tuple[int, int]]] = {}
    if not covering.empty:
        rows = covering[covering["queue"].isin(async_queues)]
        for agent, interval in zip(rows["agent"], rows["interval"], strict=True):
            lo = max(int(interval) * size - start, 0)
            hi = min((int(interval) + 1) * size - start, window)
            if hi > lo:
                spans.setdefault(str(agent), []).append((lo, hi))
    found = []
    for agent_id, parts in sorted(spans.items()):
        agent = problem.agent_index[agent_id]
        found.append(DeskAgent(agent_id, frozenset(agent.skills),
                               policy.agent_tiers.get(agent_id, 1), _merge(parts)))
    return tuple(found)


def _merge(parts: list[tuple[int, int]]) -> tuple[tuple[int, int], ...]:
    merged: list[list[int]] = []
    for lo, hi in sorted(parts):
        if merged and lo <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], hi)
        else:
            merged.append([lo, hi])
    return tuple((lo, hi) for lo, hi in merged)


def read_desk_agents(path: Path, problem: Problem, policy: TicketPolicy) -> tuple[DeskAgent, ...]:
    """Read an agents file for the window instead of a roster: columns ``agent``, ``minutes``
    (ticket minutes left, worked from the window start), ``skills`` (queues, ``;``-separated;
    empty: the agent's skills in agents.csv) and optionally ``tier``.

    Raises
    ------
    TeamFolderError
        For every bad row (row and column named).
    """
    problems = Problems()
    table = read_table(path.parent, path.name, problems, required=("agent", "minutes"),
                       optional=("skills", "tier"), must_exist=True)
    found: dict[str, DeskAgent] = {}
    for row in table.rows if table is not None else ():
        r = RowReader(table, row, problems)  # type: ignore[arg-type]
        agent_id = r.need("agent", text)
        minutes = r.need("minutes", parse_int)
        skills = r.get("skills", parse_ids) or ()
        tier = r.get("tier", parse_int)
        if agent_id is not None and agent_id not in problem.agent_index:
            r.fail("agent", f"agent {agent_id} is not in agents.csv",
                   f"use one of: {listing(problem.agent_index)}", agent_id)
        if agent_id in found:
            r.fail("agent", f"agent {agent_id} appears twice", "keep one row per agent",
                   agent_id)
        for skill in skills:
            if skill not in problem.queue_index:
                r.fail("skills", f"queue {skill} is not in team.yaml",
                       f"use one of: {listing(problem.queue_index)}", skill)
        if minutes is not None and minutes < 0 or tier is not None and tier < 1:
            r.fail("minutes" if tier is None or tier >= 1 else "tier", "must not be negative",
                   "use minutes >= 0 and tier >= 1")
        if r.ok and agent_id is not None and minutes is not None:
            own = skills or problem.agent_index[agent_id].skills
            level = tier if tier is not None else policy.agent_tiers.get(agent_id, 1)
            found[agent_id] = DeskAgent(agent_id, frozenset(own), level,
                                        ((0, minutes),) if minutes else ())
    problems.raise_if_any(str(path.parent))
    return tuple(found.values())


def window_agents(problem: Problem, at: datetime, window: int, policy: TicketPolicy, *,
                  roster: Roster | None = None,
                  agents_file: Path | None = None) -> tuple[DeskAgent, ...]:
    """The agents for the window: from an agents file when given, else from the covering plan
    of ``roster`` (or of published_roster.csv)."""
    if agents_file is not None:
        return read_desk_agents(agents_file, problem, policy)
    from scheduler.staffing import requirements
    from scheduler.staffing.covering import covering_plan

    on_duty = roster if roster is not None else Roster(shifts=problem.reference)
    covering = covering_plan(problem, requirements(problem), on_duty)
    return agents_from_plan(problem, covering, at, window, policy)


_WINDOW = re.compile(r"(?:([0-9]+)h)?\s*(?:([0-9]+)m(?:in)?)?")


def parse_window(value: str) -> int:
    """``2h``, ``90m``, ``1h30m`` or plain minutes ``120`` → minutes (1 to 7 days)."""
    value = value.strip().lower()
    found = _WINDOW.fullmatch(value)
    if value.isdigit():
        minutes = int(value)
    elif found and any(found.groups()):
        minutes = int(found.group(1) or 0) * 60 + int(found.group(2) or 0)
    else:
        raise CellError(f"{value!r} is not a length of time", "write e.g. 2h, 90m or 1h30m")
    if not 1 <= minutes <= 7 * 24 * 60:
        raise CellError("the window must be 1 minute to 7 days", "write e.g. 2h")
    return minutes


def parse_at(value: str, problem: Problem) -> datetime:
    """The window start: local time in the team's zone, or ISO with an offset."""
    moment = parse_moment(value.strip())
    if not isinstance(moment, datetime):
        raise CellError("a time is needed", "write YYYY-MM-DD HH:MM")
    return localize(moment, ZoneInfo(problem.time_zone))
