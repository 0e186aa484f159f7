"""KPIs on tiny teams worked out by hand, and on the fixtures against the checker."""

from __future__ import annotations

import math
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pandas as pd
import pytest

from scheduler.check import check
from scheduler.domain import (
    Agent,
    Contract,
    ForecastRow,
    Problem,
    Queue,
    Roster,
    Shift,
    ShiftTemplate,
)
from scheduler.kpi import measure
from scheduler.settings import RuleSettings
from scheduler.staffing import requirements
from scheduler.staffing.covering import covering_plan

BERLIN = ZoneInfo("Europe/Berlin")
SAT = date(2026, 12, 5)


def _at(hour: int, day: date = SAT) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=BERLIN)


def tiny(first_response: int = 120) -> Problem:
    """Saturday and Sunday, hourly intervals; phone 09:00 and 10:00, e-mail at 08:00.

    ``a`` works A (08:00-12:00) on Saturday, ``b`` works B (09:00-10:00) on Saturday and N
    (23:00-01:00) on Sunday night, ``c`` (e-mail) works A on Saturday.
    """
    return Problem(
        team="Tiny", time_zone="Europe/Berlin", start=SAT, days=2, interval_minutes=60,
        shrinkage=0.0, max_occupancy=1.0,
        queues=(Queue(id="phone", channel="phone", service_level=0.8, answer_within_s=20),
                Queue(id="email", channel="email", first_response_minutes=first_response)),
        templates=(ShiftTemplate(id="A", start=time(8), paid_minutes=240),
                   ShiftTemplate(id="B", start=time(9), paid_minutes=60),
                   ShiftTemplate(id="N", start=time(23), paid_minutes=120)),
        agents=(Agent(id="a", name="Ann", skills=("phone",),
                      contract=Contract(max_minutes=180, period="horizon")),
                Agent(id="b", name="Bo", skills=("phone",),
                      contract=Contract(min_minutes=240, period="horizon")),
                Agent(id="c", name="Cy", skills=("email",))),
        forecast=(ForecastRow(start=_at(9), queue="phone", volume=3, aht_s=600),
                  ForecastRow(start=_at(10), queue="phone", volume=3, aht_s=600),
                  ForecastRow(start=_at(8), queue="email", volume=6, aht_s=1200)),
        rules=RuleSettings.model_validate({"fairness": {"late_templates": ["B"]}}),
    )


ROSTER = Roster(shifts=(Shift(agent="a", day=0, template="A"),
                        Shift(agent="b", day=0, template="B"),
                        Shift(agent="b", day=1, template="N"),
                        Shift(agent="c", day=0, template="A")))
NEEDS = pd.DataFrame({"interval": [8, 9, 10, 11], "queue": ["phone"] * 4, "agents": [1, 2, 2, 1]})
PLAN = pd.DataFrame({
    "agent": ["a"] * 4 + ["b"] + ["c"] * 4,
    "interval": [8, 9, 10, 11, 9, 8, 9, 10, 11],
    "queue": ["phone"] * 5 + ["email"] * 4,
})


def test_coverage_by_hand() -> None:
    """Need 1, 2, 2, 1 phone agents; scheduled 1, 2, 1, 1: 5 of 6 covered, one hour short."""
    kpis = measure(tiny(), NEEDS, ROSTER, PLAN)
    phone = kpis.coverage[kpis.coverage["queue"] == "phone"].set_index("interval")
    assert phone.loc[8:11, "scheduled"].tolist() == [1, 2, 1, 1]
    assert phone["short"].sum() == 1 and phone.loc[10, "short"] == 1
    assert len(kpis.coverage) == 2 * 48  # every interval of the horizon, both queues
    assert kpis.headline.coverage["phone"] == pytest.approx(5 / 6)
    assert kpis.headline.short_hours == {"phone": 1.0, "email": 0.0}
    saturday = kpis.daily.set_index(["date", "queue"]).loc[("2026-12-05", "phone")]
    assert (saturday["required_hours"], saturday["short_hours"]) == (6.0, 1.0)
    assert kpis.headline.coverage["email"] == 1.0  # nothing required


def test_service_level_by_hand() -> None:
    """A = 3 × 600 / 3600 = 0.5 Erlang. N = 2: Pw = 0.1, SL = 1 − 0.1 e^−0.05, ASA = 40 s.

    N = 1: Pw = 0.5, SL = 1 − 0.5 e^(−1/60), ASA = 600 s.
    """
    kpis = measure(tiny(), NEEDS, ROSTER, PLAN)
    service = kpis.service.set_index("interval")
    two, one = 1 - 0.1 * math.exp(-0.05), 1 - 0.5 * math.exp(-1 / 60)
    assert service.loc[9, "service_level"] == pytest.approx(two, abs=1e-9)
    assert service.loc[9, "asa_s"] == pytest.approx(40.0)
    assert service.loc[10, "service_level"] == pytest.approx(one, abs=1e-9)
    assert service.loc[10, "asa_s"] == pytest.approx(600.0)
    assert kpis.headline.service_worst == {"phone": pytest.approx(one)}
    assert kpis.headline.service_weighted["phone"] == pytest.approx((one + two) / 2)


