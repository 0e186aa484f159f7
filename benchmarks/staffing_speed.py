"""Speed of forecast → requirements on a year of 15-minute intervals for 5 queues.

Run ``python -m benchmarks.staffing_speed``. Times ``requirements_from_frame`` (best of 3) and,
when ``pyworkforce`` is importable, pyworkforce's ``ErlangC`` on a sample of the phone
intervals; checks that both give the same number of agents and appends one row to
``benchmarks/results/staffing.csv``.
"""

from __future__ import annotations

import csv
import platform
import time
import timeit
from collections.abc import Callable
from datetime import datetime
from importlib.metadata import version
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd

from scheduler.staffing import requirements_from_frame

INTERVAL_MINUTES = 15
DAYS = 365
PEER_SAMPLE = 2_000
RESULTS = Path(__file__).resolve().parent / "results" / "staffing.csv"
COLUMNS = ["date", "machine", "python", "numpy", "intervals", "seconds", "intervals_per_s",
           "peer", "peer_intervals_per_s", "ratio", "agree"]


def queue(qid: str, channel: str, **extra: object) -> SimpleNamespace:
    """A queue with the domain model's attribute names and defaults."""
    fields: dict[str, object] = dict(id=qid, channel=channel, service_level=0.8,
                                     answer_within_s=20.0, concurrency=1,
                                     first_response_minutes=240, shrinkage=None,
                                     max_occupancy=None)
    return SimpleNamespace(**(fields | extra))


PROBLEM = SimpleNamespace(
    interval_minutes=INTERVAL_MINUTES, shrinkage=0.3, max_occupancy=0.85,
    queues=(
        queue("phone-sales", "phone"),
        queue("phone-support", "phone", service_level=0.9, answer_within_s=30.0),
        queue("chat", "chat", concurrency=2, answer_within_s=60.0),
        queue("chat-vip", "chat", concurrency=3, service_level=0.9, answer_within_s=30.0),
        queue("email", "email", first_response_minutes=480),
    ),
)
PEAK = {"phone-sales": 60, "phone-support": 120, "chat": 80, "chat-vip": 15, "email": 90}
AHT = {"phone-sales": 300, "phone-support": 420, "chat": 600, "chat-vip": 480, "email": 360}


def forecast() -> pd.DataFrame:
    """A year of deterministic random volumes with a daily and a weekly shape."""
    rng = np.random.default_rng(0)
    n = DAYS * 24 * 60 // INTERVAL_MINUTES
    interval = np.arange(n)
    hour = (interval * INTERVAL_MINUTES / 60) % 24
    weekday = (interval * INTERVAL_MINUTES // (24 * 60)) % 7
    shape = np.clip(np.sin((hour - 7) / 12 * np.pi), 0, None) * np.where(weekday < 5, 1.0, 0.4)
    parts = [
        pd.DataFrame({
            "interval": interval,
            "queue": q,
            "volume": rng.poisson(PEAK[q] * shape).astype(float),
            "aht_s": AHT[q] * rng.uniform(0.8, 1.2, n),
        })
        for q in PEAK
    ]
    return pd.concat(parts, ignore_index=True)


def best_of(runs: int, work: Callable[[], object]) -> float:
    """Smallest wall time of ``runs`` calls of ``work``."""
    return min(timeit.repeat(work, number=1, repeat=runs))


def peer(result: pd.DataFrame) -> tuple[str, float, str] | None:
    """Time pyworkforce's ErlangC on a sample of phone intervals; None if not installed."""
    try:
        from pyworkforce.queuing import ErlangC
    except ImportError:
        return None
    q = PROBLEM.queues[0]
    phone = result[(result["queue"] == q.id) & (result["volume"] > 0)]
    sample = phone.sample(PEER_SAMPLE, random_state=0)
    theirs = []
    start = time.perf_counter()
    for volume, aht in zip(sample["volume"], sample["aht_s"], strict=True):
        erlang = ErlangC(transactions=volume, aht=aht / 60, asa=q.answer_within_s / 60,
                         interval=INTERVAL_MINUTES)
        theirs.append(erlang.required_positions(q.service_level, PROBLEM.max_occupancy)
                      ["raw_positions"])
    seconds = time.perf_counter() - start
    same = int((np.asarray(theirs) == sample["base_agents"].to_numpy()).sum())
    name = f"pyworkforce {version('pyworkforce')}"
    return name, len(sample) / seconds, f"{same}/{len(sample)}"


def main() -> None:
    """Measure, print and append one CSV row."""
    frame = forecast()
    seconds = best_of(3, lambda: requirements_from_frame(frame, PROBLEM))
    rate = len(frame) / seconds
    print(f"requirements_from_frame: {len(frame):,} intervals in {seconds:.3f} s "
          f"= {rate:,.0f} intervals/s")
    row: dict[str, object] = {
        "date": datetime.now().isoformat(timespec="seconds"),
        "machine": f"{platform.node()}/{platform.processor() or platform.machine()}",
        "python": platform.python_version(), "numpy": np.__version__,
        "intervals": len(frame), "seconds": f"{seconds:.4f}", "intervals_per_s": f"{rate:.0f}",
        "peer": "", "peer_intervals_per_s": "", "ratio": "", "agree": "",
    }
    measured = peer(requirements_from_frame(frame, PROBLEM))
    if measured is None:
        print("pyworkforce not installed: peer columns left empty (pip install pyworkforce)")
    else:
        name, peer_rate, agree = measured
        print(f"{name} ErlangC: {peer_rate:,.0f} intervals/s on {PEER_SAMPLE:,} phone intervals; "
              f"ours is {rate / peer_rate:,.0f}x faster; same agents on {agree}")
        row |= {"peer": name, "peer_intervals_per_s": f"{peer_rate:.0f}",
                "ratio": f"{rate / peer_rate:.1f}", "agree": agree}
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    new = not RESULTS.exists()
    with RESULTS.open("a", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS)
        if new:
            writer.writeheader()
        writer.writerow(row)
    print(f"appended to {RESULTS}")


if __name__ == "__main__":
    main()
