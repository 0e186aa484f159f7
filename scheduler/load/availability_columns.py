"""availability.csv read column-wise: 200,000 rows in about a second instead of many.

:func:`read_availability_columns` parses every column at once with pandas and returns the same
:class:`~scheduler.domain.AvailabilityRow` records, in the same order, as the row reader of
:mod:`scheduler.load.availability`, or None as soon as any cell is not plainly valid (an unknown
agent, a time outside the support day, an overlap, a cell over several lines, ...): the caller
then reads the file row by row, which names every problem with its row and column. Small files
always go row by row (fast enough, and the one reader for every small case).
"""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from scheduler.domain import DAY_MINUTES, AvailabilityRow, Preference
from scheduler.errors import Problems
from scheduler.load.cells import (
    MAX_CELL_CHARS,
    parse_date,
    parse_day_clock,
    read_text,
    weekday,
)
from scheduler.load.files import Refs

MIN_ROWS = 1_000
"""Smaller files go row by row."""
SHORTEST_ROW = 16  # characters at least in a valid row ("a,mon,6:00,8:00,available" has 26)
COLUMNS = ("agent", "day", "from", "to", "level")
_DATED = 100  # day codes of dated rows: 100 + horizon day (weekday rows: 0-6)


class _Unclean(Exception):
    """A cell the row reader must look at."""


def _check(ok: object) -> None:
    if not bool(np.all(np.asarray(ok))):
        raise _Unclean


def read_availability_columns(path: Path, refs: Refs,
                              levels: dict[str, Preference]) -> list[AvailabilityRow] | None:
    """The file's rows as the row reader would return them, or None (see the module notes).

    Parameters
    ----------
    path
        availability.csv of the team folder.
    refs
        What team.yaml and agents.csv made known (horizon, agent ids, support day).
    levels
        Level words (lower case, single spaces) to levels.
    """
    if refs.clock is None or refs.agent_ids is None or not path.is_file() or \
            path.stat().st_size < MIN_ROWS * SHORTEST_ROW:
        return None  # small: not read twice (the row reader reads it)
    text = read_text(path, path.name, Problems(), required=False)
    if text is None or "\r" in text or text.count("\n") < MIN_ROWS:
        return None
    try:
        frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False,
                            skip_blank_lines=False)
    except (ValueError, pd.errors.ParserError):
        return None
    lines = text.count("\n") + (not text.endswith("\n"))
    columns = [str(c).strip().lower() for c in frame.columns]
    if lines != len(frame) + 1 or sorted(c for c in columns if not c.startswith("#")) != sorted(
            COLUMNS) or len(set(columns)) != len(columns):
        return None  # a cell over several lines, blank lines, odd columns: row by row
    frame.columns = columns
    try:
        return _rows(frame, refs, levels)
    except _Unclean:
        return None


def _rows(frame: pd.DataFrame, refs: Refs,
          levels: dict[str, Preference]) -> list[AvailabilityRow]:
    """Each column's distinct cells read once by the row reader's own parsers."""
    for column in frame.columns:
        if column.startswith("#"):
            _check(frame[column].str.len().max() <= MAX_CELL_CHARS)
    known = refs.agent_ids or frozenset()
    agent = _parsed(frame["agent"], lambda text: text if text in known else None)
    level = _parsed(frame["level"], lambda text: levels.get(" ".join(text.lower().split())))
    code = _parsed(frame["day"], lambda text: _day_code(text, refs)).astype("int64")
    start = _parsed(frame["from"], parse_day_clock).astype("int64")
    end = _parsed(frame["to"], parse_day_clock).astype("int64")
    first, last = refs.day_starts_at, refs.day_starts_at + DAY_MINUTES
    size = refs.clock.interval_minutes if refs.clock else 1
    _check((end > start) & (start >= first) & (end <= last) & (start % size == 0)
           & (end % size == 0))
    table = pd.DataFrame({"agent": agent, "code": code, "start": start, "end": end,
                          "level": level, "line": np.arange(len(frame))})
    _no_overlaps(table)
    return _expanded(table, refs)


def _parsed(cells: pd.Series, parse: Callable[[str], object]) -> np.ndarray:
    """Every cell parsed (stripped, as the row reader sees it), each distinct text once; an
    empty or bad cell is unclean."""
    codes, texts = pd.factorize(cells, use_na_sentinel=False)
    values = []
    for raw in texts:
        text = str(raw).strip()
        try:
            value = parse(text) if text and len(text) <= MAX_CELL_CHARS else None
        except ValueError:
            value = None
        _check(value is not None)
        values.append(value)
    return np.asarray(values, dtype=object)[codes]


def _day_code(text: str, refs: Refs) -> int:
    """0-6 for a weekday name, 100 + horizon day for a date inside the horizon."""
    clock = refs.clock
    assert clock is not None
    named = weekday(text)
    if named is not None:
        return named
    day = clock.day_of_date(parse_date(text))
    _check(0 <= day < clock.days)
    return _DATED + day


def _no_overlaps(table: pd.DataFrame) -> None:
    """No two windows of one agent on one day (or weekday) overlap."""
    ordered = table.sort_values(["agent", "code", "start"], kind="stable")
    keys = [ordered["agent"], ordered["code"]]
    reach = ordered.groupby(keys, sort=False)["end"].cummax()
    before = reach.groupby(keys, sort=False).shift(1)
    _check(~(ordered["start"] < before))


def _expanded(table: pd.DataFrame, refs: Refs) -> list[AvailabilityRow]:
    """One record per horizon day, dated rows replacing their day's weekday rows, in the row
    reader's order (days by first appearance of agent and day, then by line)."""
    clock = refs.clock
    assert clock is not None
    calendar = pd.DataFrame({"code": [clock.weekday(d) for d in range(clock.days)],
                             "day": range(clock.days)})
    dated = table["code"] >= _DATED
    spread = table[~dated].merge(calendar, on="code")
    spread["dated"] = False
    exact = table[dated].assign(day=table.loc[dated, "code"] - _DATED, dated=True)
    both = pd.concat([spread, exact], ignore_index=True)
    replaced = pd.MultiIndex.from_frame(exact[["agent", "day"]])
    both = both[both["dated"] | ~pd.MultiIndex.from_frame(both[["agent", "day"]]).isin(
        replaced)]
    keys = [both["agent"], both["day"], both["dated"]]
    both = both.assign(seen=both.groupby(keys, sort=False)["line"].transform("min"))
    both = both.sort_values(["seen", "day", "line"], kind="stable")
    return [AvailabilityRow(agent=a, day=int(d), start_minute=int(s), end_minute=int(e),
                            level=v)
            for a, d, s, e, v in zip(both["agent"], both["day"], both["start"], both["end"],
                                     both["level"], strict=True)]
