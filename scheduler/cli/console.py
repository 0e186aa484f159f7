"""What every command shares: the consoles, the argument types, and one path for bad input.

No markup, emoji codes or highlighting in what we print: team, agent, file and queue names are
the coordinator's text and must appear as written ("Support [/b] team" is a name, not a tag).
Panel titles and status lines parse markup even so: they always get a Text.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.table import Table
from rich.text import Text

from scheduler.errors import Problems, TeamFolderError

if TYPE_CHECKING:
    import pandas as pd

    from scheduler.domain import Problem, Roster

MAX_ROWS = 40  # longest list of findings printed; the rest are counted

out = Console(highlight=False, markup=False, emoji=False)
err = Console(stderr=True, highlight=False, markup=False, emoji=False)

TeamDir = Annotated[
    Path,
    typer.Argument(exists=True, file_okay=False, dir_okay=True, readable=True,
                   show_default=False, metavar="TEAM_DIR",
                   help="Team folder: team.yaml and the CSV files."),
]

RosterCsv = Annotated[
    Path,
    typer.Argument(exists=True, dir_okay=False, readable=True, show_default=False,
                   metavar="ROSTER_CSV",
                   help="A roster CSV (as written by 'roster', possibly edited)."),
]


def cell(value: object) -> Text:
    """A table cell shown as plain text (no Rich markup in file names or values)."""
    return Text("" if value is None else str(value))


def plural(count: int, word: str) -> str:
    """``count`` and ``word``, with an s unless the count is one."""
    return f"{count} {word}{'' if count == 1 else 's'}"


def fail(message: str, code: int = 2) -> NoReturn:
    """Print ``message`` in red on stderr and leave with ``code``."""
    err.print(Text(message, style="red"), soft_wrap=True)
    raise typer.Exit(code)


def wrote(*paths: object) -> None:
    """Tell the coordinator which files were written."""
    for path in paths:
        out.print(Text(f"Wrote {path}"))


def problems_table(exc: TeamFolderError, where: Path) -> Table | None:
    """A team folder's problems as a table (None when the error lists none)."""
    problems = list(getattr(exc, "problems", []))
    if not problems:
        return None
    folder = getattr(exc, "folder", "") or str(where)
    total = getattr(exc, "total", len(problems))
    table = Table(title=Text(f"{plural(total, 'problem')} in {folder}", style="bold red"),
                  show_lines=True, title_justify="left")
    for title in ("File", "Row", "Column"):
        table.add_column(title, no_wrap=True)
    table.add_column("Value", overflow="fold", max_width=24)
    for title in ("What is wrong", "How to fix"):
        table.add_column(title, overflow="fold", ratio=1)
    for p in problems:
        table.add_row(*(cell(getattr(p, name, None)) for name in
                        ("file", "row", "column", "value", "message", "fix")))
    return table


@contextmanager
def input_errors(where: Path, writing: bool = False) -> Iterator[None]:
    """The one path for bad input and unwritable output: a table of problems or one line,
    exit code 2, no traceback."""
    try:
        yield
    except TeamFolderError as exc:
        _print_problems(exc, where)
    except ValidationError as exc:  # a value the readers let through: still a table, no pydantic
        problems = Problems()
        problems.add_validation(exc, str(where),
                                column=lambda loc: ".".join(map(str, loc)) or None,
                                value=lambda loc, given: given)
        _print_problems(TeamFolderError(problems.items, str(where)), where)
    except OSError as exc:
        fail(f"Cannot {'write' if writing else 'read'} {where}: {exc}")


def _print_problems(exc: TeamFolderError, where: Path) -> NoReturn:
    table = problems_table(exc, where)
    if table is None:
        fail(f"Cannot read {getattr(exc, 'folder', '') or where}: {exc}")
    err.print(table)
    err.print("Fix these and run the command again.")
    raise typer.Exit(2)


def load(team_dir: Path) -> Problem:
    """The team folder as a Problem, or its problems printed and exit 2. What the folder says
    but the plan leaves out is printed as a note (on stderr)."""
    from scheduler.load import load_team
    from scheduler.load.horizon_edges import notices

    with input_errors(team_dir):
        problem: Problem = load_team(team_dir)
    for note in notices(problem):
        err.print(Text(f"Note: {note}.", style="yellow"))
    return problem


def requirements(problem: Problem, team_dir: Path) -> pd.DataFrame:
    """The staffing stage: agents needed per interval and queue."""
    from scheduler.staffing import requirements as needs_of

    with input_errors(team_dir):
        needs: pd.DataFrame = needs_of(problem)
    return needs


def load_roster(team_dir: Path, roster_csv: Path) -> tuple[Problem, Roster, pd.DataFrame]:
    """The team, a roster CSV for it, and its requirements."""
    from scheduler.load import read_roster

    problem = load(team_dir)
    with input_errors(roster_csv):
        roster: Roster = read_roster(roster_csv, problem)
    return problem, roster, requirements(problem, team_dir)
