"""Shared test fixtures: paths of the fixture team folders and test data, and loaded problems."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from fixtures.caldav_servers import RadicaleServer, XandikosServer
from scheduler.domain import Problem
from scheduler.load import load_team

ROOT = Path(__file__).resolve().parents[1]
SMALL = ROOT / "fixtures" / "small"
ACME = ROOT / "fixtures" / "acme-support"
DATA = ROOT / "tests" / "data"


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


@pytest.fixture
def radicale(tmp_path: Path) -> Iterator[RadicaleServer]:
    """A running Radicale server with an empty storage folder, killed after the test."""
    server = RadicaleServer(tmp_path)
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(params=["radicale", "xandikos"])
def caldav_server(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[RadicaleServer]:
    """Each real CalDAV server in turn (Radicale, then Xandikos), empty, killed after."""
    server = (RadicaleServer if request.param == "radicale" else XandikosServer)(tmp_path)
    server.start()
    try:
        yield server
    finally:
        server.stop()
