"""The fault-and-fuzz campaign (benchmarks/campaign.py) in a bounded, seeded run, and Hypothesis
over the loader's number ranges and the CLI's escaping of user text.

The long campaign is ``make fuzz``; this one keeps every kind of fault in the suite.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from benchmarks.campaign import KINDS, campaign, make_base, set_key, write_rows
from scheduler.cli import app
from scheduler.domain import MAX_AHT_S, MAX_HEADCOUNT, MAX_PRIORITY, MAX_VOLUME
from scheduler.errors import TeamFolderError
from scheduler.load import load_team
from scheduler.settings import MAX_WEIGHT
from scheduler.solvers.cpsat import build
from scheduler.staffing import requirements

RUN = settings(max_examples=60, deadline=None,
               suppress_health_check=[HealthCheck.function_scoped_fixture])


@pytest.mark.slow
def test_campaign_finds_nothing() -> None:
    # every kind of break, a few hundred in all; `make fuzz` runs 5,000 of each
    counts = {"cell": 200, "yaml": 80, "file": 20, "cli": 6}
    tally = campaign(counts, seed=22)
    assert sum(tally.failures.values()) == 0, "\n".join(tally.lines())
    assert all(tally.cases[kind] >= counts[kind] for kind in KINDS)


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_base(tmp_path_factory.mktemp("campaign") / "base")


def loaded(base: Path, change: Any) -> Any:
    """Load a copy of ``base`` changed by ``change(folder)``: a Problem or a TeamFolderError."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "team"
        shutil.copytree(base, folder)
        change(folder)
        try:
            return load_team(folder)
        except TeamFolderError as exc:
            return exc


NUMERIC_CELLS = [("forecast.csv", 2, "volume"), ("forecast.csv", 2, "aht_s"),
                 ("cover.csv", 2, "required"), ("cover.csv", 2, "under_weight"),
                 ("cover.csv", 2, "over_weight"), ("requests.csv", 2, "weight"),
                 ("agents.csv", 2, "min_hours"), ("agents.csv", 3, "max_hours")]
EDGES = [MAX_WEIGHT, MAX_WEIGHT + 1, MAX_PRIORITY, MAX_PRIORITY + 1, MAX_HEADCOUNT,
         MAX_HEADCOUNT + 1, MAX_VOLUME, MAX_VOLUME + 1, MAX_AHT_S, MAX_AHT_S + 1, 2**31, 2**63,
         -(2**63), 10**21, 0, -1]
numbers = st.one_of(st.sampled_from(EDGES), st.integers(-10**25, 10**25),
                    st.floats(allow_nan=True, allow_infinity=True))


def _accepted_model_is_valid(problem: Any) -> None:
    assert build(problem, requirements(problem)).model.validate() == ""


@RUN
@given(cell=st.sampled_from(NUMERIC_CELLS), number=numbers)
def test_every_number_in_a_csv_is_in_range_or_named(base: Path, cell: tuple[str, int, str],
                                                    number: float) -> None:
    file, row, column = cell

    def change(folder: Path) -> None:
        import csv
        rows = list(csv.reader((folder / file).open(encoding="utf-8")))
        rows[row - 1][rows[0].index(column)] = repr(number) if isinstance(number, float) \
            else str(number)
        write_rows(folder / file, rows)

    result = loaded(base, change)
    if isinstance(result, TeamFolderError):
        assert any(p.file == file and p.row == row and p.column for p in result.problems), \
            result.problems
    else:
        _accepted_model_is_valid(result)


YAML_NUMBERS = ["queues.0.priority", "queues.0.answer_within_s", "queues.1.concurrency",
                "queues.0.first_response_minutes", "rules.coverage.weight",
                "rules.coverage.over_weight", "rules.rest.weight", "rules.consecutive.max_days",
                "rules.weekends.max_weekends", "rules.fairness.hours_weight",
                "rules.preferences.weight", "shift_templates.0.break_minutes", "days"]


@RUN
@given(key=st.sampled_from(YAML_NUMBERS), number=numbers)
def test_every_number_in_team_yaml_is_in_range_or_named(base: Path, key: str,
                                                        number: float) -> None:
    def change(folder: Path) -> None:
        data = yaml.safe_load((folder / "team.yaml").read_text(encoding="utf-8"))
        set_key(data, key, number)
        (folder / "team.yaml").write_text(yaml.safe_dump(data), encoding="utf-8")

    result = loaded(base, change)
    if isinstance(result, TeamFolderError):
        top = key.split(".")[0]
        assert any(p.file == "team.yaml" and p.column and p.column.startswith(top)
                   for p in result.problems), result.problems
    else:
        _accepted_model_is_valid(result)


names = st.text(alphabet="ab [ ]/:=@#\\*_", min_size=1, max_size=16).map(
    lambda s: "x" + s.strip() + "y")


@settings(max_examples=15, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=names)
def test_the_team_name_is_printed_as_written(base: Path, name: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "team"
        shutil.copytree(base, folder)
        data = yaml.safe_load((folder / "team.yaml").read_text(encoding="utf-8"))
        data["team"] = name
        (folder / "team.yaml").write_text(yaml.safe_dump(data), encoding="utf-8")
        for command in ("validate", "staffing"):
            run = CliRunner().invoke(app, [command, str(folder)])
            assert run.exit_code == 0, run.output
            assert name in run.output
