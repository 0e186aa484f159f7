"""The web app's speed (a benchmark, not a timed test): run with
``timeout 600 .venv/bin/python -m benchmarks.web``.

1. Roster page of a 200-agent team (fixtures/generate.py, last week's shifts moved a week on as
   the roster): server time of GET /teams/T/roster, median of 5 after one warm-up, beside
   ``check()`` alone on the same roster (the baseline, measured in the same run).
2. During a solve of fixtures/acme-support on a real server: the longest wait between two
   progress events of the event stream, and the slowest answer of the staffing page asked
   meanwhile (the solve runs in a worker process).
"""

from __future__ import annotations

import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import date, timedelta
from pathlib import Path

import httpx
from fastapi.testclient import TestClient

from fixtures.generate import make_team
from scheduler.check import check
from scheduler.load import load_team
from scheduler.staffing import requirements
from scheduler.web import make_settings
from scheduler.web.app import create_app
from scheduler.web.rosters import RosterFiles

ROOT = Path(__file__).resolve().parents[1]

SERVE = "import sys; from scheduler.web import serve; serve(sys.argv[1], port=int(sys.argv[2]))"


def roster_page(space: Path, agents: int = 200) -> None:
    folder = space / "big"
    make_team(folder, agents=agents)
    lines = (folder / "last_roster.csv").read_text().splitlines()
    moved = [lines[0]]
    for line in lines[1:]:
        agent, day, shift = line.split(",")
        moved.append(f"{agent},{date.fromisoformat(day) + timedelta(days=7)},{shift}")
    draft = RosterFiles(folder).draft
    draft.parent.mkdir()
    draft.write_text("\n".join(moved) + "\n")
    problem = load_team(folder)
    roster = RosterFiles(folder).read(problem)
    needs = requirements(problem)
    client = TestClient(create_app(make_settings(space)))
    assert client.get("/teams/big/staffing").status_code == 200  # warm-up: loads the folder
    started = time.perf_counter()
    assert client.get("/teams/big/roster").status_code == 200
    first = (time.perf_counter() - started) * 1000
    page, alone = [], []
    for _ in range(5):
        started = time.perf_counter()
        answer = client.get("/teams/big/roster")
        page.append(time.perf_counter() - started)
        started = time.perf_counter()
        check(problem, roster, needs)
        alone.append(time.perf_counter() - started)
    assert answer.status_code == 200
    ms, base = statistics.median(page) * 1000, statistics.median(alone) * 1000
    print(f"roster page, {agents} agents, {len(roster.shifts)} shifts: first {first:.0f} ms "
          f"(check() included), again {ms:.0f} ms (check() alone {base:.0f} ms, "
          f"first/check {first / base:.2f}, again/check {ms / base:.2f}); "
          f"{len(answer.text) / 1024:.0f} KiB of HTML")


def during_a_solve(space: Path, seconds: int = 20) -> None:
    shutil.copytree(ROOT / "fixtures" / "acme-support", space / "acme")
    port = 8765
    server = subprocess.Popen([sys.executable, "-c", SERVE, str(space), str(port)], cwd=ROOT)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                page = httpx.get(f"{base}/", timeout=2)
                break
            except httpx.TransportError:
                time.sleep(0.1)
        csrf = page.text.split('X-CSRF-Token": "')[1].split('"')[0]
        client = httpx.Client(base_url=base, cookies=page.cookies, timeout=60)
        client.post("/teams/acme/plan", data={"time_limit": str(seconds)},
                    headers={"X-CSRF-Token": csrf})
        stamps: list[float] = []

        def listen() -> None:
            with client.stream("GET", "/teams/acme/plan/events") as stream:
                for line in stream.iter_lines():
                    if line == "event: progress":
                        stamps.append(time.perf_counter())

        thread = threading.Thread(target=listen)
        thread.start()
        answers = []
        while thread.is_alive():
            started = time.perf_counter()
            assert httpx.get(f"{base}/teams/acme/staffing", timeout=60).status_code == 200
            answers.append(time.perf_counter() - started)
            time.sleep(0.5)
        gaps = [b - a for a, b in zip(stamps, stamps[1:], strict=False)]
        print(f"solve of acme ({seconds} s limit): {len(stamps)} progress events, longest gap "
              f"{max(gaps):.2f} s; staffing page answered {len(answers)} times meanwhile, "
              f"slowest {max(answers) * 1000:.0f} ms, median "
              f"{statistics.median(answers) * 1000:.0f} ms")
    finally:
        server.terminate()
        server.wait(10)


def main() -> None:
    with tempfile.TemporaryDirectory() as scratch:
        for name in ("a", "b"):
            (Path(scratch) / name).mkdir()
        roster_page(Path(scratch) / "a")
        if "--page-only" not in sys.argv:
            during_a_solve(Path(scratch) / "b")
    load = Path("/proc/loadavg").read_text().split()[:3]
    print(f"machine load (1, 5, 15 min): {' '.join(load)} on 2 cores")


if __name__ == "__main__":
    main()
