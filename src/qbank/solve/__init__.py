"""Solve: a question's registered solver run on its drawn parameters; hands on a `Variant` (parameters, answers
and worked steps) per question (`make_variant`, raising `SolverError`)."""

from qbank.solve.variant import SolverError, Variant, make_variant

__all__ = ["SolverError", "Variant", "make_variant"]
