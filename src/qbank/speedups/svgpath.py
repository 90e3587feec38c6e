"""A faster drawer for the SVG paths ziamath writes, with exactly WeasyPrint's output.

WeasyPrint 70 parses path data with a regular expression per point and re-slices the remaining string
each time, then formats every number through pydyf one call at a time; a key with hundreds of typeset
formulas spends seconds there. Formula glyphs use only absolute `M`, `L`, `Q` and `Z` commands with plain
decimal numbers. For such paths this module compiles the data once (cached by the data string) into the
very same content-stream lines pydyf would write (same float arithmetic, same number formatting) and the
same marker vertices, and appends them in one step; any other path goes to WeasyPrint's own drawer.
`install()` registers it (`qbank.speedups.install_all`, after the version guard); tests compare PDFs made with
and without it byte for byte.
"""

from __future__ import annotations

import re
from functools import lru_cache
from math import atan2, pi
from typing import Any

from weasyprint import svg as weasy_svg
from weasyprint.svg.path import path as _ORIGINAL

_SIMPLE = re.compile(r"[MLQZ0-9.\- ]*")
_TOKEN = re.compile(r"[MLQZ]|-?\d*\.?\d+")
_ARITY = {"M": 2, "L": 2, "Q": 4, "Z": 0}
_MARKERS = ("marker", "marker-start", "marker-mid", "marker-end")

Vertex = tuple[float, float] | None
Compiled = tuple[tuple[bytes, ...], tuple[Vertex, ...]]


def fast_path(svg: Any, node: Any, font_size: float) -> None:
    """Draw a path node: fast for absolute M/L/Q/Z data, WeasyPrint's drawer for anything else."""
    data = node.get("d", "")
    if any(node.get(name) is not None for name in _MARKERS):  # markers need the vertices: not cached
        commands = _simple_commands(data)
        if commands is None:
            return _ORIGINAL(svg, node, font_size)
        lines, vertices = _draw(commands)
        node.vertices.extend(vertices)
    else:
        lines = _compiled(data)  # formula glyphs: the lines alone, cached
        if lines is None:
            return _ORIGINAL(svg, node, font_size)
    svg.stream.stream.extend(lines)
    return None


@lru_cache(maxsize=4096)
def _compiled(data: str) -> tuple[bytes, ...] | None:
    """The content-stream lines for path data, or None when it is not simple."""
    commands = _simple_commands(data)
    return None if commands is None else _draw(commands)[0]


def _simple_commands(data: str) -> list[tuple[str, list[float]]] | None:
    """The commands of absolute M/L/Q/Z path data with plain numbers, or None for any other data."""
    if not _SIMPLE.fullmatch(data):
        return None
    return _commands(_TOKEN.findall(data))


def _commands(tokens: list[str]) -> list[tuple[str, list[float]]] | None:
    """Split tokens into (letter, numbers) commands, repeating implicit ones; None if malformed."""
    commands: list[tuple[str, list[float]]] = []
    letter: str | None = None
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if token in _ARITY:
            letter = token
            i += 1
        elif letter in ("M", "L", "Q"):
            letter = "L" if letter == "M" else letter  # numbers after a moveto are implicit linetos
        else:
            return None
        arity = _ARITY[letter]
        numbers = tokens[i : i + arity]
        if len(numbers) != arity or any(n in _ARITY for n in numbers):
            return None
        commands.append((letter, [float(n) for n in numbers]))
        i += arity
    return commands


def _number(value: float) -> str:
    """A number as pydyf writes it into a content stream."""
    if value.is_integer():
        return str(int(value))
    return f"{value:f}".rstrip("0")


def _draw(commands: list[tuple[str, list[float]]]) -> Compiled:
    """The lines and vertices WeasyPrint's `path()` produces for these commands (pydyf: one line each)."""
    lines = ["0 0 m"]  # WeasyPrint starts every path with a move to (0, 0)
    vertices: list[Vertex] = []
    current: tuple[float, float] = (0, 0)
    last: str | None = None
    first: tuple[float, float] | None = None
    for letter, numbers in commands:
        if last in (None, "Z") and letter != "M":
            vertices.append(current)
            first = current
        if last in (None, "M", "Z"):
            first = None
        if letter not in ("M", "Z") and first is None:
            first = current
        if letter == "L":
            x, y = numbers
            old_x, old_y = current
            angle = atan2(y - old_y, x - old_x)
            vertices.append((pi - angle, angle))
            lines.append(f"{_number(x)} {_number(y)} l")
            current = x, y
        elif letter == "M":
            x, y = numbers
            if last and last != "Z":
                vertices.append(None)
            lines.append(f"{_number(x)} {_number(y)} m")
            current = x, y
        elif letter == "Q":
            x1, y1 = current
            x2, y2, x3, y3 = numbers
            control = (x2 * 2 / 3 + x1 / 3, y2 * 2 / 3 + y1 / 3, x2 * 2 / 3 + x3 / 3, y2 * 2 / 3 + y3 / 3, x3, y3)
            lines.append(" ".join(map(_number, control)) + " c")
            vertices.append((0, 0))
            current = x3, y3
        elif first:
            vertices.append(None)
            lines.append("h")
            current = first
        if letter != "Z":
            vertices.append(current)
        last = letter
    return tuple(line.encode("ascii") for line in lines), tuple(vertices)


def installed() -> bool:
    """Whether WeasyPrint draws <path> elements with `fast_path`."""
    return weasy_svg.TAGS["path"] is fast_path


def install() -> None:
    """Make WeasyPrint draw <path> elements with `fast_path` (idempotent)."""
    weasy_svg.TAGS["path"] = fast_path


def uninstall() -> None:
    """Restore WeasyPrint's own path drawer."""
    weasy_svg.TAGS["path"] = _ORIGINAL
