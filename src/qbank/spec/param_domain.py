"""Which values a question's parameter declaration accepts, for values it does not draw itself (a scenario's).

A question declares `p: {type: float, min: 0.1, max: 0.9}`; its solver may rely on that. A scenario that
supplies `p` must stay inside it, checked once when the exam loads (from the scenario's own declaration and
sample draws) and again for every value a paper actually reads.
"""

from __future__ import annotations

import math
from typing import Any

from qbank.core.frozen import freeze
from qbank.spec.models import ChoiceParam, FixedParam, FloatParam, IntParam, SampleParam

MAX_LISTED = 10_000  # an int range up to this many values is compared value by value with a list of choices


def rejection(param: Any, value: Any) -> str | None:
    """Why `value` is outside the declaration `param` (a question's parameter), or None if it is inside."""
    if isinstance(param, IntParam | FloatParam):
        return _array_rejection(param, value, param.shape)
    if isinstance(param, ChoiceParam):
        choices = [freeze(choice) for choice in param.choices]
        return None if freeze(value) in choices else f"{_show(value)} is not one of its choices {_show(choices)}"
    if isinstance(param, SampleParam):
        items = [freeze(item) for item in param.items]
        value = freeze(value)
        if not isinstance(value, tuple) or len(value) != param.k:
            return f"{_show(value)} is not a list of {param.k} items"
        if any(item not in items for item in value) or len(set(map(repr, value))) != len(value):
            return f"{_show(value)} is not {param.k} distinct items of {_show(items)}"
        return None
    if isinstance(param, FixedParam):
        return None if freeze(value) == freeze(param.value) else f"{_show(value)} is not its fixed value"
    return None  # a derived parameter is computed by the question, never read


def _array_rejection(param: IntParam | FloatParam, value: Any, shape: list[int] | None) -> str | None:
    """A scalar, or every number of an array of the declared shape, checked against the range and grid."""
    if not shape:
        return _number_rejection(param, value)
    if not isinstance(value, list | tuple) or len(value) != shape[0]:
        return f"{_show(value)} is not an array of shape {shape}"
    for item in value:
        reason = _array_rejection(param, item, shape[1:])
        if reason:
            return reason
    return None


def _number_rejection(param: IntParam | FloatParam, value: Any) -> str | None:
    """One number against a range (and the grid of `step` or of `decimals`)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return f"{_show(value)} is not a number"
    if isinstance(param, IntParam) and not isinstance(value, int):
        return f"{_show(value)} is not a whole number"
    if not param.min <= value <= param.max:
        return f"{_show(value)} is outside its range {_show(param.min)}..{_show(param.max)}"
    if isinstance(param, IntParam) and (value - param.min) % param.step:
        return f"{_show(value)} is not on its grid {param.min}, {param.min + param.step}, ..."
    if isinstance(param, FloatParam):
        scaled = value * 10**param.decimals
        if not math.isclose(scaled, round(scaled), rel_tol=1e-9, abs_tol=1e-6):
            return f"{_show(value)} has more than its {param.decimals} decimals"
    return None


def declared_values(param: Any) -> list[Any]:
    """Values a scenario's declaration can give that show whether it fits another declaration: every choice,
    the ends of a range (its whole grid when the range is short), a fixed value; nothing for derived ones."""
    if isinstance(param, ChoiceParam):
        return [freeze(choice) for choice in param.choices]
    if isinstance(param, FixedParam):
        return [freeze(param.value)]
    if isinstance(param, IntParam) and not param.shape:
        count = (param.max - param.min) // param.step + 1
        if count <= MAX_LISTED:
            return list(range(param.min, param.max + 1, param.step))
        return [param.min, param.min + param.step, param.max - (param.max - param.min) % param.step]
    if isinstance(param, FloatParam) and not param.shape:
        finest = round(param.min + 10.0**-param.decimals, param.decimals)  # shows a finer grid than the question's
        return [param.min, min(finest, param.max), param.max]
    return []


def _show(value: Any) -> str:
    """A value as the exam file would write it (tuples as lists)."""
    if isinstance(value, tuple | list):
        return "[" + ", ".join(_show(v) for v in value) + "]"
    if isinstance(value, float) and value.is_integer():
        return repr(value)
    return str(value) if isinstance(value, int | float) else repr(value)
