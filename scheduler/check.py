"""Check a roster with every rule's plain-Python ``evaluate()`` (no solver involved)."""

from __future__ import annotations

from scheduler.constraints import RULES
from scheduler.domain import Problem, Roster
from scheduler.evaluation import Evaluation


def check(problem: Problem, roster: Roster) -> Evaluation:
    """Evaluate a roster against every active rule of the problem.

    Parameters
    ----------
    problem
        The team's problem (rules, requirements, time off, ...).
    roster
        Any roster: solved, or edited by hand.

    Returns
    -------
    Evaluation
        Hard violations and soft penalties, each in words.
    """
    found = []
    for rule in RULES:
        if rule.active(problem):
            found += rule.evaluate(roster, problem)
    return Evaluation(tuple(found))
