"""The staffing page: agents needed per queue and interval (table by day, and a chart)."""

from __future__ import annotations

from typing import Any

import pandas as pd
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from scheduler.domain import Problem
from scheduler.web.render import render, settings_of
from scheduler.web.state import load

router = APIRouter()
WIDTH, HEIGHT, PAD = 960, 160, 28
COLOURS = ("#0072B2", "#D55E00", "#009E73", "#E69F00", "#CC79A7", "#56B4E9")
DASHES = ("", "6 3", "2 2", "8 3 2 3", "1 3", "10 4")


def chart(problem: Problem, needs: pd.DataFrame) -> dict[str, Any]:
    """An inline SVG's lines: agents needed per interval, one line (colour and dash) per queue."""
    intervals = problem.clock.n_intervals
    peak = max(1, int(needs["agents"].max()) if not needs.empty else 1)
    x_step = (WIDTH - 2 * PAD) / max(1, intervals - 1)
    lines = []
    for n, queue in enumerate(problem.queues):
        series = needs[needs["queue"] == queue.id].set_index("interval")["agents"]
        scale = (HEIGHT - 2 * PAD) / peak
        points = " ".join(f"{PAD + i * x_step:.1f},{HEIGHT - PAD - series.get(i, 0) * scale:.1f}"
                          for i in range(intervals))
        lines.append({"queue": queue.name or queue.id, "points": points,
                      "colour": COLOURS[n % len(COLOURS)], "dash": DASHES[n % len(DASHES)]})
    per_day = intervals / problem.days
    days = [{"x": PAD + d * per_day * x_step, "label": f"{problem.clock.date_of(d):%a}"}
            for d in range(problem.days)]
    return {"lines": lines, "days": days, "peak": peak, "width": WIDTH, "height": HEIGHT,
            "pad": PAD}


@router.get("/teams/{team}/staffing", response_class=HTMLResponse)
def staffing_page(request: Request, team: str) -> HTMLResponse:
    """Agents needed per day and queue, and per interval as a chart."""
    from scheduler.export.tables import staffing_by_day

    loaded = load(settings_of(request).workspace.team(team))
    problem, needs = loaded.problem, loaded.needs
    if problem is None or needs is None:
        return render(request, "blocked.html", team=team, page="staffing",
                      problems=loaded.problems)
    daily = [] if needs.empty else staffing_by_day(problem, needs).to_dict("records")
    return render(request, "staffing.html", team=team, page="staffing", daily=daily,
                  chart=None if needs.empty else chart(problem, needs))
