"""The workspace: a folder of team folders, and the only files the web app may touch.

Every path the app reads or writes comes through :class:`Workspace`: a team is named by its
folder's name (no ``/``, no ``..``, no leading dot), and the resolved path, symlinks followed,
must stay inside the workspace. CSV tables are read as text and written back whole
(temporary file, then rename) after the team folder loaded with the new table shows no problem
in that file.
"""

from __future__ import annotations

import csv
import io
import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from scheduler.errors import InputProblem, TeamFolderError
from scheduler.export.files import write_text_atomic

__all__ = ["OutsideWorkspace", "Table", "Workspace", "read_csv_table", "table_text"]

NAME = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.\- ]{0,99}$")
STATE_DIR = ".scheduler-web"  # the app's own files (secret, agent links); never a team


class OutsideWorkspace(ValueError):
    """A name or path that would leave the workspace (``..``, absolute, a symlink out)."""


@dataclass(frozen=True)
class Table:
    """A CSV file as text: its header and rows (every row as long as the header)."""

    header: list[str]
    rows: list[list[str]]


def read_csv_table(path: Path) -> Table:
    """Read a CSV file as text cells (a missing file is an empty table without header)."""
    if not path.exists():
        return Table([], [])
    with path.open(newline="", encoding="utf-8-sig") as handle:
        lines = [row for row in csv.reader(handle)]
    if not lines:
        return Table([], [])
    header = [h.strip() for h in lines[0]]
    width = len(header)
    rows = [(row + [""] * width)[:width] for row in lines[1:] if any(c.strip() for c in row)]
    return Table(header, rows)


def table_text(table: Table) -> str:
    """The table as CSV text (header first, ``\\n`` line ends)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(table.header)
    writer.writerows(table.rows)
    return buffer.getvalue()


class Workspace:
    """A folder of team folders (each with its ``team.yaml``)."""

    def __init__(self, root: Path | str) -> None:
        self.root = Path(root).resolve(strict=True)
        if not self.root.is_dir():
            raise NotADirectoryError(f"{root} is not a folder")

    @property
    def state_dir(self) -> Path:
        """The app's own folder inside the workspace (created on first use)."""
        folder = self.root / STATE_DIR
        folder.mkdir(mode=0o700, exist_ok=True)
        return folder

    def teams(self) -> list[str]:
        """Names of the team folders, sorted (a workspace that is itself a team: its name)."""
        found = []
        for child in sorted(self.root.iterdir()):
            if NAME.match(child.name) and (child / "team.yaml").is_file():
                try:
                    self.team(child.name)
                except OutsideWorkspace:
                    continue
                found.append(child.name)
        return found

    def inside(self, path: Path) -> Path:
        """``path`` resolved (symlinks followed); refused unless it stays in the workspace."""
        resolved = path.resolve()
        if resolved != self.root and not resolved.is_relative_to(self.root):
            raise OutsideWorkspace(f"{path.name} is outside the workspace")
        return resolved

    def team(self, name: str) -> Path:
        """The folder of team ``name``; refused for any name that is not a plain folder name."""
        if not NAME.match(name) or ".." in name:
            raise OutsideWorkspace(f"{name!r} is not a team folder name")
        folder = self.inside(self.root / name)
        if not (folder / "team.yaml").is_file():
            raise FileNotFoundError(f"no team folder {name!r} in the workspace")
        return folder

    def file(self, team: str, name: str) -> Path:
        """A file of a team folder, by plain name (``agents.csv``); never a path."""
        if not NAME.match(name) or ".." in name:
            raise OutsideWorkspace(f"{name!r} is not a file name")
        return self.inside(self.team(team) / name)


def problems_in(folder: Path) -> list[InputProblem]:
    """Every problem of a team folder (empty when it loads)."""
    from scheduler.load import load_team

    try:
        load_team(folder)
    except TeamFolderError as exc:
        return list(exc.problems)
    return []


def write_table(workspace: Workspace, team: str, name: str, table: Table) -> list[InputProblem]:
    """Write ``table`` as the team's file ``name`` unless that makes the file wrong.

    The team folder is copied to a temporary folder with the new file and loaded there; the
    problems found in ``name`` are returned and nothing is written while there are any.
    Problems in other files do not block the write (they are the coordinator's next fix).
    """
    target = workspace.file(team, name)
    text = table_text(table)
    with tempfile.TemporaryDirectory(prefix="scheduler-web-") as scratch:
        copy = Path(scratch) / "team"
        copy.mkdir()
        for item in target.parent.iterdir():
            if item.is_file() and not item.is_symlink():
                shutil.copy2(item, copy / item.name)
        (copy / name).write_text(text, encoding="utf-8")
        found = [p for p in problems_in(copy) if p.file == name]
    if not found:
        write_text_atomic(target, text)
    return found
