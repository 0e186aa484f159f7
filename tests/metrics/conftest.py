"""A generated history read through the importer, shared by the metrics tests."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from fixtures.export_history import History, make_history
from scheduler.domain import Problem
from scheduler.errors import Problems
from scheduler.load import load_team
from scheduler.metrics import choose_weeks, weekly_metrics
from scheduler.metrics.sources import history_from_export
from scheduler.metrics.weekly import WeeklyMetrics
from scheduler.tickets.policy import TicketPolicy, read_ticket_policy

ROOT = Path(__file__).resolve().parents[2]
HELPDESK = ROOT / "fixtures" / "helpdesk"
ZONE = ZoneInfo("Europe/Berlin")


@dataclass(frozen=True)
class Generated:
    """The generated history, its export folder, the team and the figures of all its weeks."""

    history: History
    folder: Path
    problem: Problem
    policy: TicketPolicy
    metrics: WeeklyMetrics
    skipped: dict[str, int]


@pytest.fixture(scope="session")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Generated:
    history = make_history(seed=11, weeks=12, page_size=200)
    folder = tmp_path_factory.mktemp("export")
    history.write(folder)
    problem = load_team(HELPDESK)
    policy = read_ticket_policy(HELPDESK, problem)
    problems, warnings = Problems(), Problems()
    frame, skipped = history_from_export([folder], problem, policy, problems, warnings,
                                         "zendesk")
    assert not problems.items
    weeks = choose_weeks(frame, None, 12, ZONE, problems)
    return Generated(history, folder, problem, policy, weekly_metrics(frame, weeks, ZONE),
                     dict(skipped))
