"""The whatif command on fixtures/small: the table, the files, the headcount and the curve."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from rich.console import Console
from typer.testing import CliRunner

from scheduler.cli import app
from scheduler.cli.whatif import Criteria, _whatif_tables
from scheduler.whatif.targets import CRITERIA, DEFAULT_CRITERION

TINY = ["--work-limit", "0.2", "--jobs", "1", "--quiet"]


def invoke(*args: str) -> object:
    return CliRunner().invoke(app, ["whatif", "fixtures/small", *args, *TINY],
                              env={"COLUMNS": "200"})


def test_compare_writes_the_table_chart_and_page(tmp_path: Path) -> None:
    result = invoke("-c", "remove ben", "--out", str(tmp_path))
    assert result.exit_code == 0, result.output
    assert "remove ben" in result.output and "hours scheduled" in result.output
    table = pd.read_csv(tmp_path / "whatif.csv")
    assert list(table["scenario"].unique()) == ["baseline", "remove ben"]
    hours = table[table["figure"] == "hours scheduled"].set_index("scenario")
    # ben works 24 h at most; the others cannot take all of his hours over
    assert hours.loc["remove ben", "delta"] < 0
    assert hours.loc["remove ben", "value"] == hours.loc["baseline", "value"] + hours.loc[
        "remove ben", "delta"]
    svg = (tmp_path / "whatif-coverage.svg").read_text()
    assert svg.count('<g id="series-') == 4  # 2 queues x 2 scenarios
    assert (tmp_path / "whatif-coverage.png").read_bytes()[:4] == b"\x89PNG"
    page = (tmp_path / "whatif.html").read_text()
    assert 'id="scenarios"' in page and 'data-scenario="remove ben"' in page
    assert 'id="series-chat-1"' in page and "<h1>Roster report: Small Support" in page


def test_headcount_search_meets_the_targets_and_one_fewer_does_not(tmp_path: Path) -> None:
    result = invoke("--min-headcount", "--hire", "skills=chat,phone; hours=0-24",
                    "--out", str(tmp_path))
    assert result.exit_code == 0, result.output
    probes = pd.read_csv(tmp_path / "headcount.csv").set_index("hires")
    answer = int(probes.index[probes["meets"]].min())
    assert f"✓ {answer} hire" in result.output
    assert answer >= 1 and not probes.loc[answer - 1, "meets"]
    assert probes.loc[answer, "missed_units"] == 0


def test_the_leavers_curve_falls() -> None:
    result = invoke("--leavers", "2")
    assert result.exit_code == 0, result.output
    assert "1 leaves" in result.output and "2 leave" in result.output


def test_usage_errors() -> None:
    assert invoke().exit_code == 2
    assert invoke("--min-headcount").exit_code == 2
    bad = invoke("--min-headcount", "--hire", "skills=billing")
    assert bad.exit_code == 2 and "billing" in bad.stderr
    assert invoke("--leavers", "1", "--criterion", "month").exit_code == 2


def test_a_target_naming_no_queue_is_refused_before_any_solve() -> None:
    # today's main read 'chat 80/60' as a queue named so, with no intervals: "✓"
    for args in (["--min-headcount", "--hire", "skills=chat"], ["--leavers", "1"]):
        result = invoke(*args, "--target", "chats:80/60")
        assert result.exit_code == 2 and "Solving" not in result.output
        assert "--target" in result.stderr and "'chats' is not a queue" in result.stderr


def test_the_criteria_offered_are_the_library_s() -> None:
    assert tuple(c.value for c in Criteria) == CRITERIA and Criteria[DEFAULT_CRITERION]


def comparison(scenarios: int) -> pd.DataFrame:
    """A comparison of the baseline and ``scenarios`` scenarios on four figures."""
    rows = []
    for n in range(scenarios + 1):
        for k, figure in enumerate(("coverage chat (%)", "under-covered agent-hours",
                                    "service chat worst (%)", "penalty")):
            value, delta = 100.0 + 14.8 * n + k, 14.8 * n
            rows.append({"scenario": "baseline" if n == 0 else f"Scenario number {n}",
                         "changes": "", "status": "FEASIBLE", "reason": "", "gap": 0.1,
                         "carried_from": "", "figure": figure, "value": value,
                         "baseline": value - delta, "delta": delta, "noise": False})
    return pd.DataFrame(rows)


def test_six_scenarios_fit_an_80_column_terminal() -> None:
    console = Console(width=80, record=True)
    views = _whatif_tables(comparison(6), console.width)
    for view in views:
        console.print(view)
    text = console.export_text()
    assert all(len(line) <= 80 for line in text.splitlines())
    assert "Scenario number 6" in text and "188.8 (+88.8)" in text  # no cell broken
    assert "under-covered agent-hours" in text
    # a row per scenario in each group of figures
    assert len(views) >= 2 and text.count("Scenario number 3") == len(views)
    side_by_side = Console(width=200, record=True)
    for view in _whatif_tables(comparison(3), side_by_side.width):
        side_by_side.print(view)
    assert "│ penalty " in side_by_side.export_text()  # figures as rows up to three scenarios


def test_scenario_names_never_become_formulas_in_the_csv(tmp_path: Path) -> None:
    scenarios = tmp_path / "s.yaml"
    scenarios.write_text("scenarios:\n  - name: '=HYPERLINK(1)'\n    changes: [volume +5%]\n")
    result = invoke("-s", str(scenarios), "--out", str(tmp_path / "out"))
    assert result.exit_code == 0, result.output
    names = pd.read_csv(tmp_path / "out" / "whatif.csv")["scenario"].unique()
    assert list(names) == ["baseline", "'=HYPERLINK(1)"]


def test_a_rule_weight_out_of_range_is_a_problem_table_not_pydantic(tmp_path: Path) -> None:
    result = invoke("--change", "rule fairness weight=200000", "--out", str(tmp_path / "o"))
    assert result.exit_code == 2
    text = " ".join(result.output.split())
    assert "1 problem in --change" in text and "from 0 to 100000" in text
    assert "pydantic" not in text and "validation error" not in text
    assert not (tmp_path / "o").exists()


def test_a_rule_change_beyond_the_settings_limits_fails_as_a_change() -> None:
    from scheduler.load import load_team
    from scheduler.whatif.changes import ChangeError
    from scheduler.whatif.team_changes import Rule

    problem = load_team("fixtures/small")
    try:
        Rule(rule="fairness", weight=200_000).apply(problem)
    except ChangeError as exc:
        assert "rule fairness" in str(exc) and "100000" in exc.fix
    else:
        raise AssertionError("a weight over the maximum was applied")
