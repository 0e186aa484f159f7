"""The report page's content: figures equal the KPIs, every gap listed, nothing fetched."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from scheduler.check import check
from scheduler.cli import app
from scheduler.domain import Roster, Shift
from scheduler.export.report import report_for
from scheduler.load import load_team, read_roster
from scheduler.staffing import requirements
from tests.report.conftest import ROOT, Page

runner = CliRunner(env={"COLUMNS": "200"})
SMALL = ROOT / "fixtures" / "small"


class Figures(HTMLParser):
    """Text of every element carrying ``data-kpi``, keyed by (queue row or "", kpi name)."""

    def __init__(self) -> None:
        super().__init__()
        self.queue = ""
        self.open: list[tuple[str, str, int]] = []  # (key queue, kpi, depth)
        self.depth = 0
        self.found: dict[tuple[str, str], str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        self.depth += 1
        if tag == "tr":
            self.queue = a.get("data-queue") or ""
        if "data-kpi" in a:
            self.open.append((self.queue, a["data-kpi"] or "", self.depth))
            self.found[self.queue, a["data-kpi"] or ""] = ""

    def handle_endtag(self, tag: str) -> None:
        if self.open and self.open[-1][2] == self.depth:
            self.open.pop()
        self.depth -= 1

    def handle_data(self, data: str) -> None:
        for queue, kpi, _ in self.open:
            self.found[queue, kpi] += data


def figures(html: str) -> dict[tuple[str, str], str]:
    parser = Figures()
    parser.feed(html)
    return {k: " ".join(v.split()) for k, v in parser.found.items()}


def test_headline_figures_equal_the_kpis(acme_page: Page) -> None:
    shown = figures(acme_page.html)
    h = acme_page.kpis.headline
    assert shown["", "short-hours"] == f"{h.short_hours_total:.1f}"
    assert shown["", "hours"] == f"{h.hours:.1f}"
    assert shown["", "over-hours"] == f"{h.over_hours:.1f}"
    assert shown["", "under-hours"] == f"{h.under_hours:.1f}"
    assert shown["", "penalty"] == str(h.penalty) == str(acme_page.evaluation.total_penalty)
    assert shown["", "status"] == "checked"
    for q in acme_page.problem.queues:
        assert shown[q.id, "coverage"] == f"{h.coverage[q.id]:.1%}"
        assert shown[q.id, "short-hours"] == f"{h.short_hours[q.id]:,.1f}"
        if q.id in h.service_weighted:
            assert shown[q.id, "worst"] == f"{h.service_worst[q.id]:.1%}"
            assert shown[q.id, "weighted"].startswith(f"{h.service_weighted[q.id]:.1%}")
        else:
            assert shown[q.id, "late"] == f"{h.late_contacts[q.id]:,.0f}"


def test_one_grid_row_per_agent(acme_page: Page) -> None:
    rows = re.findall(r'<tr data-name="[^"]*" data-team="[^"]*" data-hours="[^"]*" '
                      r'data-agent="([^"]+)"', acme_page.html)
    assert rows == [a.id for a in acme_page.problem.agents]


def test_every_shortfall_of_the_checker_is_listed(acme_page: Page) -> None:
    findings = [v for v in acme_page.evaluation.violations
                if v.rule == "coverage" and v.interval is not None]
    assert findings  # the brief solve leaves gaps: the test must see some
    figures_html = re.findall(r'<figure class="chart" data-queue="([^"]+)" '
                              r'data-kind="coverage">(.*?)</figure>', acme_page.html, re.S)
    listed = {(queue, int(i), text) for queue, body in figures_html
              for i, text in re.findall(r'<li data-interval="(\d+)">([^<]*)</li>', body)}
    for v in findings:
        queue = v.message.split()[1]
        words = v.message.removeprefix(f"coverage {queue} ")
        assert (queue, v.interval, words) in listed, v.message
    assert len(listed) == len(findings)


def test_nothing_is_fetched(acme_page: Page) -> None:
    html = acme_page.html
    for attribute in re.findall(r'\b(?:src|href)\s*=\s*"([^"]*)"', html):
        assert attribute.startswith("#"), attribute
    assert not re.search(r"<(?:link|iframe|img|object|embed)\b", html)
    assert not re.search(r"url\(\s*['\"]?(?!#)", html)
    assert "@import" not in html


def test_sections_and_statements(acme_page: Page) -> None:
    html = acme_page.html
    for section in ("headline", "coverage", "service", "roster", "fairness", "penalties"):
        assert f'<section id="{section}"' in html
    assert "All times in <strong>Europe/Berlin</strong>" in html
    assert "Mon 30 Nov 2026</strong> to <strong>Sun 06 Dec 2026" in html
    assert "Generated 2026-11-27 09:00 UTC" in html
    live = [q for q in acme_page.problem.queues if str(q.channel) != "email"]
    assert html.count('data-kind="service"') == len(live)
    assert html.count('data-kind="coverage"') == len(acme_page.problem.queues)
    assert 'id="hard"' not in html  # the solved roster breaks no hard rule


def test_hard_violations_at_the_top_in_red() -> None:
    """Dana works over her approved time off: the page still comes, the violation first."""
    problem = load_team(SMALL)
    off = problem.time_off[0]
    day = problem.clock.day_of_date(off.start.date())
    roster = Roster(shifts=(Shift(agent=off.agent, day=day, template="E"),))
    html, kpis = report_for(problem, requirements(problem), roster)
    assert kpis.headline.hard_violations >= 1
    assert html.index('id="hard"') < html.index('id="headline"')
    assert 'class="alert"' in html and "time_off" in html


def test_page_is_deterministic_for_a_fixed_stamp(acme_page: Page) -> None:
    from tests.report.conftest import STAMP

    again, _ = report_for(acme_page.problem, acme_page.needs, acme_page.roster,
                          evaluation=acme_page.evaluation, generated_at=STAMP,
                          source="acme roster.csv")
    first = acme_page.html
    strip = re.compile(r'<div class="card"><span class="label">Solve</span>.*?</div>', re.S)
    assert strip.sub("", again) == strip.sub("", first)


def test_roster_with_report_writes_the_page_with_the_other_files(tmp_path: Path) -> None:
    """``roster --report``: the solve's status on the page, written with the three files."""
    import json

    out = tmp_path / "out"
    result = runner.invoke(app, ["roster", str(SMALL), "--out", str(out), "--time-limit", "10",
                                 "--workers", "1", "--quiet", "--report"])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == [
        "report.html", "roster.csv", "roster.xlsx", "solve-report.json"]
    solved = json.loads((out / "solve-report.json").read_text(encoding="utf-8"))
    problem = load_team(SMALL)
    needs = requirements(problem)
    evaluation = check(problem, read_roster(out / "roster.csv", problem), needs)
    assert evaluation.hard == () and solved["objective"] == evaluation.total_penalty
    shown = figures((out / "report.html").read_text(encoding="utf-8"))
    assert shown["", "status"] == solved["status"].lower()
    assert shown["", "penalty"] == str(evaluation.total_penalty)


