"""metrics.html in a real browser: Debian's Chromium driven by Playwright (no download).

The page must load from file:// with no other request and no console error, and draw every
chart with all its series (a heat map, backlog per queue, two time distributions per queue, SLA
per metric). A full-page screenshot and an A4 landscape PDF are kept under build/.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from conftest import open_offline

from scheduler.metrics.outputs import metrics_html
from tests.metrics.conftest import ROOT, Generated

BUILD = ROOT / "build"
pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def page_path(generated: Generated, tmp_path_factory: pytest.TempPathFactory) -> Path:
    html = metrics_html(generated.metrics, team="Helpdesk", time_zone="Europe/Berlin",
                        source="export/", generated_at=datetime(2026, 12, 1, tzinfo=UTC))
    path = tmp_path_factory.mktemp("metrics") / "metrics.html"
    path.write_text(html, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def opened(page_path: Path, chromium: object) -> Iterator[tuple[object, list[str], list[str]]]:
    page, errors, outside = open_offline(chromium, page_path)
    yield page, errors, outside
    page.close()


def test_loads_offline_without_errors(opened: tuple) -> None:
    page, errors, outside = opened
    assert errors == [] and outside == []
    assert page.title().startswith("Support metrics – Helpdesk – 2026-W48")


def test_every_chart_has_its_series(opened: tuple, generated: Generated) -> None:
    page, _, _ = opened
    ids = page.eval_on_selector_all("svg g[id^='series-']", "els => els.map(e => e.id)")
    queues = sorted({"email", "billing", "chat"})
    expected = {"series-volume"}
    expected |= {f"series-backlog-{q}" for q in queues}
    expected |= {f"series-{c}-{q}" for c in ("first_reply_minutes", "resolution_minutes")
                 for q in queues}
    expected |= {f"series-sla-{m}" for m in ("first_reply_time", "requester_wait_time")}
    assert set(ids) == expected
    sizes = page.eval_on_selector_all("figure.chart svg",
                                      "els => els.map(e => e.getBoundingClientRect().width)")
    assert len(sizes) == 5 and min(sizes) > 300
    headline = page.inner_text("[data-metric='created']")
    assert headline == f"{generated.metrics.value('created'):,.0f}"


def test_screenshot_and_a4_pdf(opened: tuple) -> None:
    page, _, _ = opened
    BUILD.mkdir(exist_ok=True)
    page.screenshot(path=str(BUILD / "metrics.png"), full_page=True)
    pdf = page.pdf(format="A4", landscape=True, print_background=True)
    (BUILD / "metrics.pdf").write_bytes(pdf)
    assert pdf.startswith(b"%PDF")
