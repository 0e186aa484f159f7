"""The forecast stage end to end: history → forecast.csv that the team folder reads, bands,
the quantile option, the evaluation of a past week, and histories that cannot give one."""

from __future__ import annotations

from datetime import UTC, date, timedelta
from pathlib import Path

import numpy as np
import pytest

from scheduler.errors import TeamFolderError
from scheduler.forecast import evaluate_week, forecast_files, plan_forecast
from scheduler.load import load_team

from .helpers import SMALL, small_history, team_copy, ticket_history

ROUTING = "tickets:\n  routing:\n    - {channel: chat, queue: chat}\n"


def test_the_forecast_is_read_back_by_the_team_folder_on_a_dst_week(tmp_path: Path) -> None:
    start = date(2026, 10, 19)  # clocks go back on Sunday 25 October
    team = team_copy(SMALL, tmp_path / "team", start=start, days=7)
    small_history(tmp_path, 4, start)
    problem = load_team(team)
    run = plan_forecast(team, problem, [tmp_path / "counts.csv"])
    files = forecast_files(run, team / "forecast.csv")
    for path, data in files.items():
        path.write_bytes(data)
    again = load_team(team)
    assert len(run.forecast.intervals) == 7 * 48 + 2  # the Sunday has 50 half-hours
    rows = [r for r in again.forecast if r.queue == "chat"]
    by_start = {r.start.astimezone(UTC): r.volume for r in rows}
    assert len(by_start) == len(rows)  # each real interval once
    expected = run.forecast.queues["chat"].values
    busy = [iv for iv in run.forecast.intervals if expected[iv.day, iv.slot] > 0]
    assert len(rows) == len(busy)  # closed hours have no row
    for iv in busy:
        assert by_start[iv.start.astimezone(UTC)] == pytest.approx(expected[iv.day, iv.slot],
                                                                    abs=0.006)
    sunday = [iv for iv in busy if iv.day == 6]
    assert sunday and {iv.start.utcoffset() for iv in sunday} == {timedelta(hours=1)}
    table = files[team / "forecast-backtest.csv"].decode()
    assert "seasonal naive" in table and "median of 4 weeks" in table
    assert files[team / "forecast.svg"].startswith(b"<?xml")


def test_the_quantile_option_staffs_for_the_upper_quantile(tmp_path: Path) -> None:
    start = date(2026, 11, 30)
    team = team_copy(SMALL, tmp_path / "team", start=start, days=7)
    small_history(tmp_path, 5, start)
    run = plan_forecast(team, load_team(team), [tmp_path / "counts.csv"])
    mean, safe = run.forecast.rows(), run.forecast.rows(quantile=0.8)
    busy = [(m, s) for m, s in zip(mean, safe, strict=True) if float(m["mean"]) > 1]
    assert busy and all(float(s["volume"]) > float(m["volume"]) for m, s in busy)
    for m, s in busy:  # the 0.8 quantile lies inside the 80 % band's upper half
        assert float(m["mean"]) < float(s["volume"]) < float(m["high80"])
    bands = run.forecast.queues["phone"].backtest.bands
    values = np.array([float(m["mean"]) for m in mean if m["queue"] == "phone"])
    chosen = np.array([float(s["volume"]) for s in safe if s["queue"] == "phone"])
    assert chosen == pytest.approx(np.where(values > 0, bands.quantile(values, 0.8), 0))


def test_tickets_and_counts_together_and_the_evaluation_of_a_past_week(tmp_path: Path) -> None:
    start = date(2026, 11, 30)
    team = team_copy(SMALL, tmp_path / "team", start=start + timedelta(weeks=1), days=7,
                     extra=ROUTING)
    truth = ticket_history(tmp_path, 6, start + timedelta(weeks=1))
    history = [tmp_path / "counts.csv", tmp_path / "tickets.csv"]
    result = evaluate_week(team, load_team(team), history, start)
    rows = {r["queue"]: r for r in result.rows}
    for queue in ("phone", "chat"):
        arrived = truth.counts[queue][-7:].sum()
        if queue == "chat":  # about 1 % of the tickets were deleted
            assert 0.97 * arrived < float(rows[queue]["actual"]) <= arrived  # type: ignore[arg-type]
        else:
            assert float(rows[queue]["actual"]) == arrived  # type: ignore[arg-type]
        assert 0 <= float(rows[queue]["wape"]) < 0.6  # type: ignore[arg-type]


def bad(team: Path, history: list[Path]) -> str:
    with pytest.raises(TeamFolderError) as caught:
        plan_forecast(team, load_team(team), history)
    return str(caught.value)


def test_histories_that_cannot_give_a_forecast(tmp_path: Path) -> None:
    start = date(2026, 11, 30)
    team = team_copy(SMALL, tmp_path / "team", start=start, days=7)
    empty = tmp_path / "empty.csv"
    empty.write_text("interval_start,queue,contacts\n")
    assert "holds no ticket or contact" in bad(team, [empty])
    short = tmp_path / "short"
    short.mkdir()
    small_history(short, 1, start)
    assert "at least two weeks" in bad(team, [short / "counts.csv"])
    late = tmp_path / "late"
    late.mkdir()
    small_history(late, 3, start + timedelta(weeks=2))
    assert "dated after the planning week" in bad(team, [late / "counts.csv"])
    enough = tmp_path / "enough"
    enough.mkdir()
    small_history(enough, 3, start)
    only_phone = tmp_path / "phone.csv"
    lines = (enough / "counts.csv").read_text().splitlines()
    only_phone.write_text("\n".join(line for line in lines if ",chat," not in line))
    message = bad(team, [only_phone])
    assert "queue chat has no contact" in message and "tickets.routing" in message
