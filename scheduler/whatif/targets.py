"""Service targets: one syntax for ``--target``, and what "meets the target" means.

A target is written the same way everywhere (``--target``, a scenario file, ``--change``):
``QUEUE:90/20`` or ``QUEUE 90/20`` (90 % answered within 20 s; ``QUEUE:120min`` for an
e-mail queue's first response), with or without the leading word ``target``. An unknown queue
or a malformed value is refused with the problem table, never read as a queue with no contacts.

The criterion says over what a roster's service level is read against the target:

``interval``
    every planning interval with contacts meets it (the strictest reading);
``day``
    each local day's service level, weighted by contacts, meets it (the default: service
    targets are mostly reported per day);
``week``
    each calendar week's (Monday first), weighted by contacts.

E-mail queues have no service level: a unit misses when some of its contacts are answered
later than the first-response target, whatever the criterion.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from scheduler.domain import Problem
from scheduler.whatif.changes import ChangeError
from scheduler.whatif.scenarios import inline_scenario
from scheduler.whatif.team_changes import Target

CRITERIA = ("interval", "day", "week")
DEFAULT_CRITERION = "day"
SERVICE_COLUMNS = ["queue", "interval", "day", "week", "volume", "service_level", "target",
                   "late"]


def target_text(text: str) -> str:
    """The change text of a ``--target`` value (``target`` put in front when missing)."""
    words = text.split()
    return text if words and words[0].lower() == "target" else f"target {text}"


def read_targets(texts: Sequence[str], problem: Problem,
                 source: str = "--target") -> tuple[Problem, tuple[str, ...]]:
    """The problem with each target set, and the queues they name (in order, once each).

    Raises
    ------
    TeamFolderError
        Listing every target that names no queue of the team or has a malformed value.
    """
    scenario = inline_scenario([target_text(t) for t in texts], problem, source)
    queues = tuple(dict.fromkeys(c.queue for c in scenario.changes if isinstance(c, Target)))
    return scenario.apply(problem), queues


def check_criterion(criterion: str) -> str:
    """The criterion, checked (a ChangeError naming the choices otherwise)."""
    if criterion not in CRITERIA:
        raise ChangeError(f"{criterion!r} is not a criterion", f"use one of: {', '.join(CRITERIA)}")
    return criterion


def check_queues(queues: Sequence[str], problem: Problem) -> None:
    """Refuse a queue the team does not have (a ChangeError listing the queues)."""
    unknown = [q for q in queues if q not in problem.queue_index]
    if unknown:
        raise ChangeError(f"{unknown[0]!r} is not a queue",
                          f"use one of: {', '.join(problem.queue_index)}")


def service_frame(problem: Problem, service: pd.DataFrame, backlog: pd.DataFrame
                  ) -> pd.DataFrame:
    """Live service and late e-mail per queue and interval, with the interval's local day and
    week (see :data:`SERVICE_COLUMNS`; ``service_level`` and ``target`` NaN for e-mail)."""
    live = service[["queue", "interval", "volume", "service_level", "target"]].assign(
        late=False)
    mail = backlog[["queue", "interval", "volume", "late"]].assign(
        service_level=np.nan, target=np.nan)
    frame = pd.concat([f for f in (live, mail) if not f.empty] or [live], ignore_index=True)
    clock = problem.clock
    days = [clock.day_of_minute(int(i) * problem.interval_minutes) for i in frame["interval"]]
    first_monday = -clock.weekday(0)
    frame["day"] = days
    frame["week"] = [(d - first_monday) // 7 for d in days]
    frame["late"] = frame["late"].astype(bool)
    frame["queue"] = frame["queue"].astype(str)
    return frame[SERVICE_COLUMNS]


def missed_units(frame: pd.DataFrame, criterion: str,
                 queues: Sequence[str] | None = None) -> tuple[tuple[str, int], ...]:
    """``(queue, unit)`` pairs missing the target: the unit is an interval, a horizon day or a
    week index (0 = the week of the horizon's first day), after ``criterion``.

    Only units with contacts count; ``queues`` limits the queues looked at.
    """
    key = check_criterion(criterion)
    busy = frame[frame["volume"] > 0]
    if queues is not None:
        busy = busy[busy["queue"].isin(list(queues))]
    live = busy[busy["service_level"].notna()]
    sums = live.assign(served=live["volume"] * live["service_level"]).groupby(
        ["queue", key]).agg(served=("served", "sum"), volume=("volume", "sum"),
                            target=("target", "first"))
    low = sums[sums["served"] / sums["volume"] < sums["target"] - 1e-9]
    late = busy[busy["late"]]
    pairs = {(str(q), int(u)) for q, u in low.index}
    pairs |= {(str(q), int(u)) for q, u in zip(late["queue"], late[key], strict=True)}
    return tuple(sorted(pairs, key=lambda p: (p[1], p[0])))


def unit_text(problem: Problem, criterion: str, unit: int) -> str:
    """An interval, day or week index in words: ``Mon 10:00``, ``Tue 01 Dec``, ``week of
    30 Nov``."""
    if criterion == "interval":
        return f"{problem.clock.local(unit * problem.interval_minutes):%a %H:%M}"
    if criterion == "day":
        return f"{problem.clock.date_of(unit):%a %d %b}"
    monday = problem.clock.date_of(unit * 7 - problem.clock.weekday(0))
    return f"week of {monday:%d %b}"
