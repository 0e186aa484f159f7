"""The headcount search: its bound by hand, its logic with a stand-in solver, the leavers' curve."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from scheduler.domain import Agent, Contract, ForecastRow, Problem, Queue, ShiftTemplate
from scheduler.load import load_team
from scheduler.whatif import headcount as hc
from scheduler.whatif.headcount import leavers, search_headcount, staffing_bound
from scheduler.whatif.parse import hire
from scheduler.whatif.run import Outcome, SolveOptions, Task

UTC = ZoneInfo("UTC")
SMALL = load_team("fixtures/small")
OPTIONS = SolveOptions(work_limit=0.2)


def inbox_team(peak_volume: float) -> Problem:
    """One e-mail queue answered at once (no smoothing, no shrinkage, occupancy 100 %), one
    agent of at most 8 h, 60-minute intervals 08:00-16:00 with 36 mails of 300 s (3 agents)
    and one interval of ``peak_volume`` mails."""
    rows = [ForecastRow(start=datetime(2026, 11, 30, 8 + i, tzinfo=UTC), queue="mail",
                        volume=peak_volume if i == 3 else 36.0, aht_s=300) for i in range(8)]
    return Problem(
        team="inbox", time_zone="UTC", start=date(2026, 11, 30), days=1, interval_minutes=60,
        shrinkage=0.0, max_occupancy=1.0,
        queues=(Queue(id="mail", channel="email", first_response_minutes=0),),
        templates=(ShiftTemplate(id="D", start=time(8), paid_minutes=480),),
        agents=(Agent(id="a", skills=("mail",),
                      contract=Contract(max_minutes=480, period="horizon")),),
        forecast=tuple(rows))


def test_the_staffing_bound_by_hand() -> None:
    one = hire("skills=mail; hours=0-8", inbox_team(36.0))
    one = one.model_copy(update={"contract": Contract(max_minutes=480, period="horizon")})
    # 8 intervals x 3 agents = 24 agent-hours, the agent gives 8: (24 - 8) / 8 = 2 hires;
    # the peak needs 3 agents, one is there: 2
    assert staffing_bound(inbox_team(36.0), one, ["mail"]) == 2
    # one interval of 60 mails needs 5: 26 agent-hours -> ceil(18 / 8) = 3; peak 5 - 1 = 4
    assert staffing_bound(inbox_team(60.0), one, ["mail"]) == 4
    # hires who cannot serve the queue: no bound
    assert staffing_bound(inbox_team(60.0), one, ["phone"]) == 0


class StandIn:
    """A solver stand-in: a roster misses ``need - hires`` intervals (phone), or ``floor``."""

    def __init__(self, need: int, floor: int = 0, interval: int = 20) -> None:
        self.need, self.floor, self.interval = need, floor, interval
        self.rounds: list[list[int]] = []

    def __call__(self, tasks: Sequence[Task]) -> list[Outcome]:
        counts = [sum(a.id.startswith("hire") for a in t.problem.agents) for t in tasks]
        self.rounds.append(counts)
        return [Outcome(t.name, "OPTIMAL", headline=object(), missed=tuple(
            ("phone", self.interval + i) for i in range(max(self.floor, self.need - n))))
            for t, n in zip(tasks, counts, strict=True)]


def phone_hire() -> object:
    return hire("skills=phone; contract=full-time", SMALL)


def test_the_search_finds_the_smallest_and_checks_one_fewer() -> None:
    solver = StandIn(need=3)
    answer = search_headcount(SMALL, phone_hire(), ["phone"], options=OPTIONS, run=solver,
                              criterion="interval")
    assert answer.hires == 3 and answer.reason == ""
    meets = {p.hires: p.meets for p in answer.probes}
    assert meets[3] and not meets[2]
    assert all(not ok for n, ok in meets.items() if n < 3)
    assert solver.rounds[0] == [answer.bound]


def test_from_a_bound_above_the_answer_it_comes_down(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(hc, "staffing_bound", lambda *args: 6)
    solver = StandIn(need=3)
    answer = search_headcount(SMALL, phone_hire(), ["phone"], options=OPTIONS, run=solver,
                              batch=2, criterion="interval")
    assert answer.hires == 3 and answer.bound == 6
    assert {2, 3} <= {p.hires for p in answer.probes}
    assert all(len(r) <= 2 for r in solver.rounds) and len(solver.rounds[0]) == 2


def test_when_hires_stop_helping_it_says_why() -> None:
    stuck = search_headcount(SMALL, phone_hire(), ["phone"], options=OPTIONS,
                             run=StandIn(need=5, floor=2), limit=30, criterion="interval")
    assert stuck.hires is None
    assert len(stuck.best.missed) == 2
    assert "more hires stop helping" in stuck.reason and "phone Mon 10:00" in stuck.reason
    assert max(p.hires for p in stuck.probes) < 30  # it stopped before the limit
    # an interval no shift covers (small's shifts start at 07:00): 02:00 on Monday
    night = search_headcount(SMALL, phone_hire(), ["phone"], options=OPTIONS,
                             run=StandIn(need=1, floor=1, interval=4), limit=6,
                             criterion="interval")
    assert night.reason.startswith("no shift template covers phone Mon 02:00")


def test_leavers_take_the_last_agents_who_serve_the_queues() -> None:
    curve = leavers(SMALL, 5, ["chat"])  # ben and dana do not serve chat
    assert [s.name for s in curve] == ["0 leave", "1 leaves", "2 leave", "3 leave"]
    assert [str(c) for c in curve[3].changes] == ["remove emil", "remove chloe", "remove ana"]
    assert [str(c) for c in leavers(SMALL, 1)[1].changes] == ["remove emil"]
