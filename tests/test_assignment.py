"""The assignment model on tiny desks whose optimum was worked out by hand.

Every solved desk is checked independently: :func:`scheduler.tickets.desk.evaluate` recomputes the
schedule in plain Python (skill, tier, capacity, breaches), it must find no violation, and its
lexicographic score as one number must equal the solver's objective.
"""

from __future__ import annotations

import itertools
import random
from datetime import UTC, datetime, timedelta

import pytest

from scheduler.domain import Ticket
from scheduler.solvers.assignment import (
    BASELINES,
    assign,
    edf_greedy,
    insertion_greedy,
    least_loaded,
    round_robin,
)
from scheduler.tickets.desk import Desk, DeskAgent, evaluate, make_desk, sla_watch
from scheduler.tickets.policy import TicketPolicy

AT = datetime(2026, 11, 30, 9, tzinfo=UTC)
WORK = 2.0


def ticket(tid: str, due: int, effort: int, priority: str = "normal", queue: str = "email",
           tier: int = 1, assignee: str | None = None, age: int = 100) -> Ticket:
    return Ticket(id=tid, queue=queue, tier=tier, priority=priority,  # type: ignore[arg-type]
                  created=AT - timedelta(minutes=age), due=AT + timedelta(minutes=due),
                  effort_minutes=effort, assignee=assignee)


def agent(aid: str, *spans: tuple[int, int], skills: str = "email", tier: int = 1) -> DeskAgent:
    return DeskAgent(aid, frozenset(skills.split(";")), tier, tuple(spans))


def desk(tickets: list[Ticket], agents: list[DeskAgent], window: int = 180) -> Desk:
    return make_desk(tuple(tickets), tuple(agents), AT, window, TicketPolicy())


def solved(d: Desk):
    result = assign(d, work_limit=WORK, time_limit=20, workers=1, seed=0)
    assert result.outcome.violations == []
    assert result.method == "cp-sat" and result.optimal
    assert result.objective == result.outcome.scalar(len(d.jobs))
    return result


def test_a_skill_nobody_on_duty_has_is_unassigned_with_the_reason() -> None:
    d = desk([ticket("1", 60, 10, queue="billing"), ticket("2", 60, 10)], [agent("a", (0, 60))])
    result = solved(d)
    assert result.assignment == {"1": None, "2": "a"}
    assert result.reasons == {"1": "no skilled agent on duty"}
    assert result.outcome.weighted_breaches == 10  # the unassigned normal ticket


def test_an_urgent_ticket_goes_first_when_only_one_fits() -> None:
    # One agent, 20 minutes. N (normal, due 10) came first; U (urgent, due 30) after.
    # Taking N: N late (10) + U unassigned (1000). Taking U: U on time, N waits (10).
    d = desk([ticket("N", 10, 20, age=50), ticket("U", 30, 20, "urgent", age=5)],
             [agent("a", (0, 20))])
    result = solved(d)
    assert result.assignment == {"N": None, "U": "a"}
    assert result.outcome.weighted_breaches == 10
    assert result.reasons["N"] == "no capacity"
    # The arrival-order routers and EDF take N, and pay for the urgent one.
    for rule in (round_robin, least_loaded, edf_greedy):
        assert evaluate(d, rule(d)).weighted_breaches == 1010


def test_urgent_before_normal_in_an_agents_queue_at_equal_due() -> None:
    d = desk([ticket("N", 30, 20, age=50), ticket("U", 30, 20, "urgent", age=5)],
             [agent("a", (0, 60))])
    result = solved(d)
    placed = result.outcome.placed
    assert (placed["U"].position, placed["U"].finish) == (1, 20)
    assert (placed["N"].position, placed["N"].finish) == (2, 40)
    assert result.outcome.weighted_breaches == 10  # N finishes at 40 > 30


