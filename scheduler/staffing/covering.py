"""The covering plan: which queue each agent on duty serves in each interval.

An agent on duty serves one queue at a time. Given the agents on duty in an interval (grouped
by skill profile) and the agents each queue needs, a small min-cost flow serves as much need as
possible, the queues of higher priority first. The coverage rule's ``evaluate`` counts the
need it leaves short; the exports, the calendars, the KPIs and the report read the same plan.
This module is plain Python and pandas plus OR-Tools' graph library (loaded on first use);
it never loads CP-SAT.
"""

from __future__ import annotations

from collections import defaultdict

import pandas as pd

from scheduler.domain import Problem, Roster

PLAN_COLUMNS = ("agent", "interval", "queue")

Need = dict[int, dict[str, int]]


def need_table(problem: Problem, requirements: pd.DataFrame) -> Need:
    """interval → queue → agents required (only positive needs inside the horizon).

    Parameters
    ----------
    problem
        The team's problem (for the horizon).
    requirements
        The staffing stage's frame (``interval``, ``queue``, ``agents``).
    """
    found: Need = defaultdict(dict)
    if "source" in requirements.columns:  # coverage.csv's headcounts: the headcount rule's
        requirements = requirements[requirements["source"] == "forecast"]
    if requirements.empty:
        return found
    inside = requirements["interval"].between(0, problem.clock.n_intervals - 1)
    needed = requirements[(requirements["agents"] > 0) & inside]
    for interval, queue, agents in zip(needed["interval"], needed["queue"], needed["agents"],
                                       strict=True):
        found[int(interval)][str(queue)] = int(agents)
    return found


def served(need: dict[str, int], on_duty: dict[frozenset[str], int],
           priority: dict[str, int]) -> dict[tuple[frozenset[str], str], int]:
    """Agents of each skill profile serving each queue, covering the most weighted need."""
    from ortools.graph.python import min_cost_flow  # the graph library only, not CP-SAT

    flow = min_cost_flow.SimpleMinCostFlow()
    profiles = sorted(on_duty, key=sorted)
    queues = sorted(need)
    source, sink = 0, 1 + len(profiles) + len(queues)
    arcs = {}
    for i, profile in enumerate(profiles, start=1):
        flow.add_arc_with_capacity_and_unit_cost(source, i, on_duty[profile], 0)
        for j, queue in enumerate(queues, start=1 + len(profiles)):
            if queue in profile:
                arcs[profile, queue] = flow.add_arc_with_capacity_and_unit_cost(
                    i, j, need[queue], 0)
    for j, queue in enumerate(queues, start=1 + len(profiles)):
        flow.add_arc_with_capacity_and_unit_cost(j, sink, need[queue], -priority[queue])
    # Supplies bound the flow: all agents on duty may leave the source, all need may reach
    # the sink; the solver then finds the largest flow and, among those, the cheapest.
    flow.set_node_supply(source, sum(on_duty.values()))
    flow.set_node_supply(sink, -sum(need.values()))
    flow.solve_max_flow_with_min_cost()
    return {key: flow.flow(arc) for key, arc in arcs.items() if flow.flow(arc)}


def served_keeping(need: dict[str, int], on_duty: dict[tuple[frozenset[str], str], int],
                   priority: dict[str, int]) -> dict[tuple[tuple[frozenset[str], str], str], int]:
    """Like :func:`served`, with agents grouped by (skill profile, queue served before): as
    much weighted need is served as by :func:`served`, and among the ways to serve it, the
    most agents stay on the queue they served before."""
    from ortools.graph.python import min_cost_flow

    flow = min_cost_flow.SimpleMinCostFlow()
    groups = sorted(on_duty, key=lambda g: (sorted(g[0]), g[1]))
    queues = sorted(need)
    scale = sum(on_duty.values()) + 1  # keeping an agent never outweighs one agent of need
    source, sink = 0, 1 + len(groups) + len(queues)
    arcs = {}
    for i, group in enumerate(groups, start=1):
        flow.add_arc_with_capacity_and_unit_cost(source, i, on_duty[group], 0)
        for j, queue in enumerate(queues, start=1 + len(groups)):
            if queue in group[0]:
                arcs[group, queue] = flow.add_arc_with_capacity_and_unit_cost(
                    i, j, need[queue], -int(queue == group[1]))
    for j, queue in enumerate(queues, start=1 + len(groups)):
        flow.add_arc_with_capacity_and_unit_cost(j, sink, need[queue], -priority[queue] * scale)
    flow.set_node_supply(source, sum(on_duty.values()))
    flow.set_node_supply(sink, -sum(need.values()))
    flow.solve_max_flow_with_min_cost()
    return {key: flow.flow(arc) for key, arc in arcs.items() if flow.flow(arc)}


