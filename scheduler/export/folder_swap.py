"""A set of files written into one folder whole or not at all, whenever the process dies.

:func:`write_files` builds the folder's next content in a fresh sibling folder
(``.NAME.xxxxxxxx.partial``: the new files, plus hard links to everything else already in the
folder, sub-folders included),
marks it complete by renaming it to ``.NAME.xxxxxxxx.ready`` and swaps it with the folder in one
atomic step (Linux ``renameat2(RENAME_EXCHANGE)``). Killed before the swap, the folder is
untouched; after it, the folder is complete and new. What a killed run leaves beside the folder
is removed by the next run. Where the exchange is not available the folder is renamed aside and
the new one renamed in; a kill between the two leaves no folder for an instant, and the next run
puts the complete new one in place before anything else.

Every multi-file output (roster, calendars, reports, what-if) goes through :func:`write_files`.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import os
import re
import shutil
import tempfile
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path

from scheduler.export.durable import NEW_FILE_MODE, NEW_FOLDER_MODE, Writer, fsync_dir, fsync_file

__all__ = ["OutputFolderError", "write_files"]

step_hook: Callable[[str], None] | None = None
"""Called with a step's name between the steps of :func:`write_files` (tests kill there)."""

_SIBLING = re.compile(r"^\.(?P<folder>.+)\.[a-z0-9_]{8}\.(?P<kind>partial|ready|old)$")
_OLD_STYLE = re.compile(r"^\..+\.[a-z0-9_]{8}\.(tmp|old)$")  # the former per-file renames
_AT_FDCWD, _RENAME_EXCHANGE = -100, 2
MAX_CARRIED = 10_000
"""Most entries besides the set that a folder may hold (each is carried over as a link)."""


class OutputFolderError(OSError):
    """The output folder cannot take a set of files (it holds folders, or is the current one)."""


def _step(name: str) -> None:
    if step_hook is not None:
        step_hook(name)


def write_files(folder: str | os.PathLike[str], files: Mapping[str, Writer]) -> dict[str, Path]:
    """Write a set of files into ``folder``: after any crash it holds all old or all new ones.

    Parameters
    ----------
    folder
        The output folder; created (with its parents) when missing. Other files in it are kept.
        A symbolic link is followed: the folder it points to is replaced.
    files
        File name, relative to ``folder`` (``team.ics``, ``agents/ana.ics``) → writer, called
        with the path to write that file's whole content to.

    Returns
    -------
    dict[str, Path]
        Each name's final path (under ``folder`` as given), in the order given.

    Raises
    ------
    OutputFolderError
        When the folder is (or holds) the current working folder, holds something that is not
        a file, a folder or a link, spans file systems, or holds more than
        :data:`MAX_CARRIED` entries; nothing is written.
    Exception
        Whatever a writer raises; the folder is then untouched.
    """
    target = Path(folder)
    target = (target.resolve() if target.is_symlink() else target).absolute()
    for name in files:
        parts = Path(name).parts
        if not parts or Path(name).is_absolute() or any(p in (".", "..") for p in parts):
            raise ValueError(f"{name!r} is not a file name inside the folder")
    target.parent.mkdir(parents=True, exist_ok=True)
    with _locked(target.parent):
        _write(target, files)
    return {name: Path(folder) / name for name in files}


@contextlib.contextmanager
def _locked(parent: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``parent`` (POSIX), so that two runs writing beside each other
    do not clear each other's folder under construction."""
    try:
        import fcntl
    except ImportError:  # not POSIX: no lock
        yield
        return
    fd = os.open(parent, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def _write(target: Path, files: Mapping[str, Writer]) -> None:
    _recover(target)
    carried = _carried_entries(target, files)
    stage = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".partial",
                                  dir=target.parent))
    try:
        _fill(stage, target, files, carried)
        ready = stage.with_name(stage.name.removesuffix(".partial") + ".ready")
        os.rename(stage, ready)
        stage = ready
        fsync_dir(target.parent)
        _step("ready")
        old = _swap(ready, target)
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)
        raise
    fsync_dir(target.parent)
    _step("swapped")
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
    _step("cleaned")


