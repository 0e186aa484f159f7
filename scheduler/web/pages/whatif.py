"""The what-if page: a scenario in the CLI's change words, solved beside the baseline.

The solves run through :func:`scheduler.whatif.run.run_tasks` in worker processes (the request
waits in a thread of its own, so other pages keep answering); the comparison table, its CSV and
the chart are written into the team folder's ``whatif/`` and shown.
"""

from __future__ import annotations

from functools import partial
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import FileResponse, HTMLResponse

from scheduler.errors import TeamFolderError
from scheduler.web.render import render, settings_of
from scheduler.web.state import load

router = APIRouter()
WHATIF_DIR = "whatif"  # inside the team folder


@router.get("/teams/{team}/whatif", response_class=HTMLResponse)
def whatif_page(request: Request, team: str) -> HTMLResponse:
    """The scenario form."""
    loaded = load(settings_of(request).workspace.team(team))
    if loaded.problem is None:
        return render(request, "blocked.html", team=team, page="whatif", problems=loaded.problems)
    return render(request, "whatif.html", team=team, page="whatif")


@router.post("/teams/{team}/whatif", response_class=HTMLResponse)
def run_scenario(request: Request, team: str, changes: Annotated[str, Form(max_length=2000)],
                 work_limit: Annotated[float, Form(gt=0, le=600)] = 5.0,
                 jobs: Annotated[int, Form(ge=1, le=4)] = 2) -> HTMLResponse:
    """Solve the baseline and the scenario (one change per line); show the comparison."""
    from scheduler.whatif.compare import compare_scenarios, wide
    from scheduler.whatif.outputs import write_whatif
    from scheduler.whatif.run import SolveOptions, run_tasks
    from scheduler.whatif.scenarios import inline_scenario

    loaded = load(settings_of(request).workspace.team(team))
    problem = loaded.problem
    assert problem is not None
    texts = [line.strip() for line in changes.splitlines() if line.strip()]
    try:
        scenario = inline_scenario(texts, problem, source="the change")
    except TeamFolderError as exc:
        return render(request, "whatif_result.html", team=team, problems=exc.problems)
    # the work limit stops each solve (reproducibly); the wall clock is only a safety net
    options = SolveOptions(time_limit=max(120.0, 60 * work_limit), work_limit=work_limit)
    table, outcomes = compare_scenarios(problem, [scenario], options,
                                        partial(run_tasks, jobs=jobs))
    write_whatif(loaded.folder / WHATIF_DIR, problem, table, outcomes)
    grid = wide(table)
    rows = [{"figure": str(index), "cells": [str(v) for v in row]}
            for index, row in grid.iterrows()]
    failed = [f"{o.name}: {o.status.lower()}: {o.reason}" for o in outcomes if not o.solved]
    return render(request, "whatif_result.html", team=team, columns=list(grid.columns),
                  rows=rows, failed=failed, scenario=scenario.describe(), problems=[])


@router.get("/teams/{team}/whatif/chart.svg")
def chart(request: Request, team: str) -> FileResponse:
    """The last comparison's chart (coverage per queue and day, a line per scenario)."""
    path = settings_of(request).workspace.file(team, WHATIF_DIR) / "whatif-coverage.svg"
    if not path.is_file():
        raise FileNotFoundError("no what-if chart yet: run a scenario first")
    return FileResponse(path, media_type="image/svg+xml",
                        headers={"Cache-Control": "no-store"})
