"""The bank author's API: register solvers, figures, parameter functions and misconceptions.

`from qbank.registry import solver`: a stable public name for `qbank.spec.registry`, which bank modules and their
tests import.
"""

from qbank.spec.registry import Params, Solution, figure, misconception, param_function, solver

__all__ = ["Params", "Solution", "figure", "misconception", "param_function", "solver"]
