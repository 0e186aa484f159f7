"""The plan page: start a roster solve, watch it live over server-sent events, cancel it."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, StreamingResponse

from scheduler.web.jobs import Job, Jobs, SolveOptions
from scheduler.web.render import render, settings_of, templates

router = APIRouter()
TICK_S = 0.5  # a progress event at least this often while a solve runs


def jobs_of(request: Request) -> Jobs:
    """The server's solves (one registry per app)."""
    app = request.app
    if not hasattr(app.state, "jobs"):
        app.state.jobs = Jobs()
    jobs: Jobs = app.state.jobs
    return jobs


def _view(team: str, job: Job | None) -> dict[str, Any]:
    return {"team": team, "job": job.state() if job is not None else None}


@router.get("/teams/{team}/plan", response_class=HTMLResponse)
def plan_page(request: Request, team: str) -> HTMLResponse:
    """The solve form, and the running or last solve of this team."""
    settings_of(request).workspace.team(team)
    return render(request, "plan.html", page="plan", **_view(team, jobs_of(request).get(team)))


@router.post("/teams/{team}/plan", response_class=HTMLResponse)
def start(request: Request, team: str, time_limit: Annotated[float, Form(gt=0, le=3600)] = 30,
          workers: Annotated[int, Form(ge=1, le=8)] = 1,
          seed: Annotated[int, Form(ge=0)] = 0,
          work_limit: Annotated[float | None, Form(gt=0, le=3600)] = None) -> HTMLResponse:
    """Start a solve in a worker process (or show the one already running).

    A work limit (CP-SAT's deterministic seconds per thread) makes the roster the same on every
    run, however busy the server; the time limit stays the safety net.
    """
    folder = settings_of(request).workspace.team(team)
    jobs = jobs_of(request)
    running = jobs.get(team)
    busy = running is not None and running.state()["running"]
    job = jobs.start(team, folder, SolveOptions(time_limit, workers, seed, work_limit))
    return render(request, "solve.html", busy=busy, **_view(team, job))


@router.post("/teams/{team}/plan/cancel", response_class=HTMLResponse)
def cancel(request: Request, team: str) -> HTMLResponse:
    """Stop the team's running solve."""
    settings_of(request).workspace.team(team)
    jobs = jobs_of(request)
    jobs.cancel(team)
    return render(request, "solve.html", busy=False, **_view(team, jobs.get(team)))


def _event(name: str, html: str) -> str:
    data = "".join(f"data: {line}\n" for line in html.splitlines() or [""])
    return f"event: {name}\n{data}\n"


@router.get("/teams/{team}/plan/events")
async def events(request: Request, team: str) -> StreamingResponse:
    """Server-sent events: the solve's state every half second, then ``done``."""
    settings_of(request).workspace.team(team)
    job = jobs_of(request).get(team)
    fragment = templates.get_template("progress.html")

    async def stream() -> AsyncIterator[str]:
        while True:
            state = job.state() if job is not None else None
            yield _event("progress", fragment.render(team=team, job=state))
            if state is None or not state["running"] or await request.is_disconnected():
                yield _event("done", "")
                return
            await asyncio.sleep(TICK_S)

    return StreamingResponse(stream(), media_type="text/event-stream",
                             headers={"Cache-Control": "no-store"})
