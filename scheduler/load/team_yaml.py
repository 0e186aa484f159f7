"""Reading ``team.yaml``: team-wide settings, queues, shift templates and rules.

Problems are reported with the YAML key path (``queues[2].channel``) and its line number.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, time
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from scheduler.domain import AvailabilityPolicy, FlexibleShift, Problem, Queue, ShiftTemplate
from scheduler.errors import Problems, describe_error, known_fields
from scheduler.load.cells import (
    CellError,
    listing,
    parse_clock,
    parse_hours,
    parse_weekdays,
    read_text,
)
from scheduler.settings import RuleSettings
from scheduler.timeline import Clock

TEAM = "team.yaml"
HEADER = ("team", "time_zone", "start", "days", "interval_minutes", "shrinkage", "max_occupancy")
TOP_KEYS = (*HEADER, "queues", "shift_templates", "shifts", "availability", "rules",
            "tickets", "forecast")  # tickets: scheduler.tickets; forecast: scheduler.forecast
FLEXIBLE_KEYS = ("id", "earliest_start", "latest_end", "grid_minutes", "min_hours", "max_hours",
                 "ideal_hours", "ideal_weight", "breaks", "weekdays")
POLICY_KEYS = ("day_starts_at", "default", "costs")
TEMPLATE_KEYS = ("id", "name", "start", "paid_hours", "break_minutes", "weekdays")
DEFAULT_DAYS = 7


@dataclass
class TeamConfig:
    """What team.yaml gave, as far as it was valid.

    ``header`` holds the team-wide fields of :class:`~scheduler.domain.Problem` (placeholders
    where team.yaml was wrong); ``clock`` is None when the horizon is unknown; the id sets are
    None when team.yaml could not be read at all (then references are not checked).
    """

    header: dict[str, Any]
    clock: Clock | None = None
    queues: list[Queue] = field(default_factory=list)
    queue_ids: frozenset[str] | None = None
    templates: list[ShiftTemplate] = field(default_factory=list)
    template_ids: frozenset[str] | None = None
    rules: RuleSettings = field(default_factory=RuleSettings)
    policy: AvailabilityPolicy = field(default_factory=AvailabilityPolicy)
    flexible: list[FlexibleShift] = field(default_factory=list)


class _YamlLoader(yaml.SafeLoader):
    """Safe YAML where ``13:30`` stays text (not 810), ``off``/``no`` stay text (not False),
    and an impossible date stays text (so it is reported with its key)."""


def _keep_text(base: Callable[[Any, Any], Any], keep: Callable[[str], bool]) -> Any:
    def construct(loader: yaml.SafeLoader, node: Any) -> Any:
        raw = loader.construct_scalar(node)
        if isinstance(raw, str) and keep(raw):
            return raw
        try:
            return base(loader, node)
        except (ValueError, OverflowError):
            return raw
    return construct


for _tag, _base, _keep in (
    ("int", yaml.SafeLoader.construct_yaml_int, lambda raw: ":" in raw),
    ("float", yaml.SafeLoader.construct_yaml_float, lambda raw: ":" in raw),
    ("bool", yaml.SafeLoader.construct_yaml_bool, lambda raw: raw.lower() not in ("true", "false")),
    ("timestamp", yaml.SafeLoader.construct_yaml_timestamp, lambda raw: False),
):
    _YamlLoader.add_constructor(f"tag:yaml.org,2002:{_tag}", _keep_text(_base, _keep))


def key_path(prefix: str, loc: Iterable[int | str]) -> str:
    """``queues`` + (2, 'channel') → ``queues[2].channel``."""
    out = prefix
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


class YamlReader:
    """Reports problems in team.yaml at the line of a key path."""

    def __init__(self, problems: Problems, lines: dict[str, int]) -> None:
        self.problems, self.lines = problems, lines

    def line(self, path: str) -> int | None:
        while path:
            if path in self.lines:
                return self.lines[path]
            cut = max(path.rfind("."), path.rfind("["))
            path = path[:cut] if cut > 0 else ""
        return None

    def add(self, path: str, message: str, fix: str, value: object = None) -> None:
        self.problems.add(TEAM, message, fix, row=self.line(path), column=path or None,
                          value=value)

    def validation(self, exc: ValidationError, prefix: str, model: type[BaseModel],
                   rename: dict[str, str] | None = None) -> None:
        for error in exc.errors():
            loc = tuple((rename or {}).get(p, p) if isinstance(p, str) else p
                        for p in error["loc"])
            message, fix = describe_error(error, known_fields(model, tuple(error["loc"])[:-1]))
            value = None if error["type"] == "missing" else error.get("input")
            self.add(key_path(prefix, loc), message, fix, value)


def parse_yaml(source: str, problems: Problems) -> tuple[Any, dict[str, int]] | None:
    try:
        loader = _YamlLoader(source)
    except yaml.reader.ReaderError as exc:
        problems.add(TEAM, f"the file contains a character YAML does not allow "
                     f"(code {exc.character!r})", "delete it (copy-paste leftovers are typical)",
                     row=source[: exc.position].count("\n") + 1)
        return None
    lines: dict[str, int] = {}
    try:
        node = loader.get_single_node()
        if node is not None:
            _node_lines(node, "", lines, set(), problems)
        return (loader.construct_document(node) if node is not None else None), lines
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problems.add(TEAM, f"not valid YAML: {exc.problem or exc.context}",
                     "check indentation, colons and quotes on this line or the one before "
                     "(times like 07:00 are safest in quotes)",
                     row=None if mark is None else mark.line + 1)
    except (yaml.YAMLError, ValueError, TypeError, RecursionError) as exc:
        problems.add(TEAM, f"not valid YAML: {exc}", "check the file's syntax")
    finally:
        loader.dispose()
    return None


def _node_lines(node: Any, path: str, lines: dict[str, int], seen: set[int],
                problems: Problems) -> None:
    """Record the line of every key path (and report keys given twice)."""
    if id(node) in seen:
        return
    seen.add(id(node))
    if isinstance(node, yaml.MappingNode):
        names: set[str] = set()
        for key, value in node.value:
            name = str(key.value) if isinstance(key, yaml.ScalarNode) else "?"
            sub = f"{path}.{name}" if path else name
            if name in names:
                problems.add(TEAM, f"key {name} is given twice", "keep one of them",
                             row=key.start_mark.line + 1, column=sub)
            names.add(name)
            lines.setdefault(sub, key.start_mark.line + 1)
            _node_lines(value, sub, lines, seen, problems)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            lines.setdefault(f"{path}[{index}]", item.start_mark.line + 1)
            _node_lines(item, f"{path}[{index}]", lines, seen, problems)


def read_team(folder: Path, problems: Problems) -> TeamConfig:
    """Read ``team.yaml``, recording every problem; returns what was valid."""
    source = read_text(folder / TEAM, TEAM, problems, required=True)
    parsed = None if source is None else parse_yaml(source, problems)
    if parsed is None:
        return TeamConfig({})
    data, lines = parsed
    y = YamlReader(problems, lines)
    if not isinstance(data, dict):
        y.add("", "team.yaml is empty" if data is None else "team.yaml must be key: value lines",
              "start from the example in docs/team-folder.md")
        return TeamConfig({})
    for key in data:
        if key not in TOP_KEYS:
            y.add(str(key), "unknown key", f"remove it or use one of: {', '.join(TOP_KEYS)}")
    header, clock = _header(data, y)
    queues, queue_ids = _queues(data.get("queues"), y)
    flexible = _flexible_shifts(data.get("shifts"), y)
    templates, template_ids = _templates(data.get("shift_templates"), y, required=not flexible)
    rules = _rules(data.get("rules"), template_ids, y)
    return TeamConfig(header, clock, queues, queue_ids, templates, template_ids, rules,
                      _policy(data.get("availability"), y), flexible)


def _as_text(value: Any) -> Any:
    """Numbers given where text (an id, a name) is meant become text."""
    return str(value) if isinstance(value, int | float) and not isinstance(value, bool) else value


_PLACEHOLDER = {"team": "team", "time_zone": "UTC", "start": date(2000, 1, 3), "days": 1,
                "templates": (), "agents": ()}


def _header(data: dict[Any, Any], y: YamlReader) -> tuple[dict[str, Any], Clock | None]:
    """The team-wide settings (valid ones; placeholders where bad) and the horizon's clock."""
    raw = {"days": DEFAULT_DAYS} | {key: data[key] for key in HEADER if key in data}
    if "team" in raw:
        raw["team"] = _as_text(raw["team"])
    try:
        Problem.model_validate({**_PLACEHOLDER, **raw})
        bad: set[str] = set()
    except ValidationError as exc:
        y.validation(exc, "", Problem)
        bad = {str(e["loc"][0]) for e in exc.errors() if e["loc"]}
    missing = [key for key in ("team", "time_zone", "start") if key not in raw]
    for key in missing:
        y.add(key, "required but missing", f"add a line '{key}: ...' (see docs/team-folder.md)")
    good = Problem.model_validate({**_PLACEHOLDER, **{k: v for k, v in raw.items()
                                                      if k not in bad}})
    header = {key: getattr(good, key) for key in HEADER}
    if not bad.isdisjoint(("time_zone", "start", "days", "interval_minutes")) or missing:
        return header, None
    if not 1900 <= good.start.year <= 2999:
        y.add("start", "the start date is out of range", "use a date between 1900 and 2999",
              str(good.start))
        return header, None
    return header, good.clock


