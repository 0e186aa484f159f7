"""Roster and staffing tables: CSV for scripts, XLSX for coordinators, JSON for the solve report.

Times are shown in the team's time zone: ``YYYY-MM-DD HH:MM`` in the workbook, ISO 8601 with the
UTC offset in CSV files (unambiguous on the night clocks go back); the roster CSV also gives
each shift in the agent's own zone. Text cells never run as spreadsheet formulas. The engine's
integer minutes are converted here and nowhere else on the way out (see :mod:`scheduler.timeline`).

Which queue an on-duty agent serves in each interval comes from the covering plan
(:func:`~scheduler.staffing.covering.covering_plan`, a frame ``agent``, ``interval``,
``queue``), and the agents needed from the staffing stage
(:func:`scheduler.staffing.requirements`): both are
computed once by the caller and passed in, so that one computation serves every output.
"""

from __future__ import annotations

import os
from collections import defaultdict
from datetime import datetime
from itertools import cycle
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

import pandas as pd
from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.formatting.rule import CellIsRule
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from scheduler.domain import WEEKDAYS, Problem, Roster, Shift
from scheduler.export.cells import csv_safe
from scheduler.export.files import Writer, write_atomic, write_group, write_text_atomic
from scheduler.export.segments import CLOCK, queue_segments, served_by_agent
from scheduler.export.shift_names import DASH, is_flexible, shift_label, shift_times
from scheduler.kpi.headcount import headcount_measure
from scheduler.staffing.covering import covering_plan

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet

    from scheduler.solvers.result import SolveReport, SolveResult

__all__ = [
    "ROSTER_COLUMNS",
    "RosterOutputs",
    "roster_frame",
    "roster_workbook",
    "staffing_by_day",
    "staffing_frame",
    "write_report_json",
    "write_roster_csv",
    "write_roster_outputs",
    "write_roster_xlsx",
    "write_staffing_csv",
]

ROSTER_COLUMNS = (
    "agent", "agent_name", "date", "weekday", "shift", "shift_name", "start", "end",
    "start_agent_tz", "end_agent_tz", "paid_hours", "queues",
)
STAMP = "%Y-%m-%d %H:%M"

# Pastel fills, one per shift template in team.yaml order (cycled when there are more).
TEMPLATE_FILLS = (
    "DDEBF7", "E2EFDA", "FFF2CC", "FCE4D6", "E4DFEC", "D9F2F0", "F8D7E3", "EDEDED",
    "C6E0B4", "BDD7EE", "FFE699", "F4B084",
)
OFF_FILL = "D9D9D9"
PENDING_FILL = "F2F2F2"
HEADER_FILL = "1F4E78"
SHORT_FILL = "F8CBAD"
MAX_WIDTH = 48


# --------------------------------------------------------------------------------------------
# Frames


def iso(moment: datetime) -> str:
    """``2026-10-25T02:00+01:00``: local time with its UTC offset, unambiguous across DST."""
    return moment.isoformat(timespec="minutes")


def weekday_name(weekday: int) -> str:
    """``Mon`` .. ``Sun`` for 0 .. 6."""
    return WEEKDAYS[weekday].capitalize()


