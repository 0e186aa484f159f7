"""The what-if page in a real browser (Debian's Chromium via Playwright): the Scenarios
section shows one column per scenario and one chart line per queue and scenario, offline."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from scheduler.cli import app


def test_the_scenarios_section_in_chromium(tmp_path: Path, chromium: object) -> None:
    result = CliRunner().invoke(app, [
        "whatif", "fixtures/small", "-c", "remove ben", "-c", "volume +10% chat", "--out",
        str(tmp_path), "--work-limit", "0.2", "--jobs", "1", "--quiet"])
    assert result.exit_code == 0, result.output
    page = chromium.new_page(viewport={"width": 1366, "height": 900})  # type: ignore[attr-defined]
    errors: list[str] = []
    outside: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.route("**/*", lambda route: route.continue_() if route.request.url.startswith(
        "file://") else (outside.append(route.request.url), route.abort()))
    page.goto((tmp_path / "whatif.html").as_uri(), wait_until="load")
    section = page.locator("#scenarios")
    heads = section.locator("thead th[data-scenario]").all_inner_texts()
    lines = section.locator('svg g[id^="series-"]').count()
    hours = section.locator('tr[data-figure="hours scheduled"] td').all_inner_texts()
    box = section.locator("svg").bounding_box()
    page.close()
    assert heads == ["baseline", "remove ben; volume +10% chat"]
    assert lines == 2 * 2  # phone and chat, baseline and the scenario
    assert "(-" in hours[1]  # without ben fewer hours are scheduled
    assert box is not None and box["width"] > 600
    assert errors == [] and outside == []
