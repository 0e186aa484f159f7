"""A solved acme roster and its report page, shared by the content and browser tests."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest

from scheduler.check import check
from scheduler.domain import Problem, Roster
from scheduler.evaluation import Evaluation
from scheduler.export.report import report_for, write_report
from scheduler.kpi import Kpis
from scheduler.load import load_team
from scheduler.solvers.roster import solve

ROOT = Path(__file__).resolve().parents[2]
BUILD = ROOT / "build"
STAMP = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)


@dataclass(frozen=True)
class Page:
    """A report page written to disk with what it was built from."""

    problem: Problem
    roster: Roster
    evaluation: Evaluation
    kpis: Kpis
    html: str
    path: Path


@pytest.fixture(scope="session")
def acme_page(tmp_path_factory: pytest.TempPathFactory) -> Page:
    """fixtures/acme-support solved briefly (identity asserted) and its report page."""
    problem = load_team(ROOT / "fixtures" / "acme-support")
    result = solve(problem, time_limit=20, work_limit=1.0, workers=1, seed=0)
    assert result.roster is not None
    evaluation = check(problem, result.roster)
    assert evaluation.hard == ()
    assert result.report.objective == evaluation.total_penalty
    html, kpis = report_for(problem, result.roster, evaluation=evaluation, solve=result.report,
                            generated_at=STAMP, source="acme roster.csv")
    path = write_report(tmp_path_factory.mktemp("report") / "report.html", html)
    return Page(problem, result.roster, evaluation, kpis, html, path)
