"""What compiled expressions do at run time: the operators (plain and guarded, see `expr_bounds`), the callable
functions (`expr_functions`), and the loops that run comprehensions, spending the evaluation's budget."""

from __future__ import annotations

import ast
import operator
from collections.abc import Callable, Iterator
from typing import Any, NamedTuple

from qbank.expressions.bounds import (
    BUDGET,
    COMPARE_GUARDED,
    CONTAINER_TYPES,
    Env,
    Evaluator,
    ExpressionError,
    add,
    charge,
    contains,
    modulo,
    multiply,
    not_contains,
    sized,
    subtract,
    weight,
)
from qbank.expressions.functions import FUNCTIONS

__all__ = ["FUNCTIONS", "Env", "Evaluator", "ExpressionError"]

KEYWORD_FUNCTIONS = frozenset({"sorted", "max", "min", "round", "isclose"})  # the only ones taking keywords
KEYWORDS = frozenset({"reverse", "default", "ndigits", "rel_tol", "abs_tol"})

# Operators on two operands: the plain one (for a number and a numeric constant, whose result cannot grow beyond
# what the bounds allow in one step) and the guarded one (anything else).
PLAIN: dict[type[ast.operator], Callable[[Any, Any], Any]] = {
    ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: multiply, ast.Div: operator.truediv,
    ast.FloorDiv: operator.floordiv, ast.Mod: modulo,
}  # fmt: skip
GUARDED: dict[type[ast.operator], Callable[[Any, Any], Any]] = {
    ast.Add: add, ast.Sub: subtract, ast.Mult: multiply, ast.Div: operator.truediv,
    ast.FloorDiv: operator.floordiv, ast.Mod: modulo,
}  # fmt: skip
UNARY: dict[type[ast.unaryop], Callable[[Any], Any]] = {
    ast.USub: operator.neg,
    ast.UAdd: operator.pos,
    ast.Not: operator.not_,
}
COMPARE: dict[type[ast.cmpop], Callable[[Any, Any], Any]] = {
    ast.Eq: operator.eq, ast.NotEq: operator.ne, ast.Lt: operator.lt, ast.LtE: operator.le,
    ast.Gt: operator.gt, ast.GtE: operator.ge, ast.In: contains, ast.NotIn: not_contains,
    ast.Is: operator.is_, ast.IsNot: operator.is_not,
}  # fmt: skip
COMPARE_CHECKED = {kind: COMPARE_GUARDED.get(op, op) for kind, op in COMPARE.items()}


# --- comprehensions: `for` clauses, their targets and `if` conditions, run over scopes ---

Binder = Callable[[dict[str, Any], Any], None]


class Clause(NamedTuple):
    """One compiled `for` clause: its target's name (if it is a single name) and how to bind it, its iterable,
    its `if` conditions together (None when there are none), and the steps one item costs (the syntax nodes
    evaluated per item: conditions, and the element or the next clause's iterable)."""

    name: str | None
    bind: Binder
    iterable: Evaluator
    accept: Evaluator | None
    cost: int


def _spend(items: Any, cost: int) -> None:
    """Spend the steps of one run of a clause over `items` (an iterator without a length is already paid for:
    zip and enumerate spend their arguments' items, generators their own steps)."""
    if type(items) in CONTAINER_TYPES:
        left = BUDGET[0] - len(items) * cost
        BUDGET[0] = left
        if left < 0:
            charge(0)


def collect(clauses: tuple[Clause, ...], outer: Env, element: Evaluator, add: Callable[[Any], None]) -> None:
    """Run the `for` clauses over `outer` (the enclosing scope) and add each accepted element."""
    name, bind, iterable, accept, cost = clauses[0]
    items = iterable(outer)
    _spend(items, cost)
    if len(clauses) == 1:  # innermost clause: one scope, rebound item by item
        inner = dict(outer)
        for item in items:
            if name is None:
                bind(inner, item)
            else:
                inner[name] = item
            if accept is None or accept(inner):
                add(element(inner))
        return
    for item in items:
        inner = dict(outer)
        bind(inner, item)
        if accept is None or accept(inner):
            collect(clauses[1:], inner, element, add)


def generate(clauses: tuple[Clause, ...], outer: Env, element: Evaluator, first: Any) -> Iterator[Any]:
    """The items of a generator expression, lazily (Python evaluates the first iterable, `first`, at once)."""
    _spend(first, clauses[0].cost)
    return _generated(clauses, dict(outer), element, first)


def _generated(clauses: tuple[Clause, ...], inner: dict[str, Any], element: Evaluator, first: Any) -> Iterator[Any]:
    """The loop of `generate` over the scope `inner` (a copy of the enclosing one, rebound item by item)."""
    name, bind, _, accept, _ = clauses[0]
    for item in first:
        if name is None:
            bind(inner, item)
        else:
            inner[name] = item
        if accept is None or accept(inner):
            if len(clauses) == 1:
                yield element(inner)
            else:
                yield from generate(clauses[1:], inner, element, clauses[1].iterable(inner))


def hashing_add(result: set[Any]) -> Callable[[Any], None]:
    """`result.add`, charging the budget for hashing a tuple item (hashing visits every item, every time)."""

    def add_item(item: Any) -> None:
        if type(item) is tuple:
            charge(weight(item))
        result.add(item)

    return add_item


def finished(result: Any) -> Any:
    """A comprehension's result, size-checked."""
    if type(result) in CONTAINER_TYPES:
        sized(result)
    return result


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