def roster_frame(problem: Problem, roster: Roster, covering: pd.DataFrame) -> pd.DataFrame:
    """One row per shift, sorted by date then agent id.

    Columns: ``agent``, ``agent_name``, ``date`` (ISO), ``weekday`` (``Mon``..), ``shift``
    (template id), ``shift_name`` (the template's name; a flexible shift's times in team time,
    ``06:00–08:00``), ``start`` and ``end`` (team time zone, ISO 8601 with the UTC
    offset, ``2026-10-25T02:00+01:00``, so shifts over a DST change read unambiguously),
    ``start_agent_tz`` and ``end_agent_tz`` (the agent's own zone; the team's when the agent has
    none), ``paid_hours`` and ``queues`` (the shift's queue segments, ``08:00-12:00 phone;
    12:00-15:30 chat``, in team time).
    """
    served = served_by_agent(covering)
    clock = problem.clock
    rows = []
    for shift in sorted(roster.shifts, key=lambda s: (s.day, s.agent)):
        agent = problem.agent_index[shift.agent]
        template = problem.template_index[shift.template]
        span = problem.shift_span(shift)
        zone = agent.time_zone or problem.time_zone
        rows.append({
            "agent": agent.id,
            "agent_name": agent.label,
            "date": clock.date_of(shift.day).isoformat(),
            "weekday": weekday_name(clock.weekday(shift.day)),
            "shift": template.id,
            "shift_name": shift_label(problem, shift),
            "start": iso(clock.local(span[0])),
            "end": iso(clock.local(span[1])),
            "start_agent_tz": iso(clock.local(span[0], zone)),
            "end_agent_tz": iso(clock.local(span[1], zone)),
            "paid_hours": round(template.paid_minutes / 60, 2),
            "queues": queue_segments(problem, span, served.get(agent.id, ())),
        })
    return pd.DataFrame(rows, columns=list(ROSTER_COLUMNS))


def staffing_frame(problem: Problem, requirements: pd.DataFrame) -> pd.DataFrame:
    """The per-interval requirements with the interval's local ``date``, ``weekday``, ``start``."""
    clock = problem.clock
    size = problem.interval_minutes
    starts = [clock.local(int(i) * size) for i in requirements["interval"]]
    front = pd.DataFrame({
        "date": [s.date().isoformat() for s in starts],
        "weekday": [weekday_name(s.weekday()) for s in starts],
        "start": [iso(s) for s in starts],
    }, index=requirements.index)
    return pd.concat([front, requirements], axis=1)


def staffing_by_day(problem: Problem, requirements: pd.DataFrame) -> pd.DataFrame:
    """Requirements per local day and queue: ``peak_agents`` and ``agent_hours`` to schedule.

    Columns ``date``, ``weekday``, ``queue``, ``peak_agents``, ``agent_hours``; sorted by date,
    then queue in team.yaml order.
    """
    columns = ["date", "weekday", "queue", "peak_agents", "agent_hours"]
    if requirements.empty:
        return pd.DataFrame(columns=columns)
    frame = staffing_frame(problem, requirements)
    frame["hours"] = frame["agents"] * (problem.interval_minutes / 60)
    order = {q.id: i for i, q in enumerate(problem.queues)}
    daily = (frame.groupby(["date", "weekday", "queue"], sort=False)
             .agg(peak_agents=("agents", "max"), agent_hours=("hours", "sum"))
             .reset_index())
    daily["_order"] = daily["queue"].map(order)
    daily = daily.sort_values(["date", "_order"], kind="stable").drop(columns="_order")
    daily["peak_agents"] = daily["peak_agents"].astype("int64")
    daily["agent_hours"] = daily["agent_hours"].round(2)
    return daily.reset_index(drop=True)[columns]


def staffing_by_queue(daily: pd.DataFrame) -> pd.DataFrame:
    """The horizon's totals per queue of :func:`staffing_by_day`: the highest ``peak_agents``
    and the sum of ``agent_hours``, indexed by queue in the daily frame's order."""
    return daily.groupby("queue", sort=False).agg(
        peak_agents=("peak_agents", "max"), agent_hours=("agent_hours", "sum"))


# --------------------------------------------------------------------------------------------
# Workbook


def _header(ws: Worksheet, titles: list[str]) -> None:
    bold = Font(bold=True, color="FFFFFF")
    fill = PatternFill("solid", fgColor=HEADER_FILL)
    for col, title in enumerate(titles, start=1):
        cell = ws.cell(row=1, column=col, value=title)
        cell.font, cell.fill = bold, fill
        cell.alignment = Alignment(horizontal="center", vertical="center")


