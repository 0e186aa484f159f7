"""Publishing to a real CalDAV server (Radicale on 127.0.0.1, started by the tests).

The server is read back with the ``caldav`` client after every step: one event per shift and
time off, none duplicated, changed ones updated in place, removed ones gone, also when the
server dies in the middle of a publish and the command is run again.
"""

from __future__ import annotations

import json
import shutil
import threading
from datetime import UTC, datetime, timedelta
from http.client import HTTPConnection
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from caldav.davclient import DAVClient
from typer.testing import CliRunner

from fixtures.caldav_servers import RadicaleServer
from scheduler.cli import app
from scheduler.domain import Problem, Roster, Shift
from scheduler.export.publish import STATE_FILE, PublishError, PublishResult
from scheduler.export.publish import publish as publish_roster
from scheduler.load import load_team
from scheduler.staffing import requirements
from scheduler.staffing.covering import covering_plan

runner = CliRunner()
T0 = datetime(2026, 11, 20, 9, tzinfo=UTC)

FIRST = [("ana", 0, "E"), ("ana", 1, "E"), ("ana", 2, "E"), ("ben", 0, "L"), ("ben", 1, "L"),
         ("chloe", 0, "E"), ("dana", 0, "E"), ("emil", 2, "L")]


def publish(problem: Problem, roster: Roster, url: str, **options: object) -> PublishResult:
    """Publish with the roster's covering plan, as the command does."""
    plan = covering_plan(problem, requirements(problem), roster)
    return publish_roster(problem, roster, plan, url, **options)  # type: ignore[arg-type]


def roster_of(cells: list[tuple[str, int, str]]) -> Roster:
    return Roster(shifts=tuple(Shift(agent=a, day=d, template=t) for a, d, t in cells))


def server_events(server: RadicaleServer) -> dict[str, dict[str, object]]:
    """Calendar id -> UID -> VEVENT, read with the caldav client; a repeated UID fails."""
    client = DAVClient(server.url, username=server.user, password=server.password)
    found: dict[str, dict[str, object]] = {}
    for calendar in client.principal().calendars():
        name = str(calendar.url).rstrip("/").rsplit("/", 1)[-1]
        uids: dict[str, object] = {}
        for item in calendar.events():
            event = item.icalendar_component
            assert str(event["UID"]) not in uids, f"duplicate {event['UID']} in {name}"
            uids[str(event["UID"])] = event
        found[name] = uids
    return found


def stored_objects(server: RadicaleServer) -> dict[str, tuple[str, list[str]]]:
    """Calendar id -> (display name, raw text of every object stored in it)."""
    client = DAVClient(server.url, username=server.user, password=server.password)
    return {str(c.url).rstrip("/").rsplit("/", 1)[-1]: (c.get_display_name(),
                                                       [e.data for e in c.events()])
            for c in client.principal().calendars()}


def assert_stored_objects_have_no_method(server: RadicaleServer) -> None:
    """RFC 4791 §4.1: no calendar object resource on the server carries METHOD."""
    found = stored_objects(server)
    texts = [text for _, texts in found.values() for text in texts]
    assert texts and all("BEGIN:VEVENT" in text for text in texts)
    assert not any(line.upper().startswith("METHOD")
                   for text in texts for line in text.splitlines())


def expected(problem: Problem, cells: list[tuple[str, int, str]]) -> dict[str, list[datetime]]:
    """Calendar id -> sorted UTC starts of the agent's shifts."""
    starts: dict[str, list[datetime]] = {}
    for agent, day, template in cells:
        start, _ = problem.shift_span(Shift(agent=agent, day=day, template=template))
        starts.setdefault(f"shifts-{agent}", []).append(
            problem.clock.origin + timedelta(minutes=start))
    return {name: sorted(found) for name, found in starts.items()}


