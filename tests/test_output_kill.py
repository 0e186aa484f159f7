"""Multi-file outputs survive a kill at every step: the folder holds the whole old set or the
whole new set, and the next write leaves no leftovers.

A child process writes the set through :func:`scheduler.export.folder_swap.write_files` and
kills itself (SIGKILL, or ``os._exit``) at step k of the write, for every k until a run gets
through; the steps are the module's test hook plus the middle of each file's writing.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from scheduler.export.files import write_group
from scheduler.export.folder_swap import OutputFolderError, write_files

ROSTER = ("roster.csv", "roster.xlsx", "solve-report.json")
CALENDARS = ("team.ics", "agents/ana.ics", "agents/ben.ics", "calendar-state.json")

CHILD = textwrap.dedent("""
    import os, signal, sys
    from scheduler.export import folder_swap

    folder, content, kill_at, how, exchange = sys.argv[1:6]
    kill_at = int(kill_at)
    steps = 0

    def step(name):
        global steps
        steps += 1
        if steps == kill_at:
            os.kill(os.getpid(), signal.SIGKILL) if how == "kill" else os._exit(9)

    def writer(name):
        def write(path):
            with open(path, "w") as handle:
                handle.write(content[:2])
                handle.flush()
                step("half " + name)
                handle.write(content[2:] + " " + name)
        return write

    folder_swap.step_hook = step
    if exchange == "no":
        folder_swap._exchange = lambda a, b: False
    folder_swap.write_files(folder, {n: writer(n) for n in sys.argv[6:]})
