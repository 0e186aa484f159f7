"""Fault-and-fuzz campaign: hostile team folders and an unlucky machine against the commands.

Every case copies a small valid team folder (fixtures/small, a day of its forecast, plus
requests, cover and a published roster so that every reader is reached), breaks one thing and
runs a command under a timeout:

- ``cell``: one CSV cell gets a hostile value (huge, negative or non-finite numbers, Rich
  markup, spreadsheet formulas, control characters, a 200,000-character value). The load must
  return a problem or a list of problems naming the file; when the faulted file is blamed, one
  problem names the cell's row and column. An accepted folder must also give requirements and a
  model CP-SAT accepts (``validate``), so a value the loader lets through cannot fail later.
- ``yaml``: one number or name of team.yaml gets a hostile value; the same checks, with the key.
- ``file``: a file becomes a named pipe, a broken link, a link loop, a folder, empty or binary;
  the load must name that file (never hang, never ignore it).
- ``cli``: ``validate``, ``staffing``, ``roster`` (short limit) and ``check`` (with a faulted or
  oversized roster) through the real Typer app: exit code 0, 1 or 2, no traceback, no exception,
  output of bounded size.

Run ``python -m benchmarks.campaign --cases 5000`` (``make fuzz``) for the long version; the
test suite runs a few hundred cases of each kind with a fixed seed.
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import random
import shutil
import signal
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
SMALL = ROOT / "fixtures" / "small"
EXTRA = {
    "requests.csv": "agent,date,shift,want,weight\nana,2026-12-01,E,on,3\n"
                    "ben,2026-11-30,any,off,\n",
    "cover.csv": "date,shift,required,under_weight,over_weight\n2026-11-30,E,2,50,1\n",
    "published_roster.csv": "agent,date,shift,locked\nana,2026-11-30,E,yes\nben,2026-12-01,L,\n",
}
OPTIONAL = ("time_off.csv", "forecast.csv", "last_roster.csv", *EXTRA)
CSV_FILES = ("agents.csv", *OPTIONAL)
KINDS = ("cell", "yaml", "file", "cli")
TIMEOUT_S = 20
MAX_OUTPUT_CHARS = 200_000

NUMBERS = ["1e308", "-1e308", "9223372036854775807", "-9223372036854775808", "1" + "0" * 21,
           "1e18", "-1", "0", "1e-320", "nan", "inf", "-inf", "1e400", "0x10", "1_000", "٣",
           "99999999999999999999999999", "4294967296", "2147483648", "86401", "0.0000001"]
TEXTS = ["Support [/b] team", "[bold]x[/bold]", "[/]", "[link=x]y", ":smile:",
         '=HYPERLINK("http://example.com","click")', "+1", "-x", "@SUM(A1)", "\t=1",
         "x" * 200_000, "\x00", "\u202e", "a\nb", '"', ",", ";", "", " ", "ü名"]
YAML_KEYS = ["days", "interval_minutes", "shrinkage", "max_occupancy", "team", "time_zone",
             "queues.0.priority", "queues.0.service_level", "queues.0.answer_within_s",
             "queues.1.concurrency", "queues.0.first_response_minutes", "queues.0.name",
             "shift_templates.0.paid_hours", "shift_templates.0.break_minutes",
             "shift_templates.0.start", "shift_templates.1.name", "rules.coverage.weight",
             "rules.coverage.over_weight", "rules.rest.min_rest_hours", "rules.rest.weight",
             "rules.consecutive.max_days", "rules.consecutive.min_days",
             "rules.consecutive.min_days_off", "rules.weekends.weekend_days",
             "rules.weekends.max_weekends", "rules.fairness.late_weight",
             "rules.preferences.weight", "rules.contract.max_days_per_week",
             "rules.time_off.pending_weight"]
FILE_FAULTS = ("fifo", "broken_link", "link_loop", "folder", "empty", "binary", "utf16")


class Hang(Exception):
    """A call ran past the campaign's timeout."""


@contextmanager
def deadline(seconds: int) -> Iterator[None]:
    """Raise :class:`Hang` in the main thread when the block runs longer than ``seconds``."""
    def alarm(signum: int, frame: Any) -> None:
        raise Hang(f"no answer within {seconds} s")

    previous = signal.signal(signal.SIGALRM, alarm)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


@dataclass
class Case:
    """One fault: a change to a copy of the base folder, and what a good answer names."""

    kind: str
    label: str
    apply: Callable[[Path], None]
    file: str | None = None
    row: int | None = None
    column: str | None = None
    command: str = "load"


@dataclass
class Tally:
    """Cases and failures per kind, and a few failures to show."""

    cases: Counter[str] = field(default_factory=Counter)
    failures: Counter[str] = field(default_factory=Counter)
    examples: list[str] = field(default_factory=list)

    def add(self, case: Case, failure: str | None) -> None:
        self.cases[case.kind] += 1
        if failure is not None:
            self.failures[case.kind] += 1
            if len(self.examples) < 30:
                first = (failure.splitlines() or [""])[0][:200]
                self.examples.append(f"[{case.kind}] {case.label}: {first}")

    def lines(self) -> list[str]:
        out = [f"{kind:5} {self.cases[kind]:6} cases {self.failures[kind]:6} failures"
               for kind in KINDS if self.cases[kind]]
        return out + self.examples