def test_two_agents_with_uneven_capacity_share_by_load() -> None:
    # A has 120 minutes, B 60; four 30-minute tickets due late. A:3/B:1 gives loads 75 % and
    # 50 % (max 750); A:2/B:2 gives 50 %/100 %; A:4 gives 100 %.
    d = desk([ticket(str(i), 1000, 30) for i in range(4)],
             [agent("A", (0, 120)), agent("B", (0, 60))])
    result = solved(d)
    counts = {name: list(result.assignment.values()).count(name) for name in "AB"}
    assert counts == {"A": 3, "B": 1}
    assert (result.outcome.max_load, result.outcome.min_load) == (750, 500)


def test_a_tier_2_ticket_without_a_specialist_waits() -> None:
    d = desk([ticket("T2", 60, 10, tier=2), ticket("T1", 60, 10)],
             [agent("a", (0, 60)), agent("b", (0, 60))])
    result = solved(d)
    assert result.assignment["T2"] is None
    assert result.reasons["T2"] == "tier 2: no specialist on duty"
    assert result.assignment["T1"] in ("a", "b")


def test_a_tier_2_ticket_goes_to_the_specialist() -> None:
    d = desk([ticket("T2", 60, 10, tier=2)],
             [agent("a", (0, 60)), agent("s", (0, 60), tier=2)])
    assert solved(d).assignment == {"T2": "s"}


def test_capacity_leaves_the_ticket_that_does_not_fit() -> None:
    d = desk([ticket("1", 100, 20), ticket("2", 110, 20, "low")], [agent("a", (0, 30))])
    result = solved(d)
    assert result.assignment == {"1": "a", "2": None}  # losing the low one costs 1, not 10
    assert result.reasons == {"2": "no capacity"}


def test_the_current_assignee_keeps_a_ticket_when_moving_gains_nothing() -> None:
    d = desk([ticket("1", 100, 30, assignee="b"), ticket("2", 100, 30)],
             [agent("a", (0, 60)), agent("b", (0, 60))])
    result = solved(d)
    assert result.assignment == {"1": "b", "2": "a"}
    assert result.outcome.moves == 0


def test_breaches_come_before_balance() -> None:
    # A works minutes 0-60, B 60-180. H1 and H2 (high, due 60) are on time only on A; putting
    # H2 on B would balance the loads (50 %/50 %) but breach it (cost 100).
    d = desk([ticket("H1", 60, 30, "high"), ticket("H2", 60, 30, "high"),
              ticket("L", 1000, 30)], [agent("A", (0, 60)), agent("B", (60, 180))])
    result = solved(d)
    assert result.assignment == {"H1": "A", "H2": "A", "L": "B"}
    assert result.outcome.weighted_breaches == 0
    assert result.outcome.max_load == 1000
    assert evaluate(d, round_robin(d)).weighted_breaches == 100


def test_a_gap_in_an_agents_minutes_moves_the_finish() -> None:
    d = desk([ticket("1", 1000, 20), ticket("2", 1000, 20)], [agent("a", (0, 30), (60, 90))])
    placed = solved(d).outcome.placed
    assert (placed["1"].start, placed["1"].finish) == (0, 20)
    assert (placed["2"].start, placed["2"].finish) == (20, 70)  # 10 before the gap, 10 after


def test_evaluate_reports_every_broken_condition() -> None:
    d = desk([ticket("1", 100, 30, queue="billing"), ticket("2", 100, 30, tier=2),
              ticket("3", 100, 40)], [agent("a", (0, 60))])
    found = evaluate(d, {"1": "a", "2": "a", "3": "zoe"}).violations
    assert any("lacks skill billing" in v for v in found)
    assert any("tier 1 < 2" in v for v in found)
    assert any("zoe is not on duty" in v for v in found)
    over = evaluate(d, {"3": "a", "2": None, "1": None})
    assert over.violations == []
    assert any("over capacity" in v for v in evaluate(
        desk([ticket("1", 100, 40), ticket("2", 100, 40)], [agent("a", (0, 60))]),
        {"1": "a", "2": "a"}).violations)


