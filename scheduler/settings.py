"""Rule settings from team.yaml: which rules apply, hard or soft, their weights and limits.

Every rule has a ``level`` (``hard``: must hold; ``soft``: may be broken at ``weight`` per unit;
``off``) and its own limits. Weights are integers. Defaults follow common labour rules (see
docs/team-folder.md); a team overrides only what it needs.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

MAX_WEIGHT = 100_000
"""Largest weight anywhere (rules, requests, cover rows): with the other limits below, every
objective term and sum stays far inside the solver's 64-bit integers."""
MAX_DAYS = 366
"""Largest count of days in a limit (runs of days, shifts per template): a year's horizon."""
MAX_WEEKENDS = 53


class Level(StrEnum):
    """How a rule applies."""

    HARD = "hard"
    SOFT = "soft"
    OFF = "off"


class RuleSetting(BaseModel):
    """Common part of every rule's settings."""

    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)

    level: Level = Level.HARD
    weight: int = Field(10, ge=0, le=MAX_WEIGHT)


class CoverageSettings(RuleSetting):
    """Staff every queue and interval as the requirements ask.

    ``weight`` is per agent short per interval, times the queue's priority; ``over_weight`` per
    agent beyond the total need of an interval. Headcount rows (cover.csv) carry their own weights.
    """

    level: Level = Level.SOFT
    weight: int = Field(100, ge=0, le=MAX_WEIGHT)
    over_weight: int = Field(1, ge=0, le=MAX_WEIGHT)


class TimeOffSettings(RuleSetting):
    """Approved time off (``level``, hard by default) and pending requests (soft by default)."""

    pending_level: Level = Level.SOFT
    pending_weight: int = Field(20, ge=0, le=MAX_WEIGHT)


class ContractSettings(RuleSetting):
    """Contract hours, days per week and shifts per template; ``weight`` per hour outside."""

    max_days_per_week: int | None = Field(5, ge=0, le=7)


class RestSettings(RuleSetting):
    """Minimum rest between shifts and forbidden successions (``[from, to]`` template pairs)."""

    min_rest_hours: float = Field(11, ge=0, le=48)
    forbidden_successions: tuple[tuple[str, str], ...] = ()
    weight: int = Field(50, ge=0, le=MAX_WEIGHT)


class ConsecutiveSettings(RuleSetting):
    """Runs of working days and of days off; contracts may override the limits."""

    max_days: int | None = Field(6, ge=1, le=MAX_DAYS)
    min_days: int | None = Field(None, ge=1, le=MAX_DAYS)
    min_days_off: int | None = Field(None, ge=1, le=MAX_DAYS)
    weight: int = Field(20, ge=0, le=MAX_WEIGHT)

    @model_validator(mode="after")
    def _min_not_above_max(self) -> ConsecutiveSettings:
        if self.min_days is not None and self.max_days is not None and (
                self.min_days > self.max_days):
            raise ValueError(f"min_days ({self.min_days}) is above max_days ({self.max_days}); "
                             "use a min_days of at most max_days")
        return self


class WeekendSettings(RuleSetting):
    """At most ``max_weekends`` weekends worked per agent over the horizon (contracts override)."""

    max_weekends: int | None = Field(None, ge=0, le=MAX_WEEKENDS)
    weekend_days: tuple[int, ...] = (5, 6)
    weight: int = Field(20, ge=0, le=MAX_WEIGHT)

    @field_validator("weekend_days")
    @classmethod
    def _days_of_week(cls, value: tuple[int, ...]) -> tuple[int, ...]:
        if any(not 0 <= day <= 6 for day in value) or len(set(value)) != len(value):
            raise ValueError(f"weekend_days {list(value)} are not distinct weekdays; use "
                             "numbers from 0 (Monday) to 6 (Sunday), each once, e.g. [5, 6]")
        return value


class FairnessSettings(RuleSetting):
    """Spread load evenly: weekends, late shifts, share of contract hours (max minus min)."""

    level: Level = Level.SOFT
    weekend_weight: int = Field(5, ge=0, le=MAX_WEIGHT)
    late_weight: int = Field(2, ge=0, le=MAX_WEIGHT)
    late_templates: tuple[str, ...] = ()
    hours_weight: int = Field(1, ge=0, le=MAX_WEIGHT)


