"""The roster report: one self-contained HTML page a coordinator opens and understands at a glance.

Every figure comes from :mod:`scheduler.kpi`; this module only arranges them. The page needs no
network: its styles, its script (sorting the roster grid) and its charts (inline SVG from
:mod:`scheduler.export.charts`) are all inside the file. It prints on A4 landscape.

Usage::

    html = build_report(problem, needs, roster, plan, evaluation, solve=report)
    write_report("report.html", html)          # whole or not at all
"""

from __future__ import annotations

import os
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from scheduler.constraints.preferences import granted
from scheduler.domain import Problem, Roster, Shift
from scheduler.evaluation import Evaluation
from scheduler.export.charts import PALETTE, coverage_chart, service_chart
from scheduler.export.files import write_text_atomic
from scheduler.export.headcount_report import headcount_context
from scheduler.export.segments import amount_runs
from scheduler.export.shift_names import is_flexible
from scheduler.export.tables import off_on_day, time_off_minutes
from scheduler.kpi import Kpis, measure

if TYPE_CHECKING:
    from scheduler.solvers.result import SolveReport

__all__ = ["GapRun", "build_report", "gap_runs", "report_for", "write_report"]

MAX_FINDINGS = 12  # findings listed in words per rule; the rest are counted
TINTS = ("#CCE3F0", "#F6D5BF", "#BFE7DC", "#F9E7BF", "#F2DDE9", "#D5EDFA", "#FBF8CF")
CLOCK = "%H:%M"


@dataclass(frozen=True)
class GapRun:
    """Consecutive intervals where a queue is short by the same number of agents."""

    queue: str
    first: int
    last: int
    short: int
    text: str  # ``Tue 19:30–21:00 short by 3``, as the checker words it

    @property
    def agent_hours(self) -> float:
        """Under-covered agent-hours of the run (with 30-minute intervals: short × n / 2)."""
        return float(self.short * (self.last - self.first + 1))


def gap_runs(problem: Problem, coverage: pd.DataFrame) -> list[GapRun]:
    """Runs of under-covered intervals per queue, in team.yaml order then time."""
    runs: list[GapRun] = []
    for queue in problem.queues:
        short = coverage[(coverage["queue"] == queue.id) & (coverage["short"] > 0)]
        pairs = list(zip(short["interval"].astype(int), short["short"].astype(int), strict=True))
        runs += [GapRun(queue.id, *run) for run in amount_runs(problem, pairs, "short")]
    return runs


def _percent(value: float | None) -> str:
    return "–" if value is None or pd.isna(value) else f"{value:.1%}"


def _hours(value: float) -> str:
    return f"{value:,.1f}"


def _headline(problem: Problem, kpis: Kpis) -> list[dict[str, Any]]:
    h = kpis.headline
    rows = []
    for q in problem.queues:
        live = str(q.channel) != "email"
        rows.append({
            "queue": q.name or q.id, "id": q.id, "channel": str(q.channel),
            "coverage": _percent(h.coverage.get(q.id)),
            "short_hours": _hours(h.short_hours.get(q.id, 0.0)),
            "worst": _percent(h.service_worst.get(q.id)) if live else "",
            "weighted": _percent(h.service_weighted.get(q.id)) if live else "",
            "target": (f"{q.service_level:.0%} in {q.answer_within_s:g} s" if live
                       else f"first response in {q.first_response_minutes} min"),
            "below": live and h.service_weighted.get(q.id, 1.0) < q.service_level,
            "late": "" if live else f"{h.late_contacts.get(q.id, 0.0):,.0f}",
        })
    return rows


def _served(covering: pd.DataFrame) -> dict[str, dict[int, str]]:
    found: dict[str, dict[int, str]] = defaultdict(dict)
    for agent, interval, queue in covering[["agent", "interval", "queue"]].itertuples(index=False):
        if isinstance(queue, str) and queue:
            found[str(agent)][int(interval)] = queue
    return found


def _team(problem: Problem, agent: str) -> str:
    """The grid's team column: the agent's skills, else their part in onboarding."""
    skills = ", ".join(problem.agent_index[agent].skills)
    if skills:
        return skills
    names = problem.agent_index
    for pair in problem.onboarding:
        if pair.agent == agent:
            return "onboarding, with " + ", ".join(names[m].label for m in pair.mentors)
    return "mentor" if any(agent in pair.mentors for pair in problem.onboarding) else ""


