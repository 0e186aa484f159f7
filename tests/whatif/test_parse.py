"""Reading changes from text: clear errors by hand, and Hypothesis on any text and round trips."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scheduler.domain import Problem
from scheduler.load import load_team
from scheduler.whatif.changes import ChangeError
from scheduler.whatif.parse import KINDS, parse_change

SMALL = load_team("fixtures/small")
QUIET = settings(max_examples=150, deadline=None,
                 suppress_health_check=[HealthCheck.too_slow])


@pytest.mark.parametrize(("text", "message", "fix"), [
    ("volume +20% billing", "'billing' is not a queue", "chat, phone"),
    ("remove zoe", "'zoe' is not an agent", "ana, ben, chloe"),
    ("volume +20% 2026-12-09", "outside the planning horizon", "2026-11-30 to 2026-12-02"),
    ("volume 20%", "has no sign", "+20%"),
    ("volume +20% 12:00-09:00", "ends before it starts", "earlier start"),
    ("volume -100%", "cannot fall by 100%", "above -100%"),
    ("target phone 80-20", "not a service target", "90/20"),
    ("occupancy 1.5", "out of range", "10% to 100%"),
    ("shrinkage 95%", "out of range", "0% to 90%"),
    ("concurrency phone 2", "not a chat queue", "chat queues"),
    ("concurrency chat two", "not a number", "number"),
    ("rule rota soft", "'rota' is not a rule", "coverage"),
    ("time-off approve dana", "no pending time off", "time_off.csv"),
    ("add x skills=phone; contract=gig", "not a contract", "full-time"),
    ("add x skills=phone; hours=40-30", "minimum above its maximum", "MIN-MAX"),
    ("add ana skills=phone", "already on the team", "another id"),
    ("template add Z 25:00 8h", "not a time of day", "HH:MM"),
    ("hire 2", "not a kind of change", "volume"),
])
def test_bad_changes_say_what_and_how_to_fix(text: str, message: str, fix: str) -> None:
    with pytest.raises(ChangeError) as caught:
        parse_change(text, SMALL)
    assert message in caught.value.message
    assert fix in caught.value.fix


@QUIET
@given(st.text(max_size=60))
def test_any_text_is_a_change_or_a_change_error(text: str) -> None:
    try:
        change = parse_change(text, SMALL)
    except ChangeError as exc:
        assert exc.message and exc.fix
        return
    assert isinstance(change.apply(SMALL), Problem)


WORDS = st.sampled_from(["phone", "chat", "all", "mon-fri", "sat", "2026-12-01", "+5%", "-20%",
                         "50%", "07:00-09:00", "24:00", "ana", "dana", "from", "like", "mon",
                         "x2", "skills=chat;", "weight=3", "soft", "E", "8h", "90/20", "..",
                         "2026-11-30..2026-12-02", "break=15", "approve", "deny", "add"])


@QUIET
@given(st.sampled_from(KINDS), st.lists(WORDS, max_size=6))
def test_near_miss_changes_are_read_or_refused_cleanly(kind: str, words: list[str]) -> None:
    text = " ".join([kind, *words])
    try:
        change = parse_change(text, SMALL)
    except ChangeError as exc:
        assert exc.message and exc.fix
        return
    after = change.apply(SMALL)
    assert parse_change(str(change), SMALL) == change
    assert isinstance(after, Problem)


PERCENT = st.integers(-90, 200).filter(bool).map(lambda n: f"{n:+d}%")
QUEUES = st.lists(st.sampled_from(["phone", "chat"]), unique=True, max_size=2)
DAYS = st.lists(st.sampled_from(["mon", "tue", "wed", "sat", "mon-wed", "2026-12-01"]),
                max_size=2)
HOURS = st.sampled_from(["", "07:00-12:00", "13:30-24:00"])


@st.composite
def forecast_changes(draw: st.DrawFn) -> str:
    words = [draw(st.sampled_from(["volume", "aht"])), draw(PERCENT), *draw(QUEUES),
             *draw(DAYS), draw(HOURS)]
    return " ".join(w for w in words if w)


CHANGES = st.one_of(
    forecast_changes(),
    st.builds(lambda q, s: f"target {q} {s}/20", st.sampled_from(["phone", "chat"]),
              st.integers(1, 99)),
    st.builds(lambda a, d: f"remove {a} {d}".strip(), st.sampled_from(["ana", "ben", "dana"]),
              st.sampled_from(["", "from 2026-12-01", "2026-11-30..2026-12-01"])),
    st.builds(lambda n, s: f"add hire x{n} skills={s}; contract=full-time",
              st.integers(2, 4), st.sampled_from(["phone", "chat", "phone,chat"])),
    st.builds(lambda a, q: f"skill {a} {q}", st.sampled_from(["ben", "dana"]),
              st.sampled_from(["chat", "phone,chat"])),
    st.builds(lambda r, lv, w: f"rule {r} {lv} weight={w}",
              st.sampled_from(["coverage", "rest", "fairness"]),
              st.sampled_from(["hard", "soft", "off"]), st.integers(0, 500)),
)


@QUIET
@given(CHANGES)
def test_a_change_written_back_reads_the_same(text: str) -> None:
    change = parse_change(text, SMALL)
    again = parse_change(str(change), SMALL)
    assert again == change
    assert again.apply(SMALL) == change.apply(SMALL)
