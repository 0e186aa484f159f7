"""What a scenario changes: each change is a pure function ``Problem -> Problem``.

A change is a small frozen object (:class:`Change`) whose :meth:`~Change.apply` returns a new,
validated :class:`~scheduler.domain.Problem` and touches nothing else. Its ``str()`` is the
change written the way a coordinator types it (``volume +20% chat mon-fri 09:00-12:00``); the
parser in :mod:`scheduler.whatif.parse` reads that text back into the same object.

Changes of the forecast (volume, handle time, opening hours) live here; changes of the team,
its settings and its shift templates in :mod:`scheduler.whatif.team_changes`.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError

from scheduler.domain import DAY_MINUTES, WEEKDAYS, CoverageRow, ForecastRow, Problem


class ChangeError(ValueError):
    """A change cannot be read or applied: ``message`` says why, ``fix`` how to correct it."""

    def __init__(self, message: str, fix: str) -> None:
        super().__init__(message)
        self.message, self.fix = message, fix


class Change(BaseModel, ABC):
    """One change to a problem; subclasses implement :meth:`apply` and ``__str__``."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    @abstractmethod
    def apply(self, problem: Problem) -> Problem:
        """The problem with this change made (the input is not modified)."""


def rebuilt(problem: Problem, **fields: Any) -> Problem:
    """A new problem with ``fields`` replaced, validated again (cross checks included)."""
    data = {name: getattr(problem, name) for name in Problem.model_fields}
    try:
        return Problem.model_validate({**data, **fields})
    except ValidationError as exc:
        reasons = "; ".join(str(e["msg"]).removeprefix("Value error, ") for e in exc.errors())
        raise ChangeError(f"the change leaves the team inconsistent: {reasons}",
                          "change the scenario so that the team stays valid") from None


# --------------------------------------------------------------------------- text helpers


def percent_text(value: float, signed: bool = True) -> str:
    """``20.0`` → ``+20%``; ``-7.5`` → ``-7.5%``."""
    return f"{value:+g}%" if signed else f"{value:g}%"


def clock_text(minute: int) -> str:
    """Minutes after midnight as ``HH:MM`` (``24:00`` for the end of the day)."""
    return f"{minute // 60:02d}:{minute % 60:02d}"