def _grid(problem: Problem, roster: Roster, covering: pd.DataFrame,
          kpis: Kpis) -> list[dict[str, Any]]:
    """One row per agent: name, team (skills), hours, and a cell per day."""
    clock = problem.clock
    served = _served(covering)
    time_off = time_off_minutes(problem)
    wishes: dict[tuple[str, int], list[str]] = defaultdict(list)
    for r in problem.requests:  # only the wishes the roster does not grant
        if not granted(r, roster.by_agent_day.get((r.agent, r.day))):
            what = r.template or "any shift"
            wishes[r.agent, r.day].append(f"asked {'for' if r.on else 'not to work'} {what}")
    hours = kpis.agents.set_index("agent")["hours"]
    rows = []
    for agent in problem.agents:
        cells = []
        for day in range(problem.days):
            template = roster.by_agent_day.get((agent.id, day))
            off = off_on_day(problem, time_off.get(agent.id, []), day)
            cell: dict[str, Any] = {"weekend": clock.weekday(day) >= 5, "off": off,
                                    "wishes": wishes.get((agent.id, day), [])}
            if template is not None:
                span = problem.shift_span(Shift(agent=agent.id, day=day, template=template))
                mine = served.get(agent.id, {})
                counts = Counter(mine[i] for i in problem.covered_intervals(span) if i in mine)
                cell.update(
                    template=template, label="" if is_flexible(problem, template) else template,
                    times=f"{clock.local(span[0]):{CLOCK}}–{clock.local(span[1]):{CLOCK}}",
                    queues=[q for q, _ in counts.most_common()],
                    main=counts.most_common(1)[0][0] if counts else "")
            cells.append(cell)
        rows.append({"id": agent.id, "name": agent.label, "team": _team(problem, agent.id),
                     "hours": float(hours.get(agent.id, 0.0)), "cells": cells})
    return rows


def _fairness(kpis: Kpis) -> dict[str, Any]:
    agents = kpis.agents.sort_values("name", kind="stable")
    rows = []
    for a in agents.to_dict("records"):
        high = None if pd.isna(a["max_hours"]) else float(a["max_hours"])
        hours = float(a["hours"])
        scale = max(high or 0.0, hours, 1.0)
        rows.append({"name": a["name"], "hours": hours, "min": float(a["min_hours"]),
                     "max": high, "over": float(a["over_hours"]),
                     "under": float(a["under_hours"]), "weekends": int(a["weekends"]),
                     "late": int(a["late"]), "night": int(a["night"]),
                     "bar": min(100.0, 100 * hours / scale),
                     "min_mark": 100 * float(a["min_hours"]) / scale})
    spread = {m: (int(kpis.agents[m].min()), int(kpis.agents[m].max())) if len(kpis.agents)
              else (0, 0) for m in ("weekends", "late", "night")}
    return {"rows": rows, "spread": spread}


def _penalties(evaluation: Evaluation, kpis: Kpis) -> dict[str, Any]:
    """Penalty per rule, worst first, each with its costliest findings in words."""
    totals = evaluation.penalty_by_rule
    total = sum(totals.values())
    soft = kpis.penalties[~kpis.penalties["hard"] & (kpis.penalties["penalty"] > 0)]
    by_rule = []
    for rule, penalty in sorted(totals.items(), key=lambda kv: (-kv[1], kv[0])):
        mine = soft[soft["rule"] == rule]
        if not penalty:
            continue
        by_rule.append({
            "rule": rule, "penalty": penalty, "findings": len(mine),
            "share": _percent(penalty / total if total else None),
            "worst": [{"message": _words(rule, m), "penalty": int(p)} for m, p in
                      mine.head(MAX_FINDINGS)[["message", "penalty"]].itertuples(index=False)],
            "more": max(0, len(mine) - MAX_FINDINGS)})
    hard = kpis.penalties[kpis.penalties["hard"]][["rule", "message"]].to_dict("records")
    return {"total": total, "by_rule": by_rule, "hard": hard}


def _words(rule: str, message: str) -> str:
    """A finding without its rule's name in front (the list is grouped by rule)."""
    return message[len(rule) + 1:] if message.startswith(rule + " ") else message


def _colours(problem: Problem) -> dict[str, dict[str, str]]:
    return {q.id: {"line": PALETTE[i % len(PALETTE)], "tint": TINTS[i % len(TINTS)],
                   "name": q.name or q.id}
            for i, q in enumerate(problem.queues)}


