"""The roster a coordinator works on in the app, kept in the team folder's files.

Which roster the roster page shows, first found: ``roster/draft.csv`` (the coordinator's
edits), ``roster/roster.csv`` (the last solve), ``published_roster.csv`` (the last saved).
Every edit writes the draft whole; saving writes ``published_roster.csv`` whole. An undo stack
of drafts per team lives in the server's memory.
"""

from __future__ import annotations

import threading
from collections import OrderedDict, defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from scheduler.domain import Problem, Roster, Shift
from scheduler.evaluation import Evaluation, Violation
from scheduler.export.files import write_text_atomic
from scheduler.web.jobs import ROSTER_DIR

__all__ = ["Edits", "RosterFiles", "changed_findings", "evaluate", "roster_csv"]

DRAFT = "draft.csv"
PUBLISHED = "published_roster.csv"
UNDO_DEPTH = 50


@dataclass(frozen=True)
class RosterFiles:
    """The roster files of one team folder."""

    folder: Path

    @property
    def draft(self) -> Path:
        """The coordinator's edited roster."""
        return self.folder / ROSTER_DIR / DRAFT

    @property
    def solved(self) -> Path:
        """The last solve's roster."""
        return self.folder / ROSTER_DIR / "roster.csv"

    @property
    def published(self) -> Path:
        """The saved (published) roster, read by the next solve."""
        return self.folder / PUBLISHED

    def current(self) -> Path | None:
        """The roster the page shows (see the module note), or None."""
        for path in (self.draft, self.solved, self.published):
            if path.is_file():
                return path
        return None

    def read(self, problem: Problem) -> Roster:
        """The current roster (empty when there is none yet), read once per file version."""
        from scheduler.load import read_roster

        path = self.current()
        if path is None:
            return Roster()
        stat = path.stat()
        key = ("read", str(path), stat.st_mtime_ns, stat.st_size, id(problem))
        found = _remembered(key, lambda: (problem, read_roster(path, problem)))
        roster: Roster = found[1]
        return roster


_memory: OrderedDict[tuple[object, ...], Any] = OrderedDict()
_memory_lock = threading.Lock()
KEEP = 32


def _remembered(key: tuple[object, ...], compute: Callable[[], Any]) -> Any:
    """``compute()`` once per key (the newest KEEP kept; values hold what their key's ids
    point at, so an id is never reused while its entry lives)."""
    with _memory_lock:
        if key in _memory:
            _memory.move_to_end(key)
            return _memory[key]
    value = compute()
    with _memory_lock:
        _memory[key] = value
        while len(_memory) > KEEP:
            _memory.popitem(last=False)
    return value


def evaluate(problem: Problem, needs: pd.DataFrame, roster: Roster) -> Evaluation:
    """``check()`` of a roster, computed once per problem and roster."""
    from scheduler.check import check

    key = ("check", id(problem), id(needs), roster.shifts)
    found = _remembered(key, lambda: (problem, needs, check(problem, roster, needs)))
    evaluation: Evaluation = found[2]
    return evaluation


def roster_csv(problem: Problem, roster: Roster) -> str:
    """``agent,date,shift`` rows, as ``published_roster.csv`` and ``check`` read them."""
    clock = problem.clock
    lines = ["agent,date,shift"]
    for shift in sorted(roster.shifts, key=lambda s: (s.day, s.agent)):
        lines.append(f"{shift.agent},{clock.date_of(shift.day).isoformat()},{shift.template}")
    return "\n".join(lines) + "\n"


def with_cell(roster: Roster, agent: str, day: int, template: str | None) -> Roster:
    """The roster with the agent's shift on ``day`` set to ``template`` (None: day off)."""
    kept = [s for s in roster.shifts if not (s.agent == agent and s.day == day)]
    if template:
        kept.append(Shift(agent=agent, day=day, template=template))
    return Roster(shifts=tuple(sorted(kept, key=lambda s: (s.day, s.agent))))


class Edits:
    """Per team, the drafts before each edit (for undo)."""

    def __init__(self) -> None:
        self._undo: dict[str, list[str]] = defaultdict(list)
        self._lock = threading.Lock()

    def edit(self, files: RosterFiles, problem: Problem, roster: Roster) -> None:
        """Write ``roster`` as the draft, remembering the roster before."""
        before = files.current()
        text = before.read_text(encoding="utf-8") if before is not None else "agent,date,shift\n"
        with self._lock:
            stack = self._undo[str(files.folder)]
            stack.append(text)
            del stack[:-UNDO_DEPTH]
        files.draft.parent.mkdir(exist_ok=True)
        write_text_atomic(files.draft, roster_csv(problem, roster))

    def can_undo(self, files: RosterFiles) -> bool:
        """True when there is an edit to take back."""
        return bool(self._undo.get(str(files.folder)))

    def undo(self, files: RosterFiles) -> bool:
        """Restore the draft before the last edit; False when there is none."""
        with self._lock:
            stack = self._undo.get(str(files.folder))
            if not stack:
                return False
            text = stack.pop()
        write_text_atomic(files.draft, text)
        return True

    def publish(self, files: RosterFiles, problem: Problem, roster: Roster) -> Path:
        """Write the roster as ``published_roster.csv`` (whole or not at all)."""
        return write_text_atomic(files.published, roster_csv(problem, roster))


def changed_findings(before: Evaluation, after: Evaluation) -> list[Violation]:
    """Findings of ``after`` that ``before`` did not have (what an edit caused)."""
    seen = {(v.rule, v.message) for v in before.violations}
    return [v for v in after.violations if (v.rule, v.message) not in seen]


def needs_or_empty(needs: pd.DataFrame | None) -> pd.DataFrame:
    """The requirements frame, or an empty one for a folder with problems."""
    from scheduler.staffing import no_requirements

    return needs if needs is not None else no_requirements()
