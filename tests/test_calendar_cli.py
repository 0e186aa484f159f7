"""``scheduler calendar`` and ``scheduler roster --calendars``: one code path, bad rosters.

A hand-edited roster.csv with errors gets the project's table of problems (file, row, column,
fix), exit 2, and no feed is written.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from icalendar import Calendar
from typer.testing import CliRunner

from scheduler.check import check
from scheduler.cli import app
from scheduler.load import load_team, read_roster
from scheduler.staffing import requirements

runner = CliRunner()
ROOT = Path(__file__).resolve().parents[1]
SMALL = ROOT / "fixtures" / "small"
GOOD = ("agent,date,shift\nana,2026-11-30,E\nben,2026-11-30,L\ndana,2026-12-02,E\n"
        "chloe,2026-12-01,L\n")


def uids_and_content(folder: Path) -> dict[str, dict[str, bytes]]:
    """Per feed: UID -> the VEVENT without DTSTAMP and LAST-MODIFIED (both the export time)."""
    found = {}
    for path in sorted(folder.rglob("*.ics")):
        events = Calendar.from_ical(path.read_bytes()).walk("VEVENT")
        found[str(path.relative_to(folder))] = {
            str(e["UID"]): b"\n".join(line for line in e.to_ical().splitlines()
                                     if not line.startswith((b"DTSTAMP", b"LAST-MOD")))
            for e in events}
    return found


def test_calendar_command_writes_feeds_and_reports_changes(tmp_path: Path) -> None:
    roster = tmp_path / "roster.csv"
    roster.write_text(GOOD)
    out = tmp_path / "cal"
    first = runner.invoke(app, ["calendar", str(SMALL), str(roster), "--out", str(out)])
    assert first.exit_code == 0, first.output
    # 4 shifts in the agents' feeds and in the team feed, and Dana's approved day off
    assert "9 new, 0 changed, 0 cancelled, 0 unchanged" in " ".join(first.output.split())
    feeds = uids_and_content(out)
    assert sorted(feeds) == ["agents/ana.ics", "agents/ben.ics", "agents/chloe.ics",
                             "agents/dana.ics", "agents/emil.ics", "team.ics"]
    assert len(feeds["team.ics"]) == 4 and len(feeds["agents/dana.ics"]) == 2  # + day off
    roster.write_text(GOOD.replace("ben,2026-11-30,L\n", ""))
    second = runner.invoke(app, ["calendar", str(SMALL), str(roster), "--out", str(out)])
    assert second.exit_code == 0
    assert "2 cancelled" in " ".join(second.output.split())  # Ben's feed and the team feed


BAD_ROWS = [
    ("nobody,2026-11-30,E", "agent", "nobody"),
    ("ana,2026-13-01,E", "date", "2026-13-01"),
    ("ana,2026-11-30,X", "shift", "X"),
    ("ana,2027-01-04,E", "date", "2027-01-04"),
]


def test_bad_roster_rows_are_reported_with_file_row_and_column(tmp_path: Path) -> None:
    roster = tmp_path / "roster.csv"
    roster.write_text("agent,date,shift\nben,2026-11-30,L\n" + "\n".join(
        row for row, _, _ in BAD_ROWS) + "\n")
    out = tmp_path / "cal"
    result = runner.invoke(app, ["calendar", str(SMALL), str(roster), "--out", str(out)])
    assert result.exit_code == 2
    assert "Traceback" not in result.output and result.exception is not None
    text = " ".join(result.stderr.split())
    assert "4 problems" in text and "roster.csv" in text
    for line, (_, column, value) in enumerate(BAD_ROWS, start=3):
        assert f"│ {line} " in result.stderr and column in text and value in text
    assert not out.exists() or not list(out.rglob("*"))


@settings(max_examples=30, deadline=None)
@given(column=st.sampled_from(["agent", "date", "shift"]),
       value=st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=12))
@pytest.mark.slow
def test_any_edited_cell_gives_feeds_or_a_clean_error(tmp_path_factory: object, column: str,
                                                      value: str) -> None:
    folder = tmp_path_factory.mktemp("edit")  # type: ignore[attr-defined]
    cells = {"agent": "ana", "date": "2026-12-01", "shift": "E", column: value}
    roster = folder / "roster.csv"
    quoted = ",".join('"' + cells[c].replace('"', '""') + '"' for c in ("agent", "date", "shift"))
    roster.write_text("agent,date,shift\nben,2026-11-30,L\n" + quoted + "\n", encoding="utf-8")
    out = folder / "cal"
    result = runner.invoke(app, ["calendar", str(SMALL), str(roster), "--out", str(out)])
    assert result.exit_code in (0, 2), result.output
    assert not isinstance(result.exception, Exception) or isinstance(result.exception,
                                                                     SystemExit)
    if result.exit_code == 2:
        assert "roster.csv" in result.stderr
        assert not list(out.rglob("*.ics")) if out.exists() else True
    else:
        assert (out / "team.ics").is_file()


def test_roster_calendars_is_the_calendar_command(tmp_path: Path) -> None:
    out = tmp_path / "out"
    solved = runner.invoke(app, ["roster", str(SMALL), "--out", str(out), "--time-limit", "5",
                                 "--workers", "1", "--quiet", "--calendars"])
    assert solved.exit_code == 0, solved.output
    problem = load_team(SMALL)
    roster = read_roster(out / "roster.csv", problem)
    evaluation = check(problem, roster, requirements(problem))
    report = json.loads((out / "solve-report.json").read_text())
    assert not evaluation.hard and evaluation.total_penalty == report["objective"]
    again = runner.invoke(app, ["calendar", str(SMALL), str(out / "roster.csv"), "--out",
                                str(tmp_path / "again")])
    assert again.exit_code == 0
    assert uids_and_content(out / "calendars") == uids_and_content(tmp_path / "again")
    team = uids_and_content(out / "calendars")["team.ics"]
    assert len(team) == len(roster.shifts) > 0
