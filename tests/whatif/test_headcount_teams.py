"""What-if on teams whose need is a headcount: their figures, with deltas, and a flag on a
roster that says nothing about its scenario (empty, or far from its bound)."""

from __future__ import annotations

import pytest
from rules.flexible import cover, flex, rules, team

from scheduler.check import check
from scheduler.domain import Problem, Roster, Shift
from scheduler.kpi.headcount import HeadcountHeadline
from scheduler.staffing import requirements
from scheduler.whatif.compare import compare, compare_scenarios, wide
from scheduler.whatif.parse import parse_change
from scheduler.whatif.run import Outcome, SolveOptions, run_tasks
from scheduler.whatif.scenarios import BASELINE, Scenario

TINY = SolveOptions(time_limit=60, work_limit=0.5, workers=1, seed=0)
SHORT = "short of the minimum (agent-half-hours)"


def three() -> Problem:
    """08-14 one agent on duty at least (100 per agent-interval short): Ana 08-12, Bob 10-14
    preferred, Cid 08-14 if needed; shifts 2-4 h on the hour."""
    return team(flexible=flex(2, 4, first=8, last=14),
                coverage=(cover(8, 14, 1, 2, least_weight=100, most_weight=100),),
                settings=rules(headcount={"level": "soft"}, preference_levels={}),
                ana=[(8, 12, "preferred")], bob=[(10, 14, "preferred")],
                cid=[(8, 14, "if needed")])


def test_removing_an_agent_shows_the_headcount_figures_with_their_deltas() -> None:
    problem = three()
    leave = [Scenario("Bob and Cid leave", (parse_change("remove bob", problem),
                                            parse_change("remove cid", problem)))]
    table, outcomes = compare_scenarios(problem, leave, TINY, run_tasks)
    base, gone = outcomes
    for outcome, scenario in zip(outcomes, (problem, leave[0].apply(problem)), strict=True):
        found = check(scenario, Roster(shifts=outcome.shifts), requirements(scenario))
        assert outcome.objective == found.total_penalty and found.hard == ()
    assert base.headcount.short == 0 and base.headcount.agents_with_hours >= 2
    figures = table[table["scenario"] == "Bob and Cid leave"].set_index("figure")
    # Ana alone covers 08-12: 12-14 is 4 half-hours short
    assert figures.loc[SHORT, "value"] == 4 and figures.loc[SHORT, "delta"] == 4
    assert figures.loc["agents with hours", "value"] == 1
    assert "under-covered agent-hours" not in figures.index  # no queues, nothing asked
    assert figures.loc["preferred share (%)", "value"] == 100
    assert (figures["reason"] == "").all()


def outcome(name: str, shifts: tuple[Shift, ...], gap: float | None, short: int) -> Outcome:
    """A solved outcome with the figures given (the forecast headline left empty)."""
    from scheduler.kpi import Headline

    headline = Headline({}, {}, {}, {}, {}, {}, 0.0, 0.0, 0.0, 0.0, 0.0, 100 * short, 0)
    view = HeadcountHeadline(short, 0, short, 0, "agent-half-hours", 3, len(shifts), 1.0, 2.0,
                             0.5, 4.0 * len(shifts))
    return Outcome(name, "FEASIBLE", shifts=shifts, headline=headline, gap=gap,
                   objective=100 * short, headcount=view)


@pytest.mark.parametrize(("gap", "note"), [(0.987, "EMPTY ROSTER"), (0.0, "")])
def test_an_empty_roster_not_proven_best_is_flagged_not_read_as_no_change(
        gap: float, note: str) -> None:
    base = outcome(BASELINE, (Shift(agent="ana", day=0, template="F"),), 0.1, 0)
    empty = outcome("remove ana", (), gap, 12)
    table = compare([base, empty], {"remove ana": "remove ana"})
    mine = table[table["scenario"] == "remove ana"]
    assert (mine["reason"].str.startswith("empty roster (gap 99%)")).all() == bool(note)
    grid = wide(table)
    if note:
        assert grid.loc["note", "remove ana"] == note and grid.loc["note", BASELINE] == ""
    else:
        assert "note" not in grid.index
    assert grid.loc[SHORT, "remove ana"] == "12 (+12)"


def test_a_roster_far_from_its_bound_is_flagged() -> None:
    base = outcome(BASELINE, (Shift(agent="ana", day=0, template="F"),), 0.7, 0)
    table = compare([base], {})
    assert table["reason"].iloc[0].startswith("far from its bound (gap 70%)")
    assert wide(table).loc["note", BASELINE] == "far from bound"


def week() -> Problem:
    """Monday to Sunday; coverage.csv asks 2-3 on duty 08-14 and 1-2 on 24:00-26:00 (the
    night after) on Monday to Friday only."""
    rows = tuple(row for day in range(5)
                 for row in (cover(8, 14, 2, 3, least_weight=100, most_weight=100, day=day),
                             cover(24, 26, 1, 2, least_weight=100, most_weight=100, day=day)))
    return team(flexible=flex(2, 4, first=8, last=26), coverage=rows, days=7,
                settings=rules(headcount={"level": "soft"}), day_starts_at=6,
                ana=[(8, 14, "preferred")])


def limits(problem: Problem, day: int) -> list[tuple[int, int, int, int | None]]:
    return [(r.start_minute // 60, r.end_minute // 60, r.min_agents, r.max_agents)
            for r in problem.coverage if r.day == day]


def test_open_saturday_like_friday_copies_its_headcount_rows() -> None:
    problem = week()
    opened = parse_change("open sat like fri", problem).apply(problem)
    assert limits(opened, 5) == limits(problem, 4) == [(8, 14, 2, 3), (24, 26, 1, 2)]
    assert limits(opened, 6) == [] and limits(opened, 4) == limits(problem, 4)
    half = parse_change("open sat,sun 08:00-12:00 like fri 50%", problem).apply(problem)
    assert limits(half, 5) == limits(half, 6) == [(8, 14, 1, 2)]  # minimum rounded up
    needs = requirements(opened)
    assert len(needs) == len(requirements(problem)) + 12 + 4  # 08-14 and 00:00-02:00 Sunday


def test_close_drops_the_days_headcount_rows_and_their_night() -> None:
    problem = week()
    assert limits(parse_change("close mon", problem).apply(problem), 0) == []
    evening = parse_change("close tue 00:00-01:00", problem).apply(problem)
    assert limits(evening, 1) == [(8, 14, 2, 3)]  # the row starting at 24:00 (00:00) only


def test_a_small_change_is_shown_with_two_decimals_not_as_plus_zero() -> None:
    base = outcome(BASELINE, (Shift(agent="ana", day=0, template="F"),), 0.1, 0)
    other = outcome("other", (Shift(agent="ana", day=0, template="F"),), 0.1, 0)
    other = Outcome(other.name, other.status, shifts=other.shifts, headline=other.headline,
                    gap=0.1, objective=0, headcount=HeadcountHeadline(
                        0, 0, 0, 0, "agent-half-hours", 3, 1, 1.03, 2.0, 0.5, 4.0))
    grid = wide(compare([base, other], {}))
    assert grid.loc["fair-share distance, mean (h)", "other"] == "1 (≈+0.03)"  # within the gaps
