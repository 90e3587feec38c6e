"""The expression language agrees with Python: on generated expressions the evaluation (`Expression.settle`)
agrees with Python's own `eval` of the same text — the same value of the same type, or an error on both sides."""

from __future__ import annotations

import builtins
import math
import warnings
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qbank.expressions.expression import ExpressionError, compile_expression

DIFFERENTIAL = settings(
    max_examples=400, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True, database=None
)
ENV = {"a": 3, "b": 0, "c": -2, "f": 0.5, "t": True, "xs": [1, 0, 3], "ys": (2, -1), "s": "ab", "e": []}
PYTHON_NAMES: dict[str, Any] = {name: getattr(builtins, name) for name in (
    "abs", "all", "any", "enumerate", "float", "int", "len", "list", "max", "min", "range", "round", "set",
    "sorted", "sum", "tuple", "zip")}  # fmt: skip
PYTHON_NAMES.update({name: getattr(math, name) for name in (
    "ceil", "exp", "floor", "isclose", "log", "log2", "log10", "prod", "sqrt")})  # fmt: skip
NO_VALUE = object()  # the outcome of an evaluation that raised
REFUSED = object()  # the outcome of an evaluation refused by a documented bound or rule (Python gives a value)
REFUSALS = ("(limits.", "is not allowed", "is a complex number")

leaves = st.sampled_from(["0", "1", "2", "-1", "7", "0.5", "2.0", "True", "False", "None", "'ab'", "''", "[]",
                          "a", "b", "c", "f", "t", "xs", "ys", "s", "e", "i"])  # fmt: skip


FORMS = [  # (template, number of sub-expressions)
    ("({} + {})", 2), ("({} - {})", 2), ("({} * {})", 2), ("({} / {})", 2), ("({} // {})", 2), ("({} % {})", 2),
    ("({} ** {})", 2), ("({} < {})", 2), ("({} <= {})", 2), ("({} == {})", 2), ("({} != {})", 2), ("({} > {})", 2),
    ("({} in {})", 2), ("({} not in {})", 2), ("({} < {} <= {})", 3), ("({} == {} != {})", 3),
    ("({} > {} in {})", 3), ("({} and {})", 2), ("({} or {})", 2), ("({} and {} or {})", 3),
    ("({} or {} or {})", 3), ("({} and {} and {})", 3), ("(not {})", 1), ("(-{})", 1),
    ("({} if {} else {})", 3), ("[{}, {}]", 2), ("({},)", 1), ("{}[{}]", 2), ("{}[{}:{}]", 3), ("len({})", 1),
    ("abs({})", 1), ("sum({})", 1), ("max({})", 1), ("min({})", 1), ("sorted({})", 1), ("any({})", 1),
    ("all({})", 1), ("list({})", 1), ("tuple({})", 1), ("set({})", 1), ("int({})", 1), ("float({})", 1),
    ("round({})", 1), ("range({})", 1), ("prod({})", 1), ("enumerate({})", 1), ("max({}, {})", 2),
    ("zip({}, {})", 2), ("[{} for i in {}]", 2), ("[{} for i in {} if {}]", 3), ("{{{} for i in {}}}", 2),
    ("sum({} for i in {})", 2), ("any({} for i in {})", 2), ("all({} for i in {})", 2),
]  # fmt: skip


def _extend(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    """Compound expressions over `inner`: operators, logic, conditionals, displays, calls, comprehensions."""
    return st.sampled_from(FORMS).flatmap(
        lambda form: st.tuples(*[inner] * form[1]).map(lambda parts: form[0].format(*parts))
    )


expressions = st.recursive(leaves, _extend, max_leaves=7)


def outcome(evaluate: Any, env: dict[str, Any]) -> Any:
    """The value of an evaluation (iterators such as zip read out as lists), REFUSED if a bound or a rule of the
    language refused it, or NO_VALUE if it raised anything else."""
    try:
        return readable(evaluate(env))
    except ExpressionError as exc:
        return REFUSED if any(word in str(exc) for word in REFUSALS) else NO_VALUE
    except Exception:
        return NO_VALUE


def readable(value: Any) -> Any:
    """`value` with every iterator in it (zip, enumerate, generator, range) read out as (kind, list of items)."""
    kind = type(value).__name__
    if kind in ("zip", "enumerate", "generator", "range"):
        return kind, [readable(item) for item in value]
    if isinstance(value, list | tuple):
        return type(value)(readable(item) for item in value)
    return value


def same(left: Any, right: Any) -> bool:
    """Equal values of the same types, all the way down (1 and True and 1.0 differ; NaN equals NaN)."""
    if type(left) is not type(right):
        return False
    if isinstance(left, float) and math.isnan(left):
        return math.isnan(right)
    if isinstance(left, list | tuple):
        return len(left) == len(right) and all(same(a, b) for a, b in zip(left, right, strict=True))
    if isinstance(left, set | frozenset):
        return left == right and sorted(map(repr, left)) == sorted(map(repr, right))
    return left == right


def python_eval(source: str, env: dict[str, Any]) -> Any:
    """Python's own evaluation of the text, with only the allowed functions in scope."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SyntaxWarning)  # such as `None[0]`, which Python flags while compiling
        return eval(source, {"__builtins__": {}, **PYTHON_NAMES, **env})


@DIFFERENTIAL
@given(expressions)
@pytest.mark.slow
def test_evaluation_agrees_with_python(source):
    try:
        expression = compile_expression(source)
    except ExpressionError:
        return  # refused when compiled (no such form in the language): nothing to compare
    env = {name: list(v) if isinstance(v, list) else v for name, v in ENV.items()}
    reference = outcome(expression.settle, env)
    if reference is REFUSED:
        return  # bounded here, where Python would compute (huge powers, % formatting, complex numbers)
    python = outcome(lambda scope: python_eval(source, scope), env)
    assert reference is python or same(reference, python), (source, reference, python)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("a or b", 3),
        ("b or a", 3),
        ("b or e", []),
        ("a and xs", [1, 0, 3]),
        ("b and a", 0),
        ("a and c and f", 0.5),
        ("b or e or s", "ab"),
        ("a and b or c", -2),
        ("not e", True),
        ("1 < a <= 3 != c", True),
        ("xs if e else ys", (2, -1)),
        ("any(1 / x > 0 for x in [1, 0])", True),  # stops at the first true item, as Python does
        ("all(xs[i] < 0 for i in range(5))", False),  # stops before the index runs past the end
    ],
)
def test_logic_returns_what_python_returns(source, expected):
    expression = compile_expression(source)
    assert same(expression(ENV), expected)
    assert same(expression.settle(ENV), expected)
    assert same(python_eval(source, ENV), expected)
