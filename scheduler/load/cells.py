"""Reading the CSV files of a team folder: tables of text cells, and parsers for one cell.

Every cell is read as text, so a problem can quote exactly what the coordinator wrote. Parsers
raise :class:`CellError` (message and fix); :class:`RowReader` turns those into problems that
name the file, the line and the column.
"""

from __future__ import annotations

import csv
import errno
import io
import math
import os
import re
import stat
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ValidationError

from scheduler.domain import DAY_MINUTES, MAX_MINUTES, WEEKDAYS
from scheduler.errors import Problems
from scheduler.timeline import exists_locally

T = TypeVar("T")
M = TypeVar("M", bound=BaseModel)

FIRST_YEAR, LAST_YEAR = 1900, 2999
MAX_FILE_BYTES = 64 * 2**20
MAX_CELL_CHARS = 10_000
# The csv module's own limit (128 KiB a value) would stop a file without naming the column; the
# file size is capped, and each value is checked against MAX_CELL_CHARS with its row and column.
csv.field_size_limit(MAX_FILE_BYTES)
_FULL_DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_MOMENT = re.compile(r"([0-9]{4}-[0-9]{2}-[0-9]{2})[ T]([0-9]{1,2}:[0-9]{2}(?::[0-9]{2})?)"
                     r"\s*(Z|[+-][0-9]{2}:?[0-9]{2})?")
_CLOCK = re.compile(r"([0-9]{1,2}):([0-9]{2})")
_NUMBER = re.compile(r"[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?")


class CellError(ValueError):
    """A cell's text cannot be read: ``message`` says why, ``fix`` how to correct it."""

    def __init__(self, message: str, fix: str) -> None:
        super().__init__(message)
        self.message, self.fix = message, fix


@dataclass(frozen=True)
class Row:
    """One data row: its line number in the file and its cells by column name."""

    line: int
    cells: Mapping[str, str]

    def get(self, column: str) -> str:
        """The stripped text of a cell ('' when the column is absent or the cell empty)."""
        return self.cells.get(column, "")


class Rows:
    """The data rows of a CSV file, parsed lazily and read once: a huge file costs no more
    memory than its text (a bad row's problem is recorded when the row is reached)."""

    def __init__(self, file: str, columns: tuple[str, ...],
                 records: Iterator[tuple[int, list[str]]], problems: Problems) -> None:
        self._file, self._columns, self._problems = file, columns, problems
        self._records: Iterator[tuple[int, list[str]]] | None = records
        self._first: list[Row] = []
        self._started = False

    def _next(self) -> Row | None:
        while self._records is not None:
            try:
                line, cells = next(self._records)
            except StopIteration:
                self._records = None
            except _RecordError as exc:
                self._records = None
                _not_csv(self._file, exc, self._problems)
            else:
                row = _row(self._file, line, self._columns, cells, self._problems)
                if row is not None:
                    return row
        return None

    def __bool__(self) -> bool:
        if not self._first and not self._started and (row := self._next()) is not None:
            self._first.append(row)
        return bool(self._first)

    def __iter__(self) -> Iterator[Row]:
        if self._started:
            raise RuntimeError(f"the rows of {self._file} are read once")
        self._started = True
        yield from self._first
        self._first = []
        while (row := self._next()) is not None:
            yield row


@dataclass(frozen=True)
class Table:
    """A CSV file read as text: its name in the folder, its columns and its rows (read once)."""

    file: str
    columns: tuple[str, ...]
    rows: Iterable[Row]


def read_text(path: Path, file: str, problems: Problems, *, required: bool) -> str | None:
    """The UTF-8 text of a file, or None (with a problem when it is required or unreadable).

    Only a regular file (or a link to one) is read: a named pipe, a device or a folder is
    reported without being opened for reading, and so is a broken link or a link loop (even
    for an optional file: the coordinator meant that file to be read).
    """
    if not os.path.lexists(path):
        if required:
            problems.add(file, "the file is missing", f"create {file} in the team folder "
                         "(see docs/team-folder.md)")
        return None
    data = _read_regular(path, file, problems)
    if data is None:
        return None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        problems.add(file, "the file is not UTF-8 text", "save it as UTF-8 (in Excel: "
                     "'CSV UTF-8'); check the characters on this line",
                     row=data[: exc.start].count(b"\n") + 1)
        return None


