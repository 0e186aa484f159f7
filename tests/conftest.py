"""Shared test fixtures: paths of the fixture team folders and test data, and loaded problems."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

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


class RadicaleServer:
    """A real Radicale CalDAV server on 127.0.0.1, run as a subprocess by the tests.

    Plain-text htpasswd login (user ``coord``, password ``s3cret-pw``); the storage folder
    survives :meth:`stop` so a restarted server sees what was saved before.
    """

    user, password = "coord", "s3cret-pw"

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        (folder / "users").write_text(f"{self.user}:{self.password}\n")
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        """Start the server and wait until it answers."""
        command = [sys.executable, "-m", "radicale", "--server-hosts", f"127.0.0.1:{self.port}",
                   "--auth-type", "htpasswd", "--auth-htpasswd-filename",
                   str(self.folder / "users"), "--auth-htpasswd-encryption", "plain",
                   "--storage-filesystem-folder", str(self.folder / "storage"),
                   "--logging-level", "warning"]
        log = open(self.folder / "radicale.log", "ab")  # noqa: SIM115 - closed with the process
        self.process = subprocess.Popen(command, stdout=log, stderr=log)
        log.close()
        self._wait("radicale.log")

    def _wait(self, log: str) -> None:
        assert self.process is not None
        for _ in range(300):
            if self.process.poll() is not None:
                raise RuntimeError((self.folder / log).read_text())
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", self.port)) == 0:
                    return
            time.sleep(0.05)
        raise RuntimeError(f"{type(self).__name__} did not start")

    def stop(self) -> None:
        """Kill the server (no clean shutdown: as if it crashed)."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)
        self.process = None


class XandikosServer(RadicaleServer):
    """A real Xandikos CalDAV server on 127.0.0.1 (a second implementation beside Radicale).

    Xandikos serves without a login over plain HTTP (its Basic auth needs TLS), so the tests
    publish to it without ``--user``; ``user`` and ``password`` are None. Its storage (one
    git repository per calendar) survives :meth:`stop` like Radicale's.
    """

    user = password = None  # type: ignore[assignment]

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        self.process = None

    def start(self) -> None:
        """Start the server and wait until it answers."""
        command = [sys.executable, "-m", "xandikos", "serve", "--autocreate", "-d",
                   str(self.folder / "storage"), "-l", "127.0.0.1", "-p", str(self.port),
                   "--state-dir", str(self.folder / "state"), "--no-detect-systemd"]
        log = open(self.folder / "xandikos.log", "ab")  # noqa: SIM115 - closed with the process
        self.process = subprocess.Popen(command, stdout=log, stderr=log)
        log.close()
        self._wait("xandikos.log")


def _free_port() -> int:
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        return int(holder.getsockname()[1])


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
