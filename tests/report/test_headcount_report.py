"""The report of an availability-driven team (fixtures/availability-team): the headcount chart,
short and over per day, the fair-share table and onboarding, figures equal to the measures;
then the page in Chromium (Playwright), its chart's series drawn, and a screenshot in build/.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import pytest
from availability_team import AVAILABILITY_TEAM, quick_roster

from scheduler.export.report import report_for, write_report
from scheduler.kpi.headcount import HeadcountKpis, headcount_measure
from scheduler.load import load_team
from scheduler.staffing import requirements
from tests.report.conftest import BUILD, STAMP

HEADCOUNT_SERIES = 6  # on duty (area, line), minimum, maximum, short, over


@dataclass(frozen=True)
class HeadcountPage:
    view: HeadcountKpis
    html: str
    path: Path
    agents: int


@pytest.fixture(scope="module")
def page_of_team(tmp_path_factory: pytest.TempPathFactory) -> HeadcountPage:
    problem = load_team(AVAILABILITY_TEAM)
    needs = requirements(problem)
    roster = quick_roster(problem)
    html, kpis = report_for(problem, needs, roster, generated_at=STAMP, source="quick roster")
    view = kpis.headcount  # what the page shows: the measures kpi computed once
    assert view is not None
    assert view.headline == headcount_measure(problem, needs, roster).headline
    path = write_report(tmp_path_factory.mktemp("headcount") / "report.html", html)
    return HeadcountPage(view, html, path, len(problem.agents))


class Cells(HTMLParser):
    """Text of every ``data-kpi`` element, keyed by its row's data-agent / data-date /
    data-week (or "" outside such a row) and the kpi name."""

    KEYS = ("data-agent", "data-date", "data-week")

    def __init__(self) -> None:
        super().__init__()
        self.row, self.open, self.found = "", [], {}  # type: ignore[var-annotated]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "tr":
            self.row = next((a[k] or "" for k in self.KEYS if k in a), "")
        if "data-kpi" in a:
            self.open.append((self.row, a["data-kpi"], tag))
            self.found[self.row, a["data-kpi"]] = ""

    def handle_endtag(self, tag: str) -> None:
        if self.open and self.open[-1][2] == tag:
            self.open.pop()

    def handle_data(self, data: str) -> None:
        for row, kpi, _ in self.open:
            self.found[row, kpi] += data


def cells(html: str) -> dict[tuple[str, str], str]:
    parser = Cells()
    parser.feed(html)
    return {k: " ".join(v.split()) for k, v in parser.found.items()}


def test_cards_and_days_equal_the_headcount_measures(page_of_team: HeadcountPage) -> None:
    shown, h = cells(page_of_team.html), page_of_team.view.headline
    assert h.short > 0  # the quick roster leaves gaps to show
    assert shown["", "headcount-short"] == str(h.short)
    assert shown["", "headcount-over"] == str(h.over)
    assert shown["", "agents-with-hours"] == f"{h.agents_with_hours} of {h.agents_available}"
    assert shown["", "preferred-share"] == f"{h.preferred_share * 100:.1f} %"
    assert shown["", "fair-distance"] == f"{h.mean_fair_distance_h:.1f} h"
    for day in page_of_team.view.daily.itertuples():
        assert (shown[day.date, "short"], shown[day.date, "over"]) == (str(day.short),
                                                                       str(day.over))
    assert shown["1", "short"] == str(h.short)
    assert "short-hours" not in {k for _, k in shown}  # no empty per-queue table: no queues


def test_fair_share_table_shows_targets_and_balances(page_of_team: HeadcountPage) -> None:
    shown = cells(page_of_team.html)
    agents = page_of_team.view.agents
    assert (agents["balance_in_hours"] != 0).any()
    for a in agents.itertuples():
        assert shown[a.agent, "target"] == f"{a.target_hours:.1f}"
        assert shown[a.agent, "hours"] == f"{a.hours:.1f}"
        assert shown[a.agent, "balance-out"] == f"{a.balance_out_hours:+.1f}"
        assert shown[a.agent, "balance-in"] == (f"{a.balance_in_hours:+.1f}"
                                                if a.balance_in_hours else "")
    assert "Onboarding shifts and their mentors" in page_of_team.html
    # the grid's team column says who is in onboarding, and with whom (no skills to show)
    assert len(re.findall(r'data-team="onboarding, with [A-Z][^"]+"', page_of_team.html)) == 2
    assert 'data-team="mentor"' in page_of_team.html


def test_no_internal_shift_id_on_the_page(page_of_team: HeadcountPage) -> None:
    text = re.sub(r"<svg.*?</svg>", "", page_of_team.html, flags=re.S)
    assert not re.search(r"\bF-\d{4}-\d{4}\b", text)


@pytest.fixture
def opened(chromium: object, page_of_team: HeadcountPage) -> Iterator[tuple[object, list[str]]]:
    """The page in the session's Chromium, with the console errors it logged."""
    page = chromium.new_page(viewport={"width": 1366, "height": 900})  # type: ignore[attr-defined]
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(page_of_team.path.as_uri(), wait_until="load")
    yield page, errors
    page.close()


def test_browser_draws_the_headcount_chart_and_the_tables(
        opened: tuple, page_of_team: HeadcountPage) -> None:
    page, errors = opened
    assert errors == []
    for section in ("headline", "headcount", "roster", "fairness", "penalties"):
        assert page.locator(f"section#{section}").is_visible()
    chart = page.locator('figure.chart[data-kind="headcount"]')
    assert chart.count() == 1
    box = chart.locator("svg").bounding_box()
    assert box is not None and box["width"] > 600 and box["height"] > 100
    assert chart.locator('svg g[id^="series-"]').count() == HEADCOUNT_SERIES
    drawn = chart.locator('svg g[id="series-any-on-duty"] path').first.bounding_box()
    assert drawn is not None and drawn["width"] > 300  # the on-duty area spans the week
    assert chart.locator('svg g[id="series-any-short"] path').count() >= 1
    assert page.locator("#fair-share tbody tr").count() == page_of_team.agents
    BUILD.mkdir(exist_ok=True)
    shot = BUILD / "report-availability-team.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 50_000
