"""The functions expressions may call: Python's own, each wrapped to spend the evaluation's budget for the items
it visits and to keep what it builds within the size bounds (see `expr_bounds`)."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from typing import Any

from qbank.core.limits import MAX_INT_BITS, MAX_SEQUENCE
from qbank.expressions.bounds import (
    BUDGET,
    CONTAINER_TYPES,
    INT_LIMIT,
    NUMBER_TYPES,
    ExpressionError,
    add,
    built,
    charge,
    multiply,
    sized,
    weight,
)


def _items(value: Any) -> int:
    """Items a function visits in a container argument (an iterator spends its own steps as it runs)."""
    return len(value) if type(value) in CONTAINER_TYPES else 0


def over_items(function: Callable[..., Any]) -> Callable[..., Any]:
    """`function`, spending the items of its container arguments first."""

    def call(*args: Any, **keywords: Any) -> Any:
        left = BUDGET[0]
        for arg in args:
            if type(arg) in CONTAINER_TYPES:
                left -= len(arg)
        BUDGET[0] = left
        if left < 0:
            charge(0)
        return function(*args, **keywords)

    call.__name__ = call.__qualname__ = function.__name__
    return call


def comparing(function: Callable[..., Any]) -> Callable[..., Any]:
    """`function` comparing or hashing the items of its arguments (max, min, set), spending their weight (what
    it returns is no larger than they are)."""

    def call(*args: Any, **keywords: Any) -> Any:
        for arg in args:
            if type(arg) in CONTAINER_TYPES:
                charge(weight(arg))
        return function(*args, **keywords)

    call.__name__ = call.__qualname__ = function.__name__
    return call


def building(function: Callable[..., Any]) -> Callable[..., Any]:
    """`function` over items, whose result (a container) is size-checked too."""
    visiting = over_items(function)

    def call(*args: Any, **keywords: Any) -> Any:
        return sized(visiting(*args, **keywords))

    call.__name__ = call.__qualname__ = function.__name__
    return call


def safe_sum(items: Iterable[Any], start: Any = 0) -> Any:
    """`sum`, size-checked; sums of lists or tuples are concatenated step by step, each step checked."""
    if type(items) in CONTAINER_TYPES:
        left = BUDGET[0] - len(items)
        BUDGET[0] = left
        if left < 0:
            charge(0)
    if type(start) in NUMBER_TYPES:
        total = sum(items, start)
        if type(total) is int and not -INT_LIMIT < total < INT_LIMIT:
            sized(total)
        return total
    sum((), start)  # Python's own refusals (a string start)
    total = start
    for item in items:
        total = add(total, item)
    return built(total) if type(total) not in NUMBER_TYPES else sized(total)


def safe_prod(items: Iterable[Any], *, start: Any = 1) -> Any:
    """`math.prod`, each partial product size-checked."""
    charge(_items(items))
    total = start
    for item in items:
        total = multiply(total, item)
    return total


def safe_sorted(items: Iterable[Any], **keywords: Any) -> list[Any]:
    """`sorted`, spending about n log n comparisons of its items."""
    result = sorted(items, **keywords)
    charge(weight(result) * max(len(result).bit_length(), 1))
    return result


def safe_range(*args: int) -> range:
    """`range`, limited in length."""
    result = range(*args)
    if len(result) > MAX_SEQUENCE:
        raise ExpressionError(f"range too long: more than {MAX_SEQUENCE:,} items (limits.MAX_SEQUENCE)")
    return result


def safe_round(number: Any, ndigits: Any = None) -> Any:
    """`round`, refusing a digit count beyond what an integer may hold."""
    if type(ndigits) is int and abs(ndigits) > MAX_INT_BITS:
        raise ExpressionError(f"round(): ndigits beyond ±{MAX_INT_BITS:,} (limits.MAX_INT_BITS)")
    return round(number, ndigits)


def safe_int(*args: Any) -> int:
    """`int`, size-checked."""
    return sized(int(*args))


FUNCTIONS: dict[str, Callable[..., Any]] = {
    "abs": abs, "all": over_items(all), "any": over_items(any), "ceil": math.ceil,
    "enumerate": over_items(enumerate), "exp": math.exp, "float": float, "floor": math.floor, "int": safe_int,
    "isclose": math.isclose, "len": len, "list": building(list), "log": math.log, "log2": math.log2,
    "log10": math.log10, "max": comparing(max), "min": comparing(min), "prod": safe_prod, "range": safe_range,
    "round": safe_round, "set": comparing(set), "sorted": safe_sorted, "sqrt": math.sqrt, "sum": safe_sum,
    "tuple": building(tuple), "zip": over_items(zip),
}  # fmt: skip