def _fit_columns(ws: Worksheet, minimum: int = 6) -> None:
    widths: dict[int, int] = defaultdict(lambda: minimum)
    for row in ws.iter_rows():
        for cell in row:
            if cell.value is not None:
                widths[cell.column] = max(widths[cell.column], len(str(cell.value)) + 2)
    for col, width in widths.items():
        ws.column_dimensions[get_column_letter(col)].width = min(width, MAX_WIDTH)


def time_off_minutes(problem: Problem) -> dict[str, list[tuple[int, int, str, str]]]:
    """Each agent's time off as (start minute, end minute, status, note)."""
    found: dict[str, list[tuple[int, int, str, str]]] = defaultdict(list)
    clock = problem.clock
    for off in problem.time_off:
        found[off.agent].append((clock.minute(off.start), clock.minute(off.end), off.status,
                                 off.note))
    return found


def off_on_day(problem: Problem, spans: list[tuple[int, int, str, str]],
                day: int) -> tuple[str, str] | None:
    """(status, note) of time off touching ``day``; approved wins over pending."""
    first, last = problem.clock.day_start(day), problem.clock.day_start(day + 1)
    hits = [(status, note) for start, end, status, note in spans if start < last and end > first]
    if not hits:
        return None
    return min(hits, key=lambda hit: hit[0] != "approved")


def _shift_text(problem: Problem, shift: Shift, zone: str | None = None) -> str:
    """``E 07:00-15:30`` for a template, ``07:00-15:30`` for a flexible shift (no id)."""
    times = shift_times(problem, shift, zone, dash="-")
    return times if is_flexible(problem, shift.template) else f"{shift.template} {times}"


def _week_sheet(wb: Workbook, problem: Problem, roster: Roster, week: int, days: range,
                fills: dict[str, PatternFill]) -> None:
    clock = problem.clock
    first = clock.date_of(days[0])
    ws = wb.create_sheet(f"Week {week} ({first.isoformat()})")
    titles = ["Agent", "Name"]
    titles += [f"{weekday_name(clock.weekday(d))} {clock.date_of(d).isoformat()}" for d in days]
    titles.append("Paid hours")
    _header(ws, titles)
    time_off = time_off_minutes(problem)
    off_fill = PatternFill("solid", fgColor=OFF_FILL)
    pending_fill = PatternFill("solid", fgColor=PENDING_FILL)
    on_shift = [0] * len(days)
    row = 1
    for agent in problem.agents:
        row += 1
        ws.cell(row=row, column=1, value=agent.id)
        ws.cell(row=row, column=2, value=agent.label)
        paid = 0
        other_zone = agent.time_zone if agent.time_zone not in (None, problem.time_zone) else None
        for col, day in enumerate(days, start=3):
            template = roster.by_agent_day.get((agent.id, day))
            off = off_on_day(problem, time_off.get(agent.id, []), day)
            cell = ws.cell(row=row, column=col)
            notes = []
            if template is not None:
                shift = Shift(agent=agent.id, day=day, template=template)
                cell.value = _shift_text(problem, shift)
                cell.fill = fills.get(template, PatternFill())
                paid += problem.template_index[template].paid_minutes
                on_shift[col - 3] += 1
                if other_zone:
                    notes.append(f"{other_zone}: {_shift_text(problem, shift, other_zone)}")
                if off is not None:
                    notes.append(f"works despite time off ({off[0]}) {off[1]}".strip())
            elif off is not None:
                cell.value = f"off ({off[0]})"
                cell.fill = off_fill if off[0] == "approved" else pending_fill
                cell.font = Font(italic=True)
                if off[1]:
                    notes.append(off[1])
            if notes:
                cell.comment = Comment("\n".join(notes), "support-scheduler")
            cell.alignment = Alignment(horizontal="center")
        ws.cell(row=row, column=len(titles), value=round(paid / 60, 2))
    row += 1
    total = ws.cell(row=row, column=2, value="Agents on shift")
    total.font = Font(bold=True)
    line = Border(top=Side(style="thin"))
    for col in range(1, len(titles) + 1):
        ws.cell(row=row, column=col).border = line
    for col, count in enumerate(on_shift, start=3):
        cell = ws.cell(row=row, column=col, value=count)
        cell.font, cell.alignment = Font(bold=True), Alignment(horizontal="center")
    ws.freeze_panes = "C2"
    _fit_columns(ws)


