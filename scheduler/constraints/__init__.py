"""The rule library: one class per rule family, each with ``encode`` and ``evaluate``."""

from typing import Any

from scheduler.constraints.availability import AvailabilityRule
from scheduler.constraints.base import Rule
from scheduler.constraints.consecutive import ConsecutiveRule
from scheduler.constraints.contract import ContractRule
from scheduler.constraints.coverage import CoverageRule
from scheduler.constraints.fair_share import FairShareRule, MinHoursRule
from scheduler.constraints.fairness import FairnessRule
from scheduler.constraints.headcount import HeadcountRule
from scheduler.constraints.ideal_length import IdealLengthRule
from scheduler.constraints.levels import PreferenceLevelRule
from scheduler.constraints.pairing import PairingRule
from scheduler.constraints.preferences import PreferenceRule
from scheduler.constraints.rest import RestRule
from scheduler.constraints.stability import StabilityRule
from scheduler.constraints.time_off import TimeOffRule
from scheduler.constraints.weekends import WeekendRule

RULES: tuple[Rule[Any], ...] = (
    CoverageRule(),
    TimeOffRule(),
    AvailabilityRule(),
    ContractRule(),
    RestRule(),
    ConsecutiveRule(),
    WeekendRule(),
    FairnessRule(),
    PreferenceRule(),
    StabilityRule(),
    HeadcountRule(),
    PreferenceLevelRule(),
    IdealLengthRule(),
    FairShareRule(),
    MinHoursRule(),
    PairingRule(),
)

__all__ = ["RULES", "Rule"]
