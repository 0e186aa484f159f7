"""``scheduler assign`` end to end on fixtures/helpdesk: files written, payloads, exit codes."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

from typer.testing import CliRunner

from scheduler.cli import app

HELPDESK = Path(__file__).resolve().parents[1] / "fixtures" / "helpdesk"
runner = CliRunner()
AT = "2026-11-30 09:00"


def run(*args: str):
    return runner.invoke(app, ["assign", str(HELPDESK), "--at", AT, "--work-limit", "1",
                               "--workers", "1", *args], env={"COLUMNS": "200"})


def test_assign_writes_assignments_and_payloads(tmp_path: Path) -> None:
    result = run("--tickets", str(HELPDESK / "tickets.csv"), "--out", str(tmp_path))
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader((tmp_path / "assignments.csv").open(encoding="utf-8")))
    assert len(rows) == 9  # ten tickets, one pending
    by_id = {r["ticket"]: r for r in rows}
    # 1008 is a chat ticket and nobody works chat at 09:00 (kim starts at 12:00)
    assert by_id["1008"]["agent"] == "" and by_id["1008"]["reason"] == "no skilled agent on duty"
    # tier-2 tickets go to the specialists on duty
    assert {by_id["1010"]["agent"], by_id["1003"]["agent"]} <= {"ines", "omar"}
    assert by_id["1001"]["sla_status"] == "breached"  # due exactly at 09:00
    assert by_id["1004"]["moved"] == "yes"  # kim is off until 12:00
    on_duty = {"ines", "jonas", "omar"}  # early shift on 30 November
    assert {r["agent"] for r in rows} - {""} <= on_duty
    zendesk = json.loads((tmp_path / "zendesk-update-many.json").read_text(encoding="utf-8"))
    changed = {t["id"]: t["assignee_id"] for t in zendesk[0]["tickets"]}
    assert 1002 not in changed or changed[1002] != 9002  # jonas keeps 1002 unless moved
    assert all(a in (9001, 9002, 9005) for a in changed.values())
    fresh = json.loads((tmp_path / "freshdesk-bulk-update.json").read_text(encoding="utf-8"))
    assert sorted(i for body in fresh for i in body["bulk_action"]["ids"]) == sorted(changed)
    output = " ".join(result.output.split())
    for title in ("Tickets per agent", "round robin", "least loaded", "EDF greedy", "SLA watch"):
        assert title in output


def test_assign_with_an_agents_file(tmp_path: Path) -> None:
    agents = tmp_path / "agents.csv"
    agents.write_text("agent,minutes,skills,tier\nlea,60,email;chat,\nines,30,,2\n",
                      encoding="utf-8")
    out = tmp_path / "out"
    result = run("--tickets", str(HELPDESK / "tickets.csv"), "--agents", str(agents),
                 "--out", str(out))
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader((out / "assignments.csv").open(encoding="utf-8")))
    assert {r["agent"] for r in rows} - {""} <= {"lea", "ines"}
    minutes = {name: sum(int(r["effort_minutes"]) for r in rows if r["agent"] == name)
               for name in ("lea", "ines")}
    assert minutes["lea"] <= 60 and minutes["ines"] <= 30


def test_bad_tickets_exit_2_with_file_row_and_column(tmp_path: Path) -> None:
    bad = tmp_path / "tickets.csv"
    bad.write_text("ticket_id,created_at\n1,tomorrow\n", encoding="utf-8")
    out = tmp_path / "out"
    result = run("--tickets", str(bad), "--out", str(out))
    assert result.exit_code == 2
    assert "tickets.csv" in result.output and "created_at" in result.output
    assert "Traceback" not in result.output
    assert not out.exists()  # nothing half-written


def test_bad_window_and_missing_roster_exit_2(tmp_path: Path) -> None:
    result = run("--tickets", str(HELPDESK / "tickets.csv"), "--out", str(tmp_path),
                 "--window", "soon")
    assert result.exit_code == 2 and "is not a length of time" in result.output
    folder = tmp_path / "team"
    shutil.copytree(HELPDESK, folder)
    (folder / "published_roster.csv").unlink()
    result = runner.invoke(app, ["assign", str(folder), "--at", AT, "--tickets",
                                 str(HELPDESK / "tickets.csv"), "--out", str(tmp_path / "o")])
    assert result.exit_code == 2 and "No roster" in result.output
