"""Team folder → :class:`~scheduler.domain.Problem`: every reader of the folder, the candidate
flexible shifts and the availability levels. Every input problem is reported at once."""

from scheduler.load.team import load_team, read_roster

__all__ = ["load_team", "read_roster"]