def _list(raw: Any, path: str, y: YamlReader) -> list[Any]:
    if raw is None:
        return []
    if not isinstance(raw, list):
        y.add(path, f"{path} must be a list", f"write one '- ...' line per entry under {path}:",
              raw)
        return []
    return raw


def _queues(raw: Any, y: YamlReader) -> tuple[list[Queue], frozenset[str]]:
    queues, ids = [], set()
    for index, item in enumerate(_list(raw, "queues", y)):
        path = f"queues[{index}]"
        if not isinstance(item, dict):
            y.add(path, "a queue must be key: value pairs",
                  "write e.g. {id: phone, channel: phone}", item)
            continue
        item = {**item, **({"id": _as_text(item["id"])} if "id" in item else {})}
        if isinstance(item.get("id"), str):
            if item["id"] in ids:
                y.add(f"{path}.id", f"queue id {item['id']} is used twice",
                      "give every queue a different id", item["id"])
            ids.add(item["id"])
        try:
            queues.append(Queue.model_validate(item))
        except ValidationError as exc:
            y.validation(exc, path, Queue)
    return queues, frozenset(ids)


def _templates(raw: Any, y: YamlReader, *,
               required: bool = True) -> tuple[list[ShiftTemplate], frozenset[str]]:
    items = _list(raw, "shift_templates", y)
    if not items and required:
        y.add("shift_templates", "there are no shift templates",
              "add shift_templates with at least one {id, start, paid_hours}, or flexible "
              "shifts under shifts:")
    templates, ids = [], set()
    for index, item in enumerate(items):
        path = f"shift_templates[{index}]"
        if not isinstance(item, dict):
            y.add(path, "a shift template must be key: value pairs",
                  'write e.g. {id: E, start: "07:00", paid_hours: 8}', item)
            continue
        template_id = _as_text(item.get("id"))
        if isinstance(template_id, str):
            if template_id in ids:
                y.add(f"{path}.id", f"shift template id {template_id} is used twice",
                      "give every template a different id", template_id)
            ids.add(template_id)
        template = _template(item, path, y)
        if template is not None:
            templates.append(template)
    return templates, frozenset(ids)


