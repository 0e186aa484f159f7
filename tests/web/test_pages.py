"""The pages' behaviour through the app (no browser): tables validated before writing, the
roster's edit / undo / publish with check's findings, the solve's event stream, links."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from scheduler.load import load_team
from scheduler.web.links import LinkRefused, issue, revoke, verify
from scheduler.web.pages.agent import clock_text, runs
from tests.web.conftest import Client


def table_form(path: Path, change: Callable[[list[list[str]]], None]) -> dict[str, list[str]]:
    """The table page's form fields for the CSV at ``path``, after ``change`` to its rows."""
    lines = [line.split(",") for line in path.read_text().splitlines()]
    header, rows = lines[0], lines[1:]
    change(rows)
    return {"header": header, "cell": [c for row in rows for c in row], "step": ["save"]}


def test_a_table_is_written_only_when_its_file_has_no_problem(
        client_for: Callable[..., Client]) -> None:
    client = client_for("small")
    agents = client.http.app.state.settings.workspace.root / "small" / "agents.csv"
    before = agents.read_text()
    column = before.splitlines()[0].split(",").index("skills")

    def bad(rows: list[list[str]]) -> None:
        rows[0][column] = "phone;telepathy"

    refused = client.post("/teams/small/tables/agents.csv", data=table_form(agents, bad))
    assert "Not saved" in refused.text and "telepathy" in refused.text
    assert 'aria-invalid="true"' in refused.text
    assert agents.read_text() == before

    def good(rows: list[list[str]]) -> None:
        rows[0][column] = "chat"

    saved = client.post("/teams/small/tables/agents.csv", data=table_form(agents, good))
    assert "Saved agents.csv" in saved.text and 'hx-swap-oob="true"' in saved.text
    first = load_team(agents.parent).agents[0]
    assert first.skills == ("chat",)


def test_a_roster_edit_shows_its_finding_undo_and_publish(
        client_for: Callable[..., Client]) -> None:
    client = client_for("helpdesk")
    folder = client.http.app.state.settings.workspace.root / "helpdesk"
    published = (folder / "published_roster.csv").read_text()
    problem = load_team(folder)
    ines = next(s for s in problem.reference if s.agent == "ines" and s.day == 0)
    edited = client.post("/teams/helpdesk/roster/cell",
                         data={"ines|0": ""})
    assert 'id="caused"' in edited.text and "Ines" in edited.text
    assert "Penalty change" in edited.text
    draft = (folder / "roster" / "draft.csv").read_text()
    assert "ines,2026-11-30" not in draft
    undone = client.post("/teams/helpdesk/roster/undo")
    assert "Undone." in undone.text and 'id="caused"' not in undone.text
    assert f"ines,2026-11-30,{ines.template}" in (folder / "roster" / "draft.csv").read_text()
    client.post("/teams/helpdesk/roster/cell", data={"kim|1": "L"})
    saved = client.post("/teams/helpdesk/roster/publish")
    assert "Published" in saved.text
    now = (folder / "published_roster.csv").read_text()
    assert now != published and "kim,2026-12-01,L" in now
    assert load_team(folder).reference  # the team folder still loads with it
    wrong = client.post("/teams/helpdesk/roster/cell",
                        data={"ines|0": "../X"})
    assert wrong.status_code == 400


def test_the_solve_streams_progress_until_done(client_for: Callable[..., Client]) -> None:
    client = client_for("small")
    started = client.post("/teams/small/plan", data={"time_limit": "4", "workers": "1"})
    assert 'sse-connect="/teams/small/plan/events"' in started.text
    again = client.post("/teams/small/plan", data={"time_limit": "20"})
    assert "already running" in again.text  # one solve at a time per team
    names = []
    with client.http.stream("GET", "/teams/small/plan/events") as stream:
        for line in stream.iter_lines():
            if line.startswith("event: "):
                names.append(line.removeprefix("event: "))
            if "✓ done" in line:
                last = line
    assert names[-1] == "done" and names.count("progress") >= 2
    assert "✓ done" in last
    folder = client.http.app.state.settings.workspace.root / "small"
    assert (folder / "roster" / "roster.csv").exists()


def solved_roster(client: Client, **form: str) -> str:
    """Start a solve of the small team with these form fields; its roster.csv when done."""
    started = client.post("/teams/small/plan", data={"time_limit": "120", **form})
    assert started.status_code == 200, started.text
    with client.http.stream("GET", "/teams/small/plan/events") as stream:
        lines = list(stream.iter_lines())
    assert any("✓ done" in line for line in lines)
    folder = client.http.app.state.settings.workspace.root / "small"
    return (folder / "roster" / "roster.csv").read_text()


def test_a_work_limit_gives_the_same_roster_twice(client_for: Callable[..., Client]) -> None:
    client = client_for("small")
    first = solved_roster(client, work_limit="0.5", seed="3")
    assert solved_roster(client, work_limit="0.5", seed="3") == first
    assert "work limit 0.5" in client.get("/teams/small/plan").text
    assert solved_roster(client, time_limit="2", work_limit="")  # empty field: time limit only
    refused = client.post("/teams/small/plan", data={"work_limit": "-1"})
    assert refused.status_code == 422


def test_a_cancelled_solve_writes_nothing(client_for: Callable[..., Client]) -> None:
    client = client_for("small")
    client.post("/teams/small/plan", data={"time_limit": "60"})
    cancelled = client.post("/teams/small/plan/cancel")
    assert "cancelled" in cancelled.text
    assert not (client.http.app.state.settings.workspace.root / "small" / "roster").exists()


def test_links_refuse_forged_revoked_and_expired(client_for: Callable[..., Client]) -> None:
    client = client_for("small")
    settings = client.http.app.state.settings
    folder = settings.workspace.root / "small"
    problem = load_team(folder)
    agent = problem.agents[0].id
    token = issue(settings, "small", problem, agent)
    assert verify(settings, token).agent == agent
    with pytest.raises(LinkRefused, match="not valid"):
        verify(settings, token[:-2] + "xx")
    later = datetime.now(UTC) + timedelta(days=15)
    with pytest.raises(LinkRefused, match="expired"):
        verify(settings, token, now=later)
    assert revoke(settings.workspace, "small", agent) == 1
    with pytest.raises(LinkRefused, match="withdrawn"):
        verify(settings, token)
    assert client.get(f"/agent/{token}").status_code == 403


def test_half_hours_become_rows_of_one_level() -> None:
    marked = [(360, "available"), (390, "available"), (420, "preferred"), (1440, "preferred"),
              (1470, "preferred")]
    assert runs(marked, 30) == [(360, 420, "available"), (420, 450, "preferred"),
                                (1440, 1500, "preferred")]
    assert clock_text(1530) == "25:30"
