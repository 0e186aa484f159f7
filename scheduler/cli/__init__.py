"""The ``scheduler`` command: parse arguments, call the scheduler package, render with Rich.

No planning logic lives here. Exit codes: 0 ok; 1 the result is not what was asked (no roster
found, a roster breaks a hard rule); 2 bad input or usage (the team folder has problems, a file
cannot be written, an unknown option).

One module per command group registers its commands with :data:`app`. The heavy modules
(CP-SAT, the loader) are imported inside the commands so that ``--help`` and ``--version``
answer at once.
"""

from scheduler.cli import (  # noqa: F401 - importing a group registers its commands
    calendars,
    forecast,
    metrics,
    operations,
    roster,
    serve,
    team,
    tickets,
    whatif,
)
from scheduler.cli.app import app

__all__ = ["app", "main"]


def main() -> None:
    """Entry point of the ``scheduler`` console script."""
    app(prog_name="scheduler")
