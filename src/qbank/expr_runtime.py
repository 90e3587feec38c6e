"""What compiled expressions do at run time: the callable functions, the operators, the guards that keep a
hostile expression from hanging the process or exhausting memory, and the loops that run comprehensions."""

from __future__ import annotations

import ast
import math
import operator
from collections.abc import Callable, Mapping
from typing import Any, NamedTuple

Env = Mapping[str, Any]
Evaluator = Callable[[Env], Any]

MAX_POWER_EXPONENT = 512
MAX_SEQUENCE = 100_000

FUNCTIONS: dict[str, Callable[..., Any]] = {
    "abs": abs, "all": all, "any": any, "ceil": math.ceil, "enumerate": enumerate, "exp": math.exp,
    "float": float, "floor": math.floor, "int": int, "isclose": math.isclose, "len": len, "list": list,
    "log": math.log, "log2": math.log2, "log10": math.log10, "max": max, "min": min, "prod": math.prod,
    "range": range, "round": round, "set": set, "sorted": sorted, "sqrt": math.sqrt, "sum": sum,
    "tuple": tuple, "zip": zip,
}  # fmt: skip
KEYWORD_FUNCTIONS = frozenset({"sorted", "max", "min", "round", "isclose"})  # the only ones taking keywords
KEYWORDS = frozenset({"reverse", "default", "ndigits", "rel_tol", "abs_tol"})

BINARY: dict[type[ast.operator], Callable[[Any, Any], Any]] = {
    ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv,
    ast.FloorDiv: operator.floordiv, ast.Mod: operator.mod,
}  # fmt: skip
UNARY: dict[type[ast.unaryop], Callable[[Any], Any]] = {
    ast.USub: operator.neg,
    ast.UAdd: operator.pos,
    ast.Not: operator.not_,
}
COMPARE: dict[type[ast.cmpop], Callable[[Any, Any], Any]] = {
    ast.Eq: operator.eq, ast.NotEq: operator.ne, ast.Lt: operator.lt, ast.LtE: operator.le,
    ast.Gt: operator.gt, ast.GtE: operator.ge, ast.In: lambda a, b: a in b,
    ast.NotIn: lambda a, b: a not in b, ast.Is: operator.is_, ast.IsNot: operator.is_not,
}  # fmt: skip

NUMBER_TYPES = frozenset({int, float, bool})  # multiplied without the repetition guard


class ExpressionError(ValueError):
    """An expression that is malformed, uses something not allowed, or fails when evaluated."""


def power(base: Any, exponent: Any) -> Any:
    """Raise to a power, refusing exponents large enough to hang the process."""
    if isinstance(exponent, int | float) and abs(exponent) > MAX_POWER_EXPONENT:
        raise ExpressionError(f"exponent {exponent} is too large")
    return operator.pow(base, exponent)


def multiplication(left: Evaluator, right: Evaluator) -> Evaluator:
    """An evaluator of `left * right` (numbers multiplied directly, sequence repetition guarded)."""

    def multiply(env: Env) -> Any:
        a, b = left(env), right(env)
        if type(a) in NUMBER_TYPES and type(b) in NUMBER_TYPES:
            return a * b
        return guarded_multiply(a, b)

    return multiply


def guarded_multiply(a: Any, b: Any) -> Any:
    """`a * b`, refusing to repeat a sequence into a huge object."""
    for seq, count in ((a, b), (b, a)):
        if isinstance(seq, str | list | tuple) and isinstance(count, int) and len(seq) * count > MAX_SEQUENCE:
            raise ExpressionError("sequence repetition is too large")
    return a * b


def safe_range(*args: int) -> range:
    """`range` limited in length."""
    result = range(*args)
    if len(result) > MAX_SEQUENCE:
        raise ExpressionError("range is too long")
    return result


# --- comprehensions: `for` clauses, their targets and `if` conditions, run over scopes ---

Binder = Callable[[dict[str, Any], Any], None]


class Clause(NamedTuple):
    """One compiled `for` clause: its target's name (if it is a single name) and how to bind it, its iterable,
    and its `if` conditions together (None when there are none)."""

    name: str | None
    bind: Binder
    iterable: Evaluator
    accept: Evaluator | None


def collect(clauses: tuple[Clause, ...], outer: Env, element: Evaluator, add: Callable[[Any], None]) -> None:
    """Run the `for` clauses over `outer` (the enclosing scope) and add each accepted element."""
    name, bind, iterable, accept = clauses[0]
    if len(clauses) == 1:  # innermost clause: one scope, rebound item by item
        inner = dict(outer)
        for item in iterable(outer):
            if name is None:
                bind(inner, item)
            else:
                inner[name] = item
            if accept is None or accept(inner):
                add(element(inner))
        return
    for item in iterable(outer):
        inner = dict(outer)
        bind(inner, item)
        if accept is None or accept(inner):
            collect(clauses[1:], inner, element, add)


def all_of(conditions: list[Evaluator]) -> Evaluator | None:
    """An evaluator that is true when every condition is, or None when there are no conditions."""
    if not conditions:
        return None
    if len(conditions) == 1:
        return conditions[0]
    return lambda env: all(c(env) for c in conditions)


def target_names(target: ast.AST) -> list[str]:
    """Names bound by a comprehension target (a name or a tuple of names)."""
    if isinstance(target, ast.Name):
        return [target.id]
    if isinstance(target, ast.Tuple):
        return [name for elt in target.elts for name in target_names(elt)]
    raise ExpressionError("comprehension targets must be names or tuples of names")


def binder(target: ast.AST) -> Binder:
    """A function assigning a value to a comprehension target (a name or nested tuples of names) in a scope."""
    if isinstance(target, ast.Name):
        name = target.id

        def bind_name(scope: dict[str, Any], value: Any) -> None:
            scope[name] = value

        return bind_name
    elts = target.elts  # type: ignore[attr-defined]
    if len(elts) == 2 and all(isinstance(elt, ast.Name) for elt in elts):  # the usual `i, w`: one assignment
        first, second = (elt.id for elt in elts)

        def bind_pair(scope: dict[str, Any], value: Any) -> None:
            values = value if type(value) is tuple else list(value)
            if len(values) != 2:
                raise ExpressionError(f"cannot unpack {len(values)} values into 2 names")
            scope[first], scope[second] = values

        return bind_pair
    parts = [binder(elt) for elt in elts]

    def bind_tuple(scope: dict[str, Any], value: Any) -> None:
        values = value if type(value) is tuple else list(value)
        if len(values) != len(parts):
            raise ExpressionError(f"cannot unpack {len(values)} values into {len(parts)} names")
        for bind, item in zip(parts, values, strict=True):
            bind(scope, item)

    return bind_tuple
