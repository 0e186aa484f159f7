"""The web app's test fixtures: a workspace of fixture copies, an in-process client, and a
real server (uvicorn in a subprocess) for the browser tests."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from scheduler.web import make_settings
from scheduler.web.app import create_app

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "fixtures"
TOKEN = "test-token-4c1f"
HOSTILE = "<img src=x onerror=alert(1)>"


def make_workspace(folder: Path, *teams: str) -> Path:
    """``folder`` holding copies of the named fixture team folders."""
    folder.mkdir(parents=True, exist_ok=True)
    for team in teams:
        shutil.copytree(FIXTURES / team, folder / team)
    return folder


def csrf_of(html: str) -> str:
    """The CSRF token a page hands to htmx."""
    found = re.search(r'X-CSRF-Token": "([^"]+)"', html)
    assert found, "the page carries no CSRF token"
    return found.group(1)


@dataclass
class Client:
    """A TestClient with the CSRF header every htmx request sends."""

    http: TestClient
    csrf: str

    def get(self, url: str, **kw: object) -> object:
        return self.http.get(url, **kw)  # type: ignore[arg-type]

    def post(self, url: str, **kw: object) -> object:
        headers = {"X-CSRF-Token": self.csrf, **kw.pop("headers", {})}  # type: ignore[dict-item]
        return self.http.post(url, headers=headers, **kw)  # type: ignore[arg-type]


@pytest.fixture
def client_for(tmp_path: Path) -> Callable[..., Client]:
    """A client over a fresh workspace of the named fixtures (``token`` for login mode)."""

    def build(*teams: str, token: str | None = None, upload_bytes: int = 1 << 20) -> Client:
        space = make_workspace(tmp_path / "ws", *teams)
        settings = make_settings(space, token=token, upload_bytes=upload_bytes)
        http = TestClient(create_app(settings), follow_redirects=False)
        return Client(http, csrf_of(http.get("/login").text))

    return build


def free_port() -> int:
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        return int(holder.getsockname()[1])


@dataclass
class Server:
    """``scheduler serve`` running on 127.0.0.1 in a subprocess."""

    workspace: Path
    url: str
    process: subprocess.Popen[bytes]
    log: Path


@pytest.fixture
def server_for(tmp_path: Path) -> Iterator[Callable[..., Server]]:
    """Start a real server over a workspace of fixture copies; stopped after the test."""
    started: list[Server] = []

    def start(*teams: str, token: str | None = None) -> Server:
        space = make_workspace(tmp_path / "ws", *teams)
        port = free_port()
        log = tmp_path / "server.log"
        command = [sys.executable, str(ROOT / "cli.py"), "serve", str(space), "--port", str(port)]
        env = {**os.environ, "SCHEDULER_WEB_TOKEN": token or ""}
        handle = open(log, "ab")  # noqa: SIM115 - closed with the process
        process = subprocess.Popen(command, stdout=handle, stderr=handle, env=env, cwd=ROOT)
        handle.close()
        server = Server(space, f"http://127.0.0.1:{port}", process, log)
        started.append(server)
        for _ in range(600):
            if process.poll() is not None:
                raise RuntimeError(log.read_text())
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", port)) == 0:
                    return server
            time.sleep(0.05)
        raise RuntimeError("the server did not start: " + log.read_text())

    yield start
    for server in started:
        server.process.terminate()
        try:
            server.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.process.kill()
