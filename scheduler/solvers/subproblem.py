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

from collections.abc import Callable
from typing import Any

import numpy as np
from ortools.sat.python import cp_model
from scipy.sparse import csr_array

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
        self._index_cells()
        self._index_linear(proto)
        self.domains = [list(v.domain) for v in proto.variables]  # read once, as above
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

    def _index_cells(self) -> None:
        """Arrays for :meth:`freed`: each cell's (agent, day) pair, and which constraints name
        which variables (a sparse 0/1 matrix, both ways)."""
        pairs: dict[tuple[str, int], int] = {}
        self.cell_vars = np.fromiter(self.cells, dtype=np.int64, count=len(self.cells))
        self.cell_pair = np.array([pairs.setdefault(cell, len(pairs))
                                   for cell in self.cells.values()], dtype=np.int64)
        self.pairs = list(pairs)
        self.is_cell = np.zeros(self.count, dtype=bool)
        self.is_cell[self.cell_vars] = True
        rows = np.repeat(np.arange(len(self.members)), [len(m) for m in self.members])
        cols = np.fromiter((v for m in self.members for v in m), dtype=np.int64, count=len(rows))
        self.names = csr_array((np.ones(len(rows)), (rows, cols)),
                               shape=(len(self.members), self.count))
        self.named_by = self.names.T.tocsr()

    def _index_linear(self, proto: Any) -> None:
        """The terms of every linear constraint without enforcement, end to end, so that a
        sub-model's are fixed in one pass (:meth:`_linear_terms`)."""
        plain = [i for i in sorted(self.linear)
                 if not len(proto.constraints[i].enforcement_literal)]
        self.plain = np.zeros(len(self.members), dtype=bool)
        self.plain[plain] = True
        lengths = np.zeros(len(self.members), dtype=np.int64)
        lengths[plain] = [len(self.linear[i][0]) for i in plain]
        self.starts = np.concatenate([[0], np.cumsum(lengths)])
        self.lengths = lengths
        self.term_vars = np.concatenate([self.linear[i][0] for i in plain] or [np.zeros(0)]
                                        ).astype(np.int64)
        self.term_coeffs = np.concatenate([self.linear[i][1] for i in plain] or [np.zeros(0)]
                                          ).astype(np.int64)

    def _linear_terms(self, rows: np.ndarray, full: np.ndarray,
                      where: np.ndarray) -> tuple[list[int], list[int], list[int], list[int]]:
        """For linear constraints ``rows`` (without enforcement): the freed terms' sub-model
        variables and coefficients end to end, where each constraint's terms end there, and
        each constraint's constant from the kept variables (Curtois 13: 4,000 constraints a
        sub-model, 18 µs each when fixed one by one with small arrays)."""
        lengths = self.lengths[rows]
        at = np.repeat(self.starts[rows] - np.cumsum(lengths) + lengths, lengths) + \
            np.arange(int(lengths.sum()))
        variables, coeffs = self.term_vars[at], self.term_coeffs[at]
        local = where[variables]
        free = local >= 0
        row = np.repeat(np.arange(len(rows)), lengths)
        kept = np.where(free, 0, coeffs * full[variables])
        constant = np.bincount(row, weights=kept, minlength=len(rows))
        ends = np.cumsum(np.bincount(row[free], minlength=len(rows)))
        return (local[free].tolist(), coeffs[free].tolist(), ends.tolist(),
                np.rint(constant).astype(np.int64).tolist())

    def freed(self, keep: Keep) -> tuple[list[int], list[int]]:
        """The freed variables and the constraints that touch one of them.

        ``keep`` is asked once per (agent, day), not per variable, and the closure over the
        constraints is taken with the sparse matrix (Curtois 13: 58 ms of 190 per sub-model
        in Python loops, with as many calls as shift variables).
        """
        chosen = np.fromiter((keep(agent, day) for agent, day in self.pairs), dtype=bool,
                             count=len(self.pairs))
        free = np.zeros(self.count, dtype=bool)
        free[self.cell_vars[chosen[self.cell_pair]]] = True
        touched = np.zeros(len(self.members), dtype=bool)
        frontier = free
        while frontier.any():
            new = (self.names @ frontier.astype(np.float64) > 0) & ~touched
            touched |= new
            frontier = (self.named_by @ new.astype(np.float64) > 0) & ~free & ~self.is_cell
            free = free | frontier
        return np.flatnonzero(free).tolist(), np.flatnonzero(touched).tolist()

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
            variables.add().domain.extend(self.domains[v])
        variables.add().domain.extend([1, 1])
        where = np.full(self.count, -1, dtype=np.int64)
        where[index] = np.arange(len(free))
        fixed = Fixed(full, local, one, where)
        rows = np.asarray(constraints, dtype=np.int64)
        rows = rows[self.plain[rows]]
        terms, coeffs, ends, constants = self._linear_terms(rows, full, where)
        done, start = 0, 0
        for c in constraints:
            if not self.plain[c]:
                fixed.copy(proto.constraints[c], sub.proto, self.linear.get(c))
                continue
            into = sub.proto.constraints.add().linear
            end = ends[done]
            into.vars.extend(terms[start:end])
            into.coeffs.extend(coeffs[start:end])
            into.domain.extend(_shifted(self.linear[c][2], -constants[done]))
            done, start = done + 1, end
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
