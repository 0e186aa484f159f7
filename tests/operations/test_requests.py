"""Time-off requests: each cost solved with and without it; first asked, first served."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from scheduler.check import check
from scheduler.domain import Problem, Roster, TimeOff
from scheduler.errors import TeamFolderError
from scheduler.load import load_team
from scheduler.operations import Triage, grant, pending_requests, replan_problem, triage
from scheduler.operations.replan import clear_of_time_off, credited, rebuilt, resolve
from scheduler.staffing import requirements

ROOT = Path(__file__).resolve().parents[2]
REQUESTS = """agent,start,end,status,note
dana,2026-12-01,2026-12-01,approved,dentist
ben,2026-12-02 22:00,2026-12-02 23:30,pending,after work: costs nothing
ana,2026-12-01,2026-12-01,pending,asked first for Tuesday
chloe,2026-12-01,2026-12-01,pending,Tuesday too
emil,2026-12-01,2026-12-02,pending,Tuesday and Wednesday
ben,2026-11-30,2026-11-30,pending,Monday
"""


@pytest.fixture
def team(tmp_path: Path) -> Path:
    folder = tmp_path / "team"
    shutil.copytree(ROOT / "fixtures" / "small", folder)
    (folder / "time_off.csv").write_text(REQUESTS)
    return folder


def solved_penalties(problem: Problem, approved: list[TimeOff],
                     work: float = 0.5) -> dict[str, int]:
    """Penalty per rule of the roster solved with exactly these requests approved."""
    kept = tuple(t for t in problem.time_off if t.status == "approved")
    extra = tuple(t.model_copy(update={"status": "approved"}) for t in approved)
    changed = rebuilt(problem, time_off=(*kept, *extra))
    hint = None
    if changed.reference:  # a published roster: every solve is a minimal-change re-plan
        published = Roster(shifts=changed.reference)
        hint = clear_of_time_off(changed, published)
        changed = replan_problem(credited(changed, published, hint), published, 0,
                                 prefer="coverage")
    needs = requirements(changed)
    result = resolve(changed, needs, work_limit=work, hint=hint)
    assert result.roster is not None
    evaluation = check(changed, result.roster, needs)
    assert not evaluation.hard and result.objective == evaluation.total_penalty
    return evaluation.penalty_by_rule


def check_costs(problem: Problem, result: Triage, work: float = 0.5) -> None:
    """Each decision's cost is the penalty difference of two solves, with and without it."""
    granted: list[TimeOff] = []
    for decision in result.decisions:
        without = solved_penalties(problem, granted, work)
        with_it = solved_penalties(problem, [*granted, decision.request], work)
        expected = {r: with_it.get(r, 0) - without.get(r, 0) for r in {*with_it, *without}}
        assert decision.cost == {r: v for r, v in expected.items() if v}, decision.id
        assert decision.grant == (expected.get("coverage", 0) <= 0
                                  and sum(expected.values()) <= 300)
        assert decision.reason.startswith("grant" if decision.grant else "decline")
        if decision.grant:
            granted.append(decision.request)


def test_each_cost_is_solved_with_and_without_the_request(team: Path) -> None:
    problem = load_team(team)
    result = triage(problem, requirements(problem), work_limit=0.5)
    asked = pending_requests(problem)
    assert [d.id for d in result.decisions] == [i for i, _ in asked] == [
        "ben-2026-12-02", "ana-2026-12-01", "chloe-2026-12-01", "emil-2026-12-01",
        "ben-2026-11-30"]
    check_costs(problem, result)
    first, ana, chloe = result.decisions[:3]
    assert first.grant and first.cost == {} and "costs nothing" in first.reason
    # Tuesday: ana asked first; chloe is judged after her (and says so) whatever ana got
    assert chloe.competes_with == (("ana-2026-12-01",) if ana.grant else ())
    assert not ana.grant and "coverage" in ana.reason  # five agents: nobody spares a day


def test_grant_writes_approved_and_keeps_the_rest(team: Path) -> None:
    problem = load_team(team)
    before = (team / "time_off.csv").read_text().splitlines()
    grant(team, problem, ["ana-2026-12-01", "ben-2026-11-30"])
    after = (team / "time_off.csv").read_text().splitlines()
    changed = [(a, b) for a, b in zip(before, after, strict=True) if a != b]
    assert changed == [(before[3], before[3].replace("pending", "approved")),
                       (before[6], before[6].replace("pending", "approved"))]
    reloaded = load_team(team)
    assert [i for i, _ in pending_requests(reloaded)] == [
        "ben-2026-12-02", "chloe-2026-12-01", "emil-2026-12-01"]


def test_an_unknown_request_id_writes_nothing(team: Path) -> None:
    problem = load_team(team)
    text = (team / "time_off.csv").read_text()
    with pytest.raises(TeamFolderError) as caught:
        grant(team, problem, ["ana-2026-12-01", "zoe-2026-12-01"])
    (found,) = caught.value.problems
    assert found.column == "--grant" and found.value == "zoe-2026-12-01"
    assert "ben-2026-12-02" in found.fix
    assert (team / "time_off.csv").read_text() == text


PUBLISHED = """agent,date,shift
ana,2026-11-30,E
ben,2026-11-30,L
chloe,2026-11-30,E
dana,2026-11-30,E
emil,2026-11-30,L
ana,2026-12-01,E
ben,2026-12-01,L
chloe,2026-12-01,L
dana,2026-12-01,E
ana,2026-12-02,E
ben,2026-12-02,L
chloe,2026-12-02,L
emil,2026-12-02,E
"""
PUBLISHED_REQUESTS = """agent,start,end,status,note
chloe,2026-12-02,2026-12-02,pending,Wednesday: works L in the published roster
emil,2026-12-02,2026-12-02,pending,Wednesday too: works E; asked after Chloé
ana,2026-11-30 18:00,2026-11-30 23:00,pending,after her early shift
"""


def test_requests_against_a_published_roster(tmp_path: Path) -> None:
    """The small team with a published roster: granting Wednesday to Chloé or Emil moves a
    shift, so every solve is a minimal-change re-plan; every cost checked by solving with and
    without it."""
    folder = tmp_path / "small"
    shutil.copytree(ROOT / "fixtures" / "small", folder)
    (folder / "published_roster.csv").write_text(PUBLISHED)
    (folder / "time_off.csv").write_text(PUBLISHED_REQUESTS)
    problem = load_team(folder)
    assert problem.reference and len(pending_requests(problem)) == 3
    result = triage(problem, requirements(problem), work_limit=0.5)
    check_costs(problem, result)
    chloe, emil, ana = result.decisions
    assert emil.competes_with == (("chloe-2026-12-02",) if chloe.grant else ())
    assert ana.grant and ana.cost == {}  # her evening is after her shift: it costs nothing
    assert any(d.cost for d in result.decisions)