def make_base(folder: Path) -> Path:
    """fixtures/small with one day of forecast and the optional files (a valid team folder)."""
    shutil.copytree(SMALL, folder)
    lines = (folder / "forecast.csv").read_text(encoding="utf-8").splitlines()
    (folder / "forecast.csv").write_text("\n".join(lines[:97]) + "\n", encoding="utf-8")
    for name, text in EXTRA.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def _rows(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))


def write_rows(path: Path, rows: list[list[str]]) -> None:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")


def cell_case(rng: random.Random, base: Path) -> Case:
    file = rng.choice(CSV_FILES)
    rows = _rows(base / file)
    index = rng.randrange(1, len(rows))
    column = rng.randrange(len(rows[0]))
    value = rng.choice(NUMBERS if rng.random() < 0.6 else TEXTS)

    def apply(folder: Path) -> None:
        changed = _rows(folder / file)
        changed[index][column] = value
        write_rows(folder / file, changed)

    return Case("cell", f"{file} row {index + 1} {rows[0][column]} = {value[:40]!r}", apply,
                file, index + 1, rows[0][column])


def set_key(data: Any, path: str, value: Any) -> None:
    parts = [int(p) if p.isdigit() else p for p in path.split(".")]
    for part in parts[:-1]:
        data = data.setdefault(part, {}) if isinstance(part, str) else data[part]
    data[parts[-1]] = value


def yaml_case(rng: random.Random, base: Path) -> Case:
    key = rng.choice(YAML_KEYS)
    raw = rng.choice(NUMBERS + TEXTS[:12] + ["[7]", "[5, 5]", "[]", "[-1, 6]"])
    try:
        value = yaml.safe_load(raw) if raw and raw[0] in "[-0123456789" else raw
    except yaml.YAMLError:
        value = raw
    if key.startswith("rules.consecutive.min_days") and rng.random() < 0.5:
        value = rng.randint(2, 9)  # against max_days 6 by default: order checks

    def apply(folder: Path) -> None:
        data = yaml.safe_load((folder / "team.yaml").read_text(encoding="utf-8"))
        set_key(data, key, value)
        (folder / "team.yaml").write_text(yaml.safe_dump(data, allow_unicode=True),
                                          encoding="utf-8")

    return Case("yaml", f"{key} = {str(value)[:40]!r}", apply, "team.yaml", None, key)


def replace_file(folder: Path, file: str, fault: str, base: Path) -> None:
    """Put something that is not a good file where ``file`` stands (``base`` holds the good
    one): a pipe, a broken link, a link loop, a folder, or bad bytes."""
    path = folder / file
    path.unlink()
    if fault == "fifo":
        os.mkfifo(path)
    elif fault == "broken_link":
        path.symlink_to(folder / "nowhere.csv")
    elif fault == "link_loop":
        path.symlink_to(path.name)
    elif fault == "folder":
        path.mkdir()
    elif fault == "empty":
        path.write_bytes(b"")
    elif fault == "binary":
        path.write_bytes(bytes(range(256)) * 4)
    else:
        path.write_bytes((base / file).read_text(encoding="utf-8").encode("utf-16"))


def file_case(rng: random.Random, base: Path) -> Case:
    file = rng.choice(("team.yaml", *CSV_FILES))
    fault = rng.choice(FILE_FAULTS)

    def apply(folder: Path) -> None:
        replace_file(folder, file, fault, base)

    return Case("file", f"{file} is {fault}", apply, file)


def cli_case(rng: random.Random, base: Path) -> Case:
    inner = rng.choice((cell_case, yaml_case, file_case))(rng, base)
    if rng.random() < 0.4:
        inner = _markup_names(rng)
    command = rng.choice(("validate", "staffing", "roster", "check"))
    return Case("cli", f"{command}: {inner.label}", inner.apply, inner.file, inner.row,
                inner.column, command)


def _markup_names(rng: random.Random) -> Case:
    name = rng.choice(TEXTS[:10])

    def apply(folder: Path) -> None:
        data = yaml.safe_load((folder / "team.yaml").read_text(encoding="utf-8"))
        data["team"] = name
        (folder / "team.yaml").write_text(yaml.safe_dump(data), encoding="utf-8")
        rows = _rows(folder / "agents.csv")
        rows[1][1] = name
        write_rows(folder / "agents.csv", rows)

    return Case("cli", f"team and agent named {name!r}", apply)


MAKERS = {"cell": cell_case, "yaml": yaml_case, "file": file_case, "cli": cli_case}


# ------------------------------------------------------------------------------------ judging


