"""Neighbourhood sub-models whose size follows the neighbourhood, not the team.

:func:`.cpsat.fixed_model` copies the whole model and fixes the shifts a neighbourhood keeps;
CP-SAT's presolve then spends its time on the fixed part. On a large team that is all of a
step's work: Curtois 13 (120 agents, 28 days, 18 shift types: 65,000 variables) found no roster
at all in a quarter of a deterministic second per neighbourhood. Here a neighbourhood's model
holds only the constraints that touch a freed variable, with every other variable they name
fixed at its value in the current roster, and the objective's other terms folded into its
offset, so its objective is the whole roster's penalty. Every variable starts at its current
value (a full hint), so the current roster is the sub-model's first solution.

A variable is freed when it is a freed shift (or its agent's work flag on a freed day), or
when it is not a shift variable and shares a constraint with a freed variable (a day's
coverage shortfall, a weekend flag, a penalty): the closure is taken over constraints.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import Any

import numpy as np
from ortools.sat.python import cp_model

from scheduler.model import ModelContext
from scheduler.solvers.blocks import LITERAL_KINDS, ref_fields

Keep = Callable[[str, int], bool]


def _variables(ct: Any) -> list[int] | None:
    fields = ref_fields(ct)
    if fields is None:
        return None
    return sorted({r if r >= 0 else -r - 1 for field in fields for r in field})


class Splitter:
    """The model's constraints indexed by variable, built once per solve.

    ``usable`` is False when some constraint is of a kind this module cannot read; callers
    then use :func:`.cpsat.fixed_model`.
    """

    def __init__(self, ctx: ModelContext) -> None:
        proto = ctx.model.proto
        self.ctx = ctx
        self.count = len(proto.variables)
        self.cells: dict[int, tuple[str, int]] = {}  # shift or work variable → (agent, day)
        for (agent, day, _), var in ctx.x.items():
            self.cells[var.index] = (agent, day)
        for (agent, day), var in ctx.work_days.items():
            self.cells[var.index] = (agent, day)
        self.members: list[list[int]] = []
        self.touching: dict[int, list[int]] = defaultdict(list)
        # linear constraints' terms, read once: reading a proto's fields crosses into C++
        # element by element (Curtois 12: 13 s of Python per neighbourhood when re-read)
        self.linear: dict[int, tuple[np.ndarray, np.ndarray, list[int]]] = {}
        self.usable = True
        for i, ct in enumerate(proto.constraints):
            found = _variables(ct)
            if found is None:
                self.usable = False
                return
            if ct.has_linear():
                self.linear[i] = (np.array(ct.linear.vars, dtype=np.int64),
                                  np.array(ct.linear.coeffs, dtype=np.int64),
                                  list(ct.linear.domain))
            self.members.append(found)
            for ref in found:
                self.touching[ref].append(i)
        objective = proto.objective
        self.scale = objective.scaling_factor or 1.0
        self.offset = float(objective.offset)
        self.cost = np.zeros(self.count)
        for ref, coef in zip(objective.vars, objective.coeffs, strict=True):
            self.cost[ref if ref >= 0 else -ref - 1] += coef if ref >= 0 else -coef
            if ref < 0:  # "not x" is 1 - x
                self.offset += coef

    def value(self, full: np.ndarray) -> float:
        """The objective of a full assignment."""
        return self.scale * (float(self.cost @ full) + self.offset)

    def freed(self, keep: Keep) -> tuple[list[int], list[int]]:
        """The freed variables and the constraints that touch one of them."""
        free = {v for v, (agent, day) in self.cells.items() if keep(agent, day)}
        queue = list(free)
        constraints: set[int] = set()
        while queue:
            var = queue.pop()
            for c in self.touching.get(var, ()):
                if c in constraints:
                    continue
                constraints.add(c)
                for other in self.members[c]:
                    if other not in free and other not in self.cells:
                        free.add(other)
                        queue.append(other)
        return sorted(free), sorted(constraints)

    def sub_model(self, full: np.ndarray, keep: Keep) -> tuple[cp_model.CpModel, np.ndarray]:
        """The neighbourhood's model, and the full-model index of each of its variables."""
        proto = self.ctx.model.proto
        free, constraints = self.freed(keep)
        index = np.asarray(free, dtype=np.int64)
        sub = cp_model.CpModel()
        one = len(free)  # a constant 1 stands for every kept literal that is fixed true
        local = {v: i for i, v in enumerate(free)}
        variables = sub.proto.variables
        for v in free:
            variables.add().domain.extend(list(proto.variables[v].domain))
        variables.add().domain.extend([1, 1])
        where = np.full(self.count, -1, dtype=np.int64)
        where[index] = np.arange(len(free))
        fixed = Fixed(full, local, one, where)
        for c in constraints:
            fixed.copy(proto.constraints[c], sub.proto, self.linear.get(c))
        outside = np.ones(self.count, dtype=bool)
        outside[index] = False
        objective = sub.proto.objective
        cost = self.cost[index]
        used = np.flatnonzero(cost)
        objective.vars.extend(used.tolist())
        objective.coeffs.extend(cost[used].astype(np.int64).tolist())
        objective.offset = self.offset + float(self.cost[outside] @ full[outside])
        objective.scaling_factor = self.scale
        sub.proto.solution_hint.vars.extend(range(len(free) + 1))
        sub.proto.solution_hint.values.extend([*full[index].astype(np.int64).tolist(), 1])
        return sub, index


