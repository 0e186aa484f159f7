"""The acme roster's report page, shared by the content and browser tests.

The roster is tests/data/report/acme-roster.csv, written once from a short solve of
fixtures/acme-support (seed 0): the page tests then need no solve and always see the same
roster, with gaps left to list.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import pytest

from scheduler.check import check
from scheduler.domain import Problem, Roster
from scheduler.evaluation import Evaluation
from scheduler.export.report import report_for, write_report
from scheduler.kpi import Kpis
from scheduler.load import load_team, read_roster
from scheduler.staffing import requirements

ROOT = Path(__file__).resolve().parents[2]
BUILD = ROOT / "build"
ACME_ROSTER = ROOT / "tests" / "data" / "report" / "acme-roster.csv"
STAMP = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)


@dataclass(frozen=True)
class Page:
    """A report page written to disk with what it was built from."""

    problem: Problem
    needs: pd.DataFrame
    roster: Roster
    evaluation: Evaluation
    kpis: Kpis
    html: str
    path: Path


@pytest.fixture(scope="session")
def acme_page(tmp_path_factory: pytest.TempPathFactory) -> Page:
    """fixtures/acme-support with its stored roster, checked, and its report page."""
    problem = load_team(ROOT / "fixtures" / "acme-support")
    needs = requirements(problem)
    roster = read_roster(ACME_ROSTER, problem)
    evaluation = check(problem, roster, needs)
    html, kpis = report_for(problem, needs, roster, evaluation=evaluation,
                            generated_at=STAMP, source="acme roster.csv")
    path = write_report(tmp_path_factory.mktemp("report") / "report.html", html)
    return Page(problem, needs, roster, evaluation, kpis, html, path)
