"""The report page: :func:`scheduler.export.report.report_for` of the roster page's roster.

The report is the self-contained page of ``scheduler report``; it keeps its own inline script
(sorting the grid), which this response's Content-Security-Policy allows by its hash alone.
"""

from __future__ import annotations

import base64
import hashlib
import re

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from scheduler.web.render import render, settings_of
from scheduler.web.rosters import RosterFiles, needs_or_empty
from scheduler.web.state import load

router = APIRouter()
SCRIPT = re.compile(r"<script>(.*?)</script>", re.S)


def script_policy(html: str) -> str:
    """A CSP allowing exactly the page's inline scripts (by SHA-256), nothing else."""
    hashes = " ".join(
        "'sha256-" + base64.b64encode(hashlib.sha256(body.encode()).digest()).decode() + "'"
        for body in SCRIPT.findall(html))
    return (f"default-src 'none'; script-src {hashes or chr(39) + 'none' + chr(39)}; "
            "style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'; "
            "frame-ancestors 'none'")


@router.get("/teams/{team}/report", response_class=HTMLResponse)
def report_page(request: Request, team: str) -> HTMLResponse:
    """The report of the current roster (as ``scheduler report`` writes it)."""
    from scheduler.export.report import report_for

    loaded = load(settings_of(request).workspace.team(team))
    problem = loaded.problem
    if problem is None:
        return render(request, "blocked.html", team=team, page="report", problems=loaded.problems)
    files = RosterFiles(loaded.folder)
    roster = files.read(problem)
    source = files.current()
    html, _ = report_for(problem, needs_or_empty(loaded.needs), roster,
                         source=source.name if source else "no roster yet")
    return HTMLResponse(html, headers={"Content-Security-Policy": script_policy(html)})