def shift_starts(events: dict[str, dict[str, object]]) -> dict[str, list[datetime]]:
    """Calendar id -> sorted UTC starts of the timed (shift) events on the server."""
    found = {}
    for name, uids in events.items():
        timed = [e.decoded("DTSTART") for e in uids.values()]  # type: ignore[attr-defined]
        found[name] = sorted(t.astimezone(UTC) for t in timed if isinstance(t, datetime))
    return {name: starts for name, starts in found.items() if starts}


@pytest.mark.caldav
def test_publish_update_crash_and_resume(caldav_server: RadicaleServer, small_problem: Problem,
                                         tmp_path: Path) -> None:
    """Publish, change, kill-and-resume, re-publish unchanged: on Radicale and on Xandikos."""
    radicale = caldav_server
    state = tmp_path / STATE_FILE
    login = {"user": radicale.user, "password": radicale.password, "state_path": state}
    first = publish(small_problem, roster_of(FIRST), radicale.url, now=T0, **login)
    assert first.count("create") == len(FIRST) + 1  # and dana's approved day off
    on_server = server_events(radicale)
    assert shift_starts(on_server) == expected(small_problem, FIRST)
    assert sum(len(uids) for uids in on_server.values()) == len(FIRST) + 1
    day_off = [e for e in on_server["shifts-dana"].values()
               if not isinstance(e.decoded("DTSTART"), datetime)]  # type: ignore[attr-defined]
    assert len(day_off) == 1
    assert not any(not isinstance(e.decoded("DTSTART"), datetime)  # type: ignore[attr-defined]
                   for name, uids in on_server.items() if name != "shifts-dana"
                   for e in uids.values())

    # second publish: Ana's Tuesday moves from early to late
    second_cells = [("ana", 1, "L") if c == ("ana", 1, "E") else c for c in FIRST]
    again = publish(small_problem, roster_of(second_cells), radicale.url,
                    now=T0 + timedelta(hours=1), **login)
    assert again.count("create") == 0 and again.count("delete") == 0
    assert again.count("update") >= 1
    on_server = server_events(radicale)
    assert shift_starts(on_server) == expected(small_problem, second_cells)
    moved = [e for e in on_server["shifts-ana"].values()
             if e.decoded("DTSTART").astimezone(UTC).hour == 12]  # type: ignore[attr-defined]
    assert len(moved) == 1 and moved[0].decoded("SEQUENCE") == 1  # type: ignore[attr-defined]

    # third publish: Ben's Tuesday goes, Chloé's Monday moves, Emil gets a Tuesday; the
    # server dies after the first change it accepted
    third_cells = [c for c in second_cells if c != ("ben", 1, "L")]
    third_cells = [("chloe", 0, "L") if c == ("chloe", 0, "E") else c for c in third_cells]
    third_cells.append(("emil", 1, "L"))
    accepted: list[object] = []

    def crash(operation: object) -> None:
        accepted.append(operation)
        radicale.stop()

    with pytest.raises(PublishError, match="cannot reach"):
        publish(small_problem, roster_of(third_cells), radicale.url, now=T0 + timedelta(hours=2),
                on_operation=crash, **login)
    assert len(accepted) == 1
    planned = publish(small_problem, roster_of(third_cells), radicale.url, dry_run=True,
                      now=T0 + timedelta(hours=3), **login)
    radicale.start()
    rest = publish(small_problem, roster_of(third_cells), radicale.url,
                   now=T0 + timedelta(hours=3), **login)
    assert rest.done == len(planned.operations) >= 3  # the accepted change is not sent again
    on_server = server_events(radicale)
    assert shift_starts(on_server) == expected(small_problem, third_cells)
    assert sum(len(uids) for uids in on_server.values()) == len(third_cells) + 1
    final = publish(small_problem, roster_of(third_cells), radicale.url,
                    now=T0 + timedelta(hours=4), **login)
    assert final.operations == [] and final.unchanged == len(third_cells) + 1
    assert_stored_objects_have_no_method(caldav_server)


