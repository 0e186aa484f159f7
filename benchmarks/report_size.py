"""Size and build time of the HTML report: fixtures/acme-support (35 agents) and generated teams.

Each team is solved briefly (the roster only has to be realistic), then the report is built
three times; the best time is kept. The peer in the same run is the XLSX workbook of the same
roster (covering plan, ``roster_workbook`` and save), so the time is also given as a ratio to
it. Sizes are of the whole page and of its charts (inline SVG).

    python -m benchmarks.report_size [--sizes 200] [--solve-work 2] [--no-save]
"""

from __future__ import annotations

import argparse
import io
import re
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.results import append_rows, environment

ROOT = Path(__file__).resolve().parents[1]


def _best(fn: object, repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()  # type: ignore[operator]
        times.append(time.perf_counter() - started)
    return min(times)


def one(name: str, folder: Path, solve_work: float) -> dict[str, object]:
    """Solve one team briefly and measure its report."""
    from scheduler.export.report import report_for
    from scheduler.export.tables import roster_workbook
    from scheduler.load import load_team
    from scheduler.solvers.roster import solve
    from scheduler.staffing import requirements
    from scheduler.staffing.covering import covering_plan

    problem = load_team(folder)
    needs = requirements(problem)
    work = solve_work * max(1.0, len(problem.agents) / 35)  # large teams need more to start
    result = solve(problem, needs, time_limit=300, work_limit=work, workers=1, seed=0)
    if result.roster is None:
        raise SystemExit(f"{name}: no roster within work limit {work:g}; raise --solve-work")
    roster = result.roster
    html = report_for(problem, needs, roster, evaluation=result.evaluation,
                      solve=result.report)[0]
    report_s = _best(lambda: report_for(problem, needs, roster, evaluation=result.evaluation,
                                        solve=result.report))

    def workbook() -> None:
        plan = covering_plan(problem, needs, roster)  # the report computes its own plan too
        roster_workbook(problem, roster, needs, plan).save(io.BytesIO())

    xlsx_s = _best(workbook)
    svg = sum(len(s.encode()) for s in re.findall(r"<svg.*?</svg>", html, re.S))
    size = len(html.encode("utf-8"))
    return {"team": name, "agents": len(problem.agents), "html_kb": round(size / 1024),
            "charts_kb": round(svg / 1024), "report_s": round(report_s, 2),
            "xlsx_s": round(xlsx_s, 2), "report_vs_xlsx": round(report_s / xlsx_s, 1)}


def main(argv: list[str] | None = None) -> int:
    """Measure acme and the generated sizes; print and (unless --no-save) append the rows."""
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="*", default=[200])
    parser.add_argument("--solve-work", type=float, default=2.0)
    parser.add_argument("--no-save", action="store_true")
    args = parser.parse_args(argv)
    from fixtures.generate import make_team

    teams = [("acme-support", ROOT / "fixtures" / "acme-support")]
    for size in args.sizes:
        folder = Path(tempfile.mkdtemp()) / f"team-{size}"
        make_team(folder, agents=size, queues=4, days=7, seed=0)
        teams.append((f"generated-{size}", folder))
    rows = []
    for name, folder in teams:
        row = one(name, folder, args.solve_work)
        rows.append(row)
        print("  ".join(f"{k}={v}" for k, v in row.items()), flush=True)
    if not args.no_save:
        append_rows(ROOT / "benchmarks" / "results" / "report_size.csv",
                    [environment() | r for r in rows])
    return 0


if __name__ == "__main__":
    sys.exit(main())
