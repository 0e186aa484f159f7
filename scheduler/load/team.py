"""Team folder → :class:`~scheduler.domain.Problem`, with every input problem reported at once.

A team folder holds ``team.yaml`` and ``agents.csv`` (required) and optionally
``time_off.csv``, ``forecast.csv``, ``requests.csv``, ``cover.csv``, ``last_roster.csv``,
``published_roster.csv``, and for availability-driven teams ``availability.csv``,
``coverage.csv`` and ``balance.csv``; docs/team-folder.md describes every field.
:func:`load_team` reads all of them, collects every problem (file, row, column, value, what
is wrong, how to fix it) and raises one :class:`~scheduler.errors.TeamFolderError`; nothing
is half-loaded.

The work is shared by :mod:`scheduler.load.team_yaml` (team.yaml), :mod:`scheduler.load.files` (the
CSV files) and :mod:`scheduler.load.cells` (CSV reading and cell parsers).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import ValidationError

from scheduler.domain import Problem, Roster, Shift, cross_check
from scheduler.errors import InputProblem, Problems, TeamFolderError
from scheduler.load.availability import (
    AVAILABILITY,
    BALANCE,
    COVERAGE,
    read_availability,
    read_balance,
    read_coverage,
    read_onboarding,
)
from scheduler.load.candidates import with_candidates
from scheduler.load.cells import read_table
from scheduler.load.files import (
    AGENTS,
    COVER,
    FORECAST,
    LAST,
    PUBLISHED,
    REQUESTS,
    TIME_OFF,
    Refs,
    read_agents,
    read_cover,
    read_forecast,
    read_requests,
    read_rosters,
    read_time_off,
    roster_rows,
)
from scheduler.load.team_yaml import TEAM, key_path, read_team

__all__ = ["InputProblem", "TeamFolderError", "load_team", "read_roster"]


def load_team(folder: Path | str) -> Problem:
    """Read a team folder into a validated :class:`~scheduler.domain.Problem`.

    Parameters
    ----------
    folder
        The team folder (``team.yaml``, ``agents.csv`` and the optional CSV files).

    Returns
    -------
    Problem
        The team's planning problem; agents' ``prefers``/``avoids`` are expanded into
        off-requests (``Problem.requests``) ahead of the rows of requests.csv.

    Raises
    ------
    TeamFolderError
        With every problem found (``.problems``); never any other exception.
    """
    try:
        return _load(Path(folder))
    except TeamFolderError:
        raise
    except Exception as exc:  # a coordinator never meets a traceback
        problem = InputProblem(".", None, None, None, "internal error while reading the team "
                               f"folder ({type(exc).__name__}: {exc})",
                               "please report this together with the team folder")
        raise TeamFolderError([problem], str(folder)) from exc


def read_roster(path: Path | str, problem: Problem) -> Roster:
    """Read a roster CSV for ``problem`` (for ``scheduler check``).

    Parameters
    ----------
    path
        CSV with at least the columns ``agent``, ``date`` (YYYY-MM-DD) and ``shift`` (a
        template id; empty, ``off`` or ``-`` for a day off). Other columns are ignored.
    problem
        The problem the roster is for: agents, templates and horizon are checked against it.

    Returns
    -------
    Roster
        The shifts, sorted by day, then agent.

    Raises
    ------
    TeamFolderError
        For a missing or unreadable file and for every bad row (row and column named).
    """
    path = Path(path)
    problems = Problems()
    found: list[tuple[Shift, bool]] = []
    try:
        table = read_table(path.parent, path.name, problems, required=("agent", "date", "shift"),
                           optional=None, must_exist=True)
        refs = Refs(problem.clock, problem.templates, frozenset(problem.template_index),
                    agent_ids=frozenset(problem.agent_index))
        if table is not None:
            found = roster_rows(table, refs, problems, keep=lambda day, days: 0 <= day < days,
                                strict=True)
    except Exception as exc:  # never a traceback for a bad file
        problems.add(path.name, f"internal error while reading the roster ({exc})",
                     "please report this together with the file")
    problems.raise_if_any(str(path.parent))
    shifts = sorted((shift for shift, _ in found), key=lambda s: (s.day, s.agent))
    return Roster(shifts=tuple(shifts))


def _load(folder: Path) -> Problem:
    problems = Problems()
    if not folder.is_dir():
        problems.add(".", f"the team folder {folder} does not exist",
                     "give the path of a folder that holds team.yaml and agents.csv")
        problems.raise_if_any(str(folder))
    team = read_team(folder, problems)
    refs = Refs(team.clock, tuple(team.templates), team.template_ids, team.queue_ids,
                rules=team.rules, day_starts_at=team.policy.day_starts_at)
    agents, preferences = read_agents(folder, refs, problems)
    history, reference, locked = read_rosters(folder, refs, problems)
    fields = {
        **team.header, "queues": tuple(team.queues), "templates": tuple(team.templates),
        "agents": tuple(agents), "rules": team.rules,
        "time_off": tuple(read_time_off(folder, refs, problems)),
        "forecast": tuple(read_forecast(folder, refs, problems)),
        "requests": tuple(preferences + read_requests(folder, refs, problems)),
        "shift_cover": tuple(read_cover(folder, refs, problems)),
        "history": tuple(history), "reference": tuple(reference), "locked": tuple(locked),
        "policy": team.policy, "flexible": tuple(team.flexible),
        "availability": tuple(read_availability(folder, refs, problems)),
        "coverage": tuple(read_coverage(folder, refs, problems)),
        "balance": tuple(read_balance(folder, refs, problems)),
        "onboarding": tuple(read_onboarding(refs, problems)),
    }
    problems.raise_if_any(str(folder))
    return with_candidates(assemble_problem(fields, problems, str(folder)))


_CROSS_FILES = (("agent id", AGENTS), ("agent ", AGENTS), ("time off", TIME_OFF),
                ("a shift request", REQUESTS), ("last roster", LAST),
                ("reference roster", PUBLISHED), ("locked shift", PUBLISHED),
                ("a cover row", COVER), ("forecast", FORECAST), ("coverage", COVERAGE),
                ("availability", AVAILABILITY), ("balance", BALANCE), ("onboarding", AGENTS),
                ("a mentor", AGENTS))


def assemble_problem(fields: dict[str, Any], problems: Problems, folder: str) -> Problem:
    """Run the domain's cross checks (a safety net behind the readers' own), then validate."""
    for message in cross_check(Problem.model_construct(**fields)):
        file = next((f for prefix, f in _CROSS_FILES if message.startswith(prefix)), TEAM)
        problems.add(file, message, "correct the reference")
    problems.raise_if_any(folder)
    try:
        return Problem.model_validate(fields)
    except ValidationError as exc:
        problems.add_validation(exc, TEAM, column=lambda loc: key_path("", loc) or None,
                                value=lambda _, value: None, model=Problem)
        raise TeamFolderError(problems.items, folder, len(problems)) from None