def _fill(stage: Path, target: Path, files: Mapping[str, Writer], carried: list[Path]) -> None:
    """Write the new files into ``stage``, link the carried ones, flush everything."""
    for name, writer in files.items():
        path = stage / name
        path.parent.mkdir(parents=True, exist_ok=True)
        writer(path)
        old = target / name
        os.chmod(path, old.stat().st_mode & 0o7777 if old.is_file() else NEW_FILE_MODE)
        fsync_file(path)
        _step(f"wrote {name}")
    for entry in carried:
        copy = stage / entry.relative_to(target)
        if entry.is_symlink():
            os.symlink(os.readlink(entry), copy)
        elif entry.is_dir():
            copy.mkdir(exist_ok=True)
            shutil.copymode(entry, copy)
        else:
            try:
                os.link(entry, copy)
            except OSError:
                shutil.copy2(entry, copy)
    _step("carried")
    os.chmod(stage, target.stat().st_mode & 0o7777 if target.is_dir() else NEW_FOLDER_MODE)
    fsync_dir(stage)


def _carried_entries(target: Path, files: Mapping[str, Writer]) -> list[Path]:
    """The folder's entries the new content keeps, folders before what they hold: everything
    but the set's own files and leftovers. Files are carried as hard links (no data copied)."""
    if not target.exists():
        return []
    if not target.is_dir():
        raise NotADirectoryError(errno.ENOTDIR, "not a folder", str(target))
    inside = False
    with contextlib.suppress(OSError):  # no current folder (deleted): nothing to protect
        inside = Path.cwd().resolve().is_relative_to(target.resolve())
    if inside:
        raise OutputFolderError(errno.EBUSY, "the output folder is (or holds) the current "
                                "folder; give a folder of its own (e.g. out/team)", str(target))
    names = {Path(name) for name in files}
    device = target.stat().st_dev
    carried: list[Path] = []
    for root, folders, found in os.walk(target):
        here = Path(root)
        folders.sort()
        for name in sorted(folders) + sorted(found):
            entry = here / name
            relative = entry.relative_to(target)
            if relative in names:
                if entry.is_dir() and not entry.is_symlink():
                    raise OutputFolderError(errno.EISDIR, f"{relative} is a folder, where the "
                                            "output puts a file", str(target))
                continue
            if _OLD_STYLE.match(name) and not entry.is_dir():
                continue
            _check_carried(entry, device, target)
            carried.append(entry)
            if len(carried) > MAX_CARRIED:
                raise OutputFolderError(errno.EFBIG, f"the output folder holds more than "
                                        f"{MAX_CARRIED} other entries; give a folder of its own",
                                        str(target))
    return carried


def _check_carried(entry: Path, device: int, target: Path) -> None:
    """Refuse what cannot be carried over by links: other file systems, pipes, sockets."""
    if entry.is_symlink():
        return
    info = entry.stat()
    if info.st_dev != device:
        raise OutputFolderError(errno.EXDEV, f"{entry.relative_to(target)} is on another file "
                                "system; give a folder of its own", str(target))
    if not (entry.is_dir() or entry.is_file()):
        raise OutputFolderError(errno.EINVAL, f"{entry.relative_to(target)} is not a file; "
                                "give a folder of its own", str(target))


def _recover(target: Path) -> None:
    """Finish or undo what a killed run left beside ``target``, then remove its leftovers."""
    siblings = [p for p in target.parent.iterdir()
                if (m := _SIBLING.match(p.name)) and m["folder"] == target.name]
    if not os.path.lexists(target):
        for kind in ("ready", "old"):  # a killed swap: the new set if complete, else the old
            found = sorted((p for p in siblings if p.name.endswith(f".{kind}")),
                           key=lambda p: p.stat().st_mtime)
            if found:
                os.rename(found[-1], target)
                siblings.remove(found[-1])
                break
    for leftover in siblings:
        shutil.rmtree(leftover, ignore_errors=True)
    if target.is_dir():
        for root, _, names in os.walk(target):
            for name in names:
                if _OLD_STYLE.match(name) and (Path(root) / name).is_file():
                    (Path(root) / name).unlink()


def _swap(ready: Path, target: Path) -> Path | None:
    """Put ``ready`` in ``target``'s place; return where the old content now is (None: none)."""
    if not target.exists():
        os.rename(ready, target)
        return None
    if _exchange(ready, target):
        return ready
    aside = ready.with_name(ready.name.removesuffix(".ready") + ".old")
    os.rename(target, aside)
    _step("aside")
    try:
        os.rename(ready, target)
    except BaseException:
        os.rename(aside, target)
        raise
    return aside


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths atomically (Linux); False where the system cannot."""
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (AttributeError, OSError):
        return False
    if renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP, errno.ENOTSUP):
        return False
    raise OSError(code, os.strerror(code), str(b))
