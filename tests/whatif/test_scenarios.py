"""Scenario files and --change text: read whole, every problem with its file, line and fix."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from scheduler.cli import app
from scheduler.errors import TeamFolderError
from scheduler.load import load_team
from scheduler.whatif.scenarios import inline_scenario, read_scenarios

SMALL = load_team("fixtures/small")
ACME_FILE = Path("fixtures/acme-scenarios.yaml")


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "scenarios.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_file_of_scenarios_in_order(tmp_path: Path) -> None:
    path = write(tmp_path, """\
scenarios:
  - name: Busy Monday
    changes:
      - volume +20% mon
      - aht +5% phone
  - name: Ben leaves
    changes: [remove ben]
  - name: Nothing
    changes: []
""")
    found = read_scenarios(path, SMALL)
    assert [s.name for s in found] == ["Busy Monday", "Ben leaves", "Nothing"]
    assert [str(c) for c in found[0].changes] == ["volume +20% mon", "aht +5% phone"]
    assert found[2].changes == () and found[2].apply(SMALL) == SMALL
    assert "ben" not in found[1].apply(SMALL).agent_index


def test_changes_apply_in_turn_so_later_ones_see_earlier_ones(tmp_path: Path) -> None:
    path = write(tmp_path, "scenarios:\n  - name: Cross-train a hire\n    changes:\n"
                 "      - add zoe skills=phone\n      - skill zoe chat\n")
    problem = read_scenarios(path, SMALL)[0].apply(SMALL)
    assert problem.agent_index["zoe"].skills == ("phone", "chat")


def test_every_problem_of_a_file_is_reported_with_line_and_key(tmp_path: Path) -> None:
    path = write(tmp_path, """\
scenarios:
  - name: Bad
    changes:
      - remove zoe
      - volume +20% billing
      - volume +20% 2027-01-04
      - volume twenty
  - name: Bad
    colour: red
    changes:
      - occupancy 0
""")
    with pytest.raises(TeamFolderError) as caught:
        read_scenarios(path, SMALL)
    problems = caught.value.problems
    assert {p.file for p in problems} == {"scenarios.yaml"}
    assert caught.value.folder == str(path)
    found = {(p.row, p.column): p for p in problems}
    assert found[4, "scenarios[0].changes[0]"].message == "'zoe' is not an agent of the team"
    assert "ana, ben" in found[4, "scenarios[0].changes[0]"].fix
    assert found[5, "scenarios[0].changes[1]"].value == "volume +20% billing"
    assert "outside the planning horizon" in found[6, "scenarios[0].changes[2]"].message
    assert "'twenty' is not a queue" in found[7, "scenarios[0].changes[3]"].message
    assert found[9, "scenarios[1].colour"].message == "unknown key"
    assert "out of range" in found[11, "scenarios[1].changes[0]"].message
    assert "used twice" in found[8, "scenarios[1].name"].message


@pytest.mark.parametrize(("text", "message"), [
    ("scenarios: [\n", "not valid YAML"),
    ("- volume +20%\n", "no list of scenarios"),
    ("scenarios:\n  - changes: [volume +20%]\n", "has no name"),
    ("scenarios:\n  - name: x\n    changes: volume +20%\n", "changes must be a list"),
    ("scenarios:\n  - name: baseline\n    changes: []\n", "used twice (or is the baseline's)"),
])
def test_broken_files(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(TeamFolderError) as caught:
        read_scenarios(write(tmp_path, text), SMALL)
    assert any(message in p.message for p in caught.value.problems)


def test_inline_changes_form_one_scenario() -> None:
    scenario = inline_scenario(["volume +10%", "remove ben"], SMALL)
    assert scenario.name == "volume +10%; remove ben"
    with pytest.raises(TeamFolderError) as caught:
        inline_scenario(["volume +10%", "remove zoe"], SMALL)
    assert [(p.file, p.column) for p in caught.value.problems] == [("--change", "--change 2")]


def test_the_example_file_reads_against_acme() -> None:
    scenarios = read_scenarios(ACME_FILE, load_team("fixtures/acme-support"))
    assert len(scenarios) >= 6
    assert all(s.changes for s in scenarios)


def test_the_command_refuses_a_bad_file_before_any_solve(tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    import scheduler.whatif.run as run

    def no_solve(*args: object, **kwargs: object) -> None:
        raise AssertionError("a solve started")

    monkeypatch.setattr(run, "run_tasks", no_solve)
    path = write(tmp_path, "scenarios:\n  - name: x\n    changes:\n      - remove zoe\n")
    result = CliRunner().invoke(app, ["whatif", "fixtures/small", "-s", str(path)])
    assert result.exit_code == 2, result.output
    assert "1 problem in" in result.stderr and str(path)[:20] in result.stderr
    words = result.stderr.split()
    assert "'zoe'" in words and "scenarios[0].changes[0]" in words
    assert "Traceback" not in result.output
    inline = CliRunner().invoke(app, ["whatif", "fixtures/small", "-c", "volume +5% chat",
                                      "-c", "shrinkage 100%"])
    assert inline.exit_code == 2
    assert "--change 2" in inline.stderr and "100%" in inline.stderr.split()


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                  HealthCheck.function_scoped_fixture])
@given(st.one_of(
    st.text(max_size=80),
    st.lists(st.sampled_from(["scenarios:", "  - name: x", "    changes:", "      - volume +5%",
                              "      - remove zoe", "  - name: x", "    changes: []", "- a",
                              "    colour: red", "      - [1, 2]", "  -", "      - ", "\t",
                              "    changes: {a: 1}", "      - skill ana chat"]),
             max_size=10).map("\n".join)))
def test_any_file_gives_scenarios_or_its_problems(tmp_path: Path, text: str) -> None:
    path = write(tmp_path, text)
    try:
        found = read_scenarios(path, SMALL)
    except TeamFolderError as exc:
        assert exc.problems and all(p.file == "scenarios.yaml" and p.message and p.fix
                                    for p in exc.problems)
        return
    assert found and all(isinstance(s.apply(SMALL), type(SMALL)) for s in found)
