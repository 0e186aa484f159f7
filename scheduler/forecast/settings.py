"""The ``forecast:`` section of team.yaml: closed weekdays, holidays, handle-time field.

Read on its own, like ``tickets:``; problems are reported at the key path. Every key is
optional (docs/forecast.md)::

    forecast:
      closed: [sun]                    # weekdays the help desk is closed
      holidays: [2026-12-24, 2026-12-25]
      handle_time_field: cf_time_spent # a ticket field holding the time worked on it
      handle_time_unit: seconds        # or minutes
      thin_below: 20                   # contacts a day: below, a queue is forecast as a day
      origins: 8                       # one-week-ahead backtest origins
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, ValidationError, field_validator

from scheduler.domain import Frozen
from scheduler.errors import Problems
from scheduler.load.cells import read_text
from scheduler.load.team_yaml import TEAM, YamlReader, parse_yaml

__all__ = ["WEEKDAYS", "ForecastSettings", "read_forecast_settings"]

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


class ForecastSettings(Frozen):
    """How the history is read and forecast (team.yaml ``forecast:``).

    Attributes
    ----------
    closed
        Weekdays the help desk is closed: neither learned from nor forecast.
    holidays
        Dates the help desk is closed (in the history: not learned from; in the planning
        week: forecast as zero).
    handle_time_field
        A ticket field (CSV ``cf_`` column, Zendesk custom field id, Freshdesk ``cf_`` name)
        holding the time worked on the ticket; gives the forecast's handle time.
    handle_time_unit
        ``seconds`` or ``minutes``, the unit of that field.
    thin_below
        A queue with fewer contacts than this a day (mean of the last four weeks) is thin:
        its days are forecast as totals spread by the intraday profile.
    origins
        One-week-ahead backtest origins (fewer when the history is short).
    """

    closed: tuple[Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"], ...] = ()
    holidays: tuple[date, ...] = ()
    handle_time_field: str | None = None
    handle_time_unit: Literal["seconds", "minutes"] = "seconds"
    thin_below: float = Field(20.0, ge=0, le=10_000)
    origins: int = Field(8, ge=1, le=52)

    @field_validator("closed", mode="before")
    @classmethod
    def _lower(cls, value: Any) -> Any:
        if isinstance(value, str):
            value = [value]
        return [str(v).strip().lower()[:3] for v in value] if isinstance(value, list) else value

    @field_validator("handle_time_field", mode="before")
    @classmethod
    def _text(cls, value: Any) -> Any:
        return str(value) if isinstance(value, int) else value

    @property
    def open_weekdays(self) -> tuple[int, ...]:
        """Weekdays (0 = Monday) the help desk is open on."""
        return tuple(i for i, name in enumerate(WEEKDAYS) if name not in self.closed)

    def is_closed(self, day: date) -> bool:
        """Whether the help desk is closed on a date (weekday or holiday)."""
        return WEEKDAYS[day.weekday()] in self.closed or day in self.holidays


def read_forecast_settings(folder: Path | str, problems: Problems) -> ForecastSettings:
    """Read ``forecast:`` of ``folder/team.yaml`` (defaults when absent); bad keys become
    problems with their key path and line."""
    source = read_text(Path(folder) / TEAM, TEAM, problems, required=True)
    parsed = None if source is None else parse_yaml(source, problems)
    if parsed is None or not isinstance(parsed[0], dict) or parsed[0].get("forecast") is None:
        return ForecastSettings()
    data, lines = parsed
    y = YamlReader(problems, lines)
    raw = data["forecast"]
    if not isinstance(raw, dict):
        y.add("forecast", "forecast must be key: value lines", "see docs/forecast.md")
        return ForecastSettings()
    try:
        settings = ForecastSettings.model_validate(raw)
    except ValidationError as exc:
        y.validation(exc, "forecast", ForecastSettings)
        return ForecastSettings()
    if not settings.open_weekdays:
        y.add("forecast.closed", "every weekday is closed", "remove a weekday from the list")
    return settings
