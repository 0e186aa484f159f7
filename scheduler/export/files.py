"""Write files whole or not at all: temporary file in the same folder, fsync, rename.

A reader (a person opening the roster, a script polling the folder) sees either the old file
or the new one, never a half-written one. :func:`write_group` extends this to several files:
every new file is written and flushed before the first rename, so a failure while producing any
of them leaves all the old files in place and none of the new ones.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

__all__ = [
    "Writer",
    "write_atomic",
    "write_bytes_atomic",
    "write_group",
    "write_text_atomic",
]

Writer = Callable[[Path], object]
"""Writes a file's whole content to the path it is given (a temporary file); result ignored."""


def _read_umask() -> int:
    """The process umask, read once at import (setting and restoring it is not thread-safe)."""
    umask = os.umask(0o022)
    os.umask(umask)
    return umask


_NEW_FILE_MODE = 0o666 & ~_read_umask()


def _fsync_file(path: Path) -> None:
    with open(path, "rb+") as handle:
        os.fsync(handle.fileno())


def _fsync_dir(folder: Path) -> None:
    """Make a rename durable (POSIX); silently skipped where folders cannot be opened."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _remove(path: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        path.unlink()


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
        mode = path.stat().st_mode & 0o7777 if path.exists() else _NEW_FILE_MODE
        os.chmod(temp, mode)
        _fsync_file(temp)
    except BaseException:
        _remove(temp)
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
        _remove(temp)
        raise
    _fsync_dir(target.parent)
    return target


def write_bytes_atomic(path: str | os.PathLike[str], data: bytes) -> Path:
    """Write bytes to a file whole or not at all."""
    return write_atomic(path, lambda temp: temp.write_bytes(data))


def write_text_atomic(path: str | os.PathLike[str], text: str, encoding: str = "utf-8") -> Path:
    """Write text to a file whole or not at all (newlines written as given)."""
    return write_bytes_atomic(path, text.encode(encoding))


def write_group(outputs: Iterable[tuple[str | os.PathLike[str], Writer]]) -> list[Path]:
    """Write several files as one: all of them or none.

    Every file is first written to a flushed temporary file beside its target; only when all
    succeeded are they renamed into place. If producing any of them fails, every temporary file
    is removed and no target changes. If a rename itself fails (rare: a full disk or a target
    that became a folder), the files already renamed are rolled back to their old content (or
    removed when they are new) as far as the file system allows, and the error is raised.

    Returns
    -------
    list[Path]
        The targets, in the order given.
    """
    items = [(Path(path), writer) for path, writer in outputs]
    targets = [path for path, _ in items]
    if len(set(targets)) != len(targets):
        raise ValueError("write_group got the same file twice")
    temps: list[Path] = []
    try:
        for path, writer in items:
            temps.append(_prepare(path, writer))
    except BaseException:
        for temp in temps:
            _remove(temp)
        raise
    _commit(targets, temps)
    for folder in {path.parent for path in targets}:
        _fsync_dir(folder)
    return targets


def _backup(path: Path) -> Path | None:
    """A hard link to ``path``'s current content, or None when it does not exist or cannot."""
    if not path.is_file():
        return None
    fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".old", dir=path.parent)
    os.close(fd)
    backup = Path(name)
    _remove(backup)
    try:
        os.link(path, backup)
    except OSError:
        return None
    return backup


def _commit(targets: Sequence[Path], temps: Sequence[Path]) -> None:
    """Rename every temporary file onto its target; roll back on the first failure."""
    backups = [_backup(path) for path in targets]
    existed = [path.exists() for path in targets]
    done = 0
    try:
        for temp, path in zip(temps, targets, strict=True):
            os.replace(temp, path)
            done += 1
    except BaseException:
        for i in range(done):
            backup = backups[i]
            with contextlib.suppress(OSError):
                if backup is not None:
                    os.replace(backup, targets[i])
                    backups[i] = None
                elif not existed[i]:
                    _remove(targets[i])
        for temp in temps[done:]:
            _remove(temp)
        raise
    finally:
        for backup in backups:
            if backup is not None:
                _remove(backup)
