"""How a solve spends its time: the plan of phases by model size, the budget, the outcome.

Every share of the work below was measured on this project's reference machine (2 cores) and
the Curtois & Qu instances (``benchmarks/curtois.py``); each says why it is what it is. A new
phase gets its share here, in the plan, and nowhere else.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field, replace
from enum import StrEnum

from scheduler.constraints.contract import limits
from scheduler.domain import Problem
from scheduler.settings import Level

# Default CP-SAT deterministic seconds of search per wall-clock second of time limit. On the
# reference machine a deterministic second takes 1.5-3 real seconds, so teams up to about 60
# agents stop on the work limit (reproducibly) or a proof; larger ones may run into the
# wall-clock limit, which the report says.
WORK_PER_SECOND = 0.4

# Up to this many shift variables CP-SAT on the whole model often proves the optimum: it runs
# with two seeds and gets most of the effort. Above it neighbourhood search finds far better
# rosters (Curtois 8-12), and CP-SAT on the whole model only runs long enough to give a bound.
SMALL_MODEL = 3000

# Above this many shift variables the full linear relaxation (level 2) costs more than it
# gives: on a generated 200-agent week the root bound took three times as long to settle.
LARGE_MODEL = 9000


class StopReason(StrEnum):
    """Why a search stopped."""

    OPTIMAL = "optimal"
    WORK_LIMIT = "work limit"
    TIME_LIMIT = "time limit"
    NOT_RUN = "not run"


@dataclass(frozen=True)
class SearchResult:
    """The outcome of one search: status, the roster found (shift values, None when none),
    its objective, the search's proven bound and why it stopped."""

    status: str
    values: dict[int, bool] | None
    objective: float
    bound: float
    stopped: StopReason


@dataclass(frozen=True)
class Budget:
    """What every phase may spend: deterministic work per thread, the wall clock, the threads,
    and a cancellation that one search sets when it has proven the optimum.

    Shares of the time limit are measured from ``started``; the work limit stops each search
    reproducibly, the wall clock is a safety net.
    """

    time_limit: float
    work: float
    workers: int
    started: float = field(default_factory=time.perf_counter)
    cancelled: threading.Event = field(default_factory=threading.Event, compare=False)

    def deadline(self, share: float) -> float:
        """``time.perf_counter()`` value at ``share`` of the time limit."""
        return self.started + share * self.time_limit

    def seconds_until(self, share: float) -> float:
        """Wall-clock seconds left until ``share`` of the time limit."""
        return self.deadline(share) - time.perf_counter()

    def elapsed(self) -> float:
        """Seconds since the solve started."""
        return time.perf_counter() - self.started


