"""The team page: validate's problems, the team in brief, and its tables to edit.

Agents, time off and availability are edited as tables; a save writes the CSV file whole, and
only when the team folder loaded with the new file shows no problem in that file.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from scheduler.domain import Problem
from scheduler.errors import InputProblem
from scheduler.web.render import render, settings_of
from scheduler.web.state import load
from scheduler.web.workspace import Table, read_csv_table, write_table

router = APIRouter()

TABLES = ("agents.csv", "time_off.csv", "availability.csv")
TIME_OFF_HEADER = ["agent", "start", "end", "status", "note"]


def summary(problem: Problem) -> list[tuple[str, str]]:
    """The team in brief, as ``scheduler validate`` prints it."""
    clock = problem.clock
    first, last = clock.date_of(0), clock.date_of(problem.days - 1)
    approved = sum(1 for t in problem.time_off if t.status == "approved")
    return [
        ("Team", problem.team), ("Time zone", problem.time_zone),
        ("Horizon", f"{first:%a} {first.isoformat()} to {last:%a} {last.isoformat()}, "
                    f"{problem.days} days"),
        ("Intervals", f"{problem.interval_minutes} minutes"),
        ("Agents", str(len(problem.agents))),
        ("Queues", ", ".join(q.name or q.id for q in problem.queues) or "none"),
        ("Shift templates", ", ".join(t.id for t in problem.templates) or "none"),
        ("Time off", f"{approved} approved, {len(problem.time_off) - approved} pending"),
    ]


def rules(problem: Problem) -> list[dict[str, Any]]:
    """Each rule's settings from team.yaml (level, weight, limits)."""
    found = []
    for name, value in problem.rules.model_dump().items():
        settings = value if isinstance(value, dict) else {"value": value}
        found.append({"name": name, "settings": ", ".join(
            f"{k.replace('_', ' ')}: {v}" for k, v in settings.items() if v is not None)})
    return found


def table_view(team: str, name: str, table: Table, problems: list[InputProblem],
               saved: bool = False) -> dict[str, Any]:
    """What the table template needs: cells with their problems, by file line."""
    marks: dict[tuple[int, str], str] = {}
    loose = []
    for p in problems:
        if p.file != name:
            continue
        if p.row is not None and p.column in table.header:
            marks[(p.row, p.column)] = f"{p.message}. Fix: {p.fix}" if p.fix else p.message
        else:
            loose.append(p)
    return {"team": team, "name": name, "table": table, "marks": marks, "loose": loose,
            "saved": saved, "slug": name.split(".")[0].replace("_", "-")}


@router.get("/teams/{team}", response_class=HTMLResponse)
def team_page(request: Request, team: str) -> HTMLResponse:
    """Problems (file, row, column, fix), the team in brief, and its tables."""
    workspace = settings_of(request).workspace
    folder = workspace.team(team)
    loaded = load(folder)
    problems = list(loaded.problems)
    tables = []
    for name in TABLES:
        path = folder / name
        if name == "availability.csv" and not path.exists():
            continue
        table = read_csv_table(path)
        if name == "time_off.csv" and not table.header:
            table = Table(TIME_OFF_HEADER, [])
        tables.append(table_view(team, name, table, problems))
    problem = loaded.problem
    context: dict[str, Any] = {"problems": problems, "tables": tables, "summary": [],
                               "queues": [], "rules": [], "waiting": []}
    if problem is not None:
        from scheduler.web.links import not_answered

        context.update(summary=summary(problem), queues=problem.queues, rules=rules(problem),
                       waiting=not_answered(workspace, team, problem))
    return render(request, "team.html", team=team, page="team", **context)


@router.post("/teams/{team}/tables/{name}", response_class=HTMLResponse)
async def save_table(request: Request, team: str, name: str) -> HTMLResponse:
    """Save (or, with ``step=add``, only extend) an edited table; problems shown in place."""
    workspace = settings_of(request).workspace
    if name not in TABLES:
        raise FileNotFoundError(f"{name} is not a table the app edits")
    form = await request.form()
    header = [str(h) for h in form.getlist("header")]
    cells = [str(c).strip() for c in form.getlist("cell")]
    removed = {int(str(i)) for i in form.getlist("drop") if str(i).isdigit()}
    width = max(1, len(header))
    rows = [cells[i:i + width] for i in range(0, len(cells), width)]
    rows = [row for i, row in enumerate(rows) if i not in removed and any(row)]
    table = Table(header, rows)
    if form.get("step") == "add":
        grown = Table(header, [*rows, [""] * len(header)])
        return render(request, "table.html", **table_view(team, name, grown, []))
    problems = write_table(workspace, team, name, table)
    if problems:
        return render(request, "table.html", **table_view(team, name, table, problems))
    everything = list(load(workspace.team(team)).problems)
    return render(request, "table_saved.html", problems=everything, oob=True,
                  **table_view(team, name, table, everything, saved=True))
