"""A team's problem and requirements, loaded once per version of its files.

The files stay the truth: the cache key is every file's name, size and modification time, so an
edit from the CLI, a spreadsheet or the app itself is seen on the next request.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from scheduler.domain import Problem
from scheduler.errors import InputProblem, TeamFolderError

__all__ = ["Loaded", "load"]

KEEP = 16


@dataclass(frozen=True)
class Loaded:
    """A team folder as loaded: the problem and its requirements, or every problem found."""

    folder: Path
    problem: Problem | None
    needs: pd.DataFrame | None
    problems: tuple[InputProblem, ...] = ()


_cache: OrderedDict[tuple[object, ...], Loaded] = OrderedDict()
_lock = threading.Lock()


def _signature(folder: Path) -> tuple[object, ...]:
    stats = []
    for item in sorted(folder.iterdir()):
        if item.is_file():
            stat = item.stat()
            stats.append((item.name, stat.st_size, stat.st_mtime_ns))
    return (str(folder), *stats)


def load(folder: Path) -> Loaded:
    """The team folder loaded (from the cache while no file changed)."""
    from scheduler.load import load_team
    from scheduler.staffing import requirements

    key = _signature(folder)
    with _lock:
        if key in _cache:
            _cache.move_to_end(key)
            return _cache[key]
    try:
        problem = load_team(folder)
        loaded = Loaded(folder, problem, requirements(problem))
    except TeamFolderError as exc:
        loaded = Loaded(folder, None, None, tuple(exc.problems))
    with _lock:
        _cache[key] = loaded
        while len(_cache) > KEEP:
            _cache.popitem(last=False)
    return loaded
