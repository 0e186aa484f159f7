"""An absence, now: the past stays, the rest is re-planned with as few changes as possible."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from scheduler.check import check
from scheduler.domain import Problem, Roster, Shift
from scheduler.errors import TeamFolderError
from scheduler.load import load_team, read_roster
from scheduler.operations import Absence, plan_absence, replan_problem, roster_changes
from scheduler.operations.outputs import calendar_updates
from scheduler.operations.replan import rebuilt, resolve
from scheduler.staffing import requirements

DATA = Path(__file__).resolve().parents[1] / "data" / "published"
ROOT = Path(__file__).resolve().parents[2]


def published(problem: Problem, name: str) -> Problem:
    """The problem with tests/data/published/<name>-roster.csv as its published roster."""
    return rebuilt(problem, reference=read_roster(DATA / f"{name}-roster.csv", problem).shifts)


def moment(problem: Problem, text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=problem.clock.zone)


@pytest.fixture(scope="module")
def small() -> Problem:
    return published(load_team(ROOT / "fixtures" / "small"), "small")


# ---------------------------------------------------------------- the past is what happened


def test_the_past_stays_in_check_and_in_the_solver(small: Problem) -> None:
    """Tiny hand case: from Tue 00:00 on, Mon cannot change (neither removed nor added)."""
    needs = requirements(small)
    problem = replan_problem(small, Roster(shifts=small.reference), 24 * 60)
    base = Roster(shifts=small.reference)
    assert not check(problem, base, needs).hard
    moved = Roster(shifts=tuple(Shift(agent=s.agent, day=s.day, template="L")
                                if (s.agent, s.day) == ("ana", 0) else s for s in base.shifts))
    (found,) = [v for v in check(problem, moved, needs).hard if v.rule == "fixed"]
    assert found.agent == "ana" and found.day == 0 and "E → L" in found.message
    later = Roster(shifts=tuple(Shift(agent=s.agent, day=s.day, template="L")
                                if (s.agent, s.day) == ("ana", 1) else s for s in base.shifts))
    assert not [v for v in check(problem, later, needs).hard if v.rule == "fixed"]
    # the solver, told that Monday's early shifts are unwanted, still keeps them
    from scheduler.domain import ShiftRequest

    unwanted = rebuilt(problem, requests=tuple(
        ShiftRequest(agent=s.agent, day=0, template=s.template, on=False, weight=10_000)
        for s in base.shifts if s.day == 0))
    result = resolve(unwanted, needs, work_limit=0.5)
    assert result.roster is not None
    assert {s for s in result.roster.shifts if s.day == 0} == {s for s in base.shifts
                                                              if s.day == 0}
    evaluation = check(unwanted, result.roster, needs)
    assert not evaluation.hard and result.objective == evaluation.total_penalty


def test_an_absence_on_small_changes_nothing_before_at(small: Problem) -> None:
    needs = requirements(small)
    absence = Absence("ana", moment(small, "2026-12-01T00:00"), moment(small, "2026-12-03T00:00"))
    answer = plan_absence(small, needs, absence, moment(small, "2026-12-01T09:00"), options=2,
                          work_limit=0.5)
    assert answer.options and answer.options[0].rank == 1
    at = small.clock.minute(moment(small, "2026-12-01T09:00"))
    for option in answer.options:
        assert not option.evaluation.hard
        # ana's Tuesday shift started at 07:00, before --at: it happened and stays; her
        # Wednesday is gone; nothing that started before 09:00 Tue changed, for anyone
        mine = {s.day: s.template for s in option.roster.shifts if s.agent == "ana"}
        assert mine == {0: "E", 1: "E"}
        changes = roster_changes(answer.published, option.roster)
        assert option.changes == changes and changes
        for change in changes:
            for template in (change.before, change.after):
                if template is not None:
                    shift = Shift(agent=change.agent, day=change.day, template=template)
                    assert small.shift_span(shift)[0] >= at
    penalties = [o.evaluation.total_penalty for o in answer.options]
    assert penalties == sorted(penalties)


# ---------------------------------------------------------------- bad input


@pytest.mark.parametrize(("agent", "start", "end", "at", "option"), [
    ("zoe", "2026-12-01T00:00", "2026-12-02T00:00", None, "--agent"),
    ("ana", "2026-12-09T00:00", "2026-12-10T00:00", None, "--from"),
    ("ana", "2026-12-01T00:00", "2026-12-24T00:00", None, "--to"),
    ("ana", "2026-12-01T00:00", "2026-12-02T00:00", "2026-11-20T00:00", "--at"),
    ("ana", "2026-12-02T00:00", "2026-12-01T00:00", None, "--to"),
])
def test_bad_input_is_one_clear_problem(small: Problem, agent: str, start: str, end: str,
                                        at: str | None, option: str) -> None:
    absence = Absence(agent, moment(small, start), moment(small, end))
    with pytest.raises(TeamFolderError) as caught:
        plan_absence(small, requirements(small), absence,
                     None if at is None else moment(small, at), work_limit=0.1)
    (found,) = caught.value.problems
    assert found.column == option and found.fix


def test_no_published_roster_says_how_to_publish(small_problem: Problem) -> None:
    absence = Absence("ana", moment(small_problem, "2026-12-01T00:00"),
                      moment(small_problem, "2026-12-02T00:00"))
    with pytest.raises(TeamFolderError) as caught:
        plan_absence(small_problem, requirements(small_problem), absence, work_limit=0.1)
    (found,) = caught.value.problems
    assert found.file == "published_roster.csv" and "--publish" in found.fix


# ---------------------------------------------------------------- acme: calendars follow


def agents_with_new_events(before: tuple[Problem, Roster], after: tuple[Problem, Roster],
                           stable: bool) -> set[str]:
    """Agents whose own feed has an event created, updated or cancelled between the two."""
    from scheduler.export.calendar_state import reconcile
    from scheduler.export.ical import in_horizon, planned_events
    from scheduler.staffing.covering import covering_plan, empty_plan

    (first, roster), (second, new) = before, after
    needs = requirements(first)
    now = datetime(2026, 11, 27, 12).astimezone()
    agents = [a.id for a in first.agents]
    state = reconcile({}, planned_events(first, roster, covering_plan(first, needs, roster)),
                      in_horizon(first, agents), now).state
    plan = covering_plan(second, needs, new, None if stable else empty_plan())
    result = reconcile(state, planned_events(second, new, plan), in_horizon(second, agents),
                       now)
    return {c.record.feed for c in result.changes if c.kind != "same" and c.record.feed
            in agents}


def segments(problem: Problem, roster: Roster) -> dict[str, list[tuple[int, str]]]:
    from scheduler.export.segments import served_by_agent
    from scheduler.staffing.covering import covering_plan

    return dict(served_by_agent(covering_plan(problem, requirements(problem), roster)))


def test_after_an_absence_only_changed_agents_calendars_change(acme_folder: Path) -> None:
    """acme, Amelia Taylor off Wed-Thu from Wed 00:00: events change only for agents whose
    shift or queue segments changed; with the plan kept stable that is far fewer."""
    acme = published(load_team(acme_folder), "acme")
    needs = requirements(acme)
    absence = Absence("amelia.taylor", moment(acme, "2026-12-02T00:00"),
                      moment(acme, "2026-12-04T00:00"))
    answer = plan_absence(acme, needs, absence, prefer="coverage", options=1, work_limit=1.0)
    best = answer.options[0]
    assert not best.evaluation.hard and best.changes
    at = acme.clock.minute(absence.start)
    assert all(acme.shift_span(Shift(agent=c.agent, day=c.day, template=t))[0] >= at
               for c in best.changes for t in (c.before, c.after) if t)
    published_roster = Roster(shifts=acme.reference)
    shifted = {c.agent for c in best.changes}
    old, new = segments(acme, published_roster), segments(answer.problem, best.roster)
    resegmented = {a for a in set(old) | set(new) if old.get(a) != new.get(a)}
    changed = set(calendar_updates(acme, published_roster, answer.problem, best.roster, needs))
    assert changed == shifted | resegmented | {"amelia.taylor"}
    unstable = agents_with_new_events((acme, published_roster),
                                      (answer.problem, best.roster), stable=False)
    assert len(changed) < len(unstable)
    print(f"\nagents with changed events: {len(changed)} (plan kept stable), "
          f"{len(unstable)} (plan from scratch); shifts changed: {len(best.changes)} of "
          f"{len(shifted)} agents")