def test_an_answer_lost_after_the_server_saved_is_repeated_without_a_duplicate(
        radicale: RadicaleServer, small_problem: Problem, tmp_path: Path) -> None:
    state = tmp_path / STATE_FILE
    login = {"user": radicale.user, "password": radicale.password, "state_path": state}
    publish(small_problem, roster_of(FIRST), radicale.url, now=T0, **login)
    # as if the last answers never arrived: the server has the events, the state does not
    data = json.loads(state.read_text())
    forgotten = data["events"][:3]
    data["events"] = data["events"][3:]
    state.write_text(json.dumps(data))
    again = publish(small_problem, roster_of(FIRST), radicale.url, now=T0, **login)
    assert again.count("create") == 3
    on_server = server_events(radicale)
    assert sum(len(uids) for uids in on_server.values()) == len(FIRST) + 1
    assert all(any(r["uid"] in uids for uids in on_server.values()) for r in forgotten)


def copy_small(tmp_path: Path, small_folder: Path) -> Path:
    """fixtures/small with a calendar column: Ana publishes to ``ana-rota``."""
    team = tmp_path / "team"
    shutil.copytree(small_folder, team)
    lines = (team / "agents.csv").read_text().splitlines()
    lines[0] += ",calendar"
    lines[1:] = [line + (",ana-rota" if line.startswith("ana,") else ",") for line in lines[1:]]
    (team / "agents.csv").write_text("\n".join(lines) + "\n")
    roster = tmp_path / "roster.csv"
    roster.write_text("agent,date,shift\n" + "".join(
        f"{a},2026-{11 if d == 0 else 12}-{30 if d == 0 else d:02d},{t}\n" for a, d, t in FIRST))
    return team


def test_cli_publish_dry_run_errors_and_secrets(radicale: RadicaleServer, small_folder: Path,
                                                tmp_path: Path) -> None:
    team = copy_small(tmp_path, small_folder)
    roster = str(tmp_path / "roster.csv")
    base = ["publish", str(team), roster, "--caldav", radicale.url, "--user", radicale.user]
    env = {"CALDAV_PASSWORD": radicale.password}
    dry = runner.invoke(app, [*base, "--dry-run"], env=env)
    assert dry.exit_code == 0, dry.output
    assert "would be 9 created, 0 updated, 0 deleted" in " ".join(dry.output.split())
    assert not (tmp_path / STATE_FILE).exists() and server_events(radicale) == {}

    done = runner.invoke(app, base, env=env)
    assert done.exit_code == 0, done.output
    on_server = server_events(radicale)
    assert len(on_server["ana-rota"]) == 3 and "shifts-ana" not in on_server
    assert radicale.password not in done.output
    assert radicale.password not in (tmp_path / STATE_FILE).read_text()

    wrong = runner.invoke(app, base, env={"CALDAV_PASSWORD": "not-the-password"})
    missing = runner.invoke(app, base, env={"CALDAV_PASSWORD": ""})
    radicale.stop()
    down = runner.invoke(app, base, env=env)
    # nothing to send: the server is not asked, so neither a bad login nor a dead server matter
    assert (wrong.exit_code, missing.exit_code, down.exit_code) == (0, 2, 0)
    edited = (tmp_path / "roster.csv").read_text().replace("ben,2026-12-01,L\n", "")
    (tmp_path / "roster.csv").write_text(edited)
    down = runner.invoke(app, base, env=env)
    assert down.exit_code == 1
    assert "cannot reach" in down.output and len(down.output.strip().splitlines()) == 1
    radicale.start()
    wrong = runner.invoke(app, base, env={"CALDAV_PASSWORD": "not-the-password"})
    assert wrong.exit_code == 1 and "refused the login" in wrong.output
    assert "not-the-password" not in wrong.output
    dry = runner.invoke(app, [*base, "--dry-run"], env=env)
    assert "would be 0 created, 0 updated, 1 deleted" in " ".join(dry.output.split())
    done = runner.invoke(app, base, env=env)
    assert done.exit_code == 0 and len(server_events(radicale)["shifts-ben"]) == 1


