"""The report in a real browser: Debian's Chromium driven by Playwright (no browser download).

The page must load from file:// without any other request, log no console error, draw every
chart with its series, sort the roster grid on a click, and print to A4 landscape. A full-page
screenshot and the PDF are kept under build/ for a person to look at.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from conftest import open_offline

from tests.report.conftest import BUILD, Page

SERIES = {"coverage": 4, "service": 5}  # series groups per chart (see export/charts.py)
A4_LANDSCAPE = (841.89, 595.28)  # points


@pytest.fixture
def opened(chromium: object, acme_page: Page) -> Iterator[tuple[object, list[str], list[str]]]:
    """The page loaded, with the console errors and the non-file requests it made."""
    page, errors, outside = open_offline(chromium, acme_page.path)
    yield page, errors, outside
    page.close()


def test_loads_offline_without_errors(opened: tuple) -> None:
    page, errors, outside = opened
    assert outside == []
    assert errors == []
    for section in ("headline", "coverage", "service", "roster", "fairness", "penalties"):
        assert page.locator(f"section#{section}").is_visible()
    assert "Europe/Berlin" in page.locator("#planning").inner_text()
    assert page.locator("#generated").inner_text().startswith("Generated 2026-11-27")


def test_every_chart_rendered_with_its_series(opened: tuple, acme_page: Page) -> None:
    page = opened[0]
    charts = page.locator("figure.chart")
    live = sum(str(q.channel) != "email" for q in acme_page.problem.queues)
    assert charts.count() == len(acme_page.problem.queues) + live
    for i in range(charts.count()):
        chart = charts.nth(i)
        kind = chart.get_attribute("data-kind")
        box = chart.locator("svg").bounding_box()
        assert box is not None and box["width"] > 600 and box["height"] > 100
        assert chart.locator('svg g[id^="series-"]').count() == SERIES[kind]
        assert chart.locator("svg path").count() > 10  # drawn, not an empty frame


def _column(page: object, key: str) -> list[str]:
    return page.eval_on_selector_all(  # type: ignore[attr-defined]
        "#grid tbody tr", f"rows => rows.map(r => r.getAttribute('data-{key}'))")


def test_grid_sorts_on_click(opened: tuple, acme_page: Page) -> None:
    page = opened[0]
    assert len(_column(page, "agent")) == len(acme_page.problem.agents)
    page.get_by_role("button", name="Hours").click()
    hours = [float(h) for h in _column(page, "hours")]
    assert hours == sorted(hours, reverse=True) and hours[0] > hours[-1]
    page.get_by_role("button", name="Team (skills)").click()
    teams = _column(page, "team")
    assert teams == sorted(teams, key=str.lower) and teams[0] != teams[-1]
    page.get_by_role("button", name="Name").click()
    names = _column(page, "name")
    assert names == sorted(names, key=str.lower)
    assert page.get_by_role("button", name="Name").get_attribute("aria-pressed") == "true"
    page.get_by_role("button", name="Name").click()
    assert _column(page, "name") == names[::-1]


def test_screenshot_and_a4_landscape_pdf(opened: tuple) -> None:
    page = opened[0]
    BUILD.mkdir(exist_ok=True)
    shot = BUILD / "report-acme.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 50_000
    pdf = page.pdf(format="A4", landscape=True, print_background=True)
    (BUILD / "report-acme.pdf").write_bytes(pdf)
    assert pdf.startswith(b"%PDF")
    boxes = re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", pdf)
    assert len(boxes) >= 3  # several pages: charts, grid, penalties
    for width, height in boxes:
        assert (float(width), float(height)) == pytest.approx(A4_LANDSCAPE, abs=1)
