"""Run-time bounds of expressions: a work budget per evaluation and size checks on what operations build.

Every evaluation starts with `MAX_EXPR_STEPS` steps (`budgeted`). Loops and operations whose cost grows with
their operands spend steps: a comprehension clause spends, per item, the syntax nodes it evaluates for the item;
a function or comparison over a container spends its items (nested lists and tuples counted through their first
item: `weight`). Operations that build values check their size: integers up to `MAX_INT_BITS`, containers up to
`MAX_SEQUENCE` items, strings up to `MAX_STRING` characters. Numbers take paths without these checks wherever the
result cannot grow (such as `i + 1`), so ordinary constraints run at full speed.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import Any

from qbank.core.limits import MAX_EXPR_STEPS, MAX_INT_BITS, MAX_SEQUENCE, MAX_STRING

Env = Mapping[str, Any]
Evaluator = Callable[[Env], Any]

INT_LIMIT = 1 << MAX_INT_BITS  # integers stay strictly inside ±INT_LIMIT (at most MAX_INT_BITS bits)
NUMBER_TYPES = frozenset({int, float, bool})
SEQUENCE_TYPES = frozenset({list, tuple})
CONTAINER_TYPES = frozenset({list, tuple, set, frozenset, dict, MappingProxyType, str, range})

BUDGET = [MAX_EXPR_STEPS]  # steps left to the evaluation running now (evaluations never nest)


class ExpressionError(ValueError):
    """An expression that is malformed, uses something not allowed, or fails when evaluated."""


def budgeted(body: Evaluator) -> Evaluator:
    """`body` as a whole evaluation: it starts with a full budget of steps."""

    def evaluate(env: Env) -> Any:
        BUDGET[0] = MAX_EXPR_STEPS
        return body(env)

    return evaluate


def charge(steps: int) -> None:
    """Spend `steps` of the evaluation's budget; raise ExpressionError when it runs out."""
    left = BUDGET[0] - steps
    BUDGET[0] = left
    if left < 0:
        raise ExpressionError(f"too much work: more than {MAX_EXPR_STEPS:,} steps (limits.MAX_EXPR_STEPS)")


def weight(value: Any) -> int:
    """About how many items comparing or hashing `value` visits (nested lists counted through their first item)."""
    total = 1
    while type(value) in SEQUENCE_TYPES and value and total <= MAX_EXPR_STEPS:
        total *= len(value)
        value = value[0]
    if type(value) in CONTAINER_TYPES or isinstance(value, Mapping):
        total *= max(len(value), 1)
    return total


def sized(value: Any) -> Any:
    """`value`, checked against the size bounds (integers, strings, containers)."""
    kind = type(value)
    if kind is int:
        if not -INT_LIMIT < value < INT_LIMIT:
            raise ExpressionError(f"integer too large: more than {MAX_INT_BITS:,} bits (limits.MAX_INT_BITS)")
    elif kind is str:
        if len(value) > MAX_STRING:
            raise ExpressionError(f"string too long: more than {MAX_STRING:,} characters (limits.MAX_STRING)")
    elif kind in CONTAINER_TYPES and len(value) > MAX_SEQUENCE:
        raise ExpressionError(f"{kind.__name__} too long: more than {MAX_SEQUENCE:,} items (limits.MAX_SEQUENCE)")
    return value


def built(value: Any) -> Any:
    """A container or string an operation built: size-checked, and its items spent."""
    sized(value)
    charge(len(value))
    return value


def add(a: Any, b: Any) -> Any:
    """`a + b`; a concatenation is size-checked and spends its items."""
    result = a + b
    return result if type(result) in NUMBER_TYPES else built(result)


def subtract(a: Any, b: Any) -> Any:
    """`a - b`; a set difference spends the items of `a`."""
    if type(a) in NUMBER_TYPES:
        return a - b
    charge(weight(a))
    return a - b


def multiply(a: Any, b: Any) -> Any:
    """`a * b`: an integer product is size-checked; a repetition is checked before it is built."""
    if type(a) in NUMBER_TYPES and type(b) in NUMBER_TYPES:
        result = a * b
        if type(result) is not int or -INT_LIMIT < result < INT_LIMIT:
            return result
        return sized(result)
    for seq, count in ((a, b), (b, a)):
        if type(seq) in CONTAINER_TYPES and type(count) in (int, bool):
            limit, name = (MAX_STRING, "MAX_STRING") if type(seq) is str else (MAX_SEQUENCE, "MAX_SEQUENCE")
            if len(seq) * count > limit:
                raise ExpressionError(f"repetition too large: {len(seq)} items × {count} is more than {limit:,} "
                                      f"(limits.{name})")  # fmt: skip
            charge(len(seq) * max(count, 0))
    return a * b


def modulo(a: Any, b: Any) -> Any:
    """`a % b` for numbers; string formatting with `%` is refused (it can build any size of string)."""
    if type(a) is str:
        raise ExpressionError("string formatting with % is not allowed")
    return a % b


def multiplication(left: Evaluator, right: Evaluator) -> Evaluator:
    """An evaluator of `left * right`: two numbers multiplied inline (an integer product size-checked), anything
    else through `multiply`."""

    def times(env: Env) -> Any:
        a, b = left(env), right(env)
        if type(a) in NUMBER_TYPES and type(b) in NUMBER_TYPES:
            result = a * b
            if type(result) is not int or -INT_LIMIT < result < INT_LIMIT:
                return result
        return multiply(a, b)

    return times


def power(base: Any, exponent: Any) -> Any:
    """`base ** exponent`, refusing an integer result over the size bound before computing it."""
    whole = type(base) in (int, bool) and type(exponent) in (int, bool)
    if whole and exponent > 0 and abs(base) > 1 and (abs(base).bit_length() - 1) * exponent >= MAX_INT_BITS:
        raise ExpressionError(f"integer too large: a power with more than {MAX_INT_BITS:,} bits (limits.MAX_INT_BITS)")
    result = base**exponent
    if type(result) is complex:
        raise ExpressionError(f"({base!r}) ** ({exponent!r}) is a complex number")
    return sized(result)


def compared(op: Callable[[Any, Any], Any]) -> Callable[[Any, Any], Any]:
    """A comparison that spends the items it may visit when its left operand is a container."""

    def compare(a: Any, b: Any) -> Any:
        if type(a) in CONTAINER_TYPES:
            charge(weight(a))
        return op(a, b)

    return compare


def contains(a: Any, b: Any) -> bool:
    """`a in b`, spending the items a search visits (or the cost of hashing `a`)."""
    if type(b) in SEQUENCE_TYPES:
        charge(len(b) * weight(a))
    elif type(b) is str:
        charge(len(b))
    else:
        charge(weight(a))
    return a in b


def not_contains(a: Any, b: Any) -> bool:
    """`a not in b`, as `contains`."""
    return not contains(a, b)


def sliced(value: Any, part: slice) -> Any:
    """`value[part]`, spending the items copied."""
    result = value[part]
    if type(result) in CONTAINER_TYPES:
        left = BUDGET[0] - len(result)
        BUDGET[0] = left
        if left < 0:
            charge(0)
    return result


COMPARE_GUARDED = {operator.eq: compared(operator.eq), operator.ne: compared(operator.ne),
                   operator.lt: compared(operator.lt), operator.le: compared(operator.le),
                   operator.gt: compared(operator.gt), operator.ge: compared(operator.ge)}  # fmt: skip
