"""Staffing: forecast → agents needed per interval and queue, the covering plan, fair shares.

The formulas live in :mod:`~scheduler.staffing.erlang`, the requirements frame in
:mod:`~scheduler.staffing.needs`; both are re-exported here, the stage's public face.
"""

from scheduler.staffing.erlang import (
    ErlangA,
    agents_for_target,
    apply_shrinkage,
    average_speed_of_answer,
    erlang_a,
    erlang_b,
    erlang_c,
    service_level,
    smooth_workload,
)
from scheduler.staffing.needs import (
    COVERAGE_LIMITS,
    REQUIREMENT_COLUMNS,
    coverage_frame,
    forecast_frame,
    headcounts,
    no_requirements,
    projected_service,
    requirements,
    requirements_from_frame,
)

__all__ = [
    "COVERAGE_LIMITS",
    "REQUIREMENT_COLUMNS",
    "ErlangA",
    "agents_for_target",
    "apply_shrinkage",
    "average_speed_of_answer",
    "coverage_frame",
    "erlang_a",
    "erlang_b",
    "erlang_c",
    "forecast_frame",
    "headcounts",
    "no_requirements",
    "projected_service",
    "requirements",
    "requirements_from_frame",
    "service_level",
    "smooth_workload",
]
