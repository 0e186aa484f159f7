"""Where benchmark figures go: CSV rows stamped with the machine, versions and date."""

from __future__ import annotations

import csv
import os
import platform
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path


def environment() -> dict[str, object]:
    """The date, machine and library versions of this run."""
    return {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M"),
        "machine": f"{platform.machine()} {os.cpu_count()} cpu {platform.node()}",
        "python": platform.python_version(),
        "ortools": version("ortools"),
    }


def append_rows(path: Path, rows: list[dict[str, object]]) -> None:
    """Append rows to a CSV file, writing the header when the file is new; rows appended to an
    existing file follow its header (keys it lacks are left out)."""
    if not rows:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    new = not path.exists()
    if new:
        fields = list(rows[0])
        for row in rows[1:]:
            fields += [k for k in row if k not in fields]
    else:  # the file's own columns, in its order (a row's keys may come in another order)
        with path.open(newline="") as handle:
            fields = next(csv.reader(handle), [])
    with path.open("a", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields, extrasaction="ignore")
        if new:
            writer.writeheader()
        writer.writerows(rows)
