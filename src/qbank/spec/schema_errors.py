"""Schema errors: pydantic's validation errors as located problems (`file:line: key.path: problem`) with
plain-sentence messages, keyed by the YAML path the user wrote rather than pydantic's internal one."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from qbank.core.errors import Problem
from qbank.spec.load import Document, KeyPath

__all__ = ["pydantic_problems"]


def pydantic_problems(error: ValidationError, document: Document, prefix: KeyPath = ()) -> list[Problem]:
    """Translate pydantic errors into located problems with plain messages."""
    problems = []
    for item in error.errors():
        path = _data_path(document.data, tuple(item["loc"]), prefix)
        problems.append(document.problem(path, _message(item), prefix))
    return problems


def _data_path(data: Any, loc: tuple[Any, ...], prefix: KeyPath) -> KeyPath:
    """Drop pydantic's union-tag entries from a loc so it matches the YAML key path."""
    node = data
    for key in prefix:
        node = node[key] if _has(node, key) else None
    path: list[Any] = []
    for key in loc:
        if _has(node, key):
            path.append(key)
            node = node[key]
        elif isinstance(node, dict) and isinstance(key, str) and (key in _UNION_TAGS or key[:1].isupper()):
            continue
        else:
            path.append(key)
            node = None
    return tuple(path)


_UNION_TAGS = {"int", "float", "choice", "sample", "fixed", "derived", "str"}


def _has(node: Any, key: Any) -> bool:
    """Whether `node` (a dict or list) has `key`."""
    if isinstance(node, dict):
        return key in node
    return isinstance(node, list) and isinstance(key, int) and 0 <= key < len(node)


def _message(item: dict[str, Any]) -> str:
    """A plain-sentence message for one pydantic error."""
    kind = item["type"]
    if kind == "extra_forbidden":
        return "unknown key"
    if kind == "missing":
        return "required key is missing"
    if kind == "union_tag_invalid":
        expected = item.get("ctx", {}).get("expected_tags", "")
        return f"unknown type {item.get('ctx', {}).get('tag')!r}; expected one of {expected}"
    if kind == "union_tag_not_found":
        return "missing `type` (one of 'int', 'float', 'choice', 'sample', 'fixed', 'derived')"
    if kind == "string_pattern_mismatch":
        return f"{item['input']!r} is not a valid name (pattern {item['ctx']['pattern']})"
    given = item.get("input")
    shown = f" (got {type(given).__name__} {given!r})" if not isinstance(given, dict | list) else ""
    return f"{item['msg'][0].lower()}{item['msg'][1:]}{shown}"
