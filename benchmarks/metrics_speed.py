"""Weekly metrics at scale: 1,000,000 tickets over 12 weeks from a history CSV.

Run ``python -m benchmarks.metrics_speed`` (``--tickets N`` for another size). A history CSV of
N tickets (fixtures/helpdesk's queues, groups and channels; reply, resolution, reopens and two
SLA targets) is generated with NumPy, then ``scheduler.metrics.run.measure`` reads it and computes
4 weeks of figures in a child process whose wall time and peak memory (ru_maxrss) are printed
and appended to ``benchmarks/results/metrics_speed.csv``. Targets: under 30 s and 2 GiB for a
million tickets on the 2-core machine. The machine may be shared: the load average is printed.
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
RESULTS = ROOT / "benchmarks" / "results" / "metrics_speed.csv"
TEAM = ROOT / "fixtures" / "helpdesk"
START = np.datetime64("2026-09-06T22:00:00")


def write_history(path: Path, n: int, seed: int = 0) -> None:
    """N tickets created over 12 weeks, with the history columns of docs/metrics.md."""
    rng = np.random.default_rng(seed)
    created = START + (rng.random(n) * 12 * 7 * 86400).astype("timedelta64[s]")
    reply = rng.exponential(180, n).round()
    solved_after = rng.exponential(2000, n).round()
    solved = created + (solved_after * 60).astype("timedelta64[s]")
    solved_mask = rng.random(n) < 0.9
    groups = rng.choice(["360001", "360002", "360003"], n)
    channels = np.where(groups == "360003", "chat", rng.choice(["email", "web"], n))
    frame = pd.DataFrame({
        "ticket_id": np.arange(1, n + 1),
        "created_at": pd.to_datetime(created).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "solved_at": np.where(solved_mask, pd.to_datetime(solved).strftime(
            "%Y-%m-%dT%H:%M:%SZ"), ""),
        "status": np.where(solved_mask, "solved", "open"),
        "priority": rng.choice(["low", "normal", "high", "urgent"], n),
        "channel": channels, "group_id": groups,
        "assignee_id": rng.choice(["9001", "9002", "9003", "9004", "9005"], n),
        "first_reply_minutes": reply, "resolution_minutes": np.where(solved_mask, solved_after,
                                                                     np.nan),
        "replies": rng.integers(1, 5, n), "reopens": (rng.random(n) < 0.08).astype(int),
        "sla_first_reply_time": np.where(reply <= 240, "achieved", "breached"),
    })
    frame.to_csv(path, index=False)


def child(path: str) -> None:
    """Measure in this process: the figures, wall time and peak memory."""
    from scheduler.load import load_team
    from scheduler.metrics.run import measure
    from scheduler.tickets.policy import read_ticket_policy

    problem = load_team(TEAM)
    policy = read_ticket_policy(TEAM, problem)
    began = time.perf_counter()
    run = measure([path], problem, policy, weeks=4)
    seconds = time.perf_counter() - began
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{run.tickets} {len(run.metrics.figures)} {seconds:.2f} {peak:.0f}")


def main(argv: list[str] | None = None) -> int:
    """Generate, measure in a child process, print and append the row."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=1_000_000)
    parser.add_argument("--no-save", action="store_true")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child(args.child)
        return 0
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "history.csv"
        write_history(path, args.tickets)
        size = path.stat().st_size / 2**20
        done = subprocess.run([sys.executable, __file__, "--child", str(path)], check=True,
                              capture_output=True, text=True)
    tickets, figures, seconds, peak = done.stdout.split()
    load = os.getloadavg()[0]
    print(f"{tickets} tickets ({size:.0f} MiB CSV): {figures} figures in {seconds} s, "
          f"peak {peak} MiB (load average {load:.1f} on {os.cpu_count()} cores)")
    row = {"date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M"), "machine": platform.node(),
           "tickets": tickets, "csv_mib": round(size), "figures": figures,
           "seconds": seconds, "peak_mib": peak, "load_average": round(load, 1)}
    if not args.no_save:
        new = not RESULTS.exists()
        with RESULTS.open("a", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=list(row))
            if new:
                writer.writeheader()
            writer.writerow(row)
    missed = float(seconds) > 30 or float(peak) > 2048
    return 1 if missed and int(tickets) >= 1_000_000 else 0


if __name__ == "__main__":
    sys.exit(main())
