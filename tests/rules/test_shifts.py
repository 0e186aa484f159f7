"""Candidate shifts: only the flexible shifts that fit each agent's availability that day."""

from __future__ import annotations

from datetime import time

from scheduler.domain import AvailabilityPolicy, BreakRule, FlexibleShift, Shift
from scheduler.load.candidates import as_template, candidate_shifts, shapes, with_candidates

from .flexible import flex, rules, team


def offered(prob, agent: str, day: int = 0) -> list[str]:
    return sorted(prob.offer_index.get((agent, day), ()))


def test_shapes_are_every_start_and_length_on_the_grid_inside_the_window():
    # 2-4 h inside 08:00-12:00 on a one-hour grid: 3 + 2 + 1 shapes
    got = list(shapes(flex(2, 4), 8 * 60, 12 * 60))
    assert got == [(480, 120), (480, 180), (480, 240), (540, 120), (540, 180), (600, 120)]


def test_only_shifts_inside_the_agents_availability_are_offered():
    prob = team(flexible=flex(2, 4), settings=rules(), ana=[(8, 12, "preferred")],
                bob=[(8, 10, "if needed"), (10, 11, "unavailable"), (11, 13, "available")],
                cid=[])
    assert offered(prob, "ana") == ["F-0800-0200", "F-0800-0300", "F-0800-0400",
                                    "F-0900-0200", "F-0900-0300", "F-1000-0200"]
    # bob: 08-10 (one 2 h shift) and 11-13 (one 2 h shift); the hour at 10 blocks the rest
    assert offered(prob, "bob") == ["F-0800-0200", "F-1100-0200"]
    assert offered(prob, "cid") == []  # no rows, team default unavailable
    assert {t.id for t in prob.templates} == set(offered(prob, "ana")) | {"F-1100-0200"}


def test_team_default_available_offers_the_whole_support_day():
    base = team(flexible=flex(8, 8, first=6, last=27), settings=rules(), ana=[])
    prob = with_candidates(base.model_copy(update={
        "policy": AvailabilityPolicy(day_starts_at=6 * 60, default="available")}))
    # 8 h shifts from 06:00 to 19:00 (ending 27:00 = 03:00 next day): 14 starts
    assert len(offered(prob, "ana")) == 14


def test_overnight_candidates_start_on_the_next_date():
    prob = team(flexible=flex(2, 2), settings=rules(), day_starts_at=6,
                ana=[(23, 27, "available")])
    assert offered(prob, "ana") == ["F-2300-0200", "F-2400-0200", "F-2500-0200"]
    late = prob.template_index["F-2500-0200"]
    assert (late.start, late.day_offset) == (time(1), 1)
    # Tuesday 01:00 to 03:00 in horizon minutes
    assert prob.shift_span(Shift(agent="ana", day=0, template="F-2500-0200")) == (25 * 60, 27 * 60)


def test_breaks_by_length_are_unpaid():
    shift = FlexibleShift(id="F", earliest_start=0, latest_end=1440, min_minutes=120,
                          max_minutes=480, breaks=(BreakRule(min_minutes=360, break_minutes=30),
                                                   BreakRule(min_minutes=480, break_minutes=45)))
    assert (as_template(shift, 480, 300).paid_minutes, as_template(shift, 480, 360).paid_minutes,
            as_template(shift, 480, 480).paid_minutes) == (300, 330, 435)


def test_days_and_agents_get_their_own_offers():
    prob = team(flexible=flex(2, 2), settings=rules(), days=2,
                ana=[(8, 10, "preferred", 0), (14, 16, "preferred", 1)])
    templates, offers = candidate_shifts(prob)
    assert [(o.day, o.templates) for o in offers] == [(0, ("F-0800-0200",)),
                                                      (1, ("F-1400-0200",))]
    assert [t.id for t in templates] == ["F-0800-0200", "F-1400-0200"]
