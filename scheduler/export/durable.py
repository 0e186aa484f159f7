"""Small file-system steps shared by the whole-or-nothing writers: flush, new-file mode, remove."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable
from pathlib import Path

Writer = Callable[[Path], object]
"""Writes a file's whole content to the path it is given (a temporary file); result ignored."""


def _read_umask() -> int:
    """The process umask, read once at import (setting and restoring it is not thread-safe)."""
    umask = os.umask(0o022)
    os.umask(umask)
    return umask


_UMASK = _read_umask()
NEW_FILE_MODE = 0o666 & ~_UMASK
NEW_FOLDER_MODE = 0o777 & ~_UMASK


def fsync_file(path: Path) -> None:
    """Flush a file's content to disk."""
    with open(path, "rb+") as handle:
        os.fsync(handle.fileno())


def fsync_dir(folder: Path) -> None:
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


def remove(path: Path) -> None:
    """Remove a file; one already gone is fine."""
    with contextlib.suppress(FileNotFoundError):
        path.unlink()
