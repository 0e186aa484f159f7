"""An agent's personal link, in Chromium at a phone's width, on a server with a token.

The agent marks Monday 08:00-16:00 as preferred on the grid; the rows land in
availability.csv (the agent had no Monday before), the next roster offers and gives Monday
shifts only inside that window; another agent's rows and the coordinator's pages are refused
with the link; a withdrawn or expired link is refused.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest

from scheduler.load import load_team
from scheduler.solvers.roster import solve
from scheduler.staffing import requirements
from scheduler.web import make_settings
from scheduler.web.links import issue
from tests.web.conftest import TOKEN, Server
from tests.web.test_browser_week import open_page

pytestmark = [pytest.mark.browser, pytest.mark.slow]
AGENT = "mila.otto"  # no Monday availability in the fixture
PHONE = {"width": 390, "height": 844}


def coordinator_link(page: object, server: Server) -> str:
    """Log in as the coordinator and create the agent's link on the links page."""
    page.goto(f"{server.url}/login")  # type: ignore[attr-defined]
    page.fill("#token", TOKEN)  # type: ignore[attr-defined]
    page.get_by_role("button", name="Log in").click()  # type: ignore[attr-defined]
    page.wait_for_url(f"{server.url}/")  # type: ignore[attr-defined]
    page.goto(f"{server.url}/teams/availability-team/links")  # type: ignore[attr-defined]
    page.get_by_role("button", name="Create a link for Mila Otto").click()  # type: ignore[attr-defined]
    link: str = page.locator("#new-link").input_value()  # type: ignore[attr-defined]
    return link


def test_an_agent_marks_availability_from_a_phone(chromium: object,
                                                  server_for: Callable[..., Server]) -> None:
    browser = chromium
    server = server_for("availability-team", token=TOKEN)
    folder = server.workspace / "availability-team"
    errors: list[str] = []
    outside: list[str] = []
    coordinator = open_page(browser, server, errors, outside)
    link = coordinator_link(coordinator, server)
    assert "Mila Otto" in coordinator.locator("#links-body").inner_text()  # type: ignore[attr-defined]

    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)  # type: ignore[attr-defined]
    agent = context.new_page()
    agent.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    agent.goto(link)
    assert agent.locator("h1").inner_text().startswith("Mila Otto")
    grid = agent.locator("#availability-grid")
    assert grid.bounding_box()["width"] <= PHONE["width"]
    for hour in range(8, 16):
        for minute in ("00", "30"):
            end = f"{hour:02d}:30" if minute == "00" else f"{hour + 1:02d}:00"
            agent.get_by_label(f"Mon 30 Nov {hour:02d}:{minute}–{end}").select_option("preferred")
    agent.get_by_role("button", name="Save Mon 30 Nov").click()
    agent.locator("#agent-note").wait_for()
    rows = [line for line in (folder / "availability.csv").read_text().splitlines()
            if line.startswith(f"{AGENT},2026-11-30,")]
    assert f"{AGENT},2026-11-30,08:00,16:00,preferred" in rows
    assert all(r.endswith("unavailable") or r.endswith("preferred") for r in rows)

    # the link changes only its own rows, and opens no coordinator page
    csrf = agent.locator("body").get_attribute("hx-headers").split('"')[3]
    other = agent.request.post(f"{link}/availability", headers={"X-CSRF-Token": csrf},
                               form={"agent": "emil.haas", "day": "0"})
    assert other.status == 403
    agent.goto(f"{server.url}/teams/availability-team")
    assert agent.url.endswith("/login")
    assert "Emil Haas" not in agent.content()

    # the coordinator sees the answer; withdrawing the link refuses it
    coordinator.goto(f"{server.url}/teams/availability-team/links")  # type: ignore[attr-defined]
    row = coordinator.locator("tr", has_text="Mila Otto")  # type: ignore[attr-defined]
    assert "✓ yes" in row.inner_text()
    coordinator.get_by_role("button", name="Withdraw the links of Mila Otto").click()  # type: ignore[attr-defined]
    coordinator.locator("#links-body", has_text="Withdrew 1 link").wait_for()  # type: ignore[attr-defined]
    refused = context.new_page()  # refusals answer 403, which Chromium logs: not watched
    refused.goto(link)
    assert "withdrawn" in refused.locator("main").inner_text()
    context.close()

    # an expired link is refused
    settings = make_settings(server.workspace, token=TOKEN)
    problem = load_team(folder)
    old = issue(settings, "availability-team", problem, AGENT,
                now=datetime.now(UTC) - timedelta(days=30))
    page = browser.new_page(viewport=PHONE)  # type: ignore[attr-defined]
    page.goto(f"{server.url}/agent/{old}")
    assert "expired" in page.locator("main").inner_text()
    page.close()
    assert errors == [] and outside == []

    # the roster uses the rows: Monday shifts are offered, and given, only inside 08:00-16:00
    offers = [o for o in problem.offers if o.agent == AGENT and o.day == 0]
    assert offers and offers[0].templates
    clock = problem.clock
    for template in offers[0].templates:
        start, end = problem.shift_span(_shift(AGENT, 0, template))
        assert clock.local(start).hour >= 8 and clock.local(end) <= clock.local(0).replace(
            hour=16)
    result = solve(problem, requirements(problem), time_limit=60, work_limit=0.5, workers=1)
    assert result.roster is not None and result.evaluation is not None
    assert not result.evaluation.hard
    assert result.report.objective == result.evaluation.total_penalty
    for shift in result.roster.shifts:
        if shift.agent == AGENT and shift.day == 0:
            assert shift.template in offers[0].templates


def _shift(agent: str, day: int, template: str) -> object:
    from scheduler.domain import Shift

    return Shift(agent=agent, day=day, template=template)
