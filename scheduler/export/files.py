"""Write files whole or not at all: temporary file in the same folder, fsync, rename.

A reader (a person opening the roster, a script polling the folder) sees either the old file
or the new one, never a half-written one. :func:`write_files` does the same for a set of files
in one folder (roster.csv, roster.xlsx and solve-report.json together): the folder's new content
is built beside it and swapped in with one atomic rename, so a process killed at any instant
leaves the complete old set or the complete new set, and the next write clears what it left.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

from scheduler.export.durable import NEW_FILE_MODE, Writer, fsync_dir, fsync_file, remove
from scheduler.export.folder_swap import write_files

__all__ = [
    "Writer",
    "write_atomic",
    "write_bytes_atomic",
    "write_files",
    "write_group",
    "write_text_atomic",
]

def _prepare(path: Path, writer: Writer) -> Path:
    """Write ``path``'s new content to a flushed temporary file next to it; return that file.

    On any error the temporary file is removed and the error is raised again.
    """
    folder = path.parent
    fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    os.close(fd)
    temp = Path(name)
    try:
        writer(temp)
        mode = path.stat().st_mode & 0o7777 if path.exists() else NEW_FILE_MODE
        os.chmod(temp, mode)
        fsync_file(temp)
    except BaseException:
        remove(temp)
        raise
    return temp


def write_atomic(path: str | os.PathLike[str], writer: Writer) -> Path:
    """Write a file whole or not at all.

    Parameters
    ----------
    path
        The file to create or replace. Its folder must exist.
    writer
        Called with the path of a temporary file in the same folder; writes the whole content
        there (``frame.to_csv``, ``workbook.save`` and the like take a path).

    Returns
    -------
    Path
        ``path``, now holding the new content.

    Any error from ``writer`` (or from flushing) leaves ``path`` untouched and no temporary file.
    """
    target = Path(path)
    temp = _prepare(target, writer)
    try:
        os.replace(temp, target)
    except BaseException:
        remove(temp)
        raise
    fsync_dir(target.parent)
    return target


def write_bytes_atomic(path: str | os.PathLike[str], data: bytes) -> Path:
    """Write bytes to a file whole or not at all."""
    return write_atomic(path, lambda temp: temp.write_bytes(data))


def write_text_atomic(path: str | os.PathLike[str], text: str, encoding: str = "utf-8") -> Path:
    """Write text to a file whole or not at all (newlines written as given)."""
    return write_bytes_atomic(path, text.encode(encoding))


def write_group(outputs: Iterable[tuple[str | os.PathLike[str], Writer]]) -> list[Path]:
    """Write several files of one folder (and its sub-folders) as one: all of them or none.

    The folder is the deepest one holding every file, and must itself hold one of them (see
    :func:`write_files`).

    Raises
    ------
    ValueError
        When the same file is given twice, or the files share no such folder.
    """
    items = [(Path(path), writer) for path, writer in outputs]
    targets = [path for path, _ in items]
    if len(set(targets)) != len(targets):
        raise ValueError("write_group got the same file twice")
    if not items:
        return []
    parents = {path.parent for path in targets}
    folder = Path(os.path.commonpath([str(p) for p in parents]))
    if folder not in parents:
        raise ValueError("write_group writes the files of one folder and its sub-folders")
    written = write_files(folder, {str(path.relative_to(folder)): writer
                                   for path, writer in items})
    return [written[str(path.relative_to(folder))] for path in targets]
