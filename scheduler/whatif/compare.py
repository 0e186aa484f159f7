"""The figures of every scenario's roster, each as a value and a delta against the baseline.

Figures come from :class:`scheduler.kpi.Headline` (shares as percentages): coverage per queue,
under-covered agent-hours, projected service level per live queue (worst interval and
weighted by volume), late e-mail contacts, hours scheduled and over / under contracts, the
total penalty and the penalty of each rule; beside them the solve's status and gap. Teams whose
need is a headcount (coverage.csv) get the figures of
:class:`scheduler.kpi.headcount.HeadcountHeadline` first: agent-intervals short of the minimum
and above the maximum, agents with hours, fair-share distance and preferred share.

A roster that says little about its scenario is flagged (:func:`caveat`, the ``note`` row): an
empty roster where shifts are needed (the solve stopped at its first roster) or one far from
its proven bound, so that "no change" is never read into a solve that did not get anywhere.

Solver noise: a solve stopped on its work limit leaves up to its gap on the table, so a
difference is only told when it is larger than what the two gaps allow: a delta no larger than
``gap × value`` of the scenario plus ``gap × value`` of the baseline is marked as within solver
noise (``noise``; ``≈`` in the wide table): a longer solve could shrink or reverse it. For the
penalty this is exactly the room between each roster and its proven bound.

Solves share the baseline's roster: it is solved first and each scenario starts from it where
it breaks no hard rule there; a scenario with only more capacity than another (hires, skills,
shift templates; fewer leavers) is never reported worse than it
(:func:`scheduler.whatif.monotone.carry_capacity`).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd

from scheduler.domain import Problem, Roster, Shift
from scheduler.whatif.monotone import carry_capacity
from scheduler.whatif.run import Outcome, SolveOptions, Task
from scheduler.whatif.scenarios import BASELINE, Scenario
from scheduler.whatif.targets import DEFAULT_CRITERION

COLUMNS = ["scenario", "changes", "status", "reason", "gap", "carried_from", "figure", "value",
           "baseline", "delta", "noise"]
FAR_GAP = 0.5  # a roster whose gap to the proven bound is above this is flagged


def caveat(outcome: Outcome) -> str:
    """Why a solved roster's figures may not speak for its scenario; empty when they do.

    An empty roster that is not proven best (the solve stopped at its first roster, before
    placing any shift), or a roster more than :data:`FAR_GAP` from its proven bound.
    """
    if not outcome.solved or outcome.gap is None or outcome.gap <= 1e-9:
        return ""
    gap = f"gap {outcome.gap:.0%}"
    if not outcome.shifts:
        return (f"empty roster ({gap}): the solve stopped at its first roster, before placing "
                "any shift, so its figures say nothing about the change; give it more "
                "--work-limit")
    if outcome.gap > FAR_GAP:
        return (f"far from its bound ({gap}): more --work-limit may change these figures a "
                "lot")
    return ""


def _headcount_figures(outcome: Outcome) -> dict[str, float]:
    hc = outcome.headcount
    if hc is None:
        return {}
    return {f"short of the minimum ({hc.unit})": float(hc.short),
            f"above the maximum ({hc.unit})": float(hc.over),
            "agents with hours": float(hc.agents_with_hours),
            "fair-share distance, mean (h)": hc.mean_fair_distance_h,
            "fair-share distance, most (h)": hc.max_fair_distance_h,
            "preferred share (%)": 100 * hc.preferred_share}


def figures(outcome: Outcome) -> dict[str, float]:
    """The outcome's figures by name (empty when the solve gave no roster)."""
    h = outcome.headline
    if h is None:
        return {}
    found = _headcount_figures(outcome)
    found |= {f"coverage {q} (%)": 100 * v for q, v in h.coverage.items()}
    if h.coverage or outcome.headcount is None:  # a headcount team without queues: not asked
        found["under-covered agent-hours"] = h.short_hours_total
    for queue in h.service_target:
        if queue in h.service_worst:
            found[f"service {queue} worst (%)"] = 100 * h.service_worst[queue]
            found[f"service {queue} weighted (%)"] = 100 * h.service_weighted[queue]
    found |= {f"late contacts {q}": v for q, v in h.late_contacts.items()}
    found["hours scheduled"] = h.hours
    found["hours over contracts"] = h.over_hours
    found["hours under contracts"] = h.under_hours
    found["penalty"] = float(h.penalty)
    found |= {f"penalty {rule}": float(v) for rule, v in sorted(outcome.penalties.items())}
    return found


