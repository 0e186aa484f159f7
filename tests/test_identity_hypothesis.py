"""The objective identity on random small teams.

For every roster the solver returns, the rules' plain-Python ``evaluate`` finds no hard
violation and exactly the solver's objective, rule by rule. An infeasible team gets an
explanation.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rules.helpers import assert_identity

from scheduler.domain import (
    Agent,
    Contract,
    ForecastRow,
    Problem,
    Queue,
    Shift,
    ShiftCover,
    ShiftRequest,
    ShiftTemplate,
    TimeOff,
    Window,
)
from scheduler.settings import RuleSettings
from scheduler.solvers.roster import solve
from scheduler.staffing import requirements

TEMPLATES = (
    ShiftTemplate(id="E", start=time(6), paid_minutes=480),
    ShiftTemplate(id="L", start=time(14), paid_minutes=450, break_minutes=30),
    ShiftTemplate(id="N", start=time(22), paid_minutes=420, break_minutes=60),  # ends next day
    ShiftTemplate(id="D", start=time(9), paid_minutes=240, weekdays=(0, 1, 2, 3, 4)),
)
QUEUES = (Queue(id="A", channel="phone", priority=1), Queue(id="B", channel="chat", priority=3))
# Thursday in January; Friday before the spring DST change in Berlin (Sunday 31 March).
STARTS = (date(2024, 1, 4), date(2024, 3, 29))
LEVELS = st.sampled_from(["soft", "soft", "hard", "off"])  # mostly solvable
WEIGHTS = st.integers(0, 30)


@st.composite
def contracts(draw: st.DrawFn, templates: list[str]) -> Contract:
    top = draw(st.sampled_from([None, 960, 1440, 2400]))
    least = draw(st.sampled_from([m for m in (0, 0, 480, 960) if top is None or m <= top]))
    return Contract(
        min_minutes=least, max_minutes=top, period=draw(st.sampled_from(["week", "horizon"])),
        max_days_per_week=draw(st.sampled_from([None, 1, 2, 3, 5])),
        max_shifts=draw(st.dictionaries(st.sampled_from(templates), st.integers(0, 2),
                                        max_size=1)),
        max_consecutive_days=draw(st.sampled_from([None, 1, 2, 3])),
        min_consecutive_days=draw(st.sampled_from([None, 2, 3])),
        min_consecutive_days_off=draw(st.sampled_from([None, 2])),
        max_weekends=draw(st.sampled_from([None, 0, 1])),
    )


@st.composite
def agents(draw: st.DrawFn, n: int, templates: list[str]) -> tuple[Agent, ...]:
    team = []
    for i in range(n):
        windows: tuple[Window, ...] = ()
        if draw(st.booleans()):  # mornings only, some weekdays
            days = draw(st.sets(st.integers(0, 6), min_size=1))
            windows = tuple(Window(weekday=d, start_minute=360, end_minute=900) for d in days)
        team.append(Agent(id=f"a{i}", skills=tuple(draw(st.sets(st.sampled_from(["A", "B"])))),
                          contract=draw(contracts(templates)), availability=windows))
    return tuple(team)


@st.composite
def rule_settings(draw: st.DrawFn) -> RuleSettings:
    def rule(**extra: Any) -> dict[str, Any]:
        return {"level": draw(LEVELS), "weight": draw(WEIGHTS), **extra}

    return RuleSettings.model_validate({
        "coverage": rule(over_weight=draw(st.integers(0, 3))),
        "time_off": rule(pending_level=draw(LEVELS), pending_weight=draw(WEIGHTS)),
        "contract": rule(weight=draw(st.integers(0, 2)),
                         max_days_per_week=draw(st.sampled_from([None, 2, 4]))),
        "rest": rule(min_rest_hours=draw(st.sampled_from([0, 8, 11])),
                     forbidden_successions=draw(st.sampled_from([(), (("E", "L"),)]))),
        "consecutive": rule(max_days=draw(st.sampled_from([None, 2, 3])),
                            min_days=draw(st.sampled_from([None, 2])),
                            min_days_off=draw(st.sampled_from([None, 2]))),
        "weekends": rule(max_weekends=draw(st.sampled_from([None, 0, 1]))),
        "fairness": rule(weekend_weight=draw(WEIGHTS), late_weight=draw(WEIGHTS),
                         late_templates=("L", "N"), hours_weight=draw(st.integers(0, 2))),
        "preferences": rule(),
        "availability": rule(),
        "stability": rule(),
    })


@st.composite
def problems(draw: st.DrawFn) -> Problem:
    zone = draw(st.sampled_from(["UTC", "Europe/Berlin"]))
    start = draw(st.sampled_from(STARTS))
    days = draw(st.integers(2, 5))
    templates = draw(st.lists(st.sampled_from(TEMPLATES), min_size=1, max_size=2,
                              unique_by=lambda t: t.id))
    ids = [t.id for t in templates]
    team = draw(agents(draw(st.integers(2, 5)), ids))
    names = [a.id for a in team]
    day = st.integers(0, days - 1)

    def moment(d: int, hour: int) -> datetime:
        return datetime.combine(start + timedelta(days=d), time(hour), tzinfo=ZoneInfo(zone))

    offs = []
    for _ in range(draw(st.integers(0, 3))):
        first, hour = draw(day), draw(st.sampled_from([0, 12]))
        offs.append(TimeOff(agent=draw(st.sampled_from(names)), start=moment(first, hour),
                            end=moment(first + draw(st.integers(1, 2)), 0),
                            status=draw(st.sampled_from(["approved", "pending"]))))
    requests = draw(st.lists(st.builds(
        ShiftRequest, agent=st.sampled_from(names), day=day,
        template=st.sampled_from([None, *ids]), on=st.booleans(), weight=st.integers(0, 10)),
        max_size=6))
    cover = draw(st.lists(st.builds(
        ShiftCover, day=day, template=st.sampled_from(ids), required=st.integers(0, 3),
        under_weight=st.integers(0, 50), over_weight=st.integers(0, 5)), max_size=4))
    shift = st.builds(Shift, agent=st.sampled_from(names), day=day, template=st.sampled_from(ids))
    past = st.builds(Shift, agent=st.sampled_from(names), day=st.integers(-3, -1),
                     template=st.sampled_from(ids))
    # a forecast per hour and queue, turned into agents needed by the staffing stage
    calls = draw(st.lists(st.tuples(st.integers(0, 24 * days - 1), st.sampled_from("AB"),
                                    st.integers(1, 15), st.integers(60, 300)),
                          max_size=8, unique_by=lambda r: (r[0], r[1])))
    origin = moment(0, 0).astimezone(UTC)
    return Problem(
        team="random", time_zone=zone, start=start, days=days, interval_minutes=60,
        queues=QUEUES, templates=tuple(templates), agents=team, time_off=tuple(offs),
        requests=tuple(requests), shift_cover=tuple(cover),
        history=tuple(draw(st.lists(past, max_size=3, unique_by=lambda s: (s.agent, s.day)))),
        reference=tuple(draw(st.lists(shift, max_size=4,
                                      unique_by=lambda s: (s.agent, s.day)))),
        locked=tuple(draw(st.lists(shift, max_size=1))),
        forecast=tuple(ForecastRow(start=origin + timedelta(hours=hour), queue=queue,
                                   volume=volume, aht_s=aht)
                       for hour, queue, volume, aht in calls),
        rules=draw(rule_settings()),
    )


@settings(max_examples=35, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems())
def test_objective_equals_evaluated_penalty(problem: Problem) -> None:
    needs = requirements(problem)
    result = solve(problem, needs, time_limit=5, workers=1)
    report = result.report
    assert report.status in ("OPTIMAL", "FEASIBLE", "INFEASIBLE"), report.summary()
    if report.status == "INFEASIBLE":
        assert result.roster is None
        assert report.conflict, report.summary()
        return
    assert_identity(problem, result, needs)
