"""The roster model: the CP-SAT variables of a problem, their index and the shared variables.

The rules (:mod:`scheduler.constraints`) depend on this package and nothing in it depends on
them; the solver (:mod:`scheduler.solvers`) builds a model by asking every rule to encode
itself into a :class:`ModelContext`.
"""

from scheduler.model.context import Group, LinearExpr, ModelContext, Penalty

__all__ = ["Group", "LinearExpr", "ModelContext", "Penalty"]
