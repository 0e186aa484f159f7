"""Reading a large ticket export for ``scheduler assign``: 600,000 tickets from the project's CSV.

Run ``python -m benchmarks.ticket_import_speed`` (``--tickets N`` for another size). A CSV of N
open and closed tickets for fixtures/helpdesk (the shape of the 50 MB export of issue 28) is
generated with NumPy; ``scheduler.tickets.load_tickets`` reads and routes it in a child process
whose wall time and peak memory are printed and appended to
``benchmarks/results/ticket_import_speed.csv``, once column-wise (the default for a clean file)
and once row by row (the reader every file used before), on the same machine in the same run.
Target: under 20 s for 600,000 tickets. The load average is printed beside the figures.
"""

from __future__ import annotations

import argparse
import csv
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results" / "ticket_import_speed.csv"
TEAM = ROOT / "fixtures" / "helpdesk"


def write_tickets(path: Path, n: int, seed: int = 0) -> None:
    """N tickets created over the three days before the window, mostly open."""
    rng = np.random.default_rng(seed)
    created = np.datetime64("2026-11-30T08:00") - (rng.random(n) * 3 * 86400).astype(
        "timedelta64[s]")
    stamps = pd.to_datetime(created)
    pd.DataFrame({
        "ticket_id": np.arange(1, n + 1), "created_at": stamps.strftime("%Y-%m-%d %H:%M"),
        "status": rng.choice(["open", "new", "pending", "solved"], n),
        "priority": rng.choice(["low", "normal", "high", "urgent"], n),
        "type": rng.choice(["", "question", "problem"], n),
        "channel": rng.choice(["email", "web", "chat"], n),
        "group_id": rng.choice(["", "360001", "360002"], n),
        "assignee_id": rng.choice(["", "9001", "9002", "kim"], n),
        "tags": rng.choice(["", "vip", "invoice;late"], n),
        "first_response_due_at": (stamps + pd.Timedelta(hours=4)).strftime("%Y-%m-%dT%H:%MZ"),
        "subject": "Order " + pd.Series(np.arange(n)).astype(str),
    }).to_csv(path, index=False)


def child(path: str, rows: bool) -> None:
    """Load the tickets here: count, seconds, peak MiB."""
    from scheduler.load import load_team
    from scheduler.tickets import read
    from scheduler.tickets.policy import read_ticket_policy

    if rows:
        read.read_ticket_columns = lambda *args: None
    problem = load_team(TEAM)
    policy = read_ticket_policy(TEAM, problem)
    began = time.perf_counter()
    load = read.load_tickets(path, problem, policy)
    seconds = time.perf_counter() - began
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{len(load.tickets)} {seconds:.2f} {peak:.0f}")


def main(argv: list[str] | None = None) -> int:
    """Generate, load column-wise and row by row in child processes, print, append."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=600_000)
    parser.add_argument("--rows", type=int, default=60_000,
                        help="tickets for the row-by-row baseline (it is slow)")
    parser.add_argument("--no-save", action="store_true")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--row-reader", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child(args.child, args.row_reader)
        return 0
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        for n, how in ((args.tickets, "columns"), (args.rows, "rows")):
            path = Path(folder) / f"tickets-{n}.csv"
            write_tickets(path, n)
            flags = ["--row-reader"] if how == "rows" else []
            done = subprocess.run([sys.executable, __file__, "--child", str(path), *flags],
                                  check=True, capture_output=True, text=True)
            tickets, seconds, peak = done.stdout.split()
            load = os.getloadavg()[0]
            print(f"{n} tickets ({path.stat().st_size / 2**20:.0f} MiB) read {how}: {tickets} "
                  f"open, {seconds} s, peak {peak} MiB, {n / float(seconds):,.0f} tickets/s "
                  f"(load average {load:.1f} on {os.cpu_count()} cores)")
            rows.append({"date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M"),
                         "machine": platform.node(), "tickets": n, "reader": how,
                         "open": tickets, "seconds": seconds, "peak_mib": peak,
                         "load_average": round(load, 1)})
    if not args.no_save:
        new = not RESULTS.exists()
        with RESULTS.open("a", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
            if new:
                writer.writeheader()
            writer.writerows(rows)
    return 1 if float(rows[0]["seconds"]) > 20 and args.tickets >= 600_000 else 0


if __name__ == "__main__":
    sys.exit(main())
