"""Infeasibility in words (issue 22, item 9): last week's shifts named, headcounts against who
could work, the interval and shortfall of hard coverage, time off in the agent's own zone."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pandas as pd
from rules.helpers import agent, history, only, problem, time_off

from scheduler.constraints.time_off import describe
from scheduler.domain import Agent, Queue, ShiftCover, TimeOff
from scheduler.settings import ConsecutiveSettings, CoverageSettings, RestSettings
from scheduler.solvers.cpsat import build
from scheduler.solvers.explain import explain
from scheduler.staffing import requirements


def reasons(prob, needs=None) -> list[str]:
    needs = requirements(prob) if needs is None else needs
    return explain(build(prob, needs, explain_mode=True), time_limit=5)


def cover(day: int, template: str, required: int) -> ShiftCover:
    return ShiftCover(day=day, template=template, required=required, under_weight=1)


def test_rest_after_last_weeks_late_shift_names_it():
    # Ana's late shift on Sunday 31 Dec ends at 22:00; the early shift on Monday starts at
    # 06:00: 8 h of the 11 h rest.
    prob = problem("ana", days=2, history=history(ana="L"), shift_cover=(cover(0, "E", 1),),
                   rules=only(rest=RestSettings(), coverage=CoverageSettings(level="hard")))
    found = reasons(prob)
    assert any("after last roster's L on Sun 31 Dec" in r for r in found), found
    assert any("needs 1 on E Mon 01 Jan; only 1 agents can work E that day" in r
               for r in found), found


def test_a_run_across_the_boundary_names_last_weeks_shifts():
    prob = problem("ana", days=2, history=history(ana="EEEEEE"), shift_cover=(cover(0, "E", 1),),
                   rules=only(consecutive=ConsecutiveSettings(max_days=6),
                              coverage=CoverageSettings(level="hard")))
    found = reasons(prob)
    assert any("counting last roster's E Tue 26 Dec, E Wed 27 Dec" in r and "E Sun 31 Dec" in r
               for r in found), found


def test_a_headcount_says_how_many_could_work():
    prob = problem("ana", "bo", days=1, shift_cover=(cover(0, "E", 3),),
                   rules=only(coverage=CoverageSettings(level="hard")))
    assert reasons(prob)[1:] == ["needs 3 on E Mon 01 Jan; only 2 agents can work E that day "
                                 "(coverage)"]


def test_hard_coverage_names_the_interval_and_the_shortfall():
    prob = problem(agent("ana", skills=("phone",)), agent("bo", skills=("phone",)), days=1,
                   queues=(Queue(id="phone", channel="phone"),),
                   rules=only(coverage=CoverageSettings(level="hard")))
    needs = pd.DataFrame({"interval": [16], "queue": ["phone"], "agents": [3]})
    assert reasons(prob, needs)[1:] == [
        "phone Mon 01 Jan 08:00–08:30: needs 3 agents; 2 with the skill can be on duty "
        "(short by at least 1) (coverage)"]


def test_whole_day_time_off_in_the_agents_own_zone():
    berlin = ZoneInfo("Europe/Berlin")
    prob = problem(Agent(id="ana", name="Ana", time_zone="Europe/Berlin"), days=2,
                   rules=only())
    off = TimeOff(agent="ana", start=datetime(2024, 1, 1, tzinfo=berlin),
                  end=datetime(2024, 1, 2, tzinfo=berlin))
    assert describe(off, prob) == "approved time off Mon 01 Jan"
    assert describe(time_off("ana", 0, 0), prob) == \
        "approved time off Mon 01 Jan 01:00 – Tue 02 Jan 01:00 (Europe/Berlin)"