def judge_load(case: Case, folder: Path) -> str | None:
    """Load the faulted folder; None when the answer is good, else what is wrong."""
    from scheduler.errors import TeamFolderError
    from scheduler.load import load_team

    try:
        problem = load_team(folder)
    except TeamFolderError as exc:
        return _judge_problems(case, exc.problems)
    if case.kind == "file":
        return "a broken file was accepted"
    return _judge_accepted(problem)


def _judge_problems(case: Case, problems: list[Any]) -> str | None:
    if not problems:
        return "an error without problems"
    if any(not p.file for p in problems):
        return "a problem without a file"
    if any("internal error" in p.message for p in problems):
        return f"internal error: {problems[0].message}"
    blamed = [p for p in problems if p.file == case.file]
    if case.kind == "file" and not blamed:
        return f"{case.file} is not named: {problems[0]}"
    if case.kind == "cell" and blamed and not any(  # or a cell in order with it, naming it
            p.row == case.row and p.column and (p.column == case.column or (
                case.column or "?") in p.message) for p in blamed):
        return f"no problem names row {case.row} column {case.column}: {blamed[0]}"
    if case.kind == "yaml" and blamed and not any(p.column for p in blamed):
        return f"no problem names the key: {blamed[0]}"
    return None


def _judge_accepted(problem: Any) -> str | None:
    """A folder the loader accepts gives requirements and a model CP-SAT accepts."""
    from scheduler.solvers.cpsat import build
    from scheduler.staffing import requirements

    invalid = build(problem, requirements(problem)).model.validate()
    return f"CP-SAT rejects the model: {invalid[:200]}" if invalid else None


def judge_cli(case: Case, folder: Path, scratch: Path) -> str | None:
    """Run the command through the Typer app; a good answer exits 0, 1 or 2, cleanly."""
    from typer.testing import CliRunner

    from scheduler.cli import app

    args = {"validate": ["validate", str(folder)],
            "staffing": ["staffing", str(folder), "--out", str(scratch / "needs.csv")],
            "roster": ["roster", str(folder), "--out", str(scratch / "out"), "--time-limit",
                       "0.5", "--workers", "1"],
            "check": ["check", str(folder), str(folder / "published_roster.csv")]}[case.command]
    if case.command == "roster" and random.Random(case.label).random() < 0.5:
        args.append("--quiet")
    result = CliRunner().invoke(app, args)
    output = result.output
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        return f"{type(result.exception).__name__}: {str(result.exception)[:200]}"
    if result.exit_code not in (0, 1, 2):
        return f"exit code {result.exit_code}"
    if "Traceback" in output or "internal error" in output:
        return "a traceback or internal error in the output"
    if len(output) > MAX_OUTPUT_CHARS:
        return f"{len(output)} characters of output"
    return None


def big_roster_case(rows: int) -> Case:
    """``check`` on a roster of ``rows`` rows, nearly all of them bad (duplicates)."""
    def apply(folder: Path) -> None:
        with open(folder / "published_roster.csv", "w", encoding="utf-8") as handle:
            handle.write("agent,date,shift\n")
            handle.writelines("ana,2026-11-30,E\n" for _ in range(rows))

    return Case("cli", f"check on a {rows}-row roster", apply, command="check")


def run_case(case: Case, base: Path) -> str | None:
    """Apply the case to a copy of ``base`` and judge the answer (None when good)."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "team"
        shutil.copytree(base, folder, symlinks=True)
        case.apply(folder)
        try:
            with deadline(TIMEOUT_S):
                if case.kind == "cli":
                    return judge_cli(case, folder, Path(tmp))
                return judge_load(case, folder)
        except Hang as exc:
            return f"hang: {exc}"
        except Exception as exc:  # noqa: BLE001 - every escape is a finding
            return f"{type(exc).__name__}: {str(exc)[:200]}"


def campaign(counts: dict[str, int], seed: int = 0) -> Tally:
    """Run ``counts[kind]`` cases of each kind (seeded) and tally the failures."""
    rng = random.Random(seed)
    tally = Tally()
    with tempfile.TemporaryDirectory() as tmp:
        base = make_base(Path(tmp) / "base")
        for kind in KINDS:
            for _ in range(counts.get(kind, 0)):
                case = MAKERS[kind](rng, base)
                tally.add(case, run_case(case, base))
        if counts.get("cli"):
            case = big_roster_case(50_000)
            tally.add(case, run_case(case, base))
    return tally


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=5000, help="cases of kinds cell and yaml")
    parser.add_argument("--seed", type=int, default=0)
    options = parser.parse_args()
    started = time.perf_counter()
    counts = {"cell": options.cases, "yaml": options.cases // 2, "file": options.cases // 10,
              "cli": options.cases // 25}
    tally = campaign(counts, options.seed)
    print("\n".join(tally.lines()))
    print(f"{sum(tally.cases.values())} cases in {time.perf_counter() - started:.0f} s")
    sys.exit(1 if sum(tally.failures.values()) else 0)


if __name__ == "__main__":
    main()
