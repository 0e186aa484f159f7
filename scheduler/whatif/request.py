"""What a coordinator asks of what-if, read into scenarios and a headcount search.

The command line and the web app both hand their options here: scenario files, inline
changes, a number of leavers, the kind of hire and the targets of a headcount search.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from scheduler.domain import Problem
from scheduler.errors import Problems
from scheduler.whatif.compare import unique_names
from scheduler.whatif.headcount import leavers as leaving
from scheduler.whatif.scenarios import Scenario, inline_scenario, read_scenarios
from scheduler.whatif.targets import CRITERIA, DEFAULT_CRITERION, read_targets
from scheduler.whatif.team_changes import Hire


def target_queues(problem: Problem, targets: Sequence[str]) -> list[str]:
    """The queues named by ``--target`` texts (``phone:80/20`` or ``phone 80/20``).

    Raises
    ------
    TeamFolderError
        When a target names no queue of the team or has a malformed value.
    """
    return list(read_targets(targets, problem)[1]) if targets else []


def asked_scenarios(problem: Problem, files: Sequence[Path], changes: Sequence[str],
                    leavers: int = 0, serving: Sequence[str] = ()) -> list[Scenario]:
    """The scenarios of the files, one of the inline ``changes``, and ``leavers`` more (1, 2, …
    agents serving ``serving`` leave); names made unique.

    Raises
    ------
    TeamFolderError
        For a file or change that cannot be read or applied, named after its source.
    """
    groups = [read_scenarios(path, problem) for path in files]
    if changes:
        groups.append([inline_scenario(changes, problem)])
    groups.append(leaving(problem, leavers, serving)[1:] if leavers else [])
    return unique_names(groups)


@dataclass(frozen=True)
class HeadcountAsk:
    """A headcount search as asked: the team with its targets set, the hire, the queues and
    what meeting a target means (``criterion``: interval, day or week)."""

    targeted: Problem
    hire: Hire
    queues: list[str]
    criterion: str = DEFAULT_CRITERION


def headcount_ask(problem: Problem, hire: str, targets: Sequence[str],
                  criterion: str = DEFAULT_CRITERION) -> HeadcountAsk:
    """Read ``--hire``, ``--target`` texts (``queue:80/20`` or ``queue 80/20``) and
    ``--criterion`` into a search.

    Raises
    ------
    TeamFolderError
        When a target, the hire or the criterion cannot be read (named ``--target``,
        ``--hire`` or ``--criterion``).
    """
    if criterion not in CRITERIA:
        problems = Problems()
        problems.add("--criterion", f"{criterion!r} is not a criterion",
                     f"use one of: {', '.join(CRITERIA)}", value=criterion)
        problems.raise_if_any("--criterion")
    targeted, queues = read_targets(targets, problem) if targets else (problem, ())
    found = inline_scenario([f"add hire {hire}"], targeted, "--hire").changes[0]
    assert isinstance(found, Hire)
    return HeadcountAsk(targeted, found, list(queues) or [q.id for q in problem.queues],
                        criterion)
