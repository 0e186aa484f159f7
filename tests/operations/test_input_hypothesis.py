"""Whatever is typed for --from / --to / --at and --agent: an absence or one clear problem."""

from __future__ import annotations

from datetime import datetime

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scheduler.domain import Problem
from scheduler.errors import TeamFolderError
from scheduler.operations import Absence, absence_problem, moment_of

WHEN = st.one_of(
    st.text(max_size=24),
    st.dates().map(lambda d: d.isoformat()),
    st.datetimes().map(lambda d: d.isoformat(timespec="minutes")),
    st.datetimes().map(lambda d: d.strftime("%Y-%m-%d %H:%M")),
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(agent=st.one_of(st.sampled_from(["ana", "ben", "zoe", ""]), st.text(max_size=12)),
       start=WHEN, end=WHEN)
def test_any_typed_absence_is_valid_or_one_problem(small_problem: Problem, agent: str,
                                                   start: str, end: str) -> None:
    try:
        first = moment_of(small_problem, "--from", start)
        last = moment_of(small_problem, "--to", end, end=True)
        changed = absence_problem(small_problem, Absence(agent, first, last))
    except TeamFolderError as exc:
        (found,) = exc.problems
        assert found.column in ("--agent", "--from", "--to") and found.message and found.fix
        return
    assert isinstance(first, datetime) and first.tzinfo is not None and first < last
    (added,) = set(changed.time_off) - set(small_problem.time_off)
    assert added.agent == agent and added.status == "approved"
    horizon = small_problem.days * 24 * 60
    assert 0 <= small_problem.clock.minute(first) <= horizon
    assert 0 <= small_problem.clock.minute(last) <= horizon
