"""The week as it happens: absences, time-off requests and minimal-change re-plans.

Plain functions with plain inputs and outputs (the CLI and the web pages only parse, call and
print): :func:`plan_absence` re-plans the published roster around an absence with ranked ways
to cover the gap; :func:`triage` costs and recommends the pending time-off requests and
:func:`grant` approves the chosen ones; :mod:`.replan` holds what both share.
"""

from scheduler.operations.absence import (
    Absence,
    AbsenceAnswer,
    Option,
    absence_problem,
    plan_absence,
    published_roster,
)
from scheduler.operations.replan import (
    PRIORITIES,
    ShiftChange,
    changed_agents,
    moment_of,
    replan_problem,
    roster_changes,
)
from scheduler.operations.requests import Decision, Triage, grant, pending_requests, triage

__all__ = ["PRIORITIES", "Absence", "AbsenceAnswer", "Decision", "Option", "ShiftChange",
           "Triage", "absence_problem", "changed_agents", "grant", "moment_of", "pending_requests",
           "plan_absence", "published_roster", "replan_problem", "roster_changes", "triage"]