def _read_regular(path: Path, file: str, problems: Problems) -> bytes | None:
    """The bytes of a regular file; anything else is a problem (never a hang on a pipe)."""
    try:
        kind = os.stat(path).st_mode
    except OSError as exc:
        why = "a link loop" if exc.errno == errno.ELOOP else "a broken link" if (
            path.is_symlink()) else f"unreadable ({exc.strerror or exc})"
        problems.add(file, f"the file is {why}", "put the file itself in the team folder, "
                     "or remove the link")
        return None
    if not stat.S_ISREG(kind):
        what = "a folder" if stat.S_ISDIR(kind) else "a named pipe" if stat.S_ISFIFO(
            kind) else "not a regular file"
        problems.add(file, f"the file is {what}", "make it a regular file (a saved CSV/YAML)")
        return None
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        with os.fdopen(fd, "rb") as handle:
            if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):  # swapped since the check
                raise OSError(errno.EINVAL, "not a regular file")
            if os.fstat(handle.fileno()).st_size > MAX_FILE_BYTES:
                problems.add(file, f"the file is larger than {MAX_FILE_BYTES // 2**20} MB",
                             "split it or remove rows that are not needed")
                return None
            return handle.read()
    except OSError as exc:
        problems.add(file, f"the file cannot be read ({exc.strerror or exc})",
                     "make sure it is a readable file, not a folder")
        return None


def read_table(folder: Path, file: str, problems: Problems, *, required: Sequence[str],
               optional: Sequence[str] | None, must_exist: bool = False) -> Table | None:
    """Read ``folder / file`` as a table of text cells, or None if it is absent or unusable.

    Parameters
    ----------
    required, optional
        Column names. ``optional=None`` accepts (and ignores) any other column; otherwise an
        unknown column is a problem, except one whose name starts with ``#`` (a comment).
    must_exist
        Whether a missing file is a problem.
    """
    text = read_text(folder / file, file, problems, required=must_exist)
    if text is None:
        return None
    records = _records(text)
    try:
        header_line, header = next(records)
    except StopIteration:
        problems.add(file, "the file is empty", f"start it with the header line: "
                     f"{','.join(required)}")
        return None
    except _RecordError as exc:
        _not_csv(file, exc, problems)
        return None
    columns = tuple(cell.strip().lower() for cell in header)
    if not _header_ok(file, header_line, columns, required, optional, problems):
        return None
    return Table(file, columns, Rows(file, columns, records, problems))


def _not_csv(file: str, exc: _RecordError, problems: Problems) -> None:
    problems.add(file, f"the file is not valid CSV ({exc})", "save it again as CSV from your "
                 "spreadsheet (a value that long is usually a missing closing quote)",
                 row=exc.line)


