"""Shared test fixtures: paths of the fixture team folders and test data, and loaded problems."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from fixtures.caldav_servers import RadicaleAccount, RadicaleServer, XandikosServer
from scheduler.domain import Problem
from scheduler.load import load_team

# The CLI's tables are as wide as the terminal; without one Rich takes 80 columns and wraps
# a long temporary path or message inside a cell, so a phrase a test looks for would depend
# on where the machine keeps its temporary files
os.environ["COLUMNS"] = "240"

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")  # Debian's Chromium, never a downloaded browser build
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
SMALL = ROOT / "fixtures" / "small"
ACME = ROOT / "fixtures" / "acme-support"
DATA = ROOT / "tests" / "data"


@contextmanager
def copy_of(folder: Path) -> Iterator[Path]:
    """A copy of the team folder, as ``team`` in a temporary directory removed afterwards."""
    with tempfile.TemporaryDirectory() as tmp:
        target = Path(tmp) / "team"
        shutil.copytree(folder, target)
        yield target


@pytest.fixture(scope="session")
def small_folder() -> Path:
    """fixtures/small: 5 agents, phone and chat, 3 days from Monday 2026-11-30."""
    return SMALL


@pytest.fixture(scope="session")
def acme_folder() -> Path:
    """fixtures/acme-support: 35 agents, phone, chat and e-mail, a week."""
    return ACME


@pytest.fixture(scope="session")
def data_dir() -> Path:
    """tests/data (broken team folders live in tests/data/broken/<name>/)."""
    return DATA


@pytest.fixture(scope="session")
def small_problem(small_folder: Path) -> Problem:
    """fixtures/small loaded once per session (a frozen Problem, safe to share)."""
    return load_team(small_folder)


@pytest.fixture(scope="session")
def radicale_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RadicaleServer]:
    """One real Radicale server for the session, killed at its end."""
    server = RadicaleServer(tmp_path_factory.mktemp("radicale"))
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def radicale(radicale_server: RadicaleServer, request: pytest.FixtureRequest) -> RadicaleAccount:
    """A login of the test's own (so no calendars yet) on the session's running Radicale."""
    account = RadicaleAccount(radicale_server, f"coord{_next_account()}", "s3cret-pw")
    account.ensure_running()
    return account


_ACCOUNTS = iter(range(1, 1_000_000))


def _next_account() -> int:
    return next(_ACCOUNTS)


@pytest.fixture(params=["radicale", "xandikos"])
def caldav_server(request: pytest.FixtureRequest, tmp_path: Path
                  ) -> Iterator[RadicaleServer | RadicaleAccount]:
    """Each real CalDAV server in turn (Radicale, then Xandikos), empty, killed after."""
    if request.param == "radicale":
        yield request.getfixturevalue("radicale")
        return
    server = XandikosServer(tmp_path)
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def chromium() -> Iterator[object]:
    """One headless Chromium for the whole session (Playwright's sync API allows one at a time);
    each test opens its own pages and closes them."""
    if not CHROMIUM.exists():
        pytest.fail("Chromium is missing: `make test` installs it (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark tests by the real components they start: a browser, a CalDAV server."""
    for item in items:
        names = set(getattr(item, "fixturenames", ()))
        if "chromium" in names:
            item.add_marker(pytest.mark.browser)
        if names & {"radicale", "caldav_server", "xandikos"}:
            item.add_marker(pytest.mark.caldav)


def open_offline(chromium: object, path: Path) -> tuple[object, list[str], list[str]]:
    """A page of ``path`` loaded from file:// with every other request aborted; with the
    console errors and the outside requests it tried (both lists fill as the page runs)."""
    page = chromium.new_page(viewport={"width": 1366, "height": 900})  # type: ignore[attr-defined]
    errors: list[str] = []
    outside: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))

    def guard(route: object) -> None:
        url = route.request.url  # type: ignore[attr-defined]
        if url.startswith("file://"):
            route.continue_()  # type: ignore[attr-defined]
        else:
            outside.append(url)
            route.abort()  # type: ignore[attr-defined]

    page.route("**/*", guard)
    page.goto(path.as_uri(), wait_until="load")
    return page, errors, outside
