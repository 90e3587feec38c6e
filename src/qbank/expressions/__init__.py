"""Expressions: the safe expression language of constraints and derived parameters; hands on compiled
`Expression`s (`compile_expression`, raising `ExpressionError`)."""

from qbank.expressions.expression import Expression, ExpressionError, compile_expression

__all__ = ["Expression", "ExpressionError", "compile_expression"]