class _RecordError(csv.Error):
    """A CSV record that cannot be read, and the line it starts on."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line


def _records(text: str) -> Iterator[tuple[int, list[str]]]:
    """Non-blank CSV records with the line each starts on, one at a time."""
    reader = csv.reader(io.StringIO(text, newline=""))
    previous = 0
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            message = str(exc)
            if "field limit" in message:
                message = f"a value is longer than {csv.field_size_limit()} characters"
            raise _RecordError(previous + 1, message) from exc
        if any(cell.strip() for cell in cells):
            yield previous + 1, cells
        previous = reader.line_num


def _header_ok(file: str, line: int, columns: tuple[str, ...], required: Sequence[str],
               optional: Sequence[str] | None, problems: Problems) -> bool:
    before = len(problems)
    names = [c for c in columns if c]
    for name in sorted({c for c in names if names.count(c) > 1}):
        problems.add(file, f"column {name} appears twice in the header", "keep one of them",
                     row=line, column=name)
    hint = " (the file seems to use ';' between values: save it with commas)" if (
        len(columns) == 1 and ";" in columns[0]) else ""
    for name in required:
        if name not in columns:
            problems.add(file, f"required column {name} is missing",
                         f"add a column named {name}{hint}", row=line, column=name)
    if optional is not None and not hint:
        known = [*required, *optional]
        for name in names:
            if name not in known and not name.startswith("#"):
                problems.add(file, f"unknown column {name}", "rename it to one of: "
                             f"{', '.join(known)} (or start its name with # to ignore it)",
                             row=line, column=name, value=name)
    return len(problems) == before


def _row(file: str, line: int, columns: tuple[str, ...], cells: list[str],
         problems: Problems) -> Row | None:
    extra = [c for c in cells[len(columns):] if c.strip()]
    if extra:
        problems.add(file, f"the row has {len(cells)} values but the header has {len(columns)} "
                     "columns", "put quotes around values that contain a comma", row=line,
                     value=extra[0])
        return None
    named = {}
    for name, cell in zip(columns, cells, strict=False):
        if len(cell) > MAX_CELL_CHARS:
            problems.add(file, f"the value is {len(cell)} characters long",
                         f"shorten it to at most {MAX_CELL_CHARS} characters", row=line,
                         column=name or None, value=cell)
            return None
        if name and not name.startswith("#"):
            named[name] = cell.strip()
        elif not name and cell.strip():
            problems.add(file, "a value stands in a column without a name",
                         "give the column a name in the header, or clear the value",
                         row=line, value=cell.strip())
            return None
    return Row(line, named)


@dataclass
class RowReader:
    """Reads the cells of one row, recording a problem for every bad cell."""

    table: Table
    row: Row
    problems: Problems
    ok: bool = field(default=True)

    def fail(self, column: str | None, message: str, fix: str, value: object = None) -> None:
        """Record a problem in this row and mark the row as bad."""
        self.ok = False
        self.problems.add(self.table.file, message, fix, row=self.row.line, column=column,
                          value=value)

    def get(self, column: str, parse: Callable[[str], T]) -> T | None:
        """The parsed cell, or None when it is empty or bad (a bad cell records a problem)."""
        text = self.row.get(column)
        if not text:
            return None
        try:
            return parse(text)
        except CellError as exc:
            self.fail(column, exc.message, exc.fix, text)
        except (ValueError, ArithmeticError) as exc:
            self.fail(column, f"the value cannot be read ({exc})", "correct the value", text)
        return None

    def need(self, column: str, parse: Callable[[str], T]) -> T | None:
        """Like :meth:`get`, but an empty cell is a problem."""
        if not self.row.get(column):
            self.fail(column, f"{column} is empty", f"fill in {column}")
            return None
        return self.get(column, parse)

    def model(self, cls: type[M], data: dict[str, Any],
              column_of: Callable[[tuple[int | str, ...]], str]) -> M | None:
        """Validate ``data`` as ``cls``, mapping each error back to a column of this row."""
        try:
            return cls.model_validate(data)
        except ValidationError as exc:
            self.ok = False
            self.problems.add_validation(
                exc, self.table.file, row=self.row.line, column=column_of, model=cls,
                value=lambda loc, _: self.row.get(column_of(loc)) or None)
            return None


def text(value: str) -> str:
    """A cell as it is."""
    return value


def parse_float(value: str) -> float:
    """A finite decimal number (``.`` as decimal point)."""
    if not _NUMBER.fullmatch(value):
        fix = "use a point as decimal mark, e.g. 2.5" if "," in value else "use a number, e.g. 2.5"
        raise CellError("not a number", fix)
    number = float(value)
    if not math.isfinite(number):
        raise CellError("the number is too large", "use a smaller number")
    return number


def parse_int(value: str) -> int:
    """A whole number (``3`` or ``3.0``)."""
    number = parse_float(value)
    if number != int(number):
        raise CellError("not a whole number", "use a whole number, e.g. 3")
    return int(number)


def parse_hours(value: str) -> int:
    """Hours (decimal) as a whole number of minutes: ``37.5`` → 2250."""
    minutes = parse_float(value) * 60
    if not math.isfinite(minutes) or abs(minutes) > MAX_MINUTES:
        raise CellError("the number of hours is too large",
                        f"use at most {MAX_MINUTES // 60} hours (a year), e.g. 40 a week")
    if abs(minutes - round(minutes)) > 1e-6:
        raise CellError("the hours are not a whole number of minutes",
                        "round to whole minutes, e.g. 7.5 or 7.25")
    return round(minutes)


def parse_date(value: str) -> date:
    """A date written ``YYYY-MM-DD``."""
    if not _DATE.fullmatch(value):
        raise CellError("not a date", "write the date as YYYY-MM-DD, e.g. 2026-11-30")
    try:
        day = date.fromisoformat(value)
    except ValueError as exc:
        raise CellError(f"not a real date ({exc})", "check the month and the day") from exc
    return _in_years(day)


def _in_years(day: date) -> date:
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise CellError(f"the year {day.year} is out of range",
                        f"use a year between {FIRST_YEAR} and {LAST_YEAR}")
    return day


def parse_moment(value: str) -> date | datetime:
    """A date ``YYYY-MM-DD``, a local time ``YYYY-MM-DD HH:MM``, or ISO with an offset.

    Returns a ``date``, a naive ``datetime`` (local time) or an aware ``datetime``.
    """
    if _DATE.fullmatch(value):
        return parse_date(value)
    found = _MOMENT.fullmatch(value)
    if not found:
        raise CellError("not a date or time", "write YYYY-MM-DD, YYYY-MM-DD HH:MM or an ISO "
                        "time with offset such as 2026-11-30T09:00+01:00")
    day, clock, offset = found.groups()
    if len(clock.split(":")[0]) == 1:
        clock = "0" + clock
    if offset and offset != "Z" and ":" not in offset:
        offset = offset[:3] + ":" + offset[3:]
    try:
        moment = datetime.fromisoformat(f"{day}T{clock}{offset or ''}".replace("Z", "+00:00"))
    except ValueError as exc:
        raise CellError(f"not a real date and time ({exc})", "check the date, hour and "
                        "minute") from exc
    _in_years(moment.date())
    return moment


def localize(moment: datetime, zone: ZoneInfo, fold: int = 0) -> datetime:
    """An aware datetime in ``zone``: naive local times are placed in it, aware ones converted.

    A local time inside a spring-forward gap is an error; ``fold`` picks the occurrence of a
    local time that happens twice (0 = first).
    """
    if moment.tzinfo is not None:
        return moment.astimezone(zone)
    if not exists_locally(moment, zone):
        raise CellError(f"{moment:%Y-%m-%d %H:%M} does not exist in {zone.key}: the clocks "
                        "skip it (daylight saving time starts)",
                        "use a time outside the skipped hour, or give the UTC offset")
    return moment.replace(tzinfo=zone, fold=fold)


def parse_clock(value: str, *, allow_24: bool = False) -> int:
    """A time of day ``HH:MM`` as minutes after midnight (``24:00`` only when allowed)."""
    found = _CLOCK.fullmatch(value.strip())
    hours, minutes = (int(found.group(1)), int(found.group(2))) if found else (-1, -1)
    if allow_24 and (hours, minutes) == (24, 0):
        return 24 * 60
    if not (0 <= hours <= 23 and 0 <= minutes <= 59):
        raise CellError(f"{value.strip()!r} is not a time of day",
                        "write HH:MM between 00:00 and " + ("24:00" if allow_24 else "23:59"))
    return hours * 60 + minutes


def parse_day_clock(value: str) -> int:
    """``HH:MM`` from ``00:00`` to ``48:00`` as minutes after the day's midnight."""
    found = _CLOCK.fullmatch(value.strip())
    if not found or int(found.group(2)) > 59 or int(found.group(1)) * 60 + int(
            found.group(2)) > 2 * DAY_MINUTES:
        raise CellError(f"{value.strip()!r} is not a time of day",
                        "write HH:MM; past midnight write e.g. 26:30 for 02:30 the next morning")
    return int(found.group(1)) * 60 + int(found.group(2))


