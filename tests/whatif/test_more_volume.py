"""On fixtures/small: +20 % volume with phone held to 90 % in 20 s is worse than the
baseline, and the hires the headcount search proposes meet the target again while one fewer
does not (both solved).
At 90/20 the busy week misses phone at 31 intervals, and the search answers 2 hires.
"""

from __future__ import annotations

from functools import partial

import pytest

from scheduler.check import check
from scheduler.load import load_team
from scheduler.staffing import requirements
from scheduler.whatif.headcount import search_headcount
from scheduler.whatif.parse import hire, parse_change
from scheduler.whatif.run import SolveOptions, Task, roster_of, run_tasks

# One deterministic second per solve; the time limit is only a safety net far above what the
# work needs, so every run gives the same rosters.
OPTIONS = SolveOptions(time_limit=300, work_limit=1.0, workers=1, seed=0)
QUEUE, TARGET, HIRE = "phone", "90/20", "skills=phone; hours=0-40"


@pytest.mark.slow
def test_more_volume_needs_the_hires_the_search_proposes() -> None:
    team = load_team("fixtures/small")
    busy = parse_change("volume +20%", team).apply(team)
    busy = parse_change(f"target {QUEUE} {TARGET}", busy).apply(busy)
    run = partial(run_tasks, jobs=2)
    base, more = run([Task("baseline", team, OPTIONS), Task("busy", busy, OPTIONS)])
    assert base.solved and more.solved
    assert more.headline.short_hours_total > base.headline.short_hours_total
    missed = [m for m in more.missed if m[0] == QUEUE]
    assert missed, "with 20 % more contacts the team misses the phone target somewhere"
    answer = search_headcount(busy, hire(HIRE, busy), [QUEUE], options=OPTIONS, run=run,
                              batch=2, limit=8, criterion="interval")
    assert answer.hires is not None and answer.hires >= 1, answer.reason
    probes = {p.hires: p for p in answer.probes}
    enough, fewer = probes[answer.hires], probes[answer.hires - 1]
    assert enough.meets and enough.outcome.solved
    assert not fewer.meets and fewer.outcome.solved and fewer.missed
    hired = hire(HIRE, busy).model_copy(update={"count": answer.hires}).apply(busy)
    roster = roster_of(enough.outcome)
    evaluation = check(hired, roster, requirements(hired))
    assert evaluation.hard == () and evaluation.total_penalty == enough.outcome.objective