""")


def write_set(folder: Path, content: str, names: tuple[str, ...] = ROSTER) -> None:
    """Write the set, each file holding ``content`` and its own name, in this process."""
    write_files(folder, {name: (lambda path, n=name: path.write_text(f"{content} {n}"))
                         for name in names})


def state(folder: Path, names: tuple[str, ...] = ROSTER) -> str:
    """``old`` or ``new`` when the folder holds that whole set (and the carried file); else
    a description of the mix."""
    if not folder.is_dir():
        return "no folder"
    texts = {str(p.relative_to(folder)): p.read_text() for p in folder.rglob("*")
             if p.is_file()}
    for content in ("old", "new"):
        expected = {name: f"{content} {name}" for name in names}
        if content == "old" or (folder / "notes.txt").exists():
            expected["notes.txt"] = "kept"
        if texts == expected:
            return content
    return f"mixed: {texts}"


def leftovers(folder: Path) -> list[str]:
    """Hidden entries beside or inside the folder."""
    return sorted(p.name for where in (folder.parent, folder) if where.is_dir()
                  for p in where.iterdir() if p.name.startswith("."))


def run_child(folder: Path, kill_at: int, how: str, exchange: str,
              names: tuple[str, ...] = ROSTER) -> int:
    child = subprocess.run([sys.executable, "-c", CHILD, str(folder), "new", str(kill_at), how,
                            exchange, *names], capture_output=True, text=True, timeout=60)
    assert child.returncode in (0, -9, 9), child.stderr
    return child.returncode


@pytest.mark.parametrize(("start", "how", "exchange", "names"), [
    ("old", "kill", "yes", ROSTER), ("old", "exit", "no", ROSTER),
    ("none", "kill", "yes", ROSTER), ("none", "exit", "no", ROSTER),
    ("old", "kill", "yes", CALENDARS),
])
def test_kill_at_every_step(tmp_path: Path, start: str, how: str, exchange: str,
                            names: tuple[str, ...]) -> None:
    folder = tmp_path / "out" / "small"
    kill_at, finished = 1, False
    while not finished:
        if folder.parent.exists():
            subprocess.run(["rm", "-rf", str(folder.parent)], check=True)
        if start == "old":
            write_set(folder, "old", names)
            (folder / "notes.txt").write_text("kept")
        code = run_child(folder, kill_at, how, exchange, names)
        finished = code == 0
        after = state(folder, names)
        allowed = {"old", "new"} if start == "old" else {"new", "no folder"}
        if start == "old" and after == "no folder":  # no exchange: between the two renames
            assert sorted(p.suffix for p in folder.parent.iterdir()) == [".old", ".ready"]
            allowed.add("no folder")
        assert after in allowed, f"killed at step {kill_at}: {after}"
        if finished:
            assert after == "new"
        write_set(folder, "next", names)  # the next run: completes, clears what the kill left
        assert leftovers(folder) == [], f"killed at step {kill_at}"
        assert (folder / names[0]).read_text() == f"next {names[0]}"
        if start == "old":
            assert (folder / "notes.txt").read_text() == "kept"
        kill_at += 1
    assert kill_at > 2 * len(names) + 2  # half and whole of each file, carried, ready, ...


def test_killed_between_the_renames_is_completed_by_the_next_run(tmp_path: Path) -> None:
    """Without the atomic exchange, a kill between moving the old folder aside and moving the
    new one in leaves no folder; the next run puts the new set in place before writing."""
    folder = tmp_path / "out"
    write_set(folder, "old")
    steps = 3 * 2 + 2  # half and whole of each file, carried, ready
    assert run_child(folder, steps + 1, "kill", "no") == -9  # at "aside"
    assert not folder.exists()
    write_files(folder, {"extra.txt": lambda path: path.write_text("x")})
    assert (folder / "roster.csv").read_text() == "new roster.csv"
    assert (folder / "extra.txt").read_text() == "x"
    assert leftovers(folder) == []


def test_other_files_and_folders_stay(tmp_path: Path) -> None:
    folder = tmp_path / "out"
    write_set(folder, "old")
    (folder / "notes.txt").write_text("kept")
    (folder / "calendars" / "agents").mkdir(parents=True)
    (folder / "calendars" / "agents" / "ana.ics").write_text("ics")
    (folder / "link").symlink_to("notes.txt")
    write_set(folder, "new")
    assert (folder / "roster.csv").read_text() == "new roster.csv"
    assert (folder / "notes.txt").read_text() == "kept"
    assert (folder / "calendars" / "agents" / "ana.ics").read_text() == "ics"
    assert (folder / "link").is_symlink() and (folder / "link").read_text() == "kept"
    assert leftovers(folder) == []


def test_nested_names_and_refusals(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "out"
    written = write_group([(folder / "team.ics", lambda p: p.write_text("t")),
                           (folder / "agents" / "ana.ics", lambda p: p.write_text("a"))])
    assert [p.read_text() for p in written] == ["t", "a"]
    (folder / "roster.csv").mkdir()
    with pytest.raises(OutputFolderError, match="is a folder"):
        write_set(folder, "new")
    (folder / "roster.csv").rmdir()
    monkeypatch.chdir(folder / "agents")
    with pytest.raises(OutputFolderError, match="current folder"):
        write_set(folder, "new")
    assert sorted(p.name for p in folder.iterdir()) == ["agents", "team.ics"]
    with pytest.raises(ValueError, match="inside the folder"):
        write_files(folder, {"../x": lambda p: p.write_text("x")})


def test_old_style_leftovers_are_cleared(tmp_path: Path) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    (folder / ".roster.csv.k2j4h5g6.tmp").write_text("half")
    (folder / ".roster.xlsx.a1b2c3d4.old").write_text("old")
    write_set(folder, "new")
    assert leftovers(folder) == []
    assert state(folder) == "new"


def test_group_keeps_its_callers(tmp_path: Path) -> None:
    paths = write_group([(tmp_path / "a" / "x.txt", lambda p: p.write_text("1")),
                         (tmp_path / "a" / "y.txt", lambda p: p.write_text("2"))])
    assert [p.read_text() for p in paths] == ["1", "2"]
    with pytest.raises(ValueError, match="one folder"):
        write_group([(tmp_path / "a" / "x.txt", lambda p: p.write_text("1")),
                     (tmp_path / "b" / "y.txt", lambda p: p.write_text("2"))])
    assert not (tmp_path / "b").exists()


def test_two_writers_at_once_do_not_undo_each_other(tmp_path: Path) -> None:
    import threading

    folder = tmp_path / "out"
    errors: list[BaseException] = []

    def writer(content: str) -> None:
        try:
            for _ in range(5):
                write_set(folder, content)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(c,)) for c in ("old", "new")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    texts = {p.read_text().split()[0] for p in folder.iterdir()}
    assert len(texts) == 1 and len(list(folder.iterdir())) == 3
    assert leftovers(folder) == []
