"""The bank author's API: register solvers, figures and parameter functions (`from qbank.registry import solver`).

A stable public name for `qbank.spec.registry`, which bank modules and their tests import.
"""

from qbank.spec.registry import Params, Solution, figure, param_function, solver

__all__ = ["Params", "Solution", "figure", "param_function", "solver"]
