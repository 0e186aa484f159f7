"""Calendar feeds and CalDAV publishing for the 35-agent fixture (fixtures/acme-support).

Run ``python -m benchmarks.calendars [--roster ROSTER.csv] [--no-save]``. Without a roster,
every agent works a day shift Monday to Friday (175 shifts). Measures, in one run:
writing every feed (first export, then a repeat export of the same roster), publishing to a
local Radicale server (first
publish, repeat publish with nothing changed, and a naive re-send of every event, which is what
a publish without the state file would do, against the same PUTs sent with a plain HTTP
session), and appends one row to
``benchmarks/results/calendars.csv``.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from benchmarks.results import append_rows, environment
from fixtures.caldav_servers import RadicaleServer
from scheduler.domain import Problem, Roster, Shift
from scheduler.export.ical import write_calendars
from scheduler.export.publish import Operation, publish
from scheduler.load import load_team, read_roster
from scheduler.staffing import requirements
from scheduler.staffing.covering import covering_plan

ROOT = Path(__file__).resolve().parents[1]

RESULTS = Path(__file__).resolve().parent / "results" / "calendars.csv"


def weekdays(problem: Problem) -> Roster:
    """A plain roster: every agent on a day shift Monday to Friday, early or late in turn.

    The calendars do not depend on how good the roster is, only on its size, so the benchmark
    does not wait for (or depend on) the solver; pass ``--roster`` for a solved one.
    """
    templates = [t.id for t in problem.templates if not t.weekdays][:2]
    shifts = [Shift(agent=a.id, day=d, template=templates[(i + d) % len(templates)])
              for i, a in enumerate(problem.agents) for d in range(min(5, problem.days))]
    return Roster(shifts=tuple(shifts))


def raw_puts(server: RadicaleServer, operations: list[Operation]) -> None:
    """The baseline: the same events PUT one by one with a plain HTTP session (no discovery,
    no state file), i.e. what the server itself costs."""
    import niquests

    with niquests.Session() as session:
        session.auth = (server.user, server.password)
        for op in operations:
            url = f"{server.url}{server.user}/{op.calendar}/{op.change.record.uid}.ics"
            answer = session.put(url, data=op.body.encode(),
                                 headers={"Content-Type": "text/calendar; charset=utf-8"})
            assert answer.status_code in (201, 204), answer.status_code


def timed(action: object) -> tuple[float, object]:
    start = time.perf_counter()
    value = action()  # type: ignore[operator]
    return time.perf_counter() - start, value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--roster", type=Path)
    parser.add_argument("--no-save", action="store_true")
    args = parser.parse_args()
    problem = load_team(ROOT / "fixtures" / "acme-support")
    roster = read_roster(args.roster, problem) if args.roster else weekdays(problem)
    plan = covering_plan(problem, requirements(problem), roster)
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        export_s, outputs = timed(lambda: write_calendars(work / "feeds", problem, roster, plan))
        repeat_export_s, _ = timed(lambda: write_calendars(work / "feeds", problem, roster, plan))
        feed_bytes = sum(p.stat().st_size for p in (work / "feeds").rglob("*.ics"))
        server = RadicaleServer(work)
        server.start()
        try:
            login = {"user": server.user, "password": server.password}
            first_s, first = timed(lambda: publish(problem, roster, plan, server.url,
                                                   state_path=work / "state.json", **login))
            repeat_s, _ = timed(lambda: publish(problem, roster, plan, server.url,
                                                state_path=work / "state.json", **login))
            naive_s, _ = timed(lambda: publish(problem, roster, plan, server.url,
                                               state_path=work / "fresh.json", **login))
            raw_s, _ = timed(lambda: raw_puts(server, first.operations))  # type: ignore[attr-defined]
        finally:
            server.stop()
    events = len(first.operations)  # type: ignore[attr-defined]
    row = environment() | {
        "agents": len(problem.agents), "shifts": len(roster.shifts),
        "feeds": len(outputs.paths) - 1, "feed_kib": round(feed_bytes / 1024, 1),  # type: ignore[attr-defined]
        "export_s": round(export_s, 3), "repeat_export_s": round(repeat_export_s, 3),
        "published_events": events, "publish_first_s": round(first_s, 2),
        "publish_repeat_s": round(repeat_s, 3), "publish_resend_all_s": round(naive_s, 2),
        "repeat_vs_resend": round(repeat_s / naive_s, 4) if naive_s else "",
        "raw_put_all_s": round(raw_s, 2), "resend_vs_raw_put": round(naive_s / raw_s, 2),
    }
    for key, value in row.items():
        print(f"{key:>22}: {value}")
    if not args.no_save:
        append_rows(RESULTS, [row])


if __name__ == "__main__":
    main()