def build_report(problem: Problem, needs: pd.DataFrame, roster: Roster, covering: pd.DataFrame,
                 evaluation: Evaluation | None = None, *, kpis: Kpis | None = None,
                 solve: SolveReport | None = None, generated_at: datetime | None = None,
                 source: str = "", scenarios: dict[str, Any] | None = None,
                 forecast: dict[str, Any] | None = None) -> str:
    """The report page as one HTML string.

    Parameters
    ----------
    problem, needs, roster, covering
        The team, its requirements, the roster and its covering plan.
    evaluation
        The checker's findings (computed when not given).
    kpis
        The roster's measures (computed with :func:`scheduler.kpi.measure` when not given).
    solve
        The solve's report (status, penalty, gap), when the roster was just solved.
    generated_at
        Time stamp printed on the page (default: now, UTC).
    source
        Where the roster came from (shown under the title).
    scenarios
        A "Scenarios" section (what-if: :func:`scheduler.whatif.outputs.scenarios_section`).
    forecast
        A "Forecast" section when the roster was planned from one
        (:func:`scheduler.forecast.report.forecast_section`).

    Returns
    -------
    str
        A complete HTML document with no external reference.
    """
    from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

    if evaluation is None:
        from scheduler.check import check

        evaluation = check(problem, roster, needs)
    if kpis is None:
        kpis = measure(problem, needs, roster, covering, evaluation)
    clock = problem.clock
    colours = _colours(problem)
    runs = gap_runs(problem, kpis.coverage)
    coverage_charts = [{
        "queue": q.id, "name": colours[q.id]["name"],
        "svg": coverage_chart(problem, kpis.coverage, q.id,
                              f"{colours[q.id]['name']}: agents required and scheduled"),
        "gaps": [r for r in runs if r.queue == q.id],
    } for q in problem.queues]
    service_charts = [{
        "queue": q.id, "name": colours[q.id]["name"],
        "svg": service_chart(problem, kpis.service, q.id,
                             f"{colours[q.id]['name']}: projected service level and ASA"),
    } for q in problem.queues if str(q.channel) != "email"
        and (kpis.service["queue"] == q.id).any()]
    view = kpis.headcount
    env = Environment(loader=PackageLoader("scheduler.export", "templates"),
                      autoescape=select_autoescape(["html", "j2"]), undefined=StrictUndefined,
                      trim_blocks=True, lstrip_blocks=True)
    stamp = (generated_at or datetime.now(UTC)).astimezone(UTC)
    first, last = clock.date_of(0), clock.date_of(problem.days - 1)
    h = kpis.headline
    return env.get_template("report.html.j2").render(
        team=problem.team, time_zone=problem.time_zone, source=source,
        first=f"{first:%a %d %b %Y}", last=f"{last:%a %d %b %Y}", days=problem.days,
        interval=problem.interval_minutes, generated=f"{stamp:%Y-%m-%d %H:%M} UTC",
        headline=_headline(problem, kpis), totals=h, solve=solve,
        async_queues=any(str(q.channel) == "email" for q in problem.queues),
        changed=solve is not None and solve.objective is not None
        and solve.objective != evaluation.total_penalty,
        coverage_charts=coverage_charts, service_charts=service_charts, colours=colours,
        day_heads=[{"label": f"{clock.date_of(d):%a %d %b}", "weekend": clock.weekday(d) >= 5}
                   for d in range(problem.days)],
        grid=_grid(problem, roster, covering, kpis), fairness=_fairness(kpis),
        penalties=_penalties(evaluation, kpis), agents=len(problem.agents),
        shifts=len(roster.shifts), scenarios=scenarios, forecast=forecast,
        headcount=None if view is None else headcount_context(problem, view, kpis.agents),
        queue_view=bool(problem.queues) and (view is None or bool(problem.forecast)),
    )


def report_for(problem: Problem, needs: pd.DataFrame, roster: Roster, *,
               evaluation: Evaluation | None = None, solve: SolveReport | None = None,
               source: str = "", generated_at: datetime | None = None,
               covering: pd.DataFrame | None = None,
               forecast: dict[str, Any] | None = None) -> tuple[str, Kpis]:
    """Covering plan (unless given), KPIs and the page of a roster: what both commands call.

    Returns
    -------
    tuple of str and Kpis
        The HTML page and the measures it shows.
    """
    from scheduler.check import check
    from scheduler.staffing.covering import covering_plan

    if evaluation is None:
        evaluation = check(problem, roster, needs)
    if covering is None:
        covering = covering_plan(problem, needs, roster)
    kpis = measure(problem, needs, roster, covering, evaluation)
    html = build_report(problem, needs, roster, covering, evaluation, kpis=kpis, solve=solve,
                        generated_at=generated_at, source=source, forecast=forecast)
    return html, kpis


def write_report(path: str | os.PathLike[str], html: str) -> Path:
    """Write the page to ``path`` (UTF-8), whole or not at all; its folder is created."""
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    return write_text_atomic(path, html)