@dataclass(frozen=True)
class SolvePlan:
    """The phases of a solve and their shares, chosen by model size (:func:`plan_for`).

    Shares of ``work`` are of the deterministic work limit per thread; shares of ``time`` of
    the wall-clock time limit.
    """

    size: str
    # the linear relaxation's bound (HiGHS) runs beside the first phases for this share of the
    # time; small models wait for it, since it may prove the first roster optimal
    relaxation_time: float = 0.25
    wait_for_relaxation: bool = False
    # ... when the model has at most this many shift variables per second of the time limit
    # (0: whatever its size); above it the relaxation would take a core from the search for
    # most of the solve (see LARGE)
    relaxation_size: int = 0
    # the first roster: a quick local search and a repaired hint, single-threaded; it may run
    # for ``first_time`` of the time limit, and never past ``end``
    first_work: float = 0.15
    first_time: float = 0.25
    # local search keeps improving its first roster for this share of the work (0: it stops at
    # its first roster). Curtois 12: 17402 -> 6625 in 10 deterministic seconds, where
    # neighbourhood search needs about 30 thread-seconds; on medium models it gave nothing;
    # 0.25 / 0.4 / 0.6 ended at 4439 / 4425 / 4541 (seed 0) and 4737 / 4538 / 4545 (seed 2)
    descent: float = 0.0
    # column generation's bound (times the workers, up to this share of the time): it proves
    # optima the model's own relaxation cannot (Curtois 4: 1716 in 4 s, where CP-SAT's bound
    # stays near 1590); on larger teams it would take the time the roster search needs
    columns_work: float = 0.0
    columns_time: float = 0.2
    # ... and stops after this many rounds without a better bound (0: never). Curtois 1-6 find
    # a better bound again after at most 6 flat rounds; acme-support's never leaves 0 (its
    # master prices hard rows) and ran 30 rounds, 45-64 s on a loaded machine, before the
    # roster search began, whatever the work limit (pricing's work is counted, not the master's)
    columns_stall: int = 0
    # the first roster as CP-SAT's hint: on small models CP-SAT finds good rosters by itself,
    # and a hint of a poor first roster steers it there (Curtois 5 and 6 end 1-5 % worse)
    hint_first: bool = True
    # CP-SAT on the whole model with a second seed beside it (small: the seed decides much,
    # Curtois 5 ends at 1144 or 1247 by seed alone), else neighbourhood search beside it
    two_seeds: bool = False
    # CP-SAT on the whole model's share of the work when neighbourhood search runs; the main
    # phase ends this much of the time later, and the final neighbourhood search by ``end``
    exact_share: float = 0.9
    phase_slack: float = 0.05
    end: float = 0.95
    # CP-SAT's own linear relaxation on the whole model (see LARGE_MODEL)
    linearization: int = 2
    # in the main phase column generation gives the bound in place of CP-SAT on the whole
    # model, on one thread beside neighbourhood search, for ``exact_share`` of the time
    columns_beside: bool = False
    # ... and then picks the best roster of its columns (one per agent, CP-SAT) with this
    # share of the work, which the final neighbourhood search may start from
    columns_roster: bool = False
    pick_work: float = 0.1
    # ... within at least this share of the time, even past the main phase's end (a 200-agent
    # team converged near the end, and the pick cut by it found nothing)
    pick_time: float = 0.0
    # ... at this CP-SAT linearization level (None: its default, 1 on one thread); 2 adds the
    # full linear relaxation of the columns' mix, which steers the search by the master's LP
    pick_linearization: int | None = None
    # ... and neighbourhood search improves that roster on the same thread with the work left
    # of its share (column generation on 50 agents is done within a third of the time)
    search_columns: bool = False
    # deterministic seconds each agent's pricing counts for at least (availability team: CP-SAT
    # counts 0.0003 for a pricing that takes 10 ms; 0 leaves the deadline to stop the search)
    price_work: float = 0.0
    # agents priced by the dynamic program over the days (:mod:`.pricing`) where it can price
    # them, CP-SAT on their block otherwise
    price_by_days: bool = False
    # the master kept in GLOP between rounds, each started from the last basis (a 200-agent
    # team: 0.06 s a round instead of 0.76 s from scratch)
    incremental_master: bool = False
    # the first roster is built shift by shift (:mod:`.construct`), then checked or repaired
    # with up to this share of the work (week team, 55 agents: the repair around the agents
    # left short needed about 10 deterministic seconds; 0.15 of a 60 s solve left no roster;
    # since the construction makes room for hard minimums it needs no repair there)
    construct: bool = False
    repair_work: float = 0.4
    # neighbourhoods solved as models of their own size (:mod:`.subproblem`) rather than the
    # whole model with the kept shifts fixed, whose presolve takes a large team's whole step
    # (Curtois 13: no roster found in any step); on medium models the whole model's presolve
    # is cheap, and Curtois 8 ended at 1946 with them against 1769 without (6 deterministic s)
    compact_neighbourhoods: bool = False
    # neighbourhoods drawn by who could be on duty together (:mod:`.hoods`: windows of hours,
    # agents with overlapping availability, onboarding pairs) besides the usual kinds
    availability_hoods: bool = False

    def relaxation_share(self, shift_variables: int, time_limit: float) -> float:
        """The share of the time the relaxation may take: 0 when the model is too large for
        the time limit (see ``relaxation_size``), never past the plan's end."""
        if self.relaxation_size and shift_variables > self.relaxation_size * time_limit:
            return 0.0
        return min(self.relaxation_time, self.end)

    def exact_work(self, neighbourhood_search: bool) -> float:
        """CP-SAT on the whole model's share of the work (all of the 0.9 without neighbourhood
        search: nothing else would use the rest)."""
        return self.exact_share if neighbourhood_search else 0.9

    def main_end(self, neighbourhood_search: bool) -> float:
        """The share of the time by which the main phase stops."""
        return min(self.end, self.exact_work(neighbourhood_search) + self.phase_slack)


SMALL = SolvePlan("small", wait_for_relaxation=True, columns_work=0.1, columns_stall=10,
                  hint_first=False, two_seeds=True)
# medium: CP-SAT on the whole model gets 0.3 of the work, for its bound, and neighbourhood
# search the rest of the threads
MEDIUM = SolvePlan("medium", exact_share=0.3)
# largest: CP-SAT on the whole model gains nothing in a minute beyond the relaxation's bound
# (Curtois 12: 3628 both), while neighbourhood search still improves steeply at the end
# The first roster stops on the work limit, not on a share of the time: Curtois 13 at 60 s on a
# machine at load 7 found none in the first phase's 15 s (it needs about 35 s there), so no
# roster at all
# The relaxation runs beside the searches until 0.9 of the time (Curtois 15 at load 4-7: its
# bound, 3,743 against the best known 3,828, took 6-16 s, and 0.25 of 60 s often left 0),
# but only up to 500 shift variables per second of the time limit: Curtois 13 (60,480, bound
# 521 against 1,348) took a core for 44-51 s of a 60 s solve, at 60 s 5,729 with it against
# 3,880 without (same run, load 3.1-4.1), so it runs there from a time limit of 121 s
LARGE = SolvePlan("large", descent=0.4, exact_share=0.02, linearization=1,
                  relaxation_time=0.9, relaxation_size=500, compact_neighbourhoods=True,
                  first_time=0.9)


