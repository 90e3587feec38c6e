"""Jinja's StrictUndefined with messages in the author's words: a missing key of a mapping or item of a list,
never a Python type name (`'mappingproxy object' has no attribute 'x'`)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import jinja2
from jinja2.utils import missing

_SHOWN_KEYS = 12  # keys listed in a message about a mapping


class PlainUndefined(jinja2.StrictUndefined):
    """An undefined value that fails on use, as StrictUndefined does, saying what was missing in plain words."""

    __slots__ = ()

    @property
    def _undefined_message(self) -> str:
        """What is missing: `the mapping has no key 'x' (its keys: a, b)`, `the list of 3 items has no item 5`."""
        owner, name = self._undefined_obj, self._undefined_name
        if self._undefined_hint or owner is missing:
            return super()._undefined_message
        what = _plain_kind(owner)
        if what is None:
            return super()._undefined_message
        if isinstance(owner, Mapping):
            keys = sorted(str(key) for key in owner)
            shown = ", ".join(keys[:_SHOWN_KEYS]) + (", ..." if len(keys) > _SHOWN_KEYS else "")
            return f"{what} has no key {name!r} (its keys: {shown or 'none'})"
        if isinstance(name, str):
            return f"{what} has no key {name!r}"
        return f"{what} has no item {name!r}"


def _plain_kind(value: Any) -> str | None:
    """A template value's kind as an author would name it, or None for other kinds."""
    if isinstance(value, Mapping):
        return "the mapping"
    if isinstance(value, list | tuple):
        return f"the list of {len(value)} item{'' if len(value) == 1 else 's'}"
    if isinstance(value, str):
        return "the text"
    if isinstance(value, bool):
        return "the true/false value"
    if isinstance(value, int | float):
        return "the number"
    return None
