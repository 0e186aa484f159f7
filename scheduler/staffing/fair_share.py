"""Each agent's fair share of hours this horizon (fair_share rule's target, balance included)."""

from __future__ import annotations

from scheduler.domain import Agent, Problem
from scheduler.load.levels import Levels
from scheduler.staffing.needs import coverage_frame


def needed_minutes(problem: Problem) -> int:
    """Agent-minutes the coverage rows ask for at least (summed over intervals and queues)."""
    frame = coverage_frame(problem)
    return int(frame["agents"].sum()) * problem.interval_minutes


def fair_targets(problem: Problem) -> dict[str, int]:
    """Each agent's target minutes this horizon, balance from earlier weeks included.

    ``fair_share.target`` picks the source: ``contract`` (the contract's maximum, else its
    minimum), ``availability`` (the needed agent-minutes shared in proportion to each agent's
    available intervals) or ``weight`` (shared in proportion to agents.csv ``share_weight``).
    A positive balance (hours owed) raises the target, a negative one lowers it; never below 0.
    """
    settings = problem.rules.fair_share
    balance = {b.agent: b.minutes for b in problem.balance}
    base = _base_targets(problem, settings.target)
    return {a.id: max(0, base[a.id] + balance.get(a.id, 0)) for a in problem.agents}


def _base_targets(problem: Problem, source: str) -> dict[str, int]:
    if source == "contract":
        return {a.id: _contract_minutes(a, problem.days) for a in problem.agents}
    if source == "availability":
        levels = Levels(problem)
        shares = {a.id: float(levels.available_intervals(a.id)) for a in problem.agents}
    else:
        shares = {a.id: a.share_weight for a in problem.agents}
    total, needed = sum(shares.values()), needed_minutes(problem)
    if total <= 0:
        return {a.id: 0 for a in problem.agents}
    grain = problem.interval_minutes
    return {agent: round(needed * share / total / grain) * grain
            for agent, share in shares.items()}


def _contract_minutes(agent: Agent, days: int) -> int:
    contract = agent.contract
    minutes = contract.max_minutes if contract.max_minutes is not None else contract.min_minutes
    return minutes * days // 7 if contract.period == "week" else minutes
