"""benchmarks/roster_scaling.py's pieces for availability teams: the share of agents whose fair
share asks for hours who got hours (by hand), the plain greedy baseline against the engine on a
tiny team, and the teams of ``--kind availability`` (both fixtures, then generated sizes)."""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path

from benchmarks.roster_scaling import asked_with_hours, make_folder, plain_greedy, teams_of
from scheduler.domain import Roster, Shift
from scheduler.load import load_team
from scheduler.solvers.roster import solve
from scheduler.staffing import requirements

MINI = Path(__file__).resolve().parent / "data" / "availability-mini"


def test_the_share_counts_only_agents_whose_fair_share_asks_for_hours(tmp_path: Path):
    folder = tmp_path / "team"
    shutil.copytree(MINI, folder)
    # 15 needed hours shared by availability 30 : 16 : 20 half-hours: Ana 7 h, Ben 3.5 h, Cid
    # 4.5 h; Ben is 4 h ahead, so his share asks for nothing (max(0, 3.5 - 4))
    (folder / "balance.csv").write_text("agent,hours\nben,-4\n")
    problem = load_team(folder)
    ana = Roster(shifts=(Shift(agent="ana", day=0, template="F-1800-0200"),))
    assert asked_with_hours(problem, ana) == 50.0  # Ana of {Ana, Cid}
    ben = Roster(shifts=(Shift(agent="ben", day=0, template="F-2000-0200"),))
    assert asked_with_hours(problem, ben) == 0.0
    assert asked_with_hours(load_team(MINI), ana) == 33.3  # all three ask without the balance


def test_the_engine_beats_the_plain_greedy_roster_on_a_tiny_team():
    problem = load_team(MINI)
    needs = requirements(problem)
    greedy, broken = plain_greedy(problem, needs)
    result = solve(problem, needs, time_limit=60, work_limit=1, workers=1, seed=0)
    assert result.report.objective is not None and result.evaluation is not None
    assert result.evaluation.total_penalty == result.report.objective
    assert broken == 0 and result.report.objective <= greedy


def test_the_availability_series_keeps_both_fixtures_then_generated_sizes():
    args = argparse.Namespace(teams=None, sizes=None, kind="availability")
    assert teams_of(args) == ["availability-team", "week-team", "availability:100",
                              "availability:200"]
    assert teams_of(argparse.Namespace(teams=None, sizes=[30], kind="week")) == ["week:30"]
    folder, agents = make_folder("availability-team", 0)
    assert folder.name == "availability-team" and agents == 50
    folder, agents = make_folder("week-team", 0)
    assert agents == 55 and len(load_team(folder).agents) == 55
    shutil.rmtree(folder.parent)