class PreferenceSettings(RuleSetting):
    """Preferred and avoided shifts and days; ``weight`` is the default per request."""

    level: Level = Level.SOFT
    weight: int = Field(5, ge=0, le=MAX_WEIGHT)


class AvailabilitySettings(RuleSetting):
    """Agents with availability windows only work shifts inside them."""

    weight: int = Field(50, ge=0, le=MAX_WEIGHT)


class StabilitySettings(RuleSetting):
    """Stay close to a reference roster (``weight`` per shift changed); locked shifts stay."""

    level: Level = Level.SOFT
    weight: int = Field(10, ge=0, le=MAX_WEIGHT)


class HeadcountSettings(RuleSetting):
    """Coverage by headcount (coverage.csv): agents on duty between a minimum and a maximum.

    Each row says whether its minimum and maximum are hard or soft; ``weight`` (per agent
    short per interval) and ``over_weight`` (per agent above the maximum per interval) are the
    defaults for soft rows that give no weight.
    """

    level: Level = Level.SOFT
    weight: int = Field(100, ge=0)
    over_weight: int = Field(100, ge=0)


class PreferenceLevelSettings(RuleSetting):
    """Availability levels: each interval on duty costs its level's cost (team.yaml
    ``availability.costs``); an ``unavailable`` interval is never worked (hard) or costs
    ``weight`` per interval (soft)."""

    weight: int = Field(1000, ge=0)


class IdealLengthSettings(RuleSetting):
    """Flexible shifts: each interval a shift is longer or shorter than the agent's ideal
    length costs the flexible shift's ``ideal_weight``."""

    level: Level = Level.SOFT


class FairShareSettings(RuleSetting):
    """Each agent's hours near a fair target, the deviation priced convexly.

    The target comes from the ``contract``, or shares the needed hours in proportion to
    ``availability`` or to agents.csv ``share_weight``; balance.csv moves it. The penalty per
    minute away grows by ``weight`` every ``step_minutes`` (up to ``steps`` times), so two
    agents one hour off cost less than one agent two hours off.
    """

    level: Level = Level.OFF
    weight: int = Field(1, ge=0)
    target: Literal["contract", "availability", "weight"] = "availability"
    step_minutes: int = Field(60, ge=1)
    steps: int = Field(8, ge=1, le=48)


class MinHoursSettings(RuleSetting):
    """Use at least ``hours`` of everyone available (or all they can give when less); ``weight``
    per minute short."""

    level: Level = Level.OFF
    hours: float = Field(0, ge=0, le=168)
    weight: int = Field(1, ge=0)


class PairingSettings(RuleSetting):
    """Onboarding agents work only while a mentor is on duty, and never two at once;
    ``weight`` per interval when soft.

    ``whole_shift``: each onboarding shift also has one mentor on duty from its start to its
    end (starting no later, ending no earlier), and a mentor takes at most
    ``per_mentor_day`` onboarding shifts a day; ``weight`` per shift without one when soft.
    """

    weight: int = Field(200, ge=0)
    whole_shift: bool = False
    per_mentor_day: int = Field(1, ge=1, le=10)


class RuleSettings(BaseModel):
    """All rule settings of a team (the ``rules:`` block of team.yaml)."""

    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)

    coverage: CoverageSettings = CoverageSettings()
    time_off: TimeOffSettings = TimeOffSettings()
    contract: ContractSettings = ContractSettings()
    rest: RestSettings = RestSettings()
    consecutive: ConsecutiveSettings = ConsecutiveSettings()
    weekends: WeekendSettings = WeekendSettings()
    fairness: FairnessSettings = FairnessSettings()
    preferences: PreferenceSettings = PreferenceSettings()
    availability: AvailabilitySettings = AvailabilitySettings()
    stability: StabilitySettings = StabilitySettings()
    headcount: HeadcountSettings = HeadcountSettings()
    preference_levels: PreferenceLevelSettings = PreferenceLevelSettings()
    ideal_length: IdealLengthSettings = IdealLengthSettings()
    fair_share: FairShareSettings = FairShareSettings()
    min_hours: MinHoursSettings = MinHoursSettings()
    pairing: PairingSettings = PairingSettings()
