"""``scheduler metrics`` end to end: the three files on the generated history, and bad input
(empty export, only deleted tickets, a week outside the history, an unknown queue, a week that
is not one) exits 2 with the problem named and nothing written."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from scheduler.cli import app
from tests.metrics.conftest import HELPDESK, Generated

runner = CliRunner()
ONE = {"tickets": [{"id": 1, "created_at": "2026-11-30T08:00:00Z", "status": "open"}]}


def run(*args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(app, ["metrics", str(HELPDESK), *args], env={"COLUMNS": "200"})


def test_metrics_writes_html_xlsx_and_csv_with_the_same_figures(tmp_path: Path,
                                                               generated: Generated) -> None:
    out = tmp_path / "out"
    result = run("--tickets", str(generated.folder), "--week", "2026-W47", "--weeks", "3",
                 "--out", str(out))
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == ["metrics.csv", "metrics.html",
                                                     "metrics.xlsx"]
    assert "deleted" in result.output and "Week 2026-W47, all queues" in result.output
    rows = list(csv.DictReader((out / "metrics.csv").open(encoding="utf-8")))
    assert {r["week"] for r in rows} == {"2026-W45", "2026-W46", "2026-W47"}
    want = generated.metrics
    created = [r for r in rows if (r["week"], r["dimension"], r["member"], r["figure"])
               == ("2026-W47", "queue", "billing", "created")]
    assert float(created[0]["value"]) == want.value("created", week="2026-W47",
                                                    dimension="queue", member="billing")
    sheet = load_workbook(out / "metrics.xlsx", read_only=True)["Figures"]
    assert sheet.max_row == len(rows) + 1
    assert "Support metrics – Helpdesk – 2026-W47" in (out / "metrics.html").read_text()


@pytest.mark.parametrize(("doc", "args", "message"), [
    ({"tickets": []}, (), "no ticket to measure"),
    ({"tickets": [{"id": 1, "created_at": "2026-11-30T08:00:00Z", "status": "deleted"},
                  {"id": 2, "created_at": "2026-11-30T08:00:00Z", "status": "deleted"}]}, (),
     "no ticket left to measure (left out: 2 deleted)"),
    (ONE, ("--week", "2020-W01"), "week 2020-W01 is outside the history (2026-11-30 to "
     "2026-11-30)"),
    (ONE, ("--queue", "fax"), "queue fax is not in the queues of team.yaml"),
    (ONE, ("--week", "48"), "'48' is not an ISO week"),
])
def test_bad_input_exits_2_and_writes_nothing(tmp_path: Path, doc, args, message) -> None:
    source = tmp_path / "export.json"
    source.write_text(json.dumps(doc), encoding="utf-8")
    out = tmp_path / "out"
    result = run("--tickets", str(source), "--out", str(out), *args)
    assert result.exit_code == 2, result.output
    assert message in " ".join(result.output.split())
    assert not out.exists()
