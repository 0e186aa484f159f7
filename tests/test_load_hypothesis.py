"""Whatever is written into a team folder, load_team returns a Problem or raises TeamFolderError.

Hypothesis writes random values (text, numbers, empty cells, wrong dates, unicode, YAML of any
shape) into copies of fixtures/small and checks that no other exception ever escapes and that
every reported problem names a file and says what is wrong.
"""

from __future__ import annotations

import csv
import io
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scheduler.domain import Problem
from scheduler.errors import TeamFolderError
from scheduler.load import load_team, read_roster
from scheduler.staffing import forecast_frame
from tests.conftest import copy_of

SMALL = Path(__file__).resolve().parents[1] / "fixtures" / "small"
EXTRA = {
    "requests.csv": "agent,date,shift,want,weight\nana,2026-12-01,E,on,3\n"
                    "ben,2026-11-30,any,off,\n",
    "cover.csv": "date,shift,required,under_weight,over_weight\n2026-11-30,E,2,50,1\n",
    "published_roster.csv": "agent,date,shift,locked\nana,2026-11-30,E,yes\nben,2026-12-01,L,\n",
}
CSV_FILES = ("agents.csv", "time_off.csv", "forecast.csv", "last_roster.csv", *EXTRA)
RUN = settings(max_examples=60, deadline=None,
               suppress_health_check=[HealthCheck.function_scoped_fixture])

TOKENS = ["", " ", "-", "0", "-1", "1e309", "nan", "inf", "1,5", "24:00", "25:61", "07:00",
          "2026-11-30", "2026-02-30", "0001-01-01", "9999-12-31", "2026-11-30 02:30",
          "2027-03-28 02:30", "2026-10-25 02:30", "2026-11-30T09:00+01:00", "2026-11-30T09:00Z",
          "Europe/Berlin", "America", "Mars/Olympus", "../etc", "x" * 300, "phone", "chat", "fax",
          "E", "L", "any", "on", "off", "yes", "horizon", "week", "L=2;N=0", "L=-1", "E=x",
          "mon-fri 09:00-15:00", "sun-mon 10:00-09:00", "fri 22:00-24:00", "mon 9-5", "ana",
          "ben", "zoe", "ü", "名前", "\u2028", "'", '"', ";;;", "=", "\x00"]
cell_values = st.one_of(
    st.sampled_from(TOKENS),
    st.text(max_size=25),
    st.integers(-10**6, 10**6).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.dates().map(str),
    st.datetimes().map(lambda d: d.strftime("%Y-%m-%d %H:%M")),
)
yaml_values: st.SearchStrategy[Any] = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(-10**9, 10**9), st.floats(),
              st.text(max_size=20), st.dates(), st.sampled_from(TOKENS)),
    lambda inner: st.one_of(st.lists(inner, max_size=3),
                            st.dictionaries(st.text(max_size=8), inner, max_size=3)),
    max_leaves=6)


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """fixtures/small plus requests, cover and a published roster, so every reader is fuzzed."""
    folder = tmp_path_factory.mktemp("base") / "team"
    shutil.copytree(SMALL, folder)
    for name, text in EXTRA.items():
        (folder / name).write_text(text, encoding="utf-8")
    load_team(folder)  # the base itself is valid
    return folder



def read_rows(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))


def write_rows(path: Path, rows: list[list[str]]) -> None:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")


def leaves(data: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    """Key paths of every value in a YAML document (containers included)."""
    yield path
    if isinstance(data, dict):
        for key, value in data.items():
            yield from leaves(value, (*path, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from leaves(value, (*path, index))


def put(data: Any, path: tuple[Any, ...], value: Any) -> Any:
    if not path:
        return value
    data[path[0]] = put(data[path[0]], path[1:], value)
    return data


def assert_loads_or_reports(folder: Path) -> None:
    try:
        problem = load_team(folder)
    except TeamFolderError as exc:
        assert exc.problems, "a TeamFolderError must carry problems"
        for item in exc.problems:
            assert item.file and item.message
            assert "internal error" not in item.message, item
        assert str(exc)
    else:
        assert isinstance(problem, Problem)
        frame = forecast_frame(problem)
        assert list(frame.columns) == ["interval", "queue", "volume", "aht_s"]


@RUN
@given(file=st.sampled_from(CSV_FILES), row=st.integers(0, 200), column=st.integers(0, 20),
       value=cell_values)
def test_any_csv_cell(base: Path, file: str, row: int, column: int, value: str) -> None:
    with copy_of(base) as folder:
        rows = read_rows(folder / file)
        cells = rows[row % len(rows)]
        cells[column % len(cells)] = value
        write_rows(folder / file, rows)
        assert_loads_or_reports(folder)


@RUN
@given(file=st.sampled_from(CSV_FILES), line=st.integers(0, 200),
       raw=st.text(max_size=60), drop=st.booleans())
def test_any_csv_line(base: Path, file: str, line: int, raw: str, drop: bool) -> None:
    with copy_of(base) as folder:
        lines = (folder / file).read_text(encoding="utf-8").splitlines(keepends=True)
        index = line % len(lines)
        lines[index:index + drop] = [raw + "\n"]
        (folder / file).write_text("".join(lines), encoding="utf-8")
        assert_loads_or_reports(folder)


@RUN
@given(choice=st.integers(0, 10**6), value=yaml_values)
def test_any_yaml_value(base: Path, choice: int, value: Any) -> None:
    with copy_of(base) as folder:
        data = yaml.safe_load((folder / "team.yaml").read_text(encoding="utf-8"))
        paths = list(leaves(data))
        data = put(data, paths[choice % len(paths)], value)
        (folder / "team.yaml").write_text(yaml.safe_dump(data, allow_unicode=True),
                                          encoding="utf-8")
        assert_loads_or_reports(folder)


@RUN
@given(start=st.integers(0, 10**6), length=st.integers(0, 30), raw=st.text(max_size=30))
def test_any_yaml_text(base: Path, start: int, length: int, raw: str) -> None:
    with copy_of(base) as folder:
        text = (folder / "team.yaml").read_text(encoding="utf-8")
        at = start % len(text)
        (folder / "team.yaml").write_text(text[:at] + raw + text[at + length:], encoding="utf-8")
        assert_loads_or_reports(folder)


@RUN
@given(data=st.binary(max_size=200), file=st.sampled_from(("team.yaml", *CSV_FILES)))
def test_any_bytes(base: Path, data: bytes, file: str) -> None:
    with copy_of(base) as folder:
        (folder / file).write_bytes(data)
        assert_loads_or_reports(folder)


@RUN
@given(rows=st.lists(st.lists(cell_values, min_size=0, max_size=5), max_size=5))
def test_read_roster_never_crashes(base: Path, small_problem: Problem,
                                   rows: list[list[str]]) -> None:
    with copy_of(base) as folder:
        path = folder / "roster.csv"
        write_rows(path, [["agent", "date", "shift", "start"], *rows])
        try:
            roster = read_roster(path, small_problem)
        except TeamFolderError as exc:
            assert all(item.file == "roster.csv" and item.message for item in exc.problems)
            assert all("internal error" not in item.message for item in exc.problems)
        else:
            assert all(shift.agent in small_problem.agent_index for shift in roster.shifts)
