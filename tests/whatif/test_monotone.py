"""More capacity is never reported worse: a solver stand-in that under-solves with hires gives
the roster below carried over (measured for real, no CP-SAT), and each solve starts from it;
the same for a team with one leaver fewer."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from scheduler.domain import Shift
from scheduler.load import load_team
from scheduler.whatif import headcount as hc
from scheduler.whatif.headcount import renaming, search_headcount
from scheduler.whatif.monotone import better_of, carry_capacity, more_capacity
from scheduler.whatif.parse import hire, parse_change
from scheduler.whatif.run import Outcome, SolveOptions, Task, measure_roster
from scheduler.whatif.scenarios import Scenario
from scheduler.whatif.team_changes import Remove, Skill

SMALL = load_team("fixtures/small")


def s(agent: str, day: int, template: str) -> Shift:
    return Shift(agent=agent, day=day, template=template)


# small's optimum (penalty 2384, every hard rule kept), and a roster of three shifts
GOOD = (s("ana", 0, "E"), s("ana", 1, "E"), s("ana", 2, "E"), s("ben", 0, "L"), s("ben", 1, "L"),
        s("ben", 2, "L"), s("chloe", 0, "E"), s("chloe", 1, "E"), s("chloe", 2, "L"),
        s("dana", 0, "E"), s("dana", 2, "E"), s("emil", 0, "L"), s("emil", 1, "L"))
POOR = (s("ana", 0, "E"), s("ben", 0, "L"), s("emil", 0, "L"))


class UnderSolver:
    """Gives the good roster without hires and the poor one (each hire one shift) with any;
    records the hints."""

    def __init__(self) -> None:
        self.hints: dict[str, tuple[Shift, ...]] = {}

    def __call__(self, tasks: Sequence[Task]) -> list[Outcome]:
        found = []
        for task in tasks:
            self.hints[task.name] = task.hint
            hires = [a.id for a in task.problem.agents if a.id.startswith("hire")]
            roster = POOR + tuple(s(a, 1, "E") for a in hires) if hires else GOOD
            outcome = measure_roster(task, roster, 0.0, "")
            assert outcome is not None
            found.append(outcome)
        return found


@pytest.fixture
def from_zero(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(hc, "staffing_bound", lambda *args: 0)


@pytest.mark.usefixtures("from_zero")
def test_more_hires_are_never_reported_worse() -> None:
    solver = UnderSolver()
    answer = search_headcount(SMALL, hire("skills=chat; hours=0-24", SMALL), ["chat"],
                              options=SolveOptions(), run=solver, limit=2, criterion="day")
    probes = {p.hires: p for p in answer.probes}
    assert sorted(probes) == [0, 1, 2]
    short = [probes[n].outcome.headline.short_hours_total for n in (0, 1, 2)]
    missed = [len(probes[n].missed) for n in (0, 1, 2)]
    assert short[0] == short[1] == short[2] and missed[0] == missed[1] == missed[2]
    assert [probes[n].outcome.carried_from for n in (0, 1, 2)] == ["", "+0 hires", "+0 hires"]
    assert set(probes[2].outcome.shifts) == set(GOOD)  # the hires idle
    assert answer.solves == 3
    # each solve started from the roster below it
    assert solver.hints["+0 hires"] == () and set(solver.hints["+1 hires"]) == set(GOOD)


@pytest.mark.usefixtures("from_zero")
def test_a_roster_that_breaks_a_hard_rule_with_the_hires_is_not_carried() -> None:
    # hires must work 8 h (a hard contract): the roster below, hires idle, is not a roster
    answer = search_headcount(SMALL, hire("skills=chat; hours=8-24", SMALL), ["chat"],
                              options=SolveOptions(), run=UnderSolver(), limit=1,
                              criterion="day")
    assert [p.outcome.carried_from for p in answer.probes] == ["", ""]


def test_hires_keep_their_place_when_the_count_grows() -> None:
    kind = hire("skills=chat", SMALL)
    assert renaming(kind, 1, 3) == {"hire": "hire-1"}
    assert renaming(kind, 2, 3) == {"hire-1": "hire-1", "hire-2": "hire-2"}


def test_the_solver_s_roster_stays_unless_the_carried_one_is_better_on_a_figure() -> None:
    task = Task("t", SMALL)
    good, poor = (measure_roster(task, r, 0.0, n) for r, n in ((GOOD, "good"), (POOR, "poor")))
    assert good is not None and poor is not None
    assert better_of(good, poor, "interval") is good
    assert better_of(poor, good, "interval").carried_from == "good"
    assert better_of(good, None, "interval") is good
    unsolved = Outcome("t", "UNKNOWN", "no roster found")
    assert better_of(unsolved, good, "week").carried_from == "good"




def test_which_teams_have_more_capacity() -> None:
    leave, other = Remove(agent="dana"), Remove(agent="ben")
    cross = Skill(agent="ben", queues=("chat",))
    assert more_capacity((), (leave,)) and not more_capacity((leave,), ())
    assert more_capacity((leave,), (leave, other)) and more_capacity((cross,), ())
    assert not more_capacity((cross,), (leave, cross, parse_change("volume +5%", SMALL)))
    assert not more_capacity((), ())
    hires = hire("skills=chat; hours=0-24", SMALL)  # a contract holds a dict: not hashable
    assert more_capacity((hires,), ()) and not more_capacity((), (hires,))


def test_the_baseline_is_never_reported_worse_than_a_team_with_one_leaver() -> None:
    leaver = Scenario("1 leaves", (Remove(agent="dana"),))
    tasks = [Task("baseline", SMALL), Task(leaver.name, leaver.apply(SMALL))]
    fresh = [measure_roster(tasks[0], POOR, 0.0, ""),  # an under-solved baseline
             measure_roster(tasks[1], [x for x in GOOD if x.agent != "dana"], 0.0, "")]
    assert fresh[0] is not None and fresh[1] is not None
    base, one = carry_capacity(tasks, fresh, [(), leaver.changes], "day")
    assert one is fresh[1] and base.carried_from == "1 leaves"
    assert base.headline.short_hours_total == one.headline.short_hours_total
    assert base.headline.short_hours_total < fresh[0].headline.short_hours_total