# availability-driven teams (flexible shifts, headcount): the linear relaxation says little
# (50 agents: 1549 against rosters of 2691) and CP-SAT on the whole model gains nothing on it,
# while column generation over the agents' weeks closes on 1920 in about 30 rounds; it runs
# beside neighbourhood search for half of the time, then neighbourhood search has both threads
# The first roster is built (50 agents: penalty 9352 in 3 s, where the empty roster costs
# 145610 and local search finds none). Column generation converges (1925 in 53 rounds on
# availability-team) and the best roster of its columns beats neighbourhood search's by far:
# work limit 24, same run: 2427 without it, 2036 with it (neighbourhoods of .hoods: 2346 and
# 2034); a pricing counted as 0.005 deterministic seconds stopped it at 48 rounds (2124), the
# pick with 0.3 of the work instead of 0.1 gave 2087
# Agents are priced by the dynamic program over the days (:mod:`.pricing`, 0.76 ms against
# CP-SAT's 4.4 ms) and the master is kept in GLOP between rounds: at 60 s, 2 workers, load
# 1-4, availability-team 2,037 (gap 5.5 %), week team 3.3 %, 100 agents 1.0 % (was 14.4 %)
AVAILABILITY = SolvePlan("availability", exact_share=0.5, linearization=1,
                         columns_beside=True, construct=True, columns_roster=True,
                         pick_work=0.3, pick_time=0.1, search_columns=True,
                         price_work=0.004, availability_hoods=True,
                         price_by_days=True, incremental_master=True,
                         pick_linearization=2)


# Above this many shift variables column generation needs more of the time: a generated
# 200-agent team (58,946 shift variables) converges at about 0.7 of a 60 s solve beside
# neighbourhood search (1.4 s a round there); with 0.7 its roster is the proven optimum
# (56,858), with 0.5 the bound stayed the linear relaxation's (gap 12.8 %), while
# availability-team (13,657) ended at 2,071 with 0.7 against 2,037 with 0.5 (the final search
# has less work), reproducibly at the work limit
LARGE_AVAILABILITY = 40000
AVAILABILITY_LARGE = replace(AVAILABILITY, size="availability-large", exact_share=0.7,
                             pick_linearization=None)


# template teams (fixed shift templates over weeks): column generation prices each agent by
# the dynamic program over runs of days (:mod:`.rota`; Curtois 8 / 13 / 15, per agent: 1.6 /
# 17 / 12 ms against CP-SAT's 35 / 113 / 146 ms), which makes its bound converge within the
# solve: Curtois 8 reaches 1,297 (optimum 1,300) in 50 rounds and 34 s on one thread
SMALL_TEMPLATES = replace(SMALL, price_by_days=True, incremental_master=True)
# ... and on medium teams it replaces CP-SAT on the whole model beside neighbourhood search,
# with the same share of the work: at 60 s, 2 workers, load 2.3-2.9, same runs, rosters
# within the load's noise (8: 1,773 / 1,757; 9: 470 / 464; 14: 1,559 / 1,559) and bounds far
# closer (8: 1,297 / 1,261; 9: 406 / 373; 14: 1,256 / 1,272; 16: 3,224 / 3,188, best known
# 3,225). Its thread then improves the better of its columns' roster and the first roster
MEDIUM_TEMPLATES = replace(MEDIUM, columns_beside=True, columns_roster=True,
                           search_columns=True, price_by_days=True, incremental_master=True)


def plan_for(shift_variables: int, *, flexible: bool = False, by_rota: bool = False
             ) -> SolvePlan:
    """The plan for a model with this many shift variables (``flexible``: an
    availability-driven team's model of flexible shifts; ``by_rota``: a team of shift
    templates whose agents the rota program can price, see :func:`priced_by_rota`)."""
    if shift_variables <= SMALL_MODEL:
        return SMALL_TEMPLATES if by_rota and not flexible else SMALL
    if flexible:
        return AVAILABILITY if shift_variables <= LARGE_AVAILABILITY else AVAILABILITY_LARGE
    if shift_variables <= LARGE_MODEL:
        return MEDIUM_TEMPLATES if by_rota else MEDIUM
    return LARGE


def priced_by_rota(problem: Problem) -> bool:
    """Whether the rota program (:mod:`.rota`) can price the team's agents: templates, no
    fairness rule (its group variables tie the agents' blocks together, and a generated
    200-agent week's cut alone took 2.4 s) and no contract limit on a week short of the
    horizon (the program counts the horizon, so each agent would go to CP-SAT after all)."""
    if problem.flexible or problem.rules.fairness.level != Level.OFF:
        return False
    contract = problem.rules.contract
    whole = range(problem.days)
    return contract.level == Level.OFF or not any(
        lim.days != whole and lim.what != "shifts"
        for agent in problem.agents for lim in limits(agent, problem, contract))
