"""The steps a solver returned, checked against the question's `steps:` declaration, in the author's words."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from qbank.spec.steps_decl import ListOf, Record, Shape


def steps_mismatch(declared: Record, steps: Any) -> str | None:
    """The first place where `steps` differs from the declaration, as `steps.a[2].b: expected ..., got ...`;
    None when they match."""
    return _mismatch(declared, steps, "steps")


def _mismatch(shape: Shape, value: Any, path: str) -> str | None:
    """Where `value` (at `path`) first differs from `shape`, or None."""
    if isinstance(shape, Record):
        if not isinstance(value, Mapping):
            return f"{path}: expected {shape.describe()}, got {_what(value)}"
        declared = [name for name, _ in shape.keys]
        missing = [name for name in declared if name not in value]
        extra = sorted(str(name) for name in value if name not in declared)
        if missing or extra:
            parts = [f"missing {', '.join(missing)}"] if missing else []
            parts += [f"not declared: {', '.join(extra)}"] if extra else []
            return f"{path}: keys do not match `steps:` ({'; '.join(parts)})"
        for name, child in shape.keys:
            found = _mismatch(child, value[name], f"{path}.{name}")
            if found:
                return found
        return None
    if isinstance(shape, ListOf):
        if not _is_list(value):
            return f"{path}: expected a list, got {_what(value)}"
        for index, item in enumerate(value):
            found = _mismatch(shape.item, item, f"{path}[{index}]")
            if found:
                return found
        return None
    if (value is None and shape.nullable) or _fits(shape.name, value):
        return None
    return f"{path}: expected {shape.describe()}, got {_what(value)}"


def _fits(kind: str, value: Any) -> bool:
    """Whether a (non-null, or null for `any`) value is of a declared kind."""
    if kind == "any":
        return True
    if kind == "number":
        return _is_number(value)
    if kind == "int":
        return isinstance(value, int) and not isinstance(value, bool)
    if kind == "text":
        return isinstance(value, str)
    if kind == "bool":
        return isinstance(value, bool)
    if kind == "mapping":
        return isinstance(value, Mapping)
    if kind == "list":
        return _is_list(value)
    if kind == "vector":
        return _is_list(value) and all(_is_number(item) for item in value)
    rows = _is_list(value) and all(_is_list(row) and all(_is_number(item) for item in row) for row in value)
    return rows and len({len(row) for row in value}) <= 1


def _is_number(value: Any) -> bool:
    """An int or float, not a bool."""
    return isinstance(value, int | float) and not isinstance(value, bool)


def _is_list(value: Any) -> bool:
    """A list (a tuple once frozen)."""
    return isinstance(value, list | tuple)


def _what(value: Any) -> str:
    """A value's kind in the author's words (never a Python type name)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return f"{'true' if value else 'false'} (a true/false value)"
    if isinstance(value, int):
        return f"a whole number ({value})"
    if isinstance(value, float):
        return f"a number ({value!r})"
    if isinstance(value, str):
        return "text"
    if isinstance(value, Mapping):
        return "a mapping"
    if _is_list(value):
        return f"a list of {len(value)} item{'s' if len(value) != 1 else ''}"
    return "a value of another kind"
