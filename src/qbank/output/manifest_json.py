"""Strict, located JSON for manifests: no NaN or infinities, no repeated keys, bounded nesting; every problem
and every key path maps back to a line of the file."""

from __future__ import annotations

import json
import math
import re
from typing import Any

from qbank.core.limits import MANIFEST_MAX_DEPTH as MAX_DEPTH

__all__ = ["STRICT", "JsonProblem", "Refused", "check_surrogates", "check_value", "line_of", "nesting", "parse_strict"]

KeyPath = tuple[str | int, ...]
_DECODER = json.JSONDecoder()
_SPACE = " \t\n\r"
# a \u escape of a UTF-16 surrogate (after an even number of backslashes): a pair, or one alone
_SURROGATE = re.compile(
    r"(?<!\\)(?:\\\\)*(\\u[dD][89abAB][0-9a-fA-F]{2}\\u[dD][c-fC-F][0-9a-fA-F]{2}|\\u[dD][89a-fA-F][0-9a-fA-F]{2})"
)


class JsonProblem(Exception):
    """JSON a manifest may not hold, at a line and key path."""

    def __init__(self, line: int, path: KeyPath, message: str) -> None:
        self.line, self.path, self.message = line, path, message
        super().__init__(f"{line}: {message}")


class Refused(Exception):
    """Raised by the fast parser's hooks; the slow walk then locates the problem."""


def _no_constant(name: str) -> Any:
    raise Refused(name)


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise Refused(text)
    return value


def _unique(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):
        raise Refused("duplicate key")
    return result


STRICT = json.JSONDecoder(parse_constant=_no_constant, parse_float=_finite_float, object_pairs_hook=_unique)


def parse_strict(text: str) -> Any:
    """Parse `text` as JSON, refusing NaN, infinities, repeated keys and deep nesting (JsonProblem, located)."""
    try:
        value = json.loads(text, parse_constant=_no_constant, parse_float=_finite_float, object_pairs_hook=_unique)
        if nesting(value) <= MAX_DEPTH:
            check_surrogates(text, (), 1)
            return value
    except json.JSONDecodeError as exc:
        raise JsonProblem(exc.lineno, (), f"not valid JSON: {exc.msg} (column {exc.colno})") from None
    except (Refused, RecursionError, ValueError):
        pass
    _walk(text, _skip(text, 0), (), 0)
    raise JsonProblem(1, (), "not valid JSON")  # the walk finds what the fast parser refused; this is a fallback


def check_value(text: str, path: KeyPath, depth: int, line: int, column: int) -> None:
    """Check one value of a larger file, `text` starting at `line` and `column` at `path`, `depth` levels deep
    (JsonProblem at the file's line for what parse_strict refuses; nothing when the walk finds no problem)."""
    try:
        _walk(" " * (column - 1) + text, column - 1, path, depth)
    except JsonProblem as exc:
        raise JsonProblem(exc.line + line - 1, exc.path, exc.message) from None


def check_surrogates(text: str, path: KeyPath, line: int) -> None:
    """Refuse a `\\u` escape of a lone UTF-16 surrogate in JSON `text` (at `path`, starting at `line`): it decodes
    to no character, and no text holding it can be printed or written as UTF-8 (JsonProblem at its line)."""
    for found in _SURROGATE.finditer(text) if "\\u" in text else ():
        if len(found[1]) == 6:
            where = line + text.count("\n", 0, found.start(1))
            raise JsonProblem(where, path, f"{found[1]} is half of a UTF-16 surrogate pair, not a character")


def nesting(value: Any) -> int:
    """How deeply lists and objects nest in `value` (without recursion)."""
    deepest, stack = 0, [(value, 0)]
    while stack:
        node, depth = stack.pop()
        deepest = max(deepest, depth)
        children = node.values() if isinstance(node, dict) else node if isinstance(node, list) else ()
        stack.extend((child, depth + 1) for child in children if isinstance(child, dict | list))
    return deepest


def _line(text: str, index: int) -> int:
    return text.count("\n", 0, index) + 1


def _skip(text: str, index: int) -> int:
    while index < len(text) and text[index] in _SPACE:
        index += 1
    return index


def _walk(text: str, index: int, path: KeyPath, depth: int) -> int:
    """Check the value starting at `index`; return the index after it."""
    char = text[index : index + 1]
    if char in ("{", "[") and depth > MAX_DEPTH:
        raise JsonProblem(_line(text, index), path, f"nested more than {MAX_DEPTH} levels deep")
    if char == "{":
        seen: set[str] = set()
        index = _skip(text, index + 1)
        while text[index : index + 1] == '"':
            key, end = json.decoder.scanstring(text, index + 1)
            if key in seen:
                raise JsonProblem(_line(text, index), (*path, key), "key repeated in the same object")
            seen.add(key)
            index = _walk(text, _skip(text, _skip(text, end) + 1), (*path, key), depth + 1)
            index = _skip(text, index)
            index = _skip(text, index + 1) if text[index : index + 1] == "," else index
        return index + 1
    if char == "[":
        index, position = _skip(text, index + 1), 0
        while text[index : index + 1] not in ("]", ""):
            index = _skip(text, _walk(text, index, (*path, position), depth + 1))
            index = _skip(text, index + 1) if text[index : index + 1] == "," else index
            position += 1
        return index + 1
    try:
        value, end = _DECODER.raw_decode(text, index)
    except ValueError as exc:
        raise JsonProblem(_line(text, index), path, f"not a valid JSON value ({exc})") from None
    if isinstance(value, float) and not math.isfinite(value):
        raise JsonProblem(_line(text, index), path, f"{text[index:end]} is not a finite number")
    return end


def line_of(text: str, path: KeyPath) -> int:
    """The line of the value at `path` in JSON `text` (of its closest enclosing value when it is absent)."""
    index = _skip(text, 0)
    for key in path:
        found = _child(text, index, key)
        if found is None:
            break
        index = found
    return _line(text, index)


def _child(text: str, index: int, key: str | int) -> int | None:
    """Where the member `key` of the object or array starting at `index` begins (None when absent)."""
    char = text[index : index + 1]
    if char == "{" and isinstance(key, str):
        index = _skip(text, index + 1)
        while text[index : index + 1] == '"':
            name, end = json.decoder.scanstring(text, index + 1)
            start = _skip(text, _skip(text, end) + 1)
            if name == key:
                return start
            index = _skip(text, _DECODER.raw_decode(text, start)[1])
            index = _skip(text, index + 1) if text[index : index + 1] == "," else index
    elif char == "[" and isinstance(key, int):
        index, position = _skip(text, index + 1), 0
        while text[index : index + 1] not in ("]", ""):
            if position == key:
                return index
            index = _skip(text, _DECODER.raw_decode(text, index)[1])
            index = _skip(text, index + 1) if text[index : index + 1] == "," else index
            position += 1
    return None