@pytest.mark.parametrize(("first_response", "late"), [(120, False), (60, True)])
def test_backlog_by_hand(first_response: int, late: bool) -> None:
    """6 mails × 20 min = 2 agent-hours at 08:00, one agent: 1 h waits, all done by 10:00."""
    kpis = measure(tiny(first_response), NEEDS, ROSTER, PLAN)
    row = kpis.backlog.set_index("interval").loc[8]
    assert (row["arriving"], row["done"], row["backlog_hours"]) == (2.0, 1.0, 1.0)
    assert row["wait_minutes"] == 120 and bool(row["late"]) is late
    assert kpis.headline.late_contacts == {"email": 6.0 if late else 0.0}


def test_agents_by_hand() -> None:
    """a: 4 h against at most 3; b: 3 h against at least 4, a late B and a night N shift."""
    kpis = measure(tiny(), NEEDS, ROSTER, PLAN)
    agents = kpis.agents.set_index("agent")
    assert agents.loc["a", ["hours", "over_hours", "under_hours"]].tolist() == [4, 1, 0]
    assert agents.loc["b", ["hours", "over_hours", "under_hours"]].tolist() == [3, 0, 1]
    assert agents["weekends"].tolist() == [1, 1, 1]
    assert agents["late"].tolist() == [0, 1, 0]
    assert agents["night"].tolist() == [0, 1, 0]
    headline = kpis.headline
    assert (headline.hours, headline.over_hours, headline.under_hours) == (11.0, 1.0, 1.0)


def test_penalties_hard_first_then_costliest() -> None:
    problem = tiny()
    evaluation = check(problem, ROSTER, NEEDS)
    kpis = measure(problem, NEEDS, ROSTER, PLAN, evaluation)
    table = kpis.penalties
    assert len(table) == len(evaluation.violations) > 0
    assert table["hard"].any()  # a works over the contract maximum
    hard_count = int(table["hard"].sum())
    assert table["hard"].iloc[:hard_count].all()
    soft = table["penalty"].iloc[hard_count:].tolist()
    assert soft == sorted(soft, reverse=True)
    assert kpis.headline.penalty == evaluation.total_penalty
    assert kpis.headline.hard_violations == hard_count


def test_fixture_shortfalls_match_the_checker(small_problem: Problem) -> None:
    """Every interval the coverage rule finds short is short in the KPIs, by the same amount."""
    roster = Roster(shifts=tuple(Shift(agent=a.id, day=d, template="E")
                                 for a in small_problem.agents[:2] for d in range(3)))
    needs = requirements(small_problem)
    plan = covering_plan(small_problem, needs, roster)
    evaluation = check(small_problem, roster, needs)
    kpis = measure(small_problem, needs, roster, plan, evaluation)
    short_kpi = kpis.coverage[kpis.coverage["short"] > 0]
    coverage = [v for v in evaluation.violations if v.rule == "coverage" and v.interval is not None]
    assert coverage
    for v in coverage:
        queue = v.message.split()[1]
        assert ((short_kpi["interval"] == v.interval) & (short_kpi["queue"] == queue)).any()
    weight = {q.id: 100 * q.priority for q in small_problem.queues}
    expected = sum(int(r.short) * weight[r.queue] for r in short_kpi.itertuples())
    assert expected == sum(v.penalty for v in coverage)


def test_contract_hours_are_counted_as_the_contract_rule_counts_them() -> None:
    # a 3-day horizon and a 16-40 h weekly contract: the rule asks for int(960 * 3 / 7) = 411
    # minutes at least and keeps the weekly maximum of 40 h, so two 8 h shifts are within it
    from rules.helpers import agent, only, problem, roster

    from scheduler.kpi import agent_load
    from scheduler.settings import ContractSettings

    prob = problem(agent("ana", min_minutes=960, max_minutes=2400), days=3,
                   rules=only(contract=ContractSettings()))
    worked = roster(ana="EE-")
    assert not check(prob, worked, requirements(prob)).violations
    row = agent_load(prob, worked).iloc[0]
    assert row["min_hours"] == 411 / 60 and row["max_hours"] == 40
    assert row["hours"] == 16 and row["over_hours"] == 0 and row["under_hours"] == 0
