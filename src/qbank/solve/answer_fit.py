"""Whether a value fits its answer's format: what a solver, a misconception or a manifest may hold."""

from __future__ import annotations

import math
from typing import Any

_REAL_FORMATS = frozenset({"fixed", "sig"})  # formats any finite number fits
_NUMBER_FORMATS = _REAL_FORMATS | {"int"}  # formats any finite whole number fits
_BIG = 1 << 1023  # ints below this in size convert to finite floats


def answer_problem(fmt: str, value: Any) -> str | None:
    """Why a value does not fit its answer format, or None when it does."""
    kind = type(value)  # the usual finite float or (not huge) int answer first, without the dispatch below
    if kind is float and fmt in _REAL_FORMATS and math.isfinite(value):
        return None
    if kind is int and fmt in _NUMBER_FORMATS and -_BIG < value < _BIG:
        return None
    if fmt == "text":
        return None if isinstance(value, str) and value.strip() else "must be a non-empty string"
    if fmt in ("choice", "multi"):
        ok = isinstance(value, list | tuple) and value and all(isinstance(v, str) and v.strip() for v in value)
        return None if ok else f"must be a non-empty list of the correct options' texts, got {value!r}"
    if fmt == "int":
        if isinstance(value, bool) or not isinstance(value, int | float) or not _finite(value):
            return f"must be a finite whole number, got {value!r}"
        return None if float(value).is_integer() else f"must be a whole number, got {value!r}"
    if fmt in ("fixed", "sig"):
        return None if _is_number(value) else f"must be a finite number, got {value!r}"
    if fmt == "vector":
        ok = isinstance(value, list | tuple) and value and _all_numbers(value)
        return None if ok else f"must be a non-empty list of finite numbers, got {value!r}"
    rows_ok = isinstance(value, list | tuple) and value and all(isinstance(r, list | tuple) and r for r in value)
    if not rows_ok or len({len(r) for r in value}) != 1 or not all(_all_numbers(r) for r in value):
        return f"must be a rectangular list of lists of finite numbers, got {value!r}"
    return None


_NUMBER_TYPES = frozenset({int, float})
_is_number_type = _NUMBER_TYPES.__contains__


def _is_number(value: Any) -> bool:
    """A finite int or float (not bool)."""
    if type(value) in _NUMBER_TYPES:  # the common case, without ABC checks
        return math.isfinite(value)
    return isinstance(value, int | float) and not isinstance(value, bool) and _finite(value)


def _all_numbers(values: list[Any] | tuple[Any, ...]) -> bool:
    """Whether every item is a finite int or float (not bool); plain ints and floats are checked in C loops."""
    if all(map(_is_number_type, map(type, values))):
        return all(map(math.isfinite, values))
    return all(_is_number(v) for v in values)


def _finite(value: float) -> bool:
    """Whether a number is finite."""
    return math.isfinite(float(value))