def test_the_state_file_belongs_to_one_server(radicale: RadicaleServer, small_folder: Path,
                                              tmp_path: Path) -> None:
    team = copy_small(tmp_path, small_folder)
    base = ["publish", str(team), str(tmp_path / "roster.csv"), "--user", radicale.user]
    env = {"CALDAV_PASSWORD": radicale.password}
    assert runner.invoke(app, [*base, "--caldav", radicale.url], env=env).exit_code == 0
    other = runner.invoke(app, [*base, "--caldav", "http://127.0.0.1:9/"], env=env)
    assert other.exit_code == 2 and "caldav-state.json" in other.output
    assert load_team(team).agent_index["ana"].calendar == "ana-rota"


class FailingProxy:
    """A pass-through HTTP proxy to the CalDAV server that answers ``status`` (503) once
    ``fail_from`` requests went through (``None``: never), like a server failing mid-way."""

    def __init__(self, upstream: int) -> None:
        self.upstream, self.seen, self.fail_from, self.status = upstream, 0, None, 503
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def __getattr__(self, name: str) -> object:
                if name.startswith("do_"):
                    return self.forward
                raise AttributeError(name)

            def forward(self) -> None:
                proxy.seen += 1
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                if proxy.fail_from is not None and proxy.seen > proxy.fail_from:
                    self.send_response(proxy.status)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                connection = HTTPConnection("127.0.0.1", proxy.upstream, timeout=30)
                headers = {k: v for k, v in self.headers.items() if k.lower() != "host"}
                connection.request(self.command, self.path, body or None, headers)
                answer = connection.getresponse()
                data = answer.read()
                self.send_response(answer.status)
                for key, value in answer.getheaders():
                    if key.lower() not in ("content-length", "transfer-encoding", "connection"):
                        self.send_header(key, value)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
                connection.close()

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def test_a_server_failing_mid_way_loses_nothing(radicale: RadicaleServer, small_problem: Problem,
                                                tmp_path: Path) -> None:
    proxy = FailingProxy(radicale.port)
    try:
        login = {"user": radicale.user, "password": radicale.password,
                 "state_path": tmp_path / STATE_FILE}
        proxy.fail_from = 12  # discovery, a few calendars and events, then 503
        with pytest.raises(PublishError, match="HTTP 503"):
            publish(small_problem, roster_of(FIRST), proxy.url, now=T0, **login)
        recorded = json.loads((tmp_path / STATE_FILE).read_text())["events"]
        on_server = server_events(radicale)
        assert 0 < len(recorded) < len(FIRST) + 1
        # the state holds exactly what the server accepted
        assert {r["uid"] for r in recorded} == {uid for uids in on_server.values()
                                                for uid in uids}
        proxy.fail_from = None
        rest = publish(small_problem, roster_of(FIRST), proxy.url, now=T0, **login)
        assert rest.done == len(FIRST) + 1 - len(recorded)
        on_server = server_events(radicale)
        assert shift_starts(on_server) == expected(small_problem, FIRST)
        assert sum(len(uids) for uids in on_server.values()) == len(FIRST) + 1
    finally:
        proxy.close()


def test_a_refusal_mid_way_is_one_clear_error(radicale: RadicaleServer, small_problem: Problem,
                                              tmp_path: Path) -> None:
    proxy = FailingProxy(radicale.port)
    try:
        proxy.fail_from, proxy.status = 12, 403
        with pytest.raises(PublishError, match=r"forbade saving event .* \(403\)") as caught:
            publish(small_problem, roster_of(FIRST), proxy.url, now=T0, user=radicale.user,
                    password=radicale.password, state_path=tmp_path / STATE_FILE)
        assert "\n" not in str(caught.value) and radicale.password not in str(caught.value)
    finally:
        proxy.close()