def on_duty(problem: Problem, roster: Roster) -> dict[int, dict[frozenset[str], list[str]]]:
    """interval → skill profile → the agents on duty (by id)."""
    found: dict[int, dict[frozenset[str], list[str]]] = defaultdict(lambda: defaultdict(list))
    for shift in sorted(roster.shifts, key=lambda s: s.agent):
        agent = problem.agent_index[shift.agent]
        for interval in problem.covered_intervals(problem.shift_span(shift)):
            found[interval][frozenset(agent.skills)].append(agent.id)
    return found


def empty_plan() -> pd.DataFrame:
    """A plan with no rows and the usual columns."""
    return pd.DataFrame({c: pd.Series(dtype="object") for c in PLAN_COLUMNS})


def covering_plan(problem: Problem, requirements: pd.DataFrame, roster: Roster,
                  previous: pd.DataFrame | None = None) -> pd.DataFrame:
    """Which queue each on-duty agent serves per interval.

    Parameters
    ----------
    problem
        The team's problem.
    requirements
        The staffing stage's frame (``interval``, ``queue``, ``agents``).
    roster
        Any roster of the problem.
    previous
        The plan agents were told before (default: the plan of the published roster,
        ``problem.reference``, when there is one). Wherever the need can still be met as
        well, every agent keeps the queue they served then, so a re-plan changes an agent's
        queue segments only where it must.

    Returns
    -------
    pandas.DataFrame
        Columns ``agent``, ``interval``, ``queue``, one row per agent and interval on duty.
        Agents the need does not use serve their first skill (or no queue, shown as empty);
        with a previous plan, the queue they served then when they still can.
    """
    if not problem.queues or not roster.shifts:
        return empty_plan()
    if previous is None and problem.reference and set(problem.reference) != set(roster.shifts):
        previous = covering_plan(problem, requirements, Roster(shifts=problem.reference),
                                 empty_plan())
    if previous is not None and not previous.empty:
        return _stable_plan(problem, requirements, roster, previous)
    need = need_table(problem, requirements)
    priority = {q.id: q.priority for q in problem.queues}
    members = on_duty(problem, roster)
    rows = []
    for interval in sorted(members):
        groups = members[interval]
        counts = {p: len(a) for p, a in groups.items()}
        chosen = served(need.get(interval, {}), counts, priority)
        for profile, agents in groups.items():
            queue_of = [q for (p, q), n in sorted(chosen.items(), key=lambda kv: kv[0][1])
                        if p == profile for _ in range(n)]
            spare = problem.agent_index[agents[0]].skills[:1] or ("",)
            for i, agent_id in enumerate(agents):
                queue = queue_of[i] if i < len(queue_of) else spare[0]
                rows.append((agent_id, interval, queue))
    return pd.DataFrame(rows, columns=list(PLAN_COLUMNS))


def _stable_plan(problem: Problem, requirements: pd.DataFrame, roster: Roster,
                 previous: pd.DataFrame) -> pd.DataFrame:
    """The covering plan keeping each agent on the queue of ``previous`` where it can."""
    before = {(str(a), int(i)): q if isinstance(q, str) else ""
              for a, i, q in previous[list(PLAN_COLUMNS)].itertuples(index=False)}
    need = need_table(problem, requirements)
    priority = {q.id: q.priority for q in problem.queues}
    rows = []
    for interval, groups in sorted(on_duty(problem, roster).items()):
        kept: dict[tuple[frozenset[str], str], list[str]] = defaultdict(list)
        for profile, agents in groups.items():
            for agent_id in agents:
                queue = before.get((agent_id, interval), "")
                kept[profile, queue if queue in profile else ""].append(agent_id)
        chosen = served_keeping(need.get(interval, {}), {g: len(a) for g, a in kept.items()},
                                priority)
        for group, agents in kept.items():
            queue_of = [q for (g, q), n in sorted(chosen.items(), key=lambda kv: (
                kv[0][1] != group[1], kv[0][1])) if g == group for _ in range(n)]
            skills = problem.agent_index[agents[0]].skills
            spare = group[1] or (skills[0] if skills else "")
            for i, agent_id in enumerate(agents):
                rows.append((agent_id, interval, queue_of[i] if i < len(queue_of) else spare))
    return pd.DataFrame(rows, columns=list(PLAN_COLUMNS))