def _coverage_sheet(wb: Workbook, problem: Problem, requirements: pd.DataFrame,
                    covering: pd.DataFrame) -> None:
    ws = wb.create_sheet("Coverage")
    queues = [q.id for q in problem.queues]
    titles = ["Interval", "Day", "Local time"]
    for queue in queues:
        titles += [f"{queue} required", f"{queue} scheduled", f"{queue} short"]
    _header(ws, titles)
    ws.freeze_panes = "D2"
    if not queues:
        ws.cell(row=2, column=1, value="The team has no queues: coverage is per shift (cover.csv).")
        _fit_columns(ws)
        return
    required: dict[tuple[int, str], int] = {}
    if not requirements.empty:
        for interval, queue, agents in requirements[["interval", "queue", "agents"]].itertuples(
                index=False):
            required[int(interval), str(queue)] = int(agents)
    scheduled: dict[tuple[int, str], int] = {}
    if not covering.empty:
        counts = covering.groupby(["interval", "queue"]).size().reset_index(name="n")
        scheduled = {(int(i), str(q)): int(n) for i, q, n in counts.itertuples(index=False)}
    clock = problem.clock
    size = problem.interval_minutes
    for interval in range(clock.n_intervals):
        row = interval + 2
        moment: datetime = clock.local(interval * size)
        ws.cell(row=row, column=1, value=interval)
        ws.cell(row=row, column=2, value=weekday_name(moment.weekday()))
        ws.cell(row=row, column=3, value=f"{moment:{STAMP}}")
        for k, queue in enumerate(queues):
            need = required.get((interval, queue), 0)
            have = scheduled.get((interval, queue), 0)
            col = 4 + 3 * k
            ws.cell(row=row, column=col, value=need)
            ws.cell(row=row, column=col + 1, value=have)
            ws.cell(row=row, column=col + 2, value=max(need - have, 0))
    last = clock.n_intervals + 1
    red = PatternFill("solid", fgColor=SHORT_FILL)
    for k in range(len(queues)):
        letter = get_column_letter(6 + 3 * k)
        ws.conditional_formatting.add(f"{letter}2:{letter}{last}",
                                      CellIsRule(operator="greaterThan", formula=["0"], fill=red))
    _fit_columns(ws)


def _headcount_sheet(wb: Workbook, problem: Problem, coverage: pd.DataFrame) -> None:
    """Per interval and coverage row: minimum, maximum, agents on duty, short, over and who."""
    ws = wb.create_sheet("Headcount")
    _header(ws, ["Interval", "Day", "Local time", "Applies to", "Minimum", "Maximum", "On duty",
                 "Short", "Over", "Who is on duty"])
    ws.freeze_panes = "D2"
    clock, size = problem.clock, problem.interval_minutes
    ordered = coverage.sort_values(["interval", "queue"])
    columns = ["interval", "queue", "minimum", "maximum", "on_duty", "short", "over", "agents"]
    table: list[list[Any]] = ordered[columns].to_numpy(dtype=object).tolist()
    for row, (interval, queue, least, most, on_duty, short, over, who) in enumerate(table, 2):
        moment: datetime = clock.local(int(interval) * size)
        values = [int(interval), weekday_name(moment.weekday()), f"{moment:{STAMP}}",
                  "everyone" if queue == "any" else queue, int(least),
                  None if pd.isna(most) else int(most), int(on_duty), int(short), int(over), who]
        for col, value in enumerate(values, start=1):
            ws.cell(row=row, column=col, value=value)
    last = len(coverage) + 1
    red = PatternFill("solid", fgColor=SHORT_FILL)
    for letter in ("H", "I"):
        ws.conditional_formatting.add(f"{letter}2:{letter}{last}",
                                      CellIsRule(operator="greaterThan", formula=["0"], fill=red))
    _fit_columns(ws)


