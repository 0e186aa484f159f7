"""How many hires meet every service target, and how service falls as agents leave.

The headcount search solves the roster with 0, 1, 2, … extra agents of one kind (a
:class:`~scheduler.whatif.team_changes.Hire`) and asks of each roster whether it meets every
targeted queue's service target, read per interval, day or week (the criterion, see
:mod:`scheduler.whatif.targets`). It starts from a staffing bound (no fewer hires can cover
the requirements), gallops up until a number meets, bisects down to the smallest, and always
solves N - 1 too, so the answer is checked both ways. When adding hires stops helping it gives
the smallest under-coverage it saw and the reason. Solves of one round run side by side
(``batch``).

Monotone by construction: each solve starts from the roster of the largest number of hires
below it (the new hires idle), and a number of hires is never reported worse than the one
below it: where the solver's roster is worse, the one below is carried over
(:mod:`scheduler.whatif.monotone`). The answer says when it rests on rosters whose gap (what
the solver left on the table) is above :data:`GAP_THRESHOLD`.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from itertools import islice

import pandas as pd

from scheduler.domain import Problem, Shift
from scheduler.whatif.monotone import better_of, carried
from scheduler.whatif.run import Outcome, SolveOptions, Task
from scheduler.whatif.scenarios import Scenario
from scheduler.whatif.targets import DEFAULT_CRITERION, check_criterion, check_queues, unit_text
from scheduler.whatif.team_changes import Hire, Remove

Runner = Callable[[Sequence[Task]], list[Outcome]]
STALL = 2  # probes in a row (hires doubling) with no fewer missed units: hires stop helping
GAP_THRESHOLD = 0.05  # an answer resting on a roster with a larger gap says so


@dataclass(frozen=True)
class Probe:
    """One solve of the search: ``hires`` extra agents, what their roster gave and the
    ``(queue, unit)`` pairs missing a target (units per the search's criterion)."""

    hires: int
    outcome: Outcome
    missed: tuple[tuple[str, int], ...]

    @property
    def meets(self) -> bool:
        """Whether the roster meets every targeted service target in every unit."""
        return self.outcome.solved and not self.missed


@dataclass(frozen=True)
class Headcount:
    """The search's answer.

    ``hires`` is the smallest number meeting every target (None when none did), ``bound`` the
    staffing bound the search started from, ``probes`` every solve by number of hires,
    ``reason`` why no number meets (empty when one does) and ``criterion`` what meeting a
    target means (interval, day or week).
    """

    hires: int | None
    bound: int
    probes: tuple[Probe, ...]
    reason: str = ""
    criterion: str = DEFAULT_CRITERION

    @property
    def deciding(self) -> tuple[Probe, ...]:
        """The probes the answer rests on: the smallest meeting one and the one below it
        (or the best one when none meets)."""
        if self.hires is None:
            return (self.best,)
        return tuple(p for p in self.probes if p.hires in (self.hires - 1, self.hires))

    @property
    def largest_gap(self) -> float | None:
        """The largest gap among the deciding probes' rosters (None when none is known)."""
        gaps = [p.outcome.gap for p in self.deciding if p.outcome.gap is not None]
        return max(gaps, default=None)

    @property
    def solves(self) -> int:
        """Solves the search ran."""
        return len(self.probes)

    @property
    def seconds(self) -> float:
        """Seconds of solving and measuring, summed over the probes (side by side: less wall
        time)."""
        return sum(p.outcome.wall_time_s for p in self.probes)

    def caveat(self, work_limit: float | None, threshold: float = GAP_THRESHOLD) -> str:
        """A sentence when the answer rests on a roster with a gap above ``threshold``."""
        gap = self.largest_gap
        if gap is None or gap <= threshold:
            return ""
        more = f"--work-limit {4 * work_limit:g} or more" if work_limit else "a larger --work-limit"
        return (f"the answer rests on rosters with a gap up to {gap:.0%} (above "
                f"{threshold:.0%}): the solver may have left coverage on the table; try {more}")

    @property
    def best(self) -> Probe:
        """The probe the answer rests on: the smallest meeting one, else the fewest missed."""
        if self.hires is not None:
            return next(p for p in self.probes if p.hires == self.hires)
        return min(self.probes, key=lambda p: (not p.outcome.solved, len(p.missed), p.hires))


def hired(problem: Problem, hire: Hire, count: int) -> Problem:
    """The problem with ``count`` agents of the hire's kind added."""
    return hire.model_copy(update={"count": count}).apply(problem) if count else problem


def _capacity_hours(problem: Problem, agent_contract_max: int | None, period: str) -> float:
    longest = max(t.paid_minutes for t in problem.templates)
    if agent_contract_max is None:
        return problem.days * longest / 60
    share = problem.days / 7 if period == "week" else 1.0
    return agent_contract_max * share / 60


def staffing_bound(problem: Problem, hire: Hire, queues: Sequence[str]) -> int:
    """No fewer hires can staff the requirements of the hire's queues among ``queues``.

    The larger of two counts: the agent-hours those queues need beyond what every agent able
    to serve them could work, in hires' hours; and the most agents any interval needs there
    beyond the agents able to serve them.
    """
    from scheduler.staffing import requirements

    served = set(hire.skills) & set(queues)
    needs = requirements(problem)
    needs = needs[needs["queue"].isin(served)]
    if needs.empty:
        return 0
    able = [a for a in problem.agents if served & set(a.skills)]
    capacity = sum(_capacity_hours(problem, a.contract.max_minutes, a.contract.period)
                   for a in able)
    need_hours = float(needs["agents"].sum()) * problem.interval_minutes / 60
    per_hire = _capacity_hours(problem, hire.contract.max_minutes, hire.contract.period)
    by_hours = math.ceil((need_hours - capacity) / per_hire - 1e-9) if per_hire else 0
    by_peak = int(needs.groupby("interval")["agents"].sum().max()) - len(able)
    return max(0, by_hours, by_peak)


def renaming(hire: Hire, fewer: int, more: int) -> dict[str, str]:
    """The hires' ids with ``fewer`` of them → their ids with ``more`` (by position)."""
    ids = hire.model_copy(update={"count": more}).agent_ids()
    return dict(zip(hire.model_copy(update={"count": fewer}).agent_ids(), ids, strict=False))


class _Search:
    def __init__(self, problem: Problem, hire: Hire, queues: Sequence[str],
                 options: SolveOptions, run: Runner, criterion: str) -> None:
        self.problem, self.hire, self.queues = problem, hire, list(queues)
        self.options, self.run, self.criterion = options, run, criterion
        self.solved: dict[int, tuple[Task, Outcome]] = {}
        self.probes: dict[int, Probe] = {}
        self.carries: dict[tuple[int, int], Outcome | None] = {}

    def probe(self, counts: Sequence[int]) -> None:
        new = sorted({c for c in counts if c >= 0 and c not in self.solved})
        tasks = [Task(f"+{c} hires", hired(self.problem, self.hire, c), self.options,
                      self.hint(c)) for c in new]
        for count, task, outcome in zip(new, tasks, self.run(tasks), strict=True):
            self.solved[count] = (task, outcome)
        self.sweep()

    def hint(self, count: int) -> tuple[Shift, ...]:
        """The reported roster of the most hires below ``count``, the new hires idle."""
        below = max((c for c in self.probes if c < count), default=None)
        if below is None:
            return ()
        names = renaming(self.hire, below, count)
        return tuple(s.model_copy(update={"agent": names.get(s.agent, s.agent)})
                     for s in self.probes[below].outcome.shifts)

    def sweep(self) -> None:
        """Report every count by hires ascending, never worse than the count below it."""
        below: int | None = None
        for count in sorted(self.solved):
            task, chosen = self.solved[count]
            if below is not None:
                donor = self.probes[below].outcome
                key = (count, hash(donor.shifts))
                if key not in self.carries:
                    self.carries[key] = carried(task, chosen, donor,
                                                renaming(self.hire, below, count))
                chosen = better_of(chosen, self.carries[key], self.criterion, self.queues)
            missed = chosen.missed_by(self.criterion, self.queues) if chosen.solved else ()
            self.probes[count] = Probe(count, chosen, missed)
            below = count

    def first_meeting(self) -> int | None:
        return min((c for c, p in self.probes.items() if p.meets), default=None)

    def last_failing_below(self, count: int) -> int:
        return max((c for c, p in self.probes.items() if c < count and not p.meets), default=-1)

    def stalled(self) -> bool:
        """Whether the last ``STALL`` probes missed no fewer intervals than the best before."""
        tried = [self.probes[c] for c in sorted(self.probes)]
        if len(tried) <= STALL:
            return False
        return min(map(_score, tried[-STALL:])) >= min(map(_score, tried[:-STALL]))


def _score(probe: Probe) -> float:
    return len(probe.missed) if probe.outcome.solved else math.inf


def search_headcount(problem: Problem, hire: Hire, queues: Sequence[str], *,
                     options: SolveOptions, run: Runner, batch: int = 1,
                     limit: int = 40, criterion: str = DEFAULT_CRITERION) -> Headcount:
    """The smallest number of such hires whose roster meets every target of ``queues``.

    Parameters
    ----------
    problem
        The team (with any target changes already made).
    hire
        The kind of agent to add (its ``count`` is ignored).
    queues
        The queues whose targets must be met (each must be a queue of the team).
    options, run
        Solve settings, and how a list of tasks is solved (processes, a cluster).
    batch
        Solves per round (run side by side).
    limit
        Most hires to try.
    criterion
        ``interval``, ``day`` or ``week``: over what the service level must meet the target.

    Raises
    ------
    ChangeError
        When a queue is not the team's or the criterion is unknown.
    """
    check_queues(queues, problem)
    search = _Search(problem, hire, queues, options, run, check_criterion(criterion))
    bound = min(staffing_bound(problem, hire, queues), limit)
    upward = _gallop(bound, limit)
    while search.first_meeting() is None:
        counts = list(islice(upward, max(1, batch)))
        if not counts:
            break
        search.probe(counts)
        if search.stalled():
            break
    found = search.first_meeting()
    while found is not None:  # bisect down to the smallest, then check N - 1 fails
        low = search.last_failing_below(found)
        gap = list(range(low + 1, found))
        if not gap:
            if found > 0 and found - 1 not in search.probes:
                search.probe([found - 1])
                found = search.first_meeting()
                continue
            break
        picks = sorted({gap[(len(gap) * (i + 1)) // (max(1, batch) + 1)]
                        for i in range(max(1, batch))})
        search.probe(picks)
        found = search.first_meeting()
    probes = tuple(search.probes[c] for c in sorted(search.probes))
    answer = Headcount(found, bound, probes, criterion=criterion)
    if found is None:
        answer = Headcount(None, bound, probes, _reason(problem, hire, answer.best,
                                                        max(search.probes), criterion),
                           criterion)
    return answer


def _gallop(bound: int, limit: int) -> Iterator[int]:
    """``bound``, +1, +2, +4, … up to ``limit`` (always ending with ``limit``)."""
    step, count = 1, bound
    while count < limit:
        yield count
        count, step = (count + 1, step) if count == bound else (count + step, step * 2)
    yield limit


def _reason(problem: Problem, hire: Hire, best: Probe, tried: int, criterion: str) -> str:
    """Why no number of hires met every target, in words."""
    if not best.outcome.solved:
        return f"no roster with {best.hires} hires: {best.outcome.reason}"
    uncovered = [(q, i) for q, i in best.missed
                 if criterion == "interval" and not _offered(problem, i)]
    where = ", ".join(f"{q} {unit_text(problem, criterion, i)}"
                      for q, i in (uncovered or best.missed)[:3])
    more = len(uncovered or best.missed) - 3
    where += f" and {more} more" if more > 0 else ""
    if uncovered:
        return f"no shift template covers {where}"
    unserved = sorted({q for q, _ in best.missed} - set(hire.skills))
    if unserved:
        return (f"the hires cannot serve {', '.join(unserved)}; still missed with "
                f"{best.hires} hires: {where}")
    return (f"more hires stop helping (tried up to {tried}); with {best.hires} hires the "
            f"target is still missed at {where}")


def _offered(problem: Problem, interval: int) -> bool:
    """Whether some shift template on some day spans the interval."""
    return any(interval in problem.covered_intervals(span)
               for (day, _), span in problem.span_table.items() if day >= 0)


def leavers(problem: Problem, count: int, queues: Sequence[str] = ()) -> list[Scenario]:
    """Scenarios where 0, 1, …, ``count`` agents leave: the last of agents.csv first, among
    those who serve ``queues`` (any agent when none are named)."""
    able = [a.id for a in problem.agents if not queues or set(queues) & set(a.skills)]
    gone = list(reversed(able))[:count]
    return [Scenario(f"{k} leave" if k != 1 else "1 leaves",
                     tuple(Remove(agent=a) for a in gone[:k])) for k in range(len(gone) + 1)]


def probe_frame(answer: Headcount) -> pd.DataFrame:
    """One row per solve of the search: hires, status, gap, units missing a target (per the
    criterion), under-coverage, and the roster carried over when the solver's was worse."""
    return pd.DataFrame([{
        "hires": p.hires, "status": p.outcome.status, "gap": p.outcome.gap, "meets": p.meets,
        "criterion": answer.criterion,
        "missed_units": len(p.missed) if p.outcome.solved else None,
        "short_hours": p.outcome.headline.short_hours_total if p.outcome.solved else None,
        "carried_from": p.outcome.carried_from, "seconds": round(p.outcome.wall_time_s, 2),
        "reason": p.outcome.reason} for p in answer.probes])


def verdict(answer: Headcount, queues: Sequence[str], limit: int,
            work_limit: float | None) -> tuple[bool, str]:
    """Whether a number of hires meets every target, and the answer in a sentence (with the
    caveat when it rests on rosters with a large gap)."""
    unit = answer.criterion
    where = f"{', '.join(queues)} (service level per {unit}, weighted by contacts)" \
        if unit != "interval" else f"{', '.join(queues)} in every interval"
    if answer.hires is None:
        text = f"No number of hires up to {limit} meets every target of {where}: {answer.reason}"
    elif answer.hires == 0:
        text = f"✓ The team meets every target of {where} without hires."
    else:
        fewer = answer.hires - 1
        text = (f"✓ {answer.hires} hire{'s' if answer.hires != 1 else ''} meet every target of "
                f"{where}; {fewer} {'does' if fewer == 1 else 'do'} not (checked by solving "
                "both).")
    caveat = answer.caveat(work_limit)
    return answer.hires is not None, text + (f" Note: {caveat}." if caveat else "")