def parse_ids(value: str) -> tuple[str, ...]:
    """A ``;``-separated list (empty items are skipped)."""
    return tuple(item.strip() for item in value.split(";") if item.strip())


def weekday(name: str) -> int | None:
    """0-6 for ``mon``..``sun`` (or full names, any case), else None."""
    lowered = name.strip().lower()
    if lowered in WEEKDAYS:
        return WEEKDAYS.index(lowered)
    return _FULL_DAYS.index(lowered) if lowered in _FULL_DAYS else None


def parse_weekdays(value: str) -> list[int]:
    """Weekdays written as names and ranges separated by commas: ``mon-fri, sun``."""
    days: list[int] = []
    for item in value.split(","):
        ends = [weekday(part) for part in item.split("-")]
        if not 1 <= len(ends) <= 2 or any(end is None for end in ends):
            raise CellError(f"{item.strip()!r} is not a weekday or a range of weekdays",
                            "use mon, tue, wed, thu, fri, sat, sun or a range such as mon-fri")
        first, last = ends[0], ends[-1]
        assert first is not None and last is not None
        days += [(first + step) % 7 for step in range((last - first) % 7 + 1)]
    return sorted(set(days))


def parse_availability(value: str) -> list[tuple[int, int, int]]:
    """``mon-fri 09:00-15:00; sat 10:00-14:00`` → (weekday, start minute, end minute) windows."""
    windows = []
    for part in parse_ids(value):
        pieces = part.split()
        clocks = pieces[-1].split("-") if len(pieces) >= 2 else []
        if len(clocks) != 2:
            raise CellError(f"{part!r} is not a window such as 'mon-fri 09:00-17:00'",
                            "write days, a space and a time range; separate windows with ;")
        days = parse_weekdays(" ".join(pieces[:-1]).replace(" ", ""))
        start, end = parse_clock(clocks[0]), parse_clock(clocks[1], allow_24=True)
        if end <= start:
            raise CellError(f"the window {part!r} ends before it starts",
                            "split a window over midnight in two: 'mon 22:00-24:00; "
                            "tue 00:00-06:00'")
        windows += [(day, start, end) for day in days]
    return windows