INT_MAX, INT_MIN = (1 << 63) - 1, -(1 << 63)


def _shifted(domain: list[int], by: int) -> list[int]:
    """An interval list moved by ``by`` (its infinite ends stay infinite)."""
    return [d if d in (INT_MAX, INT_MIN) else d + by for d in domain]


class Fixed:
    """Copies constraints into a sub-model with the kept variables replaced by their values."""

    def __init__(self, full: np.ndarray, local: dict[int, int], one: int,
                 where: np.ndarray) -> None:
        self.full, self.local, self.one, self.where = full, local, one, where

    def literal(self, ref: int) -> int | bool:
        """The sub-model's reference of a literal, or its value when its variable is kept."""
        var = ref if ref >= 0 else -ref - 1
        where = self.local.get(var)
        if where is None:
            value = bool(self.full[var])
            return value if ref >= 0 else not value
        return where if ref >= 0 else -where - 1

    def copy(self, ct: Any, into: Any,
             linear: tuple[np.ndarray, np.ndarray, list[int]] | None = None) -> None:
        """Add ``ct`` to the proto ``into`` unless the kept values already satisfy it;
        ``linear`` holds its terms and domain when it is linear (read once, see Splitter)."""
        enforcement = [self.literal(r) for r in ct.enforcement_literal]
        if any(e is False for e in enforcement):
            return  # not enforced by the kept values
        copy = into.constraints.add()
        copy.enforcement_literal.extend([e for e in enforcement if not isinstance(e, bool)])
        if linear is not None:
            self._linear(*linear, copy.linear)
        elif ct.has_lin_max():
            self._expression(ct.lin_max.target, copy.lin_max.target)
            for expr in ct.lin_max.exprs:
                self._expression(expr, copy.lin_max.exprs.add())
        else:
            self._literals(ct, copy)

    def _linear(self, variables: np.ndarray, coeffs: np.ndarray, domain: list[int],
                into: Any) -> None:
        local = self.where[variables]
        free = local >= 0
        constant = int(coeffs[~free] @ self.full[variables[~free]])
        into.vars.extend(local[free].tolist())
        into.coeffs.extend(coeffs[free].tolist())
        into.domain.extend(_shifted(domain, -constant))

    def _expression(self, expr: Any, into: Any) -> None:
        offset = expr.offset
        for var, coef in zip(expr.vars, expr.coeffs, strict=True):
            where = self.local.get(var)
            if where is None:
                offset += coef * int(self.full[var])
            else:
                into.vars.append(where)
                into.coeffs.append(coef)
        into.offset = offset

    def _literals(self, ct: Any, copy: Any) -> None:
        for kind in LITERAL_KINDS:
            if getattr(ct, f"has_{kind}")():
                refs = [self.literal(r) for r in getattr(ct, kind).literals]
                kept = [r for r in refs if not isinstance(r, bool)]
                kept += [self.one for r in refs if r is True]
                if kind == "bool_and" and any(r is False for r in refs):
                    kept.append(-self.one - 1)  # "not 1": the constraint fails, as it should
                if not kept:  # every literal false: only "or" and "exactly one" then fail
                    kept = [-self.one - 1 if kind in ("bool_or", "exactly_one") else self.one]
                getattr(copy, kind).literals.extend(kept)
                return


def full_values(ctx: ModelContext, shifts: dict[int, bool]) -> np.ndarray | None:
    """Every variable's value in the roster given by its shifts (penalties at their least), or
    None when the roster breaks the model."""
    from scheduler.solvers.cpsat import fixed_model, one_thread

    fixed = fixed_model(ctx, shifts, lambda agent, day: False)
    solver = one_thread(seconds=120)
    if solver.solve(fixed) not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    return np.array(solver.response_proto.solution, dtype=np.int64)
