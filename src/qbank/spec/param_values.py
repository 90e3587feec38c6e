"""Bounds on parameters: the ranges and shapes of drawn ones (checked when a spec is validated), and what any
parameter may hold: booleans, integers within MAX_INT_BITS, finite floats, strings within MAX_STRING, and tuples
and read-only mappings (string keys) of these — what the manifest's JSON, the templates and the solvers all read
back as written. A derived parameter's value is checked after it is frozen."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Any

from qbank.core.errors import Problem
from qbank.core.limits import MAX_INT_BITS, MAX_PARAM_INT, MAX_RANGE_VALUES, MAX_SHAPE_ELEMENTS, MAX_STRING
from qbank.spec.load import Document, KeyPath
from qbank.spec.models import FloatParam, IntParam

INT_LIMIT = 1 << MAX_INT_BITS
SCALARS = frozenset({bool, int, float, str})
TOO_LARGE = f"integer too large: more than {MAX_INT_BITS:,} bits (limits.MAX_INT_BITS)"
TOO_LONG = f"string too long: more than {MAX_STRING:,} characters (limits.MAX_STRING)"


def value_problem(value: Any) -> str | None:
    """Why a frozen value cannot be a parameter's value, or None when it can."""
    kind = type(value)
    if kind is tuple:
        items: Iterable[Any] = value
    elif kind in SCALARS:
        return _scalar_problem(value)
    elif isinstance(value, Mapping):
        for key in value:
            if type(key) is not str:
                return f"mapping key {key!r} is not a string"
        items = value.values()
    else:
        return _scalar_problem(value)
    for item in items:  # the common scalars inline, the rest (and every problem) through the recursion
        kind = type(item)
        if kind is int:
            if -INT_LIMIT < item < INT_LIMIT:
                continue
        elif kind is float:
            if item - item == 0:  # 0 for every finite float, NaN for NaN and infinity
                continue
        elif kind is bool:
            continue
        problem = value_problem(item)
        if problem is not None:
            return problem
    return None


def _scalar_problem(value: Any) -> str | None:
    """Why a value other than a tuple or mapping cannot be a parameter's value, or None when it can."""
    kind = type(value)
    if kind is bool:
        return None
    if kind is int:
        return None if -INT_LIMIT < value < INT_LIMIT else TOO_LARGE
    if kind is float:
        return None if math.isfinite(value) else f"NaN and infinity are not allowed (got {value!r})"
    if kind is str:
        return None if len(value) <= MAX_STRING else TOO_LONG
    shown = "None" if value is None else f"a {kind.__name__}"
    return f"{shown} is not a parameter value (numbers, strings, booleans, lists and mappings are)"


def check_int_range(param: IntParam, where: KeyPath, doc: Document, problems: list[Problem]) -> None:
    """An int range within numpy's int64 whose step fits it, with at most MAX_RANGE_VALUES values."""
    for key in ("min", "max", "step"):
        value = getattr(param, key)
        if abs(value) > MAX_PARAM_INT:
            problems.append(doc.problem((*where, key), f"{value} is beyond ±{MAX_PARAM_INT:,} (limits.MAX_PARAM_INT)"))
            return
    if (param.max - param.min) % param.step:
        problems.append(doc.problem((*where, "step"), f"step {param.step} does not fit the range "
                                    f"{param.min}..{param.max} (max - min must be a multiple of step)"))  # fmt: skip
    elif (param.max - param.min) // param.step + 1 > MAX_RANGE_VALUES:
        problems.append(doc.problem((*where, "max"), f"the range {param.min}..{param.max} holds more than "
                                    f"{MAX_RANGE_VALUES:,} values (limits.MAX_RANGE_VALUES)"))  # fmt: skip


def check_float_range(param: FloatParam, where: KeyPath, doc: Document, problems: list[Problem]) -> None:
    """A float range whose ends are on the 10^-decimals grid, within MAX_PARAM_INT steps of the grid from 0, and
    with at most MAX_RANGE_VALUES values."""
    scale = 10**param.decimals
    for key in ("min", "max"):
        value = getattr(param, key)
        if abs(value) * scale > MAX_PARAM_INT:
            problems.append(doc.problem((*where, key), f"{value} is beyond ±{MAX_PARAM_INT:,} units of its last "
                                        f"decimal (limits.MAX_PARAM_INT)"))  # fmt: skip
            return
    for key in ("min", "max"):
        value = getattr(param, key)
        if not math.isclose(round(value * scale), value * scale, abs_tol=1e-6):
            problems.append(doc.problem((*where, key), f"{value} has more than {param.decimals} decimals"))
    if round((param.max - param.min) * scale) + 1 > MAX_RANGE_VALUES:
        problems.append(doc.problem((*where, "max"), f"the range {param.min}..{param.max} holds more than "
                                    f"{MAX_RANGE_VALUES:,} values (limits.MAX_RANGE_VALUES)"))  # fmt: skip


def check_shape(param: IntParam | FloatParam, where: KeyPath, doc: Document, problems: list[Problem]) -> None:
    """An array parameter holds at most MAX_SHAPE_ELEMENTS elements."""
    if param.shape and math.prod(param.shape) > MAX_SHAPE_ELEMENTS:
        size = " × ".join(map(str, param.shape))
        message = f"{size} is {math.prod(param.shape):,} elements, more than {MAX_SHAPE_ELEMENTS:,}"
        problems.append(doc.problem((*where, "shape"), f"{message} (limits.MAX_SHAPE_ELEMENTS)"))
