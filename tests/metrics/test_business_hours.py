"""Business minutes on hand-computed cases: nights, weekends, the support day's edges, DST."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from scheduler.metrics.business import BusinessHours, business_hours, business_minutes
from scheduler.tickets.policy import TicketPolicy
from tests.metrics.conftest import HELPDESK

OFFICE = BusinessHours(8 * 60, 18 * 60, (0, 1, 2, 3, 4), "Europe/Berlin")


def minutes(start: str, end: str | None) -> float:
    a = pd.Series(pd.to_datetime([start])).dt.tz_localize("Europe/Berlin").dt.tz_convert("UTC")
    b = pd.Series(pd.to_datetime([end])).dt.tz_localize("Europe/Berlin").dt.tz_convert("UTC")
    return float(business_minutes(a, b, OFFICE)[0])


@pytest.mark.parametrize(("start", "end", "expected"), [
    ("2026-11-30 09:00", "2026-11-30 09:45", 45),       # inside one day
    ("2026-11-27 17:00", "2026-11-30 09:30", 60 + 90),  # Friday 17-18, Monday 8-9:30
    ("2026-11-28 10:00", "2026-11-29 15:00", 0),        # all weekend
    ("2026-11-30 06:00", "2026-11-30 20:00", 600),      # before and after hours
    ("2026-11-30 12:00", "2026-12-07 12:00", 5 * 600),  # a whole week
    ("2026-03-27 17:00", "2026-03-30 08:30", 60 + 30),  # over the DST weekend, wall clock
])
def test_business_minutes_by_hand(start: str, end: str, expected: int) -> None:
    assert minutes(start, end) == expected


def test_missing_end_is_nan() -> None:
    a = pd.Series(pd.to_datetime(["2026-11-30 09:00"])).dt.tz_localize("UTC")
    b = pd.Series([pd.NaT], dtype="datetime64[ns, UTC]")
    assert math.isnan(business_minutes(a, b, OFFICE)[0])


def test_hours_from_team_yaml_or_the_shift_templates() -> None:
    from scheduler.load import load_team

    problem = load_team(HELPDESK)
    derived = business_hours(problem, TicketPolicy())
    # fixtures/helpdesk: Early 07:00 + 8 h 30 (paid 8 h, break 30), Late 12:00 to 20:30
    assert (derived.start, derived.weekdays) == (7 * 60, (0, 1, 2, 3, 4))
    assert derived.end == max(t.start.hour * 60 + t.length_minutes for t in problem.templates)
    given = TicketPolicy.model_validate(
        {"business_hours": {"start": "09:00", "end": "17:30", "weekdays": [0, 1, 2, 3]}})
    hours = business_hours(problem, given)
    assert (hours.start, hours.end, hours.weekdays) == (540, 1050, (0, 1, 2, 3))
    with pytest.raises(ValueError, match="business hours end after they start"):
        TicketPolicy.model_validate({"business_hours": {"start": "18:00", "end": "08:00"}})