def _write(path: Path, rows: list[tuple[str, str, str]]) -> Path:
    path.write_text("agent,date,shift\n" + "".join(f"{a},{d},{s}\n" for a, d, s in rows),
                    encoding="utf-8")
    return path


def test_cli_report_of_a_hand_roster(tmp_path: Path) -> None:
    roster = _write(tmp_path / "roster.csv", [("ana", "2026-11-30", "E"),
                                              ("ben", "2026-11-30", "L")])
    out = tmp_path / "out" / "report.html"
    result = runner.invoke(app, ["report", str(SMALL), str(roster), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "Wrote" in result.output and "at a glance" in result.output
    page = out.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")


@pytest.mark.parametrize(("row", "words"), [
    (("ana", "2026-12-07", "E"), "outside the horizon"),
    (("zed", "2026-11-30", "E"), "zed"),
    (("ana", "2026-11-30", "X"), "X"),
])
def test_cli_bad_roster_exit_2_nothing_written(tmp_path: Path, row: tuple[str, str, str],
                                               words: str) -> None:
    roster = _write(tmp_path / "roster.csv", [row])
    out = tmp_path / "report.html"
    result = runner.invoke(app, ["report", str(SMALL), str(roster), "--out", str(out)])
    assert result.exit_code == 2
    assert "Traceback" not in result.output and words in result.output
    assert not out.exists()


def test_cli_unwritable_target_exit_2(tmp_path: Path) -> None:
    roster = _write(tmp_path / "roster.csv", [("ana", "2026-11-30", "E")])
    folder = tmp_path / "taken"
    folder.mkdir()
    result = runner.invoke(app, ["report", str(SMALL), str(roster), "--out", str(folder)])
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert list(folder.iterdir()) == []


AGENTS = ["ana", "ben", "zed", "", "ANA"]
DATES = ["2026-11-30", "2026-12-01", "2026-12-02", "2026-12-03", "2026-11-29", "30.11.2026", ""]
SHIFTS = ["E", "L", "X", "", "off", "e"]


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.sampled_from(AGENTS), st.sampled_from(DATES),
                          st.sampled_from(SHIFTS)), min_size=1, max_size=6))
def test_cli_any_roster_file_gives_a_page_or_a_clear_error(
        tmp_path: Path, rows: list[tuple[str, str, str]]) -> None:
    roster = _write(tmp_path / "roster.csv", rows)
    out = tmp_path / "report.html"
    out.unlink(missing_ok=True)
    result = runner.invoke(app, ["report", str(SMALL), str(roster), "--out", str(out)])
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert result.exit_code in (0, 2)
    assert out.exists() == (result.exit_code == 0)
    if result.exit_code == 2:
        assert "roster.csv" in result.output
