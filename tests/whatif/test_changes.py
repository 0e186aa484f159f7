"""Each change does exactly what it says to the Problem, and nothing else (fixtures/small)."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from scheduler.domain import Problem
from scheduler.load import load_team
from scheduler.settings import Level
from scheduler.whatif.changes import ChangeError
from scheduler.whatif.parse import parse_change

BERLIN = ZoneInfo("Europe/Berlin")


@pytest.fixture(scope="module")
def small() -> Problem:
    return load_team("fixtures/small")


def changed_fields(before: Problem, after: Problem) -> set[str]:
    return {name for name in Problem.model_fields if getattr(before, name) != getattr(after, name)}


def apply(problem: Problem, text: str) -> Problem:
    after = parse_change(text, problem).apply(problem)
    assert after is not problem
    return after


def test_a_change_leaves_its_input_alone(small: Problem) -> None:
    before = small.model_dump()
    apply(small, "volume +20%")
    apply(small, "remove ana")
    assert small.model_dump() == before


def test_volume_scales_only_the_chosen_queue_days_and_hours(small: Problem) -> None:
    after = apply(small, "volume +20% chat Mon 07:00-08:00")
    assert changed_fields(small, after) == {"forecast"}
    touched = 0
    for old, new in zip(small.forecast, after.forecast, strict=True):
        local = old.start.astimezone(BERLIN)
        chosen = (old.queue == "chat" and local.date() == date(2026, 11, 30)
                  and 7 * 60 <= local.hour * 60 + local.minute < 8 * 60)
        touched += chosen
        assert new.volume == pytest.approx(old.volume * 1.2 if chosen else old.volume)
        assert (new.start, new.queue, new.aht_s) == (old.start, old.queue, old.aht_s)
    assert touched == 2  # chat at 07:00 and 07:30 on Monday


def test_handle_time_changes_aht_only(small: Problem) -> None:
    after = apply(small, "aht -10% phone")
    for old, new in zip(small.forecast, after.forecast, strict=True):
        factor = 0.9 if old.queue == "phone" else 1.0
        assert new.aht_s == pytest.approx(old.aht_s * factor)
        assert new.volume == old.volume


def test_close_drops_the_days_forecast_and_open_copies_another_day(small: Problem) -> None:
    closed = apply(small, "close wed")
    assert changed_fields(small, closed) == {"forecast"}
    assert {r.start.astimezone(BERLIN).date() for r in closed.forecast} == {
        date(2026, 11, 30), date(2026, 12, 1)}
    opened = apply(closed, "open wed 07:00-09:00 like mon 50%")
    wednesday = [r for r in opened.forecast if r.start.astimezone(BERLIN).date()
                 == date(2026, 12, 2)]
    monday = {(r.start.astimezone(BERLIN).time(), r.queue): r for r in small.forecast
              if r.start.astimezone(BERLIN).date() == date(2026, 11, 30)
              and r.start.astimezone(BERLIN).hour < 9}
    assert len(wednesday) == len(monday) == 8  # 4 intervals x 2 queues
    for row in wednesday:
        source = monday[row.start.astimezone(BERLIN).time(), row.queue]
        assert row.volume == pytest.approx(source.volume / 2)
        assert row.aht_s == source.aht_s


def test_queue_settings(small: Problem) -> None:
    after = apply(small, "target phone 90/20")
    assert changed_fields(small, after) == {"queues"}
    phone = after.queue_index["phone"]
    assert (phone.service_level, phone.answer_within_s) == (0.9, 20)
    assert after.queue_index["chat"] == small.queue_index["chat"]
    assert apply(small, "concurrency chat 3").queue_index["chat"].concurrency == 3
    team = apply(small, "occupancy 90%")
    assert changed_fields(small, team) == {"max_occupancy"}
    assert team.max_occupancy == 0.9
    one = apply(small, "shrinkage 25% chat")
    assert one.queue_index["chat"].shrinkage == 0.25
    assert one.shrinkage == small.shrinkage and one.queue_index["phone"].shrinkage is None


def test_remove_takes_the_agent_and_everything_naming_them(small: Problem) -> None:
    after = apply(small, "remove ben")
    assert changed_fields(small, after) == {"agents", "time_off", "requests", "history"}
    assert [a.id for a in after.agents] == ["ana", "chloe", "dana", "emil"]
    for group in (after.time_off, after.requests, after.history):
        assert all(item.agent != "ben" for item in group)
    assert [t for t in small.time_off if t.agent != "ben"] == list(after.time_off)


def test_remove_for_some_days_is_approved_time_off_and_a_smaller_minimum(
        small: Problem) -> None:
    after = apply(small, "remove ana 2026-12-01..2026-12-01")
    assert changed_fields(small, after) == {"agents", "time_off"}
    off = after.time_off[-1]
    assert (off.agent, off.status) == ("ana", "approved")
    assert off.start == datetime(2026, 12, 1, tzinfo=BERLIN)
    assert off.end == datetime(2026, 12, 2, tzinfo=BERLIN)
    # 8 h over the 3-day horizon, present 2 days of 3: 480 * 2 // 3 minutes
    assert after.agent_index["ana"].contract.min_minutes == 320
    leaves = apply(small, "remove ana from 2026-12-02")
    assert leaves.time_off[-1].start == datetime(2026, 12, 2, tzinfo=BERLIN)
    assert leaves.time_off[-1].end == datetime(2026, 12, 3, tzinfo=BERLIN)


def test_hires_join_with_skills_contract_and_start(small: Problem) -> None:
    after = apply(small, "add new x2 skills=chat; contract=part-time; start=2026-12-01; "
                  "availability=mon-fri 08:00-16:00")
    assert changed_fields(small, after) == {"agents", "time_off"}
    new = after.agents[-2:]
    assert [a.id for a in new] == ["new-1", "new-2"]
    for agent in new:
        assert agent.skills == ("chat",)
        assert agent.contract.max_minutes == 24 * 60 and agent.contract.max_days_per_week == 4
        assert [(w.weekday, w.start_minute, w.end_minute) for w in agent.availability] == [
            (d, 480, 960) for d in range(5)]
        # 16 h a week x 3/7 of a week, away 1 day of 3
        assert agent.contract.min_minutes == 16 * 60 * 2 // 3
    offs = after.time_off[-2:]
    assert [(o.agent, o.start, o.end) for o in offs] == [
        (i, datetime(2026, 11, 30, tzinfo=BERLIN), datetime(2026, 12, 1, tzinfo=BERLIN))
        for i in ("new-1", "new-2")]
    assert apply(small, "add solo like=ana").agents[-1].skills == ("phone", "chat")


def test_skill_time_off_and_rule(small: Problem) -> None:
    trained = apply(small, "skill ben chat")
    assert changed_fields(small, trained) == {"agents"}
    assert trained.agent_index["ben"].skills == ("phone", "chat")
    approved = apply(small, "time-off approve ben 2026-12-02")
    assert changed_fields(small, approved) == {"time_off"}
    assert [t.status for t in approved.time_off if t.agent == "ben"] == ["approved"]
    denied = apply(small, "time-off deny ben")
    assert [t.agent for t in denied.time_off] == ["dana"]
    ruled = apply(small, "rule rest soft weight=7")
    assert changed_fields(small, ruled) == {"rules"}
    assert (ruled.rules.rest.level, ruled.rules.rest.weight) == (Level.SOFT, 7)
    assert ruled.rules.rest.min_rest_hours == small.rules.rest.min_rest_hours
    assert ruled.rules.coverage == small.rules.coverage


def test_templates_added_and_removed(small: Problem) -> None:
    added = apply(small, "template add X 08:00 10h break=30 sat,sun")
    assert changed_fields(small, added) == {"templates"}
    x = added.template_index["X"]
    assert (x.start.hour, x.paid_minutes, x.break_minutes, x.weekdays) == (8, 600, 30, (5, 6))
    removed = apply(small, "template remove L")
    assert [t.id for t in removed.templates] == ["E"]
    assert all(s.template != "L" for s in removed.history)
    assert all(r.template != "L" for r in removed.requests)
    assert removed.rules.rest.forbidden_successions == ()
    assert removed.rules.fairness.late_templates == ()


def test_a_change_that_breaks_the_team_is_refused(small: Problem) -> None:
    with pytest.raises(ChangeError, match="only shift template"):
        parse_change("template remove E", apply(small, "template remove L"))


def test_remove_on_an_availability_team_drops_their_rows_and_mentoring() -> None:
    team = load_team("fixtures/availability-team")
    mentor, newcomer = team.onboarding[0].mentors[0], team.onboarding[0].agent
    after = apply(team, f"remove {mentor}")
    assert mentor not in after.agent_index
    for group in (after.availability, after.balance, after.offers):
        assert all(item.agent != mentor for item in group)
    assert [a for a in after.availability] == [a for a in team.availability
                                                if a.agent != mentor]
    assert after.onboarding[0].agent == newcomer
    assert after.onboarding[0].mentors == tuple(m for m in team.onboarding[0].mentors
                                                if m != mentor)
