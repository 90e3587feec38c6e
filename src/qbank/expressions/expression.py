"""A safe expression language for constraints and derived parameters.

Expressions are parsed with `ast` and compiled into nested Python closures, the reference evaluator; the
source is never `eval`ed. Only literals, parameter names, arithmetic, comparisons, boolean logic, conditional
expressions, indexing, slicing, displays, comprehensions and a fixed set of functions are allowed. Attribute
access is refused, so no object internals are reachable.

The compiler lives in `expr_compiler`; the operators and comprehension loops compiled expressions use at run time
in `expr_runtime`, the functions they may call in `expr_functions`, and the bounds on their work and on the size
of what they build in `expr_bounds`; this module is the public face.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from typing import Any

from qbank.expressions.bounds import budgeted
from qbank.expressions.compiler import Compiler
from qbank.expressions.runtime import FUNCTIONS, Env, Evaluator, ExpressionError

__all__ = [
    "FUNCTIONS",
    "Env",
    "Evaluator",
    "Expression",
    "ExpressionError",
    "compile_expression",
]


@dataclass(frozen=True)
class Expression:
    """A compiled expression: its source, the parameter names it reads, and its evaluator.

    `evaluate` reports a name missing from the environment as unknown. Calling the expression runs `settle`:
    every caller (derived parameters, constraints) calls it and catches ExpressionError.
    """

    source: str
    names: frozenset[str]
    evaluate: Evaluator

    def __call__(self, env: Env) -> Any:
        """Evaluate against `env`; raise ExpressionError on any failure."""
        return self.settle(env)

    def settle(self, env: Env) -> Any:
        """The reference evaluation (checked name reads): the value, or ExpressionError for any failure."""
        try:
            return self.evaluate(env)
        except ExpressionError:
            raise
        except Exception as exc:
            raise ExpressionError(f"{type(exc).__name__}: {exc}") from None


def compile_expression(source: str) -> Expression:
    """Parse and compile `source`; raise ExpressionError if it is malformed or not allowed."""
    if not isinstance(source, str) or not source.strip():
        raise ExpressionError("expression must be a non-empty string")
    try:
        tree = ast.parse(source.strip(), mode="eval")
    except SyntaxError as exc:
        raise ExpressionError(f"syntax error at column {exc.offset}: {exc.msg}") from None
    compiler = Compiler()
    evaluate = budgeted(compiler.compile(tree.body, frozenset()))
    return Expression(source, frozenset(compiler.free_names), evaluate)
