"""Cells that stay text: no spreadsheet runs a name, a note or a subject as a formula."""

from __future__ import annotations

import pandas as pd

__all__ = ["FORMULA_STARTS", "csv_safe"]

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""A text cell starting so is run as a formula by spreadsheets (OWASP CSV injection)."""


def csv_safe(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with every text cell that a spreadsheet would run as a formula prefixed by
    ``'`` (OWASP's CSV-injection advice); numbers and other text unchanged.

    Every CSV the project writes goes through this (roster, staffing, assignments).
    """
    def guard(value: object) -> object:
        return f"'{value}" if isinstance(value, str) and value.startswith(FORMULA_STARTS) \
            else value

    safe = frame.copy()
    for column in safe.columns:
        if not pd.api.types.is_numeric_dtype(safe[column]):
            safe[column] = safe[column].map(guard)
    return safe
