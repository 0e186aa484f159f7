"""Shift names a person reads: ``06:00–08:00`` for a flexible shift, the template's name otherwise.

A flexible shift's candidate template has an internal id (``F-0600-0200``: flexible shift ``F``,
start 06:00, 2 h long) that means nothing to an agent. Every output (roster.csv, the workbook,
the report, the calendars) names such a shift by its clock times instead, taken from the shift's
real span on the horizon's clock, so a shift over the night clocks change shows its true end.
Shifts of fixed templates keep the template's name (its id when it has none).
"""

from __future__ import annotations

from scheduler.domain import Problem, Shift

__all__ = ["DASH", "is_flexible", "shift_label", "shift_times"]

DASH = "–"  # en dash between two clock times


def is_flexible(problem: Problem, template: str) -> bool:
    """Whether ``template`` is a candidate cut from a flexible shift (team.yaml ``shifts:``)."""
    found = problem.template_index.get(template)
    return found is not None and found.flexible is not None


def shift_times(problem: Problem, shift: Shift, zone: str | None = None, dash: str = DASH) -> str:
    """``06:00–08:00``: start and end of the shift in ``zone`` (the team's when None)."""
    start, end = problem.shift_span(shift)
    clock = problem.clock
    return f"{clock.local(start, zone):%H:%M}{dash}{clock.local(end, zone):%H:%M}"


def shift_label(problem: Problem, shift: Shift, zone: str | None = None) -> str:
    """The shift's name for people: its times when flexible, else the template's name or id.

    Parameters
    ----------
    problem
        The team's problem (templates, clock).
    shift
        The shift to name.
    zone
        Time zone of the times (the team's when None), e.g. the agent's own in their feed.
    """
    if is_flexible(problem, shift.template):
        return shift_times(problem, shift, zone)
    template = problem.template_index[shift.template]
    return template.name or template.id
