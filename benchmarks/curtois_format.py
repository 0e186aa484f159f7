"""The Curtois & Qu shift scheduling benchmark format: reader and an independent checker.

The checker follows the benchmark's own definition (benchmarks/data/curtois/README.md) and
shares no code with the roster engine's rules, so the two can vouch for each other.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Staff:
    """One employee's limits as the file gives them."""

    id: str
    max_shifts: dict[str, int]
    max_minutes: int
    min_minutes: int
    max_consecutive: int
    min_consecutive: int
    min_days_off: int
    max_weekends: int


@dataclass
class Instance:
    """A benchmark instance, as read."""

    name: str
    days: int
    lengths: dict[str, int] = field(default_factory=dict)
    cannot_follow: dict[str, set[str]] = field(default_factory=dict)
    staff: list[Staff] = field(default_factory=list)
    days_off: dict[str, set[int]] = field(default_factory=dict)
    on_requests: list[tuple[str, int, str, int]] = field(default_factory=list)
    off_requests: list[tuple[str, int, str, int]] = field(default_factory=list)
    cover: list[tuple[int, str, int, int, int]] = field(default_factory=list)


def _sections(text: str) -> dict[str, list[list[str]]]:
    found: dict[str, list[list[str]]] = {}
    current = ""
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("SECTION_"):
            current = line
            found[current] = []
        else:
            found[current].append([cell.strip() for cell in line.split(",")])
    return found


def read_instance(path: Path) -> Instance:
    """Read one ``InstanceN.txt`` file."""
    sections = _sections(path.read_text())
    inst = Instance(name=path.stem, days=int(sections["SECTION_HORIZON"][0][0]))
    for shift_id, minutes, *rest in sections["SECTION_SHIFTS"]:
        inst.lengths[shift_id] = int(minutes)
        follow = rest[0] if rest else ""
        inst.cannot_follow[shift_id] = {s for s in follow.split("|") if s}
    for row in sections["SECTION_STAFF"]:
        limits = dict(item.split("=") for item in row[1].split("|") if item)
        inst.staff.append(Staff(row[0], {k: int(v) for k, v in limits.items()},
                                *(int(v) for v in row[2:8])))
    for emp, *days in sections.get("SECTION_DAYS_OFF", []):
        inst.days_off[emp] = {int(d) for d in days if d}
    for emp, day, shift, weight in sections.get("SECTION_SHIFT_ON_REQUESTS", []):
        inst.on_requests.append((emp, int(day), shift, int(weight)))
    for emp, day, shift, weight in sections.get("SECTION_SHIFT_OFF_REQUESTS", []):
        inst.off_requests.append((emp, int(day), shift, int(weight)))
    for day, shift, req, under, over in sections["SECTION_COVER"]:
        inst.cover.append((int(day), shift, int(req), int(under), int(over)))
    return inst


def _runs(flags: list[bool]) -> list[tuple[int, int, bool]]:
    out: list[tuple[int, int, bool]] = []
    for i, flag in enumerate(flags):
        if out and out[-1][2] == flag:
            out[-1] = (out[-1][0], out[-1][1] + 1, flag)
        else:
            out.append((i, 1, flag))
    return out


def check_schedule(inst: Instance, plan: dict[tuple[str, int], str]) -> tuple[int, list[str]]:
    """Objective and hard-rule violations of a schedule ``(employee, day) → shift``."""
    errors: list[str] = []
    h = inst.days
    for s in inst.staff:
        row = [plan.get((s.id, d)) for d in range(h)]
        for d in range(h - 1):
            if row[d] and row[d + 1] and row[d + 1] in inst.cannot_follow[row[d]]:  # type: ignore[index]
                errors.append(f"{s.id}: {row[d + 1]} follows {row[d]} on day {d + 1}")
        for shift, most in s.max_shifts.items():
            if row.count(shift) > most:
                errors.append(f"{s.id}: {row.count(shift)} x {shift} > {most}")
        minutes = sum(inst.lengths[t] for t in row if t)
        if not s.min_minutes <= minutes <= s.max_minutes:
            errors.append(f"{s.id}: {minutes} min outside [{s.min_minutes}, {s.max_minutes}]")
        for start, length, working in _runs([t is not None for t in row]):
            inner = start > 0 and start + length < h
            if working and length > s.max_consecutive:
                errors.append(f"{s.id}: {length} consecutive shifts from day {start}")
            if working and inner and length < s.min_consecutive:
                errors.append(f"{s.id}: only {length} consecutive shifts from day {start}")
            if not working and inner and length < s.min_days_off:
                errors.append(f"{s.id}: only {length} days off from day {start}")
        weekends = sum(bool(row[7 * k + 5] or row[7 * k + 6]) for k in range(h // 7))
        if weekends > s.max_weekends:
            errors.append(f"{s.id}: {weekends} weekends > {s.max_weekends}")
        errors += [f"{s.id}: works day off {d}" for d in inst.days_off.get(s.id, ()) if row[d]]
    objective = sum(w for e, d, t, w in inst.on_requests if plan.get((e, d)) != t)
    objective += sum(w for e, d, t, w in inst.off_requests if plan.get((e, d)) == t)
    for day, shift, req, under, over in inst.cover:
        got = sum(1 for s in inst.staff if plan.get((s.id, day)) == shift)
        objective += (req - got) * under if got < req else (got - req) * over
    return objective, errors
