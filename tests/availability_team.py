"""fixtures/availability-team and a roster of it built without a solver (fast, deterministic).

The roster gives every other agent, on every other day they are offered a shift, the candidate
closest to their ideal length (latest start among equals): enough shifts of many shapes for the
outputs to show, in a second instead of a solve.
"""

from __future__ import annotations

from pathlib import Path

from scheduler.domain import Problem, Roster, Shift

ROOT = Path(__file__).resolve().parents[1]
AVAILABILITY_TEAM = ROOT / "fixtures" / "availability-team"


def quick_roster(problem: Problem) -> Roster:
    """A roster of candidate shifts picked by rule of thumb (see the module docstring)."""
    shifts = []
    order = {a.id: i for i, a in enumerate(problem.agents)}
    for offer in problem.offers:
        if (order[offer.agent] + offer.day) % 2:
            continue
        ideal = problem.agent_index[offer.agent].ideal_minutes or 6 * 60
        templates = [problem.template_index[t] for t in offer.templates]
        best = min(templates, key=lambda t: (abs(t.length_minutes - ideal), -t.day_offset,
                                             -(t.start.hour * 60 + t.start.minute), t.id))
        shifts.append(Shift(agent=offer.agent, day=offer.day, template=best.id))
    return Roster(shifts=tuple(shifts))