def compare(outcomes: Sequence[Outcome], changes: dict[str, str]) -> pd.DataFrame:
    """One row per scenario and figure; the first outcome is the baseline.

    Parameters
    ----------
    outcomes
        The baseline's outcome first, then each scenario's.
    changes
        Each scenario's changes as text, by name.

    Returns
    -------
    pandas.DataFrame
        Columns ``scenario``, ``changes``, ``status``, ``reason``, ``gap``,
        ``carried_from`` (the scenario whose roster is reported, when not its own), ``figure``,
        ``value``, ``baseline``, ``delta`` (value minus baseline; NaN where either is missing)
        and ``noise`` (the delta is within what the two gaps allow, see the module note).
        Figures follow the baseline's order; a figure only a scenario has (a rule's penalty)
        comes after them.
    """
    base = figures(outcomes[0])
    names = list(base)
    for outcome in outcomes[1:]:
        names += [n for n in figures(outcome) if n not in names]
    rows = []
    base_gap = _gap_of(outcomes[0])
    for outcome in outcomes:
        mine, gap = figures(outcome), _gap_of(outcome)
        for name in names:
            value = mine.get(name, _zero_penalty(name, mine))
            reference = base.get(name, _zero_penalty(name, base))
            delta = value - reference
            rows.append({
                "scenario": outcome.name, "changes": changes.get(outcome.name, ""),
                "status": outcome.status, "reason": outcome.reason or caveat(outcome),
                "gap": gap, "carried_from": outcome.carried_from, "figure": name,
                "value": value, "baseline": reference, "delta": delta,
                "noise": within_noise(delta, value, reference, gap, base_gap)})
    return pd.DataFrame(rows, columns=COLUMNS)


def _gap_of(outcome: Outcome) -> float:
    return np.nan if outcome.gap is None else float(outcome.gap)


def within_noise(delta: float, value: float, reference: float, gap: float,
                 base_gap: float) -> bool:
    """Whether a non-zero delta is no larger than ``gap × |value| + base_gap × |reference|``
    (an unknown gap counts as no noise: nothing to tell it apart from)."""
    if math.isnan(delta) or abs(delta) <= 1e-9 or math.isnan(gap) or math.isnan(base_gap):
        return False
    return abs(delta) <= gap * abs(value) + base_gap * abs(reference) + 1e-9


def _zero_penalty(name: str, found: dict[str, float]) -> float:
    """A rule's penalty a roster does not list is 0 (when it has a roster at all)."""
    return 0.0 if name.startswith("penalty ") and found else math.nan


def wide(table: pd.DataFrame) -> pd.DataFrame:
    """Figures as rows, scenarios as columns, cells ``value (delta)`` as text."""
    order = list(dict.fromkeys(table["scenario"]))
    first = order[0] if order else None
    cells = table.assign(cell=[_cell(v, d, s == first, n) for v, d, s, n in
                               zip(table["value"], table["delta"], table["scenario"],
                                   table["noise"], strict=True)])
    grid = cells.pivot(index="figure", columns="scenario", values="cell")
    grid = grid.reindex(index=list(dict.fromkeys(table["figure"])), columns=order)
    status = table.drop_duplicates("scenario").set_index("scenario")
    lines = [[_status(s, c) for s, c in zip(status["status"].reindex(order),
                                            status["carried_from"].reindex(order),
                                            strict=True)],
             [_gap(g) for g in status["gap"].reindex(order)]]
    notes = [_note(r) for r in status["reason"].reindex(order)]
    if any(notes):  # a flagged roster: say so beside its figures
        lines.append(notes)
    head = pd.DataFrame(lines, index=["status", "gap", "note"][:len(lines)], columns=order)
    return pd.concat([head, grid])