def _random_desk(rng: random.Random, n_tickets: int) -> Desk:
    tickets = [ticket(str(i), rng.randint(-10, 120), rng.randint(5, 40),
                      rng.choice(("low", "normal", "high", "urgent")),
                      rng.choice(("email", "billing")), rng.choice((1, 1, 2)),
                      rng.choice((None, "a", "b")), rng.randint(0, 60))
               for i in range(n_tickets)]
    agents = [agent("a", (0, rng.randint(20, 90)), skills="email;billing", tier=2),
              agent("b", (rng.choice((0, 30)), 120), skills="email")]
    return desk(tickets, agents, 120)


@pytest.mark.parametrize("seed", range(6))
def test_the_optimum_matches_brute_force_on_random_tiny_desks(seed: int) -> None:
    d = _random_desk(random.Random(seed), 5)
    result = solved(d)
    names = [None, *(a.id for a in d.agents)]
    best = min(
        (o.score for choice in itertools.product(names, repeat=len(d.jobs))
         if not (o := evaluate(d, dict(zip((j.id for j in d.jobs), choice,
                                           strict=True)))).violations),
        default=None)
    assert result.outcome.score == best
    for rule in (*BASELINES.values(), insertion_greedy):
        assert evaluate(d, rule(d)).score >= result.outcome.score


def test_large_desks_take_the_neighbourhood_path_and_stay_valid() -> None:
    from benchmarks.assignment import generated_desk, targets

    d = generated_desk(150, 8, 0.9, seed=3)
    result = assign(d, work_limit=0.3, workers=1, seed=0)
    assert result.method in ("greedy + cp-sat neighbourhoods", "greedy")
    assert result.outcome.violations == []
    for name, rule in BASELINES.items():
        assert result.outcome.weighted_breaches <= evaluate(d, rule(d)).weighted_breaches, name
    assert targets([{"case": "x", "load": "over", "weighted_breaches": 1, "max_load": 1,
                     "mean_load": 1}, {"weighted_breaches": 0}]) != []


@pytest.mark.slow
def test_same_input_seed_and_workers_give_the_same_assignment() -> None:
    d = _random_desk(random.Random(11), 12)
    first = assign(d, work_limit=0.5, workers=2, seed=3)
    second = assign(d, work_limit=0.5, workers=2, seed=3)
    assert first.assignment == second.assignment
    from benchmarks.assignment import generated_desk

    large = generated_desk(120, 6, 1.0, seed=5)
    runs = [assign(large, work_limit=0.2, workers=2, seed=1) for _ in range(2)]
    assert runs[0].method != "cp-sat"
    assert runs[0].assignment == runs[1].assignment


def test_sla_watch_statuses_worst_first() -> None:
    # Window 90. A: due -5 (breached, to the back). B: 25 minutes, due 20: late where it
    # stands, so to the back (finishes 71, will breach). C: finishes 40, due 50, margin 15
    # (at risk). D: finishes 45, due 500 (ok). E: unassigned skill, due 30 (will breach).
    d = desk([ticket("A", -5, 0 + 1), ticket("B", 20, 25), ticket("C", 50, 40),
              ticket("D", 500, 5), ticket("E", 30, 5, queue="billing")],
             [agent("a", (0, 90))], window=90)
    outcome = evaluate(d, {"A": "a", "B": "a", "C": "a", "D": "a", "E": None})
    watch = {w.ticket: w.status for w in sla_watch(d, outcome, margin=15)}
    assert watch == {"A": "breached", "B": "will breach", "C": "at risk", "D": "ok",
                     "E": "will breach"}
    finish = {job: outcome.placed[job].finish for job in "ABCD"}
    assert finish == {"C": 40, "D": 45, "A": 46, "B": 71}  # late ones after the on-time ones
    order = [w.ticket for w in sla_watch(d, outcome, margin=15)]
    assert order[0] == "A" and order[-1] == "D"
