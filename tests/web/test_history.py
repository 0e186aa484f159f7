"""The history page: an uploaded history becomes next week's forecast (and, when chosen, the
team's forecast.csv); a ticket export becomes the weekly metrics page."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

from scheduler.load import load_team
from tests.forecast.helpers import small_history
from tests.web.conftest import Client


def test_a_history_upload_gives_the_forecast_the_team_then_uses(
        client_for: Callable[..., Client], tmp_path: Path) -> None:
    client = client_for("small")
    folder = client.http.app.state.settings.workspace.root / "small"
    small_history(tmp_path, 4, date(2026, 11, 30))
    kept = client.post("/teams/small/history/upload",
                       files={"file": ("counts.csv", (tmp_path / "counts.csv").read_bytes(),
                                       "text/csv")})
    assert "Kept history/counts.csv" in kept.text
    refused = client.post("/teams/small/history/upload",
                          files={"file": ("bad.csv", b"when,what\nyesterday,3\n", "text/csv")})
    assert "problem" in refused.text and not (folder / "history" / "bad.csv").exists()
    made = client.post("/teams/small/history/forecast", data={"source": "history/counts.csv"})
    assert 'id="backtest"' in made.text
    assert (folder / "forecast-new" / "forecast.csv").exists()
    before = (folder / "forecast.csv").read_text()
    used = client.post("/teams/small/history/use")
    assert "forecast.csv replaced" in used.text
    after = (folder / "forecast.csv").read_text()
    assert after != before and after == (folder / "forecast-new" / "forecast.csv").read_text()
    assert load_team(folder).forecast  # the team folder reads it


def test_a_ticket_export_gives_the_weekly_metrics_page(client_for: Callable[..., Client]) -> None:
    client = client_for("helpdesk")
    done = client.post("/teams/helpdesk/history/metrics", data={"source": "tickets.csv"})
    assert "open the weekly metrics page" in done.text, done.text
    page = client.get("/teams/helpdesk/history/metrics.html")
    assert page.status_code == 200 and "<html" in page.text.lower()
    assert "'unsafe-inline'" not in page.headers["content-security-policy"].split(
        "script-src")[1].split(";")[0]
