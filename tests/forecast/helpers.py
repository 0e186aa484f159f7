"""Team folders and histories for the forecast tests (small, seeded, written to tmp_path)."""

from __future__ import annotations

import re
import shutil
from datetime import date
from pathlib import Path

from fixtures.history import Truth, generate, write_counts, write_tickets

ROOT = Path(__file__).resolve().parents[2]
SMALL = ROOT / "fixtures" / "small"
ACME = ROOT / "fixtures" / "acme-support"


def team_copy(source: Path, target: Path, *, start: date | None = None, days: int | None = None,
              extra: str = "") -> Path:
    """A copy of a fixture team folder without its forecast.csv, start/days changed, and
    ``extra`` YAML appended to team.yaml."""
    shutil.copytree(source, target)
    (target / "forecast.csv").unlink(missing_ok=True)
    yaml = (target / "team.yaml").read_text()
    if start is not None:
        yaml = re.sub(r"(?m)^start: .*$", f"start: {start}", yaml)
    if days is not None:
        yaml = re.sub(r"(?m)^days: .*$", f"days: {days}", yaml)
    (target / "team.yaml").write_text(yaml + extra)
    return target


def small_history(folder: Path, weeks: int, end: date, seed: int = 3) -> Truth:
    """Counts per interval for fixtures/small's phone and chat: ``counts.csv`` in ``folder``."""
    truth = generate(("phone", "chat"), weeks, end=end, seed=seed, holidays=())
    write_counts(folder / "counts.csv", truth, ("phone", "chat"))
    return truth


def ticket_history(folder: Path, weeks: int, end: date, seed: int = 3) -> Truth:
    """fixtures/small's chat as tickets (channel chat) and phone as counts."""
    truth = generate(("phone", "chat"), weeks, end=end, seed=seed, holidays=())
    write_counts(folder / "counts.csv", truth, ("phone",))
    write_tickets(folder / "tickets.csv", truth, {"chat": {"channel": "chat"}})
    return truth
