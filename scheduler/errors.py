"""Problems found in a team folder, each with file, row, column, the bad value and the fix.

The loader never stops at the first problem: it collects them all in a :class:`Problems` list
and raises one :class:`TeamFolderError` at the end, so a coordinator fixes everything in one go.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ValidationError

MAX_VALUE_CHARS = 80
MAX_PER_KIND = 20
"""Problems listed per file and column; the rest are counted (a huge bad file stays cheap)."""


@dataclass(frozen=True)
class InputProblem:
    """One thing wrong in one place of a team folder.

    Attributes
    ----------
    file
        File name relative to the team folder (``agents.csv``, ``team.yaml``).
    row
        1-based line number in the file (a CSV header is line 1), or None for the whole file.
    column
        CSV column name, or a YAML key path such as ``queues[2].channel``; None if not one cell.
    value
        The bad value as text (shortened when long), or None.
    message
        What is wrong, in words.
    fix
        How to fix it.
    """

    file: str
    row: int | None
    column: str | None
    value: str | None
    message: str
    fix: str

    def where(self) -> str:
        """``agents.csv, row 4, column skills``."""
        parts = [self.file]
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.column:
            parts.append(f"column {self.column}" if "." not in self.column
                         and "[" not in self.column else f"key {self.column}")
        return ", ".join(parts)

    def __str__(self) -> str:
        value = "" if self.value is None else f" (value {self.value!r})"
        fix = f" Fix: {self.fix}" if self.fix else ""
        return f"{self.where()}{value}: {self.message}.{fix}"


class TeamFolderError(Exception):
    """A team folder could not be loaded; ``problems`` lists everything found wrong."""

    def __init__(self, problems: Sequence[InputProblem], folder: str = "",
                 total: int | None = None) -> None:
        self.problems: list[InputProblem] = list(problems)
        self.folder = folder
        self.total = len(self.problems) if total is None else total
        """All problems found, the ones only counted (see :class:`Problems`) included."""
        super().__init__(str(self))

    def __reduce__(self) -> tuple[type[TeamFolderError],
                                  tuple[list[InputProblem], str, int]]:
        return type(self), (self.problems, self.folder, self.total)

    def __str__(self) -> str:
        count = self.total
        head = f"{count} problem{'s' if count != 1 else ''} in team folder"
        head += f" {self.folder}" if self.folder else ""
        return head + ":\n" + "\n".join(f"  - {p}" for p in self.problems)


def shorten(value: object) -> str:
    """The value as text, at most :data:`MAX_VALUE_CHARS` characters."""
    text = value if isinstance(value, str) else repr(value)
    return text if len(text) <= MAX_VALUE_CHARS else text[: MAX_VALUE_CHARS - 1] + "…"


class Problems:
    """A growing list of :class:`InputProblem`, with helpers to add them.

    The first :data:`MAX_PER_KIND` problems of each file and column are kept; later ones are
    only counted, and :attr:`items` ends with one line per such kind saying how many more.
    """

    def __init__(self) -> None:
        self._kept: list[InputProblem] = []
        self._per_kind: dict[tuple[str, str | None], int] = {}

    def __len__(self) -> int:
        return sum(self._per_kind.values())

    @property
    def items(self) -> list[InputProblem]:
        """The problems kept, then a count of the others per file and column."""
        more = [InputProblem(file, None, column, None, f"{count - MAX_PER_KIND} more problems "
                             f"like the ones above in {file}"
                             + (f", column {column}" if column else ""),
                             "fix those and run again to see the rest")
                for (file, column), count in self._per_kind.items() if count > MAX_PER_KIND]
        return self._kept + more

    def add(self, file: str, message: str, fix: str = "", *, row: int | None = None,
            column: str | None = None, value: object = None) -> None:
        """Record one problem (``value`` is shown as text when given)."""
        kind = (file, column)
        self._per_kind[kind] = self._per_kind.get(kind, 0) + 1
        if self._per_kind[kind] > MAX_PER_KIND:
            return
        text = None if value is None else shorten(value)
        self._kept.append(InputProblem(file, row, column, text, message.rstrip("."), fix))

    def add_validation(self, exc: ValidationError, file: str, *, row: int | None = None,
                       column: Callable[[tuple[int | str, ...]], str | None],
                       value: Callable[[tuple[int | str, ...], Any], object],
                       model: type[BaseModel] | None = None) -> None:
        """Record every error of a pydantic ``ValidationError``.

        ``column`` maps an error location to the column (or key path) to report; ``value``
        gives the raw text to quote for a location and pydantic's input; ``model`` (the
        validated class) lets unknown-field errors list the known fields.
        """
        for error in exc.errors():
            loc = tuple(error["loc"])
            known = known_fields(model, loc[:-1]) if model is not None else None
            message, fix = describe_error(error, known)
            raw = None if error["type"] == "missing" else value(loc, error.get("input"))
            self.add(file, message, fix, row=row, column=column(loc), value=raw)

    def raise_if_any(self, folder: str = "") -> None:
        """Raise :class:`TeamFolderError` when any problem was recorded."""
        if self._kept:
            raise TeamFolderError(self.items, folder, len(self))


def known_fields(model: type[BaseModel] | None, loc: tuple[int | str, ...]) -> list[str] | None:
    """Field names of the (nested) pydantic model found by following ``loc`` from ``model``."""
    for part in loc:
        if model is None or isinstance(part, int):
            continue
        info = model.model_fields.get(part)
        annotation = info.annotation if info is not None else None
        model = annotation if isinstance(annotation, type) and issubclass(
            annotation, BaseModel) else None
    return None if model is None else list(model.model_fields)


_FIXES = {
    "missing": "add it",
    "string_pattern_mismatch": "use only letters, digits and . _ - (no spaces)",
    "string_too_short": "fill it in",
    "greater_than_equal": "use a number of at least {ge}",
    "greater_than": "use a number above {gt}",
    "less_than_equal": "use a number of at most {le}",
    "less_than": "use a number below {lt}",
    "int_parsing": "use a whole number such as 5",
    "int_type": "use a whole number such as 5",
    "int_from_float": "use a whole number such as 5",
    "float_parsing": "use a number such as 0.8",
    "float_type": "use a number such as 0.8",
    "finite_number": "use a finite number",
    "literal_error": "use one of {expected}",
    "enum": "use one of {expected}",
    "date_parsing": "write the date as YYYY-MM-DD",
    "date_type": "write the date as YYYY-MM-DD",
    "date_from_datetime_inexact": "write the date as YYYY-MM-DD, without a time",
    "date_from_datetime_parsing": "write the date as YYYY-MM-DD",
    "time_parsing": "write the time as HH:MM",
    "time_type": "write the time as HH:MM",
    "string_type": "write it as text",
    "bool_parsing": "use yes or no",
    "bool_type": "use yes or no",
    "dict_type": "write it as a mapping of key: value lines",
    "model_type": "write it as a mapping of key: value lines",
    "model_attributes_type": "write it as a mapping of key: value lines",
    "list_type": "write it as a list such as [a, b]",
    "tuple_type": "write it as a list such as [a, b]",
}


def describe_error(error: Any, known: list[str] | None) -> tuple[str, str]:
    """Message and fix for one pydantic error dict."""
    kind = error["type"]
    ctx = {key: _number(value) for key, value in (error.get("ctx") or {}).items()}
    message = str(error["msg"]).removeprefix("Value error, ")
    if kind == "value_error" and "; use " in message:
        message, _, advice = message.partition("; ")
        return message, advice
    if kind == "extra_forbidden":
        choices = ", ".join(known) if known else "the documented keys"
        return "unknown key", f"remove it or use one of: {choices}"
    if kind == "missing":
        return "required but missing", "add it"
    try:
        fix = _FIXES.get(kind, "correct the value").format(**ctx)
    except (KeyError, IndexError, ValueError):
        fix = "correct the value"
    return message, fix


def _number(value: Any) -> Any:
    """``0.0`` → ``0`` in messages; other values unchanged."""
    return int(value) if isinstance(value, float) and value.is_integer() else value
