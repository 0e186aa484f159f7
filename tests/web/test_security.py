"""The web app's security model, each rule alone: CSRF, paths, binding, uploads, escaping,
login, Content-Security-Policy and secrets."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from scheduler.web import ServeError, make_settings
from scheduler.web.security import CSP, check_bind
from tests.web.conftest import HOSTILE, TOKEN, Client

PAGES = ("", "/staffing", "/plan", "/roster", "/report", "/calendars", "/whatif", "/tickets",
         "/operations", "/history", "/links")


def test_a_post_without_the_csrf_token_is_refused(client_for: Callable[..., Client]) -> None:
    client = client_for("small")
    agents = (client.http.app.state.settings.workspace.root / "small" / "agents.csv")
    before = agents.read_text()
    bare = client.http.post("/teams/small/tables/agents.csv", data={"header": "id"})
    forged = client.http.post("/teams/small/tables/agents.csv", data={"header": "id"},
                              headers={"X-CSRF-Token": "forged"})
    assert bare.status_code == forged.status_code == 403
    assert "security token" in bare.text
    assert agents.read_text() == before


@pytest.mark.parametrize("path", ["/teams/%2E%2E", "/teams/.scheduler-web", "/teams/%2Fetc",
                                  "/teams/..%2F..%2Fetc",
                                  "/teams/small/tickets/download/..%2Fteam.yaml"])
def test_a_path_out_of_the_workspace_is_refused(client_for: Callable[..., Client],
                                                path: str) -> None:
    client = client_for("small")
    answer = client.get(path)
    assert answer.status_code == 404
    assert "root:" not in answer.text and "team:" not in answer.text


def test_a_symlink_out_of_the_workspace_is_refused(client_for: Callable[..., Client],
                                                   tmp_path: Path) -> None:
    client = client_for("small")
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "team.yaml").write_text("team: secret outside\n")
    root = client.http.app.state.settings.workspace.root
    (root / "escape").symlink_to(outside)
    (root / "small" / "tickets-link.csv").symlink_to(outside / "team.yaml")
    assert client.get("/teams/escape").status_code == 404
    assert "escape" not in client.get("/").text
    answer = client.post("/teams/small/tickets/assign",
                         data={"source": "tickets-link.csv", "at": "2026-11-30 09:00"})
    assert answer.status_code == 404 and "secret outside" not in answer.text


def test_a_non_local_address_needs_a_token(tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SCHEDULER_WEB_TOKEN", raising=False)
    with pytest.raises(ServeError, match="without a token"):
        make_settings(tmp_path, host="0.0.0.0")
    check_bind("127.0.0.1", None)
    check_bind("::1", None)
    check_bind("0.0.0.0", "a-token")
    monkeypatch.setenv("SCHEDULER_WEB_TOKEN", "from-env")
    assert make_settings(tmp_path, host="192.0.2.7").token == "from-env"


def test_an_upload_over_the_cap_is_refused(client_for: Callable[..., Client]) -> None:
    client = client_for("helpdesk", upload_bytes=1000)
    big = b"ticket_id,created_at\n" + b"1,2026-11-30 08:00\n" * 200
    answer = client.post("/teams/helpdesk/tickets/upload",
                         files={"file": ("tickets-big.csv", big, "text/csv")})
    assert answer.status_code == 413
    assert "upload limit" in answer.text or "over the" in answer.text
    assert not (client.http.app.state.settings.workspace.root / "helpdesk" / "tickets"
                / "tickets-big.csv").exists()


def test_an_upload_is_read_by_the_ticket_loader_and_kept_inside(
        client_for: Callable[..., Client]) -> None:
    client = client_for("helpdesk")
    root = client.http.app.state.settings.workspace.root
    good = (root / "helpdesk" / "tickets.csv").read_bytes()
    kept = client.post("/teams/helpdesk/tickets/upload",
                       files={"file": ("../../evil.csv", good, "text/csv")})
    assert kept.status_code == 200 and "Kept tickets/evil.csv" in kept.text
    assert (root / "helpdesk" / "tickets" / "evil.csv").read_bytes() == good
    assert not (root.parent / "evil.csv").exists()
    broken = client.post("/teams/helpdesk/tickets/upload",
                         files={"file": ("bad.csv", b"ticket_id,created_at\n1,yesterday\n",
                                         "text/csv")})
    assert "problem" in broken.text and not (root / "helpdesk" / "tickets" / "bad.csv").exists()


def test_a_hostile_agent_name_is_inert_in_every_page(client_for: Callable[..., Client]) -> None:
    client = client_for("small")
    agents = client.http.app.state.settings.workspace.root / "small" / "agents.csv"
    lines = agents.read_text().splitlines()
    header = lines[0].split(",")
    first = lines[1].split(",")
    first[header.index("name")] = '"' + HOSTILE + '"'
    agents.write_text("\n".join([lines[0], ",".join(first), *lines[2:]]) + "\n")
    for page in PAGES:
        html = client.get(f"/teams/small{page}").text
        assert HOSTILE not in html, page
    assert "&lt;img src=x onerror=alert(1)&gt;" in client.get("/teams/small/roster").text


def test_login_when_the_server_has_a_token(client_for: Callable[..., Client]) -> None:
    client = client_for("small", token=TOKEN)
    assert client.get("/teams/small").status_code == 303
    assert client.post("/teams/small/roster/undo").status_code == 401
    wrong = client.post("/login", data={"token": "nope"})
    assert wrong.status_code == 401 and "not right" in wrong.text
    right = client.post("/login", data={"token": TOKEN})
    cookie = right.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie.replace("Strict", "strict")
    assert TOKEN not in cookie
    assert client.get("/teams/small").status_code == 200


def test_every_page_has_the_policy_and_no_secret(client_for: Callable[..., Client],
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CALDAV_PASSWORD", "caldav-s3cret-pw")
    client = client_for("small", token=TOKEN)
    client.post("/login", data={"token": TOKEN})
    secret = (client.http.app.state.settings.workspace.state_dir / "secret").read_text()
    assert oct(os.stat(client.http.app.state.settings.workspace.state_dir / "secret").st_mode
               & 0o777) == "0o600"
    for page in PAGES:
        answer = client.get(f"/teams/small{page}")
        policy = answer.headers["content-security-policy"]
        assert "'unsafe-inline'" not in policy.split("script-src")[1].split(";")[0], page
        if page != "/report":
            assert policy == CSP and "<script>" not in answer.text, page
        for hidden in (secret, TOKEN, "caldav-s3cret-pw"):
            assert hidden not in answer.text, page


def test_serve_refuses_a_non_local_address_without_a_token(tmp_path: Path) -> None:
    import subprocess
    import sys

    from tests.web.conftest import ROOT

    env = {k: v for k, v in os.environ.items() if k != "SCHEDULER_WEB_TOKEN"}
    done = subprocess.run([sys.executable, str(ROOT / "cli.py"), "serve", str(tmp_path),
                           "--host", "0.0.0.0", "--port", "8799"], capture_output=True,
                          text=True, env=env, timeout=120)
    assert done.returncode == 2
    assert "without a token" in done.stderr and "Traceback" not in done.stderr
