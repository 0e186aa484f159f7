"""The pipeline stages what-if uses, under the names the pipeline refactor (issue 16) gives.

Until main has ``scheduler.covering``, the covering plan comes from the export tables.
"""

from __future__ import annotations

import pandas as pd

from scheduler.domain import Problem, Roster


def requirements(problem: Problem) -> pd.DataFrame:
    """Agents needed per interval and queue (empty frame without queues or forecast)."""
    from scheduler.export.tables import requirements_of

    return requirements_of(problem)


def covering_plan(problem: Problem, needs: pd.DataFrame, roster: Roster) -> pd.DataFrame:
    """Which queue each on-duty agent serves per interval (``agent``, ``interval``, ``queue``)."""
    from scheduler.export.tables import queue_plan_of

    return queue_plan_of(problem, roster)
