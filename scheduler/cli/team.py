"""Commands on a team folder and a roster for it: validate, staffing, check, report."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.text import Text

from scheduler.cli.app import app
from scheduler.cli.console import (
    RosterCsv,
    TeamDir,
    input_errors,
    load,
    load_roster,
    out,
    plural,
    requirements,
    wrote,
)
from scheduler.cli.views import (
    facts_table,
    hard_table,
    headline_table,
    penalty_table,
    staffing_table,
)

if TYPE_CHECKING:
    from scheduler.domain import Problem


def _summary_rows(problem: Problem) -> list[tuple[str, object]]:
    """validate's lines for every team."""
    clock = problem.clock
    fixed = [t for t in problem.templates if t.flexible is None]
    approved = sum(1 for t in problem.time_off if t.status == "approved")
    first, last = clock.date_of(0), clock.date_of(problem.days - 1)
    queues = ", ".join(q.id for q in problem.queues)
    rows: list[tuple[str, object]] = [
        ("Team", problem.team),
        ("Time zone", problem.time_zone),
        ("Horizon", f"{first:%a} {first.isoformat()} to {last:%a} {last.isoformat()}, "
                    f"{plural(problem.days, 'day')}"),
        ("Intervals", f"{problem.interval_minutes} minutes"),
        ("Agents", len(problem.agents)),
        ("Queues", f"{len(problem.queues)}" + (f" ({queues})" if problem.queues else "")),
        ("Shift templates", f"{len(fixed)} ({', '.join(t.id for t in fixed)})"),
        ("Forecast rows", len(problem.forecast)),
        ("Time off", f"{approved} approved, {len(problem.time_off) - approved} pending"),
    ]
    optional: list[tuple[str, int]] = [
        ("Shift requests", len(problem.requests)), ("Headcount rows", len(problem.shift_cover)),
        ("Last roster shifts", len(problem.history)), ("Locked shifts", len(problem.locked)),
        ("Reference shifts", len(problem.reference)), ("Open tickets", len(problem.tickets)),
    ]
    return rows + [(name, count) for name, count in optional if count]


def _availability_rows(problem: Problem) -> list[tuple[str, object]]:
    """validate's lines for an availability-driven team (none for other teams)."""
    if not (problem.flexible or problem.availability or problem.coverage):
        return []
    policy = problem.policy
    with_rows = {r.agent for r in problem.availability}
    without = [a.id for a in problem.agents if a.id not in with_rows]
    start = policy.day_starts_at
    flexible = [t for t in problem.templates if t.flexible is not None]
    offers = sum(len(o.templates) for o in problem.offers)
    return [
        ("Support day", f"{start // 60:02d}:{start % 60:02d} for 24 hours"),
        ("Availability", f"{len(problem.availability)} rows for {len(with_rows)} agents; "
                         f"{len(without)} agents without rows follow the team default "
                         f"({policy.default.value})"),
        ("Flexible shifts", f"{len(problem.flexible)} ({', '.join(f.id for f in problem.flexible)}"
                            f"): {len(flexible)} candidate shifts, {offers} offered "
                            "to agents over the horizon"),
        ("Coverage rows", len(problem.coverage)),
        ("Onboarding", ", ".join(f"{o.agent} (mentors {', '.join(o.mentors)})"
                                 for o in problem.onboarding) or "none"),
        ("Balance", f"{len(problem.balance)} agents carry hours from earlier weeks"),
    ]


@app.command()
def validate(team_dir: TeamDir) -> None:
    """Load a team folder and report every problem in it, or a short summary when clean.

    Example: [cyan]scheduler validate fixtures/small[/cyan]
    """
    problem = load(team_dir)
    out.print(Text(f"✓ {team_dir} is valid", style="bold green"))
    out.print(facts_table(_summary_rows(problem) + _availability_rows(problem)))


@app.command()
def staffing(
    team_dir: TeamDir,
    out_file: Annotated[
        Path | None,
        typer.Option("--out", "-o", dir_okay=False, show_default=False,
                     help="Also write the per-interval requirements to this CSV file."),
    ] = None,
) -> None:
    """Agents needed per day and queue (peak and agent-hours), from the forecast.

    Example: [cyan]scheduler staffing fixtures/small --out out/requirements.csv[/cyan]
    """
    from scheduler.export.tables import staffing_by_day, staffing_by_queue, write_staffing_csv

    problem = load(team_dir)
    needs = requirements(problem, team_dir)
    if needs.empty:
        out.print("No forecast: there is nothing to staff (coverage comes from cover.csv).")
    else:
        daily = staffing_by_day(problem, needs)
        out.print(staffing_table(problem.team, daily, staffing_by_queue(daily)))
    if out_file is not None:
        with input_errors(out_file, writing=True):
            wrote(write_staffing_csv(out_file, problem, needs))


@app.command()
def check(team_dir: TeamDir, roster_csv: RosterCsv) -> None:
    """Check a roster against every rule: hard rules broken, penalty per rule.

    Exit code 1 when a hard rule is broken.

    Example: [cyan]scheduler check fixtures/small out/small/roster.csv[/cyan]
    """
    from scheduler.check import check as check_roster

    problem, roster, needs = load_roster(team_dir, roster_csv)
    evaluation = check_roster(problem, roster, needs)
    hard = evaluation.hard
    if hard:
        out.print(hard_table(problem, hard))
    if any(evaluation.penalty_by_rule.values()):
        out.print(penalty_table(evaluation.penalty_by_rule, evaluation, worst=True))
    shifts = plural(len(roster.shifts), "shift")
    if hard:
        out.print(Text(f"✗ {roster_csv}: {shifts}, {plural(len(hard), 'hard violation')}, "
                       f"penalty {evaluation.total_penalty}", style="bold red"))
        raise typer.Exit(1)
    out.print(Text(f"✓ {roster_csv}: {shifts}, no hard rule broken, "
                   f"penalty {evaluation.total_penalty}", style="bold green"))


@app.command("report")
def report_command(
    team_dir: TeamDir,
    roster_csv: RosterCsv,
    out_file: Annotated[
        Path,
        typer.Option("--out", "-o", dir_okay=False, show_default=False,
                     help="The HTML file to write (one self-contained page)."),
    ],
) -> None:
    """Write one HTML page about a roster: coverage, service level, grid, fairness, penalties.

    The page needs no network and prints on A4 landscape. A roster that breaks hard rules
    still gets its page, with the violations at the top.

    Example: [cyan]scheduler report fixtures/small out/small/roster.csv --out report.html[/cyan]
    """
    from scheduler.export.report import report_for, write_report
    from scheduler.forecast.report import forecast_section

    problem, roster, needs = load_roster(team_dir, roster_csv)
    page, kpis = report_for(problem, needs, roster, source=str(roster_csv),
                            forecast=forecast_section(team_dir))
    with input_errors(out_file, writing=True):
        path = write_report(out_file, page)
    out.print(headline_table(problem, kpis))
    if kpis.headline.hard_violations:
        out.print(Text(f"✗ {plural(kpis.headline.hard_violations, 'hard violation')}: "
                       "listed at the top of the page", style="bold red"))
    out.print(Text(f"Wrote {path} ({len(page.encode('utf-8')) / 1024:.0f} KB)"))