def long(table: pd.DataFrame) -> pd.DataFrame:
    """Scenarios as rows and figures as columns (for more scenarios than fit side by side):
    the transpose of :func:`wide`."""
    return wide(table).T


def _status(status: str, carried_from: str) -> str:
    return f"{status.lower()}, roster of {carried_from}" if carried_from else status.lower()


def _note(reason: object) -> str:
    """The ``note`` row's words for a flagged roster (see :func:`caveat`)."""
    text = str(reason) if isinstance(reason, str) else ""
    if text.startswith("empty roster"):
        return "EMPTY ROSTER"
    return "far from bound" if text.startswith("far from its bound") else ""


def _cell(value: float, delta: float, baseline: bool, noise: bool = False) -> str:
    if math.isnan(value):
        return "–"
    text = _number(value)
    if baseline or math.isnan(delta):
        return text
    if abs(delta) <= 1e-9:
        return f"{text} (=)"
    change = _number(delta)
    if change in ("0", "-0"):  # a change too small for one decimal: show two
        change = f"{delta:.2f}".removeprefix("+")
    return f"{text} ({'≈' if noise else ''}{'+' if delta > 0 else ''}{change})"


def _number(value: float) -> str:
    return f"{value:,.1f}" if abs(value - round(value)) > 0.05 else f"{value:,.0f}"


def _gap(gap: float) -> str:
    return "" if gap is None or math.isnan(gap) else f"{gap:.1%}"


def scenario_tasks(problem: Problem, scenarios: Sequence[Scenario], options: SolveOptions,
                   hint: Sequence[Shift] = ()) -> list[Task]:
    """The baseline's task, then one per scenario (its changes made to the problem), each
    starting from ``hint`` (the baseline's roster) where it breaks no hard rule there (a
    scenario that changes nothing is solved as the baseline is, to the same roster)."""
    return [Task(BASELINE, problem, options)] + [
        Task(s.name, found, options, () if found == problem else _usable(found, hint))
        for s, found in ((s, s.apply(problem)) for s in scenarios)]


def _usable(problem: Problem, hint: Sequence[Shift]) -> tuple[Shift, ...]:
    """The hint's shifts on the problem's agents and templates, when they break no hard rule."""
    from scheduler.check import check
    from scheduler.staffing import requirements

    kept = tuple(s for s in hint if s.agent in problem.agent_index
                 and s.template in problem.template_index)
    if not kept or check(problem, Roster(shifts=kept), requirements(problem)).hard:
        return ()
    return kept


def compare_scenarios(problem: Problem, scenarios: Sequence[Scenario], options: SolveOptions,
                      run: Callable[[Sequence[Task]], list[Outcome]],
                      criterion: str = DEFAULT_CRITERION) -> tuple[pd.DataFrame, list[Outcome]]:
    """Solve the baseline, then every scenario from its roster, with ``run``; scenarios with
    more capacity than another carry its roster where it is better (``criterion`` reads the
    targets); the table of :func:`compare`."""
    [base] = run(scenario_tasks(problem, [], options))
    tasks = scenario_tasks(problem, scenarios, options, base.shifts)
    outcomes = carry_capacity(tasks, [base, *run(tasks[1:])],
                              [(), *(s.changes for s in scenarios)], criterion)
    changes = {BASELINE: "no change"} | {s.name: s.describe() for s in scenarios}
    return compare(outcomes, changes), outcomes


def unique_names(groups: Sequence[Sequence[Scenario]]) -> list[Scenario]:
    """Scenarios of several files in one list; a name used twice gets ``(2)``, ``(3)``, …."""
    seen: dict[str, int] = {BASELINE: 1}
    found = []
    for group in groups:
        for scenario in group:
            count = seen.get(scenario.name, 0) + 1
            seen[scenario.name] = count
            name = scenario.name if count == 1 else f"{scenario.name} ({count})"
            found.append(Scenario(name, scenario.changes))
    return found