@pytest.mark.caldav
def test_calendars_get_and_keep_a_display_name(caldav_server: RadicaleServer,
                                               small_problem: Problem, tmp_path: Path) -> None:
    login = {"user": caldav_server.user, "password": caldav_server.password,
             "state_path": tmp_path / STATE_FILE}
    publish(small_problem, roster_of(FIRST), caldav_server.url, now=T0, **login)
    names = {c: name for c, (name, _) in stored_objects(caldav_server).items()}
    assert names["shifts-ana"] == "Small Support — Ana Berg"
    assert names == {f"shifts-{a.id}": f"Small Support — {a.label}"
                     for a in small_problem.agents if f"shifts-{a.id}" in names}
    # Ana is renamed in agents.csv and her Monday changes: her calendar's name follows
    renamed = Problem(**{**{n: getattr(small_problem, n) for n in Problem.model_fields},
                         "agents": tuple(
        a.model_copy(update={"name": "Ana Berg-Lind"}) if a.id == "ana" else a
        for a in small_problem.agents)})
    cells = [("ana", 0, "L") if c == ("ana", 0, "E") else c for c in FIRST]
    publish(renamed, roster_of(cells), caldav_server.url, now=T0 + timedelta(hours=1), **login)
    names = {c: name for c, (name, _) in stored_objects(caldav_server).items()}
    assert names["shifts-ana"] == "Small Support — Ana Berg-Lind"
    assert names["shifts-ben"] == "Small Support — Ben Okafor"
    assert_stored_objects_have_no_method(caldav_server)


@pytest.mark.parametrize("url", ["http://[::1", "http://x y/", "ftp://cal.example.com/",
                                 "http://"])
@pytest.mark.parametrize("dry_run", [[], ["--dry-run"]])
def test_an_unreadable_url_is_one_line_exit_2(small_folder: Path, tmp_path: Path, url: str,
                                              dry_run: list[str]) -> None:
    roster = tmp_path / "roster.csv"
    roster.write_text("agent,date,shift\nana,2026-11-30,E\n")
    done = runner.invoke(app, ["publish", str(small_folder), str(roster), "--caldav", url,
                               *dry_run])
    assert done.exit_code == 2 and "Traceback" not in done.output
    assert "--caldav" in done.output and len(done.output.strip().splitlines()) <= 3
    assert not (tmp_path / STATE_FILE).exists()


def test_the_scheme_is_case_insensitive(small_folder: Path, tmp_path: Path) -> None:
    roster = tmp_path / "roster.csv"
    roster.write_text("agent,date,shift\nana,2026-11-30,E\n")
    done = runner.invoke(app, ["publish", str(small_folder), str(roster), "--caldav",
                               "HTTP://cal.example.com/dav/", "--dry-run"])
    assert done.exit_code == 0, done.output
    assert "would be 2 created" in done.output  # ana's shift and dana's day off


def test_publish_help_shows_the_state_default() -> None:
    done = runner.invoke(app, ["publish", "--help"], env={"COLUMNS": "200"})
    assert "[default: caldav-state.json beside ROSTER_CSV]" in done.output


def test_a_refused_login_says_to_fix_it_not_to_run_again(radicale: RadicaleServer,
                                                         small_folder: Path,
                                                         tmp_path: Path) -> None:
    roster = tmp_path / "roster.csv"
    roster.write_text("agent,date,shift\nana,2026-11-30,E\n")
    done = runner.invoke(app, ["publish", str(small_folder), str(roster), "--caldav",
                               radicale.url, "--user", radicale.user],
                         env={"CALDAV_PASSWORD": "wrong", "COLUMNS": "300"})
    assert done.exit_code == 1
    assert "401" in done.output and "with the right login" in done.output
    assert "to finish" not in done.output
