"""A coordinator's week in the web app, end to end, in Debian's Chromium (Playwright).

On copies of fixtures/acme-support, fixtures/helpdesk and fixtures/small served by a real
server: fix an injected validate error in acme's agents table, plan with a short budget and see
the progress update, move a shift and see the finding it causes, undo it, publish, export
calendars, run one what-if scenario (the small team), assign tickets (the help desk). No
console error, and no request leaves the machine.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.web.conftest import ROOT, Server

pytestmark = [pytest.mark.browser, pytest.mark.slow]
SOLVE_S = 30  # the acme solve's time limit; column generation gets 20 % of it (see plan.py)
SOLVE_WORK = "2"  # deterministic seconds: a roster in about 10 s, with progress to watch
SHOTS = ROOT / "build" / "web"


def open_page(browser: object, server: Server, errors: list[str], outside: list[str],
              **options: object) -> object:
    """A page whose console errors and non-local requests are collected (and aborted)."""
    page = browser.new_page(**options)  # type: ignore[attr-defined]
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))

    def guard(route: object) -> None:
        url = route.request.url  # type: ignore[attr-defined]
        if url.startswith(server.url):
            route.continue_()  # type: ignore[attr-defined]
        else:
            outside.append(url)
            route.abort()  # type: ignore[attr-defined]

    page.route("**/*", guard)
    return page


def break_skills(folder: Path) -> str:
    """Put an unknown queue in the first agent's skills; the right value to type back."""
    agents = folder / "agents.csv"
    lines = agents.read_text().splitlines()
    header = lines[0].split(",")
    cells = lines[1].split(",")
    column = header.index("skills")
    good = cells[column]
    cells[column] = good.replace("phone", "phnoe")
    agents.write_text("\n".join([lines[0], ",".join(cells), *lines[2:]]) + "\n")
    return good


def test_a_coordinators_week(chromium: object, server_for: Callable[..., Server]) -> None:
    server = server_for("acme-support", "helpdesk", "small")
    acme = server.workspace / "acme-support"
    good = break_skills(acme)
    errors: list[str] = []
    outside: list[str] = []
    page = open_page(chromium, server, errors, outside, viewport={"width": 1366, "height": 900})
    team = f"{server.url}/teams/acme-support"

    # 1. the team page shows the problem in its cell; fixing it there saves the file
    page.goto(team)
    assert "1 problem" in page.locator("#problems").inner_text()
    cell = page.locator("#table-agents input[aria-invalid=true]")
    assert cell.count() == 1 and "phnoe" in cell.input_value()
    cell.fill(good)
    page.get_by_role("button", name="Save agents.csv").click()
    page.locator("#table-agents .ok").wait_for()
    assert "valid" in page.locator("#problems").inner_text()
    assert good in (acme / "agents.csv").read_text()

    # 2. plan with a short budget: the progress updates while the solve runs
    page.goto(f"{team}/plan")
    page.fill("#time_limit", str(SOLVE_S))
    page.fill("#work_limit", SOLVE_WORK)
    page.get_by_role("button", name="Start the solve").click()
    seen: list[str] = []
    status = page.locator("#solve-status")
    for _ in range(4 * (SOLVE_S + 60)):
        elapsed = page.locator("#solve-elapsed").inner_text()
        if not seen or seen[-1] != elapsed:
            seen.append(elapsed)
        if status.inner_text() != "solving":
            break
        page.wait_for_timeout(250)
    assert status.inner_text() == "✓ done", page.locator("#solve").inner_text()
    assert len(seen) >= 3, seen  # the first state and at least two updates
    assert page.locator("#solve-best").inner_text() != "–"
    assert (acme / "roster" / "roster.csv").exists()

    # 3. move a shift: the finding it causes shows at once; undo takes it back
    page.get_by_role("link", name="Open the roster").click()
    tanja = page.get_by_label("Tanja Weber, Mon 30 Nov, time off (approved): Holiday")
    assert tanja.input_value() == ""  # approved holiday: the solve gave her no shift
    tanja.select_option(index=1)
    caused = page.locator("#caused")
    caused.wait_for()
    assert "Tanja Weber" in caused.inner_text() and "hard" in caused.inner_text()
    assert "finding" in (page.locator("td", has=tanja).get_attribute("class") or "")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "roster-page.png"))
    page.get_by_role("button", name="Undo the last change").click()
    page.locator("#roster-note", has_text="Undone").wait_for()
    assert tanja.input_value() == ""
    assert page.locator("#caused").count() == 0

    # 4. publish
    page.get_by_role("button", name="Save and publish (published_roster.csv)").click()
    page.locator("#roster-note", has_text="Published").wait_for()
    published = (acme / "published_roster.csv").read_text().splitlines()
    assert published[0] == "agent,date,shift" and len(published) > 35

    # 5. calendars
    page.goto(f"{team}/calendars")
    page.get_by_role("button", name="Export calendars").click()
    page.locator("#calendar-result .ok").wait_for()
    assert (acme / "calendars" / "team.ics").read_text().count("BEGIN:VEVENT") == \
        len(published) - 1

    # 6. one what-if scenario
    page.goto(f"{server.url}/teams/small/whatif")  # the small team: two solves, not acme's
    page.fill("#changes", "volume +20% chat")
    page.fill("#work_limit", "1")
    page.get_by_role("button", name="Compare with the baseline").click()
    page.set_default_timeout(60_000)
    table = page.locator("#whatif-table")
    table.wait_for(timeout=400_000)
    assert table.locator("thead th").all_inner_texts()[1:] == ["baseline", "volume +20% chat"]
    assert (server.workspace / "small" / "whatif" / "whatif.csv").exists()

    # 7. tickets of the help desk
    page.goto(f"{server.url}/teams/helpdesk/tickets")
    page.get_by_role("button", name="Assign").click()
    rows = page.locator("#assignments tbody tr")
    rows.first.wait_for(timeout=60_000)
    assert rows.count() >= 5
    assert (server.workspace / "helpdesk" / "assignments" / "assignments.csv").exists()

    for url in (team, f"{team}/staffing", f"{team}/report", f"{team}/roster"):
        page.goto(url)
    page.close()
    assert errors == []
    assert outside == []
