"""What a coordinator asks of what-if, read into scenarios and a headcount search.

The command line and the web app both hand their options here: scenario files, inline
changes, a number of leavers, the kind of hire and the targets of a headcount search.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from scheduler.domain import Problem
from scheduler.whatif.compare import unique_names
from scheduler.whatif.headcount import leavers as leaving
from scheduler.whatif.scenarios import Scenario, inline_scenario, read_scenarios
from scheduler.whatif.team_changes import Hire


def target_queues(targets: Sequence[str]) -> list[str]:
    """The queues named by ``--target`` texts such as ``phone:80/20``."""
    return [t.partition(":")[0] for t in targets]


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
    """A headcount search as asked: the team with its targets set, the hire, the queues."""

    targeted: Problem
    hire: Hire
    queues: list[str]


def headcount_ask(problem: Problem, hire: str, targets: Sequence[str]) -> HeadcountAsk:
    """Read ``--hire`` and ``--target`` texts (``queue:80/20``) into a search.

    Raises
    ------
    TeamFolderError
        When a target or the hire cannot be read (named ``--target`` or ``--hire``).
    """
    texts = []
    for item in targets:
        queue, _, value = item.partition(":")
        texts.append(f"target {queue} {value}")
    targeted = inline_scenario(texts, problem, "--target").apply(problem) if texts else problem
    found = inline_scenario([f"add hire {hire}"], targeted, "--hire").changes[0]
    assert isinstance(found, Hire)
    return HeadcountAsk(targeted, found, target_queues(targets) or [q.id for q in problem.queues])
