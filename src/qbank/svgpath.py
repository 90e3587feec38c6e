"""A faster drawer for the SVG paths ziamath writes, with exactly WeasyPrint's output.

WeasyPrint 70 parses path data with a regular expression per point and re-slices the remaining string
each time; a key with a few dozen typeset formulas spends seconds there. Formula glyphs use only
absolute `M`, `L`, `Q` and `Z` commands with plain decimal numbers. For such paths this module issues the
very same drawing operations (same float arithmetic, same marker vertices) from one tokenizing pass;
any other path goes to WeasyPrint's own drawer. `install()` registers it; tests compare PDFs made with
and without it byte for byte.
"""

from __future__ import annotations

import re
from math import atan2, pi
from typing import Any

from weasyprint import svg as weasy_svg
from weasyprint.svg.path import path as _ORIGINAL

_SIMPLE = re.compile(r"[MLQZ0-9.\- ]*")
_TOKEN = re.compile(r"[MLQZ]|-?\d*\.?\d+")
_ARITY = {"M": 2, "L": 2, "Q": 4, "Z": 0}


def fast_path(svg: Any, node: Any, font_size: float) -> None:
    """Draw a path node: fast for absolute M/L/Q/Z data, WeasyPrint's drawer for anything else."""
    data = node.get("d", "")
    if not _SIMPLE.fullmatch(data):
        return _ORIGINAL(svg, node, font_size)
    commands = _commands(_TOKEN.findall(data))
    if commands is None:
        return _ORIGINAL(svg, node, font_size)
    _draw(svg.stream, node.vertices, commands)
    return None


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


def _draw(stream: Any, vertices: list[Any], commands: list[tuple[str, list[float]]]) -> None:
    """Issue the drawing operations WeasyPrint's `path()` issues for these commands."""
    current: tuple[float, float] = (0, 0)
    stream.move_to(*current)
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
            stream.line_to(x, y)
            current = x, y
        elif letter == "M":
            x, y = numbers
            if last and last != "Z":
                vertices.append(None)
            stream.move_to(x, y)
            current = x, y
        elif letter == "Q":
            x1, y1 = current
            x2, y2, x3, y3 = numbers
            stream.curve_to(x2 * 2 / 3 + x1 / 3, y2 * 2 / 3 + y1 / 3, x2 * 2 / 3 + x3 / 3, y2 * 2 / 3 + y3 / 3, x3, y3)
            vertices.append((0, 0))
            current = x3, y3
        elif first:
            vertices.append(None)
            stream.close()
            current = first
        if letter != "Z":
            vertices.append(current)
        last = letter


def install() -> None:
    """Make WeasyPrint draw <path> elements with `fast_path` (idempotent)."""
    weasy_svg.TAGS["path"] = fast_path


def uninstall() -> None:
    """Restore WeasyPrint's own path drawer."""
    weasy_svg.TAGS["path"] = _ORIGINAL
