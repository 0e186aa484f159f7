"""The roster model cut into one block per agent, and the rows that tie the agents together.

Column generation (:mod:`.columns`) needs, for each agent, the part of the CP-SAT model that
concerns that agent alone (contract, rest, consecutive days, weekends, time off, requests) and
the rows that link agents (coverage, fairness). The cut is read off the built model itself, so
every rule, present or future, falls on the right side without knowing about it: a variable
belongs to an agent when it is tied, through constraints, to that agent's shifts and no other
agent's; a constraint touching two agents' variables links them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from ortools.sat.python import cp_model
from scipy.sparse import csc_array

from scheduler.model import ModelContext
from scheduler.solvers.relaxation import Rows, linear_rows, objective_vector, variable_bounds

GLOBAL = -1


LITERAL_KINDS = ("bool_or", "bool_and", "at_most_one", "exactly_one")


def ref_fields(ct: Any) -> list[Any] | None:
    """The repeated fields of a constraint that hold variable references, or None for a kind
    the cut does not copy."""
    fields = [ct.enforcement_literal]
    if ct.has_linear():
        return [*fields, ct.linear.vars]
    for kind in LITERAL_KINDS:
        if getattr(ct, f"has_{kind}")():
            return [*fields, getattr(ct, kind).literals]
    if ct.has_lin_max():
        return [*fields, ct.lin_max.target.vars, *(e.vars for e in ct.lin_max.exprs)]
    return None


def _var(ref: int) -> int:
    return ref if ref >= 0 else -ref - 1


def _copy_into(sub: cp_model.CpModel, ct: Any, local: dict[int, int]) -> None:
    """Add a copy of constraint ``ct`` to ``sub``, its references renumbered by ``local``."""
    copy = sub.proto.constraints.add()
    copy.copy_from(ct)
    for field in ref_fields(copy) or []:
        for i, ref in enumerate(field):
            field[i] = local[ref] if ref >= 0 else -local[-ref - 1] - 1


class _Owners:
    """Union-find over variables; a set may carry one agent, never two."""

    def __init__(self, count: int) -> None:
        self.parent = list(range(count))
        self.agent = [GLOBAL] * count

    def find(self, var: int) -> int:
        while self.parent[var] != var:
            self.parent[var] = self.parent[self.parent[var]]
            var = self.parent[var]
        return var

    def join(self, variables: list[int]) -> bool:
        """Tie the variables together, unless that would tie two agents (then False)."""
        roots = {self.find(v) for v in variables}
        agents = {self.agent[r] for r in roots} - {GLOBAL}
        if len(agents) > 1:
            return False
        top = min(roots)
        for root in roots:
            self.parent[root] = top
        self.agent[top] = agents.pop() if agents else GLOBAL
        return True


@dataclass
class Block:
    """One agent's part of the model: its variables (full-model indices) and sub-model."""

    agent: str
    variables: np.ndarray
    model: cp_model.CpModel
    upper: np.ndarray  # largest absolute value each variable may take


@dataclass
class Cut:
    """The model cut into blocks, linking rows ``low <= rows @ values <= high`` over all
    variables (negated literals already folded into ``low``/``high``), and the objective
    ``cost @ values + offset``. Linking constraints the rows cannot express are relaxed:
    ``relaxed`` counts them."""

    blocks: list[Block]
    owner: np.ndarray
    rows: csc_array
    low: np.ndarray
    high: np.ndarray
    cost: np.ndarray
    offset: float
    var_low: np.ndarray
    var_high: np.ndarray
    relaxed: int = 0

    @property
    def global_vars(self) -> np.ndarray:
        """Variables of no agent (coverage slack, fairness extremes)."""
        return np.flatnonzero(self.owner == GLOBAL)


def cut(ctx: ModelContext) -> Cut | None:
    """The model of ``ctx`` cut into one block per agent, or None when it cannot be cut."""
    proto = ctx.model.proto
    count = len(proto.variables)
    owners = _Owners(count)
    agent_index = {a.id: i for i, a in enumerate(ctx.problem.agents)}
    for (agent, _day), var in ctx.work_days.items():
        owners.agent[var.index] = agent_index[agent]
    for (agent, _day, _), var in ctx.x.items():
        owners.agent[var.index] = agent_index[agent]
    linking: list[int] = []
    joined: list[tuple[int, int]] = []  # (constraint, one of its variables)
    for i, ct in enumerate(proto.constraints):
        fields = ref_fields(ct)
        if fields is None:
            return None
        variables = [_var(r) for field in fields for r in field]
        if variables and owners.join(variables):
            joined.append((i, variables[0]))
        elif variables:
            linking.append(i)
    owner = np.array([owners.agent[owners.find(v)] for v in range(count)])
    by_block: list[list[int]] = [[] for _ in agent_index]
    for i, first in joined:
        side = owner[first]
        (by_block[side] if side != GLOBAL else linking).append(i)
    blocks = []
    var_low, var_high = variable_bounds(proto)
    for agent, b in agent_index.items():
        mine = np.flatnonzero(owner == b)
        local = {int(v): i for i, v in enumerate(mine)}
        sub = cp_model.CpModel()
        for v in mine:
            sub.proto.variables.add().domain.extend(list(proto.variables[int(v)].domain))
        for i in by_block[b]:
            _copy_into(sub, proto.constraints[i], local)
        upper = np.maximum(np.abs(var_low[mine]), np.abs(var_high[mine]))
        blocks.append(Block(agent, mine, sub, upper))
    rows, relaxed = Rows(), 0
    for i in linking:
        ct = proto.constraints[i]
        found = [] if len(ct.enforcement_literal) else linear_rows(ct)
        relaxed += not found
        for terms, floor, ceiling in found:
            rows.add(terms, floor, ceiling)
    matrix, low, high = rows.arrays(count)
    cost, offset = objective_vector(proto)
    return Cut(blocks, owner, csc_array(matrix), low, high, cost, offset, var_low, var_high,
               relaxed)