def parse_limits(value: str) -> dict[str, int]:
    """``L=2;N=0`` → {'L': 2, 'N': 0} (shift template id → most shifts)."""
    limits: dict[str, int] = {}
    for item in parse_ids(value):
        key, sign, number = item.partition("=")
        if not sign or not key.strip():
            raise CellError(f"{item!r} is not shift=count", "write e.g. L=2;N=0")
        count = parse_int(number.strip())
        if count < 0:
            raise CellError(f"the count for {key.strip()} is negative", "use 0 or more")
        limits[key.strip()] = count
    return limits


def parse_choice(choices: Iterable[str]) -> Callable[[str], str]:
    """A parser accepting one of ``choices`` (any case)."""
    options = tuple(choices)

    def parse(value: str) -> str:
        if value.lower() not in options:
            raise CellError(f"{value!r} is not one of {', '.join(options)}",
                            f"use one of: {', '.join(options)}")
        return value.lower()

    return parse


def parse_yes_no(value: str) -> bool:
    """``yes``/``no`` (also true/false, y/n, 1/0)."""
    lowered = value.lower()
    if lowered in ("yes", "y", "true", "1"):
        return True
    if lowered in ("no", "n", "false", "0"):
        return False
    raise CellError(f"{value!r} is not yes or no", "use yes or no")


def listing(ids: Iterable[str], limit: int = 12) -> str:
    """Sorted ids for a fix message, shortened after ``limit``."""
    names = sorted(ids)
    more = f" … ({len(names) - limit} more)" if len(names) > limit else ""
    return ", ".join(names[:limit]) + more if names else "(none defined)"
