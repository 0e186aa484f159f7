"""The team's wall clock: DST days in the history and in the planning week."""

from __future__ import annotations

from datetime import date, datetime

import numpy as np
import pandas as pd

from scheduler.forecast.grid import WallGrid, planning_intervals

BERLIN = "Europe/Berlin"


def test_the_hour_that_happens_twice_holds_the_mean_of_its_two_occurrences() -> None:
    grid = WallGrid(BERLIN, 30)
    # Sunday 25 Oct 2026: 02:00-03:00 happens at +02:00 and again at +01:00.
    local = pd.Series(pd.to_datetime(["2026-10-25 02:10", "2026-10-25 02:20",  # first pass
                                      "2026-10-25 02:15",  # second pass, same wall slot
                                      "2026-10-25 09:05"]))
    counts = grid.matrix(local, np.array([1.0, 1.0, 4.0, 5.0]), date(2026, 10, 25), 1)
    assert counts[0, 4] == 3.0  # (1 + 1 + 4) / 2 occurrences
    assert counts[0, 18] == 5.0
    assert counts[0, 0] == 0.0


def test_the_skipped_hour_is_missing_not_zero() -> None:
    grid = WallGrid(BERLIN, 30)
    counts = grid.matrix(pd.Series(pd.to_datetime(["2026-03-29 09:00"])), np.array([2.0]),
                         date(2026, 3, 29), 1)
    assert np.isnan(counts[0, 4]) and np.isnan(counts[0, 5])  # 02:00 and 02:30 never happen
    assert counts[0, 3] == 0.0 and counts[0, 18] == 2.0


def test_planning_weeks_have_their_true_length() -> None:
    autumn = planning_intervals(BERLIN, date(2026, 10, 19), 7, 30)
    spring = planning_intervals(BERLIN, date(2026, 3, 23), 7, 30)
    plain = planning_intervals(BERLIN, date(2026, 11, 30), 7, 30)
    assert (len(autumn), len(spring), len(plain)) == (7 * 48 + 2, 7 * 48 - 2, 7 * 48)
    sunday = [iv for iv in autumn if iv.day == 6]
    assert len(sunday) == 50
    twice = [iv for iv in sunday if iv.slot == 4]
    assert [iv.start.utcoffset().total_seconds() / 3600 for iv in twice] == [2.0, 1.0]
    assert {iv.start.replace(tzinfo=None) for iv in twice} == {datetime(2026, 10, 25, 2)}
    assert not [iv for iv in spring if iv.day == 6 and iv.slot in (4, 5)]
