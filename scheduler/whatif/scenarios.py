"""Scenarios: named lists of changes, read from a YAML file or from ``--change`` text.

A scenario file (docs/whatif.md, fixtures/acme-scenarios.yaml)::

    scenarios:
      - name: Volume +20 %
        changes:
          - volume +20%
      - name: Two leave
        changes:
          - remove niamh.begum
          - remove tobias.lehmann from 2026-12-03

Every change is read and applied to the team's problem while reading, so a bad file is
reported whole (file, line, key, the text, what is wrong, the fix) before any solve starts.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import reduce
from pathlib import Path
from typing import Any

import yaml

from scheduler.domain import Problem
from scheduler.errors import Problems
from scheduler.whatif.changes import Change, ChangeError
from scheduler.whatif.parse import parse_change

BASELINE = "baseline"
INLINE = "--change"


@dataclass(frozen=True)
class Scenario:
    """A named list of changes; applying it applies each change in turn."""

    name: str
    changes: tuple[Change, ...] = ()

    def apply(self, problem: Problem) -> Problem:
        """The problem with every change made, in order (the input is not modified)."""
        return reduce(lambda p, change: change.apply(p), self.changes, problem)

    def describe(self) -> str:
        """The changes as text, separated by ``; `` (``no change`` when there are none)."""
        return "; ".join(str(c) for c in self.changes) or "no change"


class _Reader:
    """Reads changes into scenarios, recording every problem with where it was written."""

    def __init__(self, problem: Problem, file: str) -> None:
        self.problem, self.file, self.problems = problem, file, Problems()

    def add(self, message: str, fix: str, line: int | None, key: str | None,
            value: object = None) -> None:
        self.problems.add(self.file, message, fix, row=line, column=key, value=value)

    def scenario(self, name: str, texts: Sequence[tuple[str, int | None, str]]) -> Scenario:
        """One scenario from (text, line, key) triples; problems are recorded."""
        changes: list[Change] = []
        problem = self.problem
        for text, line, key in texts:
            try:
                change = parse_change(text, problem)
                problem = change.apply(problem)
            except ChangeError as exc:
                self.add(exc.message, exc.fix, line, key, text)
                continue
            changes.append(change)
        return Scenario(name, tuple(changes))


def inline_scenario(texts: Sequence[str], problem: Problem, source: str = INLINE) -> Scenario:
    """One scenario from ``--change`` texts (or another option's, ``source``), named after them.

    Raises
    ------
    TeamFolderError
        Listing every change that cannot be read or applied.
    """
    reader = _Reader(problem, source)
    scenario = reader.scenario("; ".join(texts), [(t, None, f"{source} {n}")
                                                  for n, t in enumerate(texts, 1)])
    reader.problems.raise_if_any(source)
    return scenario


def read_scenarios(path: Path | str, problem: Problem) -> list[Scenario]:
    """The scenarios of a YAML file, each checked against ``problem``.

    Raises
    ------
    TeamFolderError
        With every problem of the file (line, key, text, what is wrong, the fix); nothing is
        returned when there is any.
    """
    path = Path(path)
    reader = _Reader(problem, path.name)
    try:
        root = yaml.compose(path.read_text(encoding="utf-8"), Loader=yaml.SafeLoader)
    except (OSError, UnicodeDecodeError) as exc:
        reader.add(f"cannot read the file ({exc})", "give a readable UTF-8 YAML file", None,
                   None)
        root = None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        reader.add(f"not valid YAML: {exc.problem or exc.context}",
                   "check indentation, colons and quotes", mark.line + 1 if mark else None, None)
        root = None
    except yaml.YAMLError as exc:
        reader.add(f"not valid YAML: {exc}", "check the file's syntax", None, None)
        root = None
    scenarios = _scenarios(root, reader) if root is not None or not reader.problems else []
    reader.problems.raise_if_any(str(path))
    return scenarios


def _line(node: yaml.Node) -> int:
    return int(node.start_mark.line) + 1


def _mapping(node: yaml.Node) -> dict[str, yaml.Node]:
    if not isinstance(node, yaml.MappingNode):
        return {}
    return {str(k.value): v for k, v in node.value if isinstance(k, yaml.ScalarNode)}


def _scenarios(root: yaml.Node | None, reader: _Reader) -> list[Scenario]:
    items = _mapping(root).get("scenarios") if root is not None else None
    if not isinstance(items, yaml.SequenceNode) or not items.value:
        reader.add("the file has no list of scenarios", "start with 'scenarios:' and one "
                   "'- name: ...' entry with its 'changes:' per scenario (docs/whatif.md)",
                   _line(root) if root is not None else None, "scenarios")
        return []
    scenarios, seen = [], {BASELINE}
    for index, node in enumerate(items.value):
        found = _scenario(node, f"scenarios[{index}]", reader)
        if found is None:
            continue
        if found.name in seen:
            reader.add(f"the name {found.name!r} is used twice (or is the baseline's)",
                       "give every scenario its own name", _line(node), f"scenarios[{index}].name",
                       found.name)
        seen.add(found.name)
        scenarios.append(found)
    return scenarios


def _scenario(node: yaml.Node, key: str, reader: _Reader) -> Scenario | None:
    fields = _mapping(node)
    unknown = [k for k in fields if k not in ("name", "changes")]
    for extra in unknown:
        reader.add("unknown key", "use only name and changes", _line(fields[extra]),
                   f"{key}.{extra}")
    name, changes = fields.get("name"), fields.get("changes")
    if not isinstance(name, yaml.ScalarNode) or not str(name.value).strip():
        reader.add("the scenario has no name", "add 'name: ...'", _line(node), f"{key}.name")
        return None
    texts: list[tuple[str, int | None, str]] = []
    if isinstance(changes, yaml.SequenceNode):
        for n, item in enumerate(changes.value):
            if isinstance(item, yaml.ScalarNode) and str(item.value).strip():
                texts.append((str(item.value), _line(item), f"{key}.changes[{n}]"))
            else:
                reader.add("a change must be one line of text", "write e.g. "
                           "'- volume +20% chat'", _line(item), f"{key}.changes[{n}]")
    elif changes is not None and not (isinstance(changes, yaml.ScalarNode)
                                      and changes.value in ("", "null", "~", "[]")):
        reader.add("changes must be a list", "write one '- ...' line per change",
                   _line(changes), f"{key}.changes")
    return reader.scenario(str(name.value).strip(), texts)


def describe_all(scenarios: Sequence[Scenario]) -> dict[str, Any]:
    """Scenario names and their changes as text (for reports)."""
    return {s.name: s.describe() for s in scenarios}
