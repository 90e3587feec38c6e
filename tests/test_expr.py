"""The safe expression language: what it computes and what it refuses."""

from __future__ import annotations

import pytest

from qbank.expressions.expression import ExpressionError, compile_expression


@pytest.mark.parametrize(
    ("source", "env", "expected"),
    [
        ("k < vocab_size", {"k": 3, "vocab_size": 10}, True),
        ("len(set(scores)) == len(scores)", {"scores": [1, 2, 2]}, False),
        ("d_model // heads", {"d_model": 1024, "heads": 16}, 64),
        ("2 ** 10 + 3 * 4 - 1", {}, 1035),
        ("[x * 2 for x in xs if x > 1]", {"xs": [1, 2, 3]}, [4, 6]),
        ("sum(a * b for a, b in zip(u, v))", {"u": [1, 2], "v": [3, 4]}, 11),
        ("sorted(p, reverse=True)[0]", {"p": [0.2, 0.5, 0.3]}, 0.5),
        ("x if x > 0 else -x", {"x": -4}, 4),
        ("1 < y <= 3", {"y": 3}, True),
        ("m[1][0]", {"m": [[1, 2], [3, 4]]}, 3),
        ("xs[1:]", {"xs": (1, 2, 3)}, (2, 3)),
        ("isclose(sum(p), 1.0)", {"p": [0.1, 0.2, 0.7]}, True),
        ("{'a': 1}['a'] + len({1, 2})", {}, 3),
        ("all(v % 2 == 0 for v in vals) or not vals", {"vals": []}, True),
        ("max(abs(v) for v in vals)", {"vals": [-7, 3]}, 7),
    ],
)
def test_expressions_compute(source, env, expected):
    assert compile_expression(source)(env) == expected


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("().__class__", "attribute access"),
        ("open('x')", "only these functions may be called"),
        ("__import__('os')", "only these functions may be called"),
        ("lambda: 1", "lambda is not allowed"),
        ("(y := 3)", "assignment"),
        ("f'{x}'", "f-strings"),
        ("x +", "syntax error"),
        ("", "non-empty"),
        ("len", "must be called"),
    ],
)
def test_refused_at_compile_time(source, message):
    with pytest.raises(ExpressionError) as info:
        compile_expression(source)
    assert message in str(info.value)


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("9 ** 9 ** 9", "too large"),
        ("[0] * 10 ** 9", "too large"),
        ("range(10 ** 9)", "too long"),
        ("missing + 1", "unknown name 'missing'"),
        ("1 / zero", "ZeroDivisionError"),
    ],
)
def test_refused_at_run_time(source, message):
    expression = compile_expression(source)
    with pytest.raises(ExpressionError) as info:
        expression({"zero": 0})
    assert message in str(info.value)


def test_free_names_exclude_comprehension_variables_and_functions():
    expression = compile_expression("all(s > floor_value for s in scores) and len(scores) > k")
    assert expression.names == {"scores", "floor_value", "k"}
