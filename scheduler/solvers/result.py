"""The outcome of a roster solve: the roster and a report that can summarise itself."""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict, Field

from scheduler.domain import Roster
from scheduler.evaluation import Evaluation


class SolveReport(BaseModel):
    """Status, objective, bound and gap of a solve, with the penalty of each rule.

    ``penalties`` maps rule name to its share of the objective; ``worst`` gives each rule's
    costliest findings in words; ``conflict`` explains an infeasible set of hard rules and
    ``not_found`` why no roster was found in time (model size, phases) and what to change.
    """

    model_config = ConfigDict(frozen=True)

    status: str
    objective: int | None = None
    bound: float | None = None
    gap: float | None = None
    wall_time_s: float = 0.0
    first_solution_s: float | None = None
    time_limit_s: float = 0.0
    work_limit: float = 0.0
    stopped_by: str = ""
    workers: int = 1
    seed: int = 0
    agents: int = 0
    shift_variables: int = 0
    penalties: dict[str, int] = Field(default_factory=dict)
    worst: dict[str, list[str]] = Field(default_factory=dict)
    conflict: list[str] = Field(default_factory=list)
    not_found: list[str] = Field(default_factory=list)

    @property
    def solved(self) -> bool:
        """True when a roster was found."""
        return self.status in ("OPTIMAL", "FEASIBLE")

    def summary(self) -> str:
        """A few lines a coordinator can read."""
        if self.status == "MODEL_INVALID":
            return ("No roster: the solver rejected the model built from this team folder. "
                    "That is a bug in support-scheduler's input checks (a value they let through "
                    "is out of the solver's range), not something to fix in the rules; please "
                    "report it together with the team folder.")
        if not self.solved:
            lines = [f"No roster: {self.status.lower()} after {self.wall_time_s:.1f} s."]
            lines += [f"  - {reason}" for reason in self.conflict + self.not_found]
            return "\n".join(lines)
        gap = "" if self.gap is None else f", gap {self.gap:.2%}"
        lines = [f"{self.status.lower()} roster, penalty {self.objective}{gap}, "
                 f"{self.wall_time_s:.1f} s (stopped: {self.stopped_by})"]
        for rule, penalty in sorted(self.penalties.items(), key=lambda kv: -kv[1]):
            if penalty:
                lines.append(f"  {rule}: {penalty}" + "".join(
                    f"\n    - {m}" for m in self.worst.get(rule, [])))
        return "\n".join(lines)


@dataclass(frozen=True)
class SolveResult:
    """A solved roster (or None), its report, and the rules' evaluation of it."""

    roster: Roster | None
    report: SolveReport
    evaluation: Evaluation | None = None