def _shifts_sheet(wb: Workbook, problem: Problem, fills: dict[str, PatternFill]) -> None:
    ws = wb.create_sheet("Shifts")
    _header(ws, ["Shift", "Name", "Start", "End", "Paid hours", "Break (min)", "Offered on"])
    for row, template in enumerate(problem.templates, start=2):
        end_minutes = (template.start.hour * 60 + template.start.minute
                       + template.length_minutes) % (24 * 60)
        offered = ", ".join(weekday_name(d) for d in template.weekdays) or "every day"
        end = f"{end_minutes // 60:02d}:{end_minutes % 60:02d}"
        times = f"{template.start:{CLOCK}}{DASH}{end}"  # a flexible shift's name: its times
        name = template.name or (times if template.flexible else template.id)
        values = [template.id, name, f"{template.start:{CLOCK}}", end,
                  round(template.paid_minutes / 60, 2), template.break_minutes, offered]
        for col, value in enumerate(values, start=1):
            ws.cell(row=row, column=col, value=value)
        ws.cell(row=row, column=1).fill = fills[template.id]
    ws.freeze_panes = "A2"
    _fit_columns(ws)


def roster_workbook(problem: Problem, roster: Roster, requirements: pd.DataFrame,
                    covering: pd.DataFrame) -> Workbook:
    """The roster as a workbook a coordinator can print or edit.

    Sheets: ``Week 1 (YYYY-MM-DD)``, ... (weeks of 7 days from the horizon's first day; agents
    as rows, days as columns, cells like ``E 07:00-15:30`` in team time (a flexible shift by its
    times only, ``07:00-15:30``), ``off (approved)`` or ``off (pending)`` for time off, a ``Paid
    hours`` total per agent and an ``Agents on shift`` row), ``Coverage`` (per interval and
    queue: required, scheduled, short; teams with queues), ``Headcount`` (teams with
    coverage.csv: per interval minimum, maximum, on duty, short, over and who) and ``Shifts``
    (the templates and their colours).
    """
    fills = {t.id: PatternFill("solid", fgColor=colour)
             for t, colour in zip(problem.templates, cycle(TEMPLATE_FILLS))}
    wb = Workbook()
    default = wb.active
    for week, start in enumerate(range(0, problem.days, 7), start=1):
        _week_sheet(wb, problem, roster, week, range(start, min(start + 7, problem.days)), fills)
    view = headcount_measure(problem, requirements, roster)
    if problem.queues or view is None:
        _coverage_sheet(wb, problem, requirements, covering)
    if view is not None:
        _headcount_sheet(wb, problem, view.coverage)
    _shifts_sheet(wb, problem, fills)
    if default is not None:
        wb.remove(default)
    return _text_only(wb)


# --------------------------------------------------------------------------------------------
# Files


def _csv_text(frame: pd.DataFrame) -> str:
    return csv_safe(frame).to_csv(index=False, lineterminator="\n")


def _text_only(wb: Workbook) -> Workbook:
    """Store every cell openpyxl took for a formula (text starting with ``=``) as text: the
    workbook holds only the coordinator's text and numbers, never a live formula."""
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    cell.data_type = "s"
    return wb


def write_roster_csv(path: str | os.PathLike[str], frame: pd.DataFrame) -> Path:
    """Write :func:`roster_frame`'s frame as UTF-8 CSV, whole or not at all."""
    return write_text_atomic(path, _csv_text(frame))


