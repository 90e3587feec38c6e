"""Deeply read-only values: parameters, answers and steps as tuples and read-only mappings, and back."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any, TypeVar

import numpy as np

T = TypeVar("T")

_PLAIN = frozenset({int, float, str, bool, type(None)})  # exact types: returned as they are, without ABC checks


def freeze(value: Any) -> Any:
    """Deep-convert lists to tuples and dicts to read-only mappings; numpy scalars to Python."""
    kind = type(value)
    if kind in _PLAIN:
        return value
    if kind is list or kind is tuple:
        for item in value:
            if type(item) not in _PLAIN:
                return tuple([v if type(v) in _PLAIN else freeze(v) for v in value])
        return tuple(value)
    if kind is dict:
        for item in value.values():
            if type(item) not in _PLAIN:
                return MappingProxyType({k: v if type(v) in _PLAIN else freeze(v) for k, v in value.items()})
        return MappingProxyType(value.copy())
    if isinstance(value, Mapping):
        return MappingProxyType({k: freeze(v) for k, v in value.items()})
    if isinstance(value, list | tuple):
        return tuple(freeze(v) for v in value)
    if isinstance(value, np.ndarray):
        return freeze(value.tolist())
    if isinstance(value, np.generic):
        return value.item()
    return value


def thaw(value: Any) -> Any:
    """Deep-convert frozen values back to plain lists and dicts (for JSON)."""
    if type(value) in _PLAIN:
        return value
    if isinstance(value, Mapping):
        return {k: thaw(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [thaw(v) for v in value]
    return value


def frozen_instance(cls: type[T], fields: dict[str, Any]) -> T:
    """An instance of the frozen dataclass `cls` holding `fields` (every field, in declaration order), as
    `cls(**fields)` builds it but without the dataclass's one `object.__setattr__` call per field."""
    instance = object.__new__(cls)
    object.__setattr__(instance, "__dict__", fields)
    return instance