class When(BaseModel):
    """Which forecast intervals a change touches: weekdays or dates, and a local time range.

    Empty ``weekdays`` and ``dates`` mean every day; ``start``/``end`` are local minutes after
    midnight of the interval's start, ``[start, end)``.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    weekdays: tuple[int, ...] = ()
    dates: tuple[date, ...] = ()
    start: int = 0
    end: int = 24 * 60

    def matches(self, moment: datetime) -> bool:
        """Whether an interval starting at ``moment`` (local time) is touched."""
        days = bool(self.weekdays or self.dates)
        if days and moment.weekday() not in self.weekdays and moment.date() not in self.dates:
            return False
        minute = moment.hour * 60 + moment.minute
        return self.start <= minute < self.end

    def words(self) -> list[str]:
        """The tokens that write this selection (empty when it is everything)."""
        words = []
        if self.weekdays:
            words.append(",".join(WEEKDAYS[d] for d in self.weekdays))
        words += [d.isoformat() for d in self.dates]
        if (self.start, self.end) != (0, 24 * 60):
            words.append(f"{clock_text(self.start)}-{clock_text(self.end)}")
        return words


def horizon_days(problem: Problem, when: When) -> list[int]:
    """Horizon days a selection names (every day when it names none)."""
    clock = problem.clock
    if not when.weekdays and not when.dates:
        return list(range(problem.days))
    return [d for d in range(problem.days)
            if clock.weekday(d) in when.weekdays or clock.date_of(d) in when.dates]


def _local(problem: Problem, row: ForecastRow) -> datetime:
    return row.start.astimezone(problem.clock.zone)


def _picked(row: CoverageRow, when: When, queues: tuple[str, ...]) -> bool:
    """Whether a coverage row's start lies in the selection's hours (a whole day: every row
    of the support day, past midnight too) and it is for one of ``queues`` (any when none)."""
    if queues and row.queue not in queues:
        return False
    if (when.start, when.end) == (0, DAY_MINUTES):
        return True
    return when.start <= row.start_minute % DAY_MINUTES < when.end


def _headcount_copy(row: CoverageRow, day: int, percent: float) -> CoverageRow:
    """A coverage row moved to ``day``, its minimum and maximum scaled (minimum up)."""
    least = -(-row.min_agents * percent // 100)
    most = None if row.max_agents is None else max(least, round(row.max_agents * percent / 100))
    return row.model_copy(update={"day": day, "min_agents": int(least), "max_agents": most})


# --------------------------------------------------------------------------- forecast changes


class Scale(Change):
    """Volume (``what="volume"``) or handle time (``what="aht"``) up or down by a percentage.

    ``queues`` empty means every queue.
    """

    what: str
    percent: float
    queues: tuple[str, ...] = ()
    when: When = When()

    def apply(self, problem: Problem) -> Problem:
        """Scale the matching forecast rows; other rows stay as they are."""
        factor = 1 + self.percent / 100
        column = "volume" if self.what == "volume" else "aht_s"
        rows = []
        for row in problem.forecast:
            if (not self.queues or row.queue in self.queues) and \
                    self.when.matches(_local(problem, row)):
                row = row.model_copy(update={column: getattr(row, column) * factor})
            rows.append(row)
        return rebuilt(problem, forecast=tuple(rows))

    def __str__(self) -> str:
        return " ".join([self.what, percent_text(self.percent), *self.queues,
                         *self.when.words()])


class Close(Change):
    """Closed at the given days and hours: the forecast there is dropped (``close sun``)."""

    when: When
    queues: tuple[str, ...] = ()

    def apply(self, problem: Problem) -> Problem:
        """Drop the matching forecast rows, and the matching coverage.csv rows (headcount)."""
        rows = tuple(r for r in problem.forecast
                     if not ((not self.queues or r.queue in self.queues)
                             and self.when.matches(_local(problem, r))))
        days = set(horizon_days(problem, self.when))
        kept = tuple(r for r in problem.coverage
                     if not (r.day in days and _picked(r, self.when, self.queues)))
        return rebuilt(problem, forecast=rows, coverage=kept)

    def __str__(self) -> str:
        return " ".join(["close", *self.queues, *self.when.words()])


class Open(Change):
    """Open on more days or hours, with contacts like another weekday (``open sat like fri``).

    Each day ``when`` names gets the forecast of the nearest horizon day that falls on
    ``like`` (the one before when there are two), at the same local times, scaled by
    ``percent`` (100 = the same volume); what the day had in the time range is replaced.
    A team planned by headcount gets that day's coverage.csv rows the same way (minimum and
    maximum scaled by ``percent``, the minimum rounded up).
    """

    when: When
    like: int
    percent: float = 100.0
    queues: tuple[str, ...] = ()

    def apply(self, problem: Problem) -> Problem:
        """Replace the chosen days' forecast in the time range by the source day's."""
        clock = problem.clock
        sources = [d for d in range(problem.days) if clock.weekday(d) == self.like]
        if not sources:
            raise ChangeError(f"the horizon has no {WEEKDAYS[self.like]} to copy contacts from",
                              "name a weekday inside the planning horizon after 'like'")
        rows = [r for r in problem.forecast if not self._target(problem, r)]
        for day in horizon_days(problem, self.when):
            source = min(sources, key=lambda s: (abs(s - day), -s if s < day else s))
            rows += self._copied(problem, source, day)
        rows.sort(key=lambda r: (r.start, r.queue))
        return rebuilt(problem, forecast=tuple(rows), coverage=self._coverage(problem, sources))

    def _coverage(self, problem: Problem, sources: list[int]) -> tuple[CoverageRow, ...]:
        days = horizon_days(problem, self.when)
        rows = [r for r in problem.coverage
                if not (r.day in days and _picked(r, self.when, self.queues))]
        for day in days:
            source = min(sources, key=lambda s: (abs(s - day), -s if s < day else s))
            rows += [_headcount_copy(r, day, self.percent) for r in problem.coverage
                     if r.day == source and _picked(r, self.when, self.queues)]
        return tuple(sorted(rows, key=lambda r: (r.day, r.start_minute, r.queue)))

    def _target(self, problem: Problem, row: ForecastRow) -> bool:
        local = _local(problem, row)
        days = {problem.clock.date_of(d) for d in horizon_days(problem, self.when)}
        return (local.date() in days and self.when.matches(local)
                and (not self.queues or row.queue in self.queues))

    def _copied(self, problem: Problem, source: int, day: int) -> Iterable[ForecastRow]:
        clock, shift = problem.clock, timedelta(days=day - source)
        for row in problem.forecast:
            local = _local(problem, row)
            if local.date() != clock.date_of(source) or (self.queues and
                                                         row.queue not in self.queues):
                continue
            minute = local.hour * 60 + local.minute
            if self.when.start <= minute < self.when.end:
                moved = (local.replace(tzinfo=None) + shift).replace(tzinfo=clock.zone)
                yield row.model_copy(update={"start": moved,
                                             "volume": row.volume * self.percent / 100})

    def __str__(self) -> str:
        words = ["open", *self.queues, *self.when.words(), "like", WEEKDAYS[self.like]]
        if self.percent != 100:
            words.append(percent_text(self.percent, signed=False))
        return " ".join(words)