def _template(item: dict[Any, Any], path: str, y: YamlReader) -> ShiftTemplate | None:
    """One shift template: ``paid_hours`` → minutes, weekday names → numbers."""
    ok = True
    for key in item:
        if key not in TEMPLATE_KEYS:
            ok = False
            y.add(f"{path}.{key}", "unknown key",
                  f"remove it or use one of: {', '.join(TEMPLATE_KEYS)}")
    data = {key: item[key] for key in ("name", "break_minutes") if key in item}
    data |= {"start": time(0), "paid_minutes": 60}
    if "id" in item:
        data["id"] = _as_text(item["id"])
    for key, convert in (("start", _template_start), ("paid_hours", _template_hours),
                         ("weekdays", _template_weekdays)):
        if key not in item:
            if key != "weekdays":
                ok = False
                y.add(f"{path}.{key}", "required but missing", f"add {key}")
            continue
        try:
            data.update(convert(item[key]))
        except CellError as exc:
            ok = False
            y.add(f"{path}.{key}", exc.message, exc.fix, item[key])
    try:
        template = ShiftTemplate.model_validate(data)
    except ValidationError as exc:
        y.validation(exc, path, ShiftTemplate, {"paid_minutes": "paid_hours"})
        return None
    return template if ok else None


def _template_start(value: Any) -> dict[str, Any]:
    if not isinstance(value, str):
        raise CellError("the start is not a time of day", 'write it in quotes, e.g. "07:00"')
    minutes = parse_clock(value)
    return {"start": time(minutes // 60, minutes % 60)}


def _template_hours(value: Any) -> dict[str, Any]:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise CellError("paid_hours is not a number", "write the paid hours, e.g. 8 or 7.5")
    return {"paid_minutes": parse_hours(str(value))}


def _template_weekdays(value: Any) -> dict[str, Any]:
    names = value if isinstance(value, list) else [value]
    if not all(isinstance(name, str) for name in names):
        raise CellError("weekdays must be day names", "write e.g. [mon, tue, wed, thu, fri]")
    return {"weekdays": tuple(parse_weekdays(",".join(names))) if names else ()}


def _rules(raw: Any, template_ids: frozenset[str], y: YamlReader) -> RuleSettings:
    if raw is None:
        return RuleSettings()
    try:
        rules = RuleSettings.model_validate(raw)
    except ValidationError as exc:
        y.validation(exc, "rules", RuleSettings)
        return RuleSettings()
    named = [(f"rules.rest.forbidden_successions[{i}][{j}]", name)
             for i, pair in enumerate(rules.rest.forbidden_successions)
             for j, name in enumerate(pair)]
    named += [(f"rules.fairness.late_templates[{i}]", name)
              for i, name in enumerate(rules.fairness.late_templates)]
    for path, name in named:
        if name not in template_ids:
            y.add(path, f"{name} is not a shift template",
                  f"use one of: {listing(template_ids)}", name)
    return rules


def _policy(raw: Any, y: YamlReader) -> AvailabilityPolicy:
    """The ``availability:`` block: day_starts_at, default level, costs per level."""
    if raw is None:
        return AvailabilityPolicy()
    if not isinstance(raw, dict):
        y.add("availability", "availability must be key: value lines",
              "write day_starts_at, default and costs under availability:", raw)
        return AvailabilityPolicy()
    from scheduler.load.availability import parse_day_clock, parse_level

    data: dict[str, Any] = {}
    for key, value in raw.items():
        path = f"availability.{key}"
        try:
            if key == "day_starts_at":
                data[key] = parse_day_clock(str(value))
            elif key == "default":
                data[key] = parse_level(str(value))
            elif key == "costs" and isinstance(value, dict):
                data[key] = {parse_level(str(k)): v for k, v in value.items()}
            else:
                y.add(path, "unknown key" if key != "costs" else "costs must be level: cost "
                      "lines", f"use {', '.join(POLICY_KEYS)}", value)
        except CellError as exc:
            y.add(path, exc.message, exc.fix, value)
    try:
        return AvailabilityPolicy.model_validate(data)
    except ValidationError as exc:
        y.validation(exc, "availability", AvailabilityPolicy)
        return AvailabilityPolicy()


def _flexible_shifts(raw: Any, y: YamlReader) -> list[FlexibleShift]:
    found = []
    for index, item in enumerate(_list(raw, "shifts", y)):
        path = f"shifts[{index}]"
        if not isinstance(item, dict):
            y.add(path, "a flexible shift must be key: value pairs", 'write e.g. {id: F, '
                  'earliest_start: "06:00", latest_end: "27:00", min_hours: 2, max_hours: 8}',
                  item)
            continue
        shift = _flexible(item, path, y)
        if shift is not None:
            found.append(shift)
    return found


def _flexible(item: dict[Any, Any], path: str, y: YamlReader) -> FlexibleShift | None:
    """One flexible shift: clock times (past 24:00 allowed) and hours become minutes."""
    from scheduler.load.availability import parse_day_clock

    before = len(y.problems)
    data: dict[str, Any] = {k: item[k] for k in ("grid_minutes", "ideal_weight") if k in item}
    data["id"] = _as_text(item.get("id"))
    converters: dict[str, tuple[str, Callable[[str], Any]]] = {
        "earliest_start": ("earliest_start", parse_day_clock),
        "latest_end": ("latest_end", parse_day_clock),
        "min_hours": ("min_minutes", parse_hours), "max_hours": ("max_minutes", parse_hours),
        "ideal_hours": ("ideal_minutes", parse_hours)}
    for key, value in item.items():
        try:
            if key in converters:
                data[converters[key][0]] = converters[key][1](str(value))
            elif key == "weekdays":
                data.update(_template_weekdays(value))
            elif key == "breaks":
                data["breaks"] = _breaks(value)
            elif key not in FLEXIBLE_KEYS:
                y.add(f"{path}.{key}", "unknown key",
                      f"remove it or use one of: {', '.join(FLEXIBLE_KEYS)}")
        except CellError as exc:
            y.add(f"{path}.{key}", exc.message, exc.fix, value)
    if len(y.problems) > before:
        return None
    try:
        return FlexibleShift.model_validate(data)
    except ValidationError as exc:
        y.validation(exc, path, FlexibleShift, {"min_minutes": "min_hours",
                                                 "max_minutes": "max_hours",
                                                 "ideal_minutes": "ideal_hours"})
        return None


def _breaks(value: Any) -> list[dict[str, int]]:
    """``[{after_hours: 6, minutes: 30}]`` → break rules."""
    items = value if isinstance(value, list) else [value]
    rules = []
    for item in items:
        if not isinstance(item, dict) or set(item) != {"after_hours", "minutes"}:
            raise CellError("a break rule is not {after_hours, minutes}",
                            "write e.g. breaks: [{after_hours: 6, minutes: 30}]")
        rules.append({"min_minutes": parse_hours(str(item["after_hours"])),
                      "break_minutes": item["minutes"]})
    return rules