def write_roster_xlsx(path: str | os.PathLike[str], problem: Problem, roster: Roster,
                      requirements: pd.DataFrame, covering: pd.DataFrame) -> Path:
    """Write :func:`roster_workbook` to ``path``, whole or not at all."""
    wb = roster_workbook(problem, roster, requirements, covering)
    return write_atomic(path, lambda temp: wb.save(temp))


def write_staffing_csv(path: str | os.PathLike[str], problem: Problem,
                       requirements: pd.DataFrame) -> Path:
    """Write the per-interval requirements (:func:`staffing_frame`) as CSV, whole or not at all.

    The file's folder is created when missing.
    """
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    return write_text_atomic(path, _csv_text(staffing_frame(problem, requirements)))


def write_report_json(path: str | os.PathLike[str], report: SolveReport) -> Path:
    """Write the solve report as indented JSON, whole or not at all."""
    return write_text_atomic(path, report.model_dump_json(indent=2) + "\n")


class RosterOutputs(NamedTuple):
    """The files :func:`write_roster_outputs` wrote (``report.html`` beside them if asked;
    calendars, when asked, in ``calendars/``)."""

    csv: Path
    xlsx: Path
    report: Path
    balance: Path | None = None


def write_roster_outputs(out_dir: str | os.PathLike[str], problem: Problem,
                         requirements: pd.DataFrame, result: SolveResult,
                         report_html: str | None = None, *, calendars: bool = False,
                         covering: pd.DataFrame | None = None) -> RosterOutputs:
    """Write ``roster.csv``, ``roster.xlsx`` and ``solve-report.json`` into ``out_dir``, and
    ``balance.csv`` (hours owed after this roster, read by next week's team folder) for teams
    that plan by availability.

    With ``report_html`` (see :func:`scheduler.export.report.report_for`), ``report.html`` too;
    with ``calendars``, the iCalendar feeds (:func:`scheduler.export.ical.calendar_files`) in
    ``out_dir/calendars``. All are built in memory first, then written as a group: either every
    file is new or none changed. ``out_dir`` is created when missing. ``covering`` is the
    roster's covering plan when the caller has it already.

    Raises
    ------
    ValueError
        When the result holds no roster.
    """
    if result.roster is None:
        raise ValueError(f"there is no roster to write (solver status {result.report.status})")
    roster = result.roster
    if covering is None:
        covering = covering_plan(problem, requirements, roster)
    csv_text = _csv_text(roster_frame(problem, roster, covering))
    wb = roster_workbook(problem, roster, requirements, covering)
    json_text = result.report.model_dump_json(indent=2) + "\n"
    folder = Path(out_dir)
    folder.mkdir(parents=True, exist_ok=True)
    items: list[tuple[Path, Writer]] = [
        (folder / "roster.csv", lambda temp: temp.write_bytes(csv_text.encode("utf-8"))),
        (folder / "roster.xlsx", lambda temp: wb.save(temp)),
        (folder / "solve-report.json", lambda temp: temp.write_bytes(json_text.encode("utf-8"))),
    ]
    balance = bool(problem.flexible or problem.availability)  # availability teams carry hours
    if balance:
        from scheduler.kpi.availability import next_balance

        balance_text = _csv_text(next_balance(problem, roster))
        items.append((folder / "balance.csv",
                      lambda temp: temp.write_bytes(balance_text.encode("utf-8"))))
    if report_html is not None:
        page = report_html.encode("utf-8")
        items.append((folder / "report.html", lambda temp: temp.write_bytes(page)))
    if calendars:
        from scheduler.export.ical import CALENDAR_DIR, calendar_files  # lazy: icalendar

        items += calendar_files(folder / CALENDAR_DIR, problem, roster, covering)[0]
    paths = write_group(items)
    return RosterOutputs(paths[0], paths[1], paths[2], paths[3] if balance else None)
