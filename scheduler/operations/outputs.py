"""What a re-plan writes: the new roster, the change list and the calendar updates.

The calendar updates hold, for each agent whose own events changed (a shift moved, added or
removed, queue segments changed, the absence itself), only those events: updated ones with a
higher SEQUENCE, removed ones as cancelled. They are worked out against the calendars of the
published roster, so an agent whose shift and segments did not change gets nothing.
"""

from __future__ import annotations

import os
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from scheduler.constraints.base import day_label
from scheduler.domain import Problem, Roster
from scheduler.export.calendar_state import Change, reconcile
from scheduler.export.cells import csv_safe
from scheduler.export.files import Writer
from scheduler.export.folder_swap import write_files
from scheduler.export.ical import feed_calendar, feeds_of, in_horizon, planned_events, zone_table
from scheduler.export.tables import roster_frame
from scheduler.operations.replan import ShiftChange
from scheduler.staffing.covering import covering_plan

__all__ = ["CHANGES_FILE", "UPDATES_DIR", "ReplanOutputs", "calendar_updates", "change_frame",
           "write_replan"]

CHANGES_FILE = "changes.csv"
UPDATES_DIR = "calendar-updates"


@dataclass(frozen=True)
class ReplanOutputs:
    """The files written and the agents whose calendars change."""

    paths: list[Path]
    calendar_agents: list[str]


def calendar_updates(before: Problem, published: Roster, after: Problem, roster: Roster,
                     requirements: pd.DataFrame,
                     now: datetime | None = None) -> dict[str, list[Change]]:
    """Agent id → the events of their own feed that changed from the published roster's."""
    moment = now or datetime.now(UTC)
    agents = [a.id for a in before.agents]
    old = planned_events(before, published, covering_plan(before, requirements, published))
    state = reconcile({}, old, in_horizon(before, agents), moment).state
    new = planned_events(after, roster, covering_plan(after, requirements, roster))
    result = reconcile(state, new, in_horizon(after, agents), moment)
    found: dict[str, list[Change]] = defaultdict(list)
    for change in result.changes:
        if change.kind != "same" and change.record.feed in agents:
            found[change.record.feed].append(change)
    return dict(found)


def change_frame(problem: Problem, changes: list[ShiftChange]) -> pd.DataFrame:
    """The change list: agent, name, date, weekday, shift before and after (empty: off)."""
    rows = [{"agent": c.agent, "agent_name": problem.agent_index[c.agent].label,
             "date": problem.clock.date_of(c.day).isoformat(),
             "weekday": day_label(problem, c.day)[:3], "before": c.before or "",
             "after": c.after or ""} for c in changes]
    columns = ["agent", "agent_name", "date", "weekday", "before", "after"]
    return pd.DataFrame(rows, columns=columns)


def write_replan(out_dir: str | os.PathLike[str], before: Problem, published: Roster,
                 after: Problem, roster: Roster, changes: list[ShiftChange],
                 requirements: pd.DataFrame, now: datetime | None = None) -> ReplanOutputs:
    """Write ``roster.csv``, ``changes.csv`` and ``calendar-updates/<agent>.ics`` into
    ``out_dir``, all or nothing (other files in the folder are kept)."""
    covering = covering_plan(after, requirements, roster)
    roster_text = csv_safe(roster_frame(after, roster, covering)).to_csv(index=False,
                                                                     lineterminator="\n")
    change_text = csv_safe(change_frame(after, changes)).to_csv(index=False,
                                                                lineterminator="\n")
    files = {"roster.csv": _writer(roster_text.encode()),
             CHANGES_FILE: _writer(change_text.encode())}
    updates = calendar_updates(before, published, after, roster, requirements, now)
    feeds = {f.key: f for f in feeds_of(after)}
    zones = zone_table(after)
    for agent, found in sorted(updates.items()):
        feed = feeds[agent]
        text = feed_calendar(feed, [c.component for c in found], zones[feed.zone]).to_ical()
        files[f"{UPDATES_DIR}/{agent}.ics"] = _writer(text)
    written = write_files(out_dir, files)
    return ReplanOutputs(sorted(written.values()), sorted(updates))


def _writer(data: bytes) -> Writer:
    return lambda temp: temp.write_bytes(data)
