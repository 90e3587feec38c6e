"""Numbers and words of values and of rendered text, and whether a text shows a value's numbers."""

from __future__ import annotations

import html
import json
import re
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from qbank.draw.params import thaw

Token = tuple[float, int]  # value and exponent of its last digit


# --- Values --------------------------------------------------------------------------------------------------


def value_numbers(value: Any) -> list[float]:
    """All numbers in a value (scalars, nested lists and mappings), bools excluded."""
    if isinstance(value, bool):
        return []
    if isinstance(value, int | float):
        return [float(value)]
    if isinstance(value, Mapping):
        return [n for item in value.values() for n in value_numbers(item)]
    if isinstance(value, list | tuple):
        return [n for item in value for n in value_numbers(item)]
    return []


def value_key(value: Any) -> str:
    """A stable text key for a parameter value (coverage, distinctness)."""
    if isinstance(value, list | tuple | Mapping):
        return json.dumps(thaw(value), sort_keys=True, default=str)
    return repr(value)


def value_leaves(value: Any) -> list[Any]:
    """Scalar leaves of a nested list value."""
    if isinstance(value, list | tuple):
        return [leaf for item in value for leaf in value_leaves(item)]
    return [value]


def value_strings(value: Any, joined: bool = True) -> list[str]:
    """Every string in a nested value (and each list of strings joined, as a template's join prints it)."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, Mapping):
        return [s for item in value.values() for s in value_strings(item, joined)]
    if isinstance(value, list | tuple):
        found = [s for item in value for s in value_strings(item, joined)]
        words = [item for item in value if isinstance(item, str)]
        return [*found, " ".join(words)] if joined and len(words) > 1 else found
    return []


# --- Text as a reader sees it --------------------------------------------------------------------------------


_TEX_WORDS = {r"\times": " × ", r"\cdot": " · ", r"\left": "", r"\right": "", "{,}": ",", r"\,": " ", r"\ ": " ",
              r"\!": "", r"\;": " ", r"\quad": " "}  # fmt: skip
_TEX = re.compile("|".join(re.escape(k) for k in sorted(_TEX_WORDS, key=len, reverse=True)))
_PLAIN = {
    "\u2212": "-",
    "\u2013": "-",
    "\u00a0": " ",
    "\u2009": " ",
    "\u202f": " ",
    "\u2005": " ",
}
_PLAIN.update(zip("⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺", "0123456789-+", strict=True))
_SPECIAL = re.compile("[" + "".join(_PLAIN) + "]")
_SCIENTIFIC = re.compile(r"(\d)\s*[×xX]\s*10\s*\^?\s*[{(]?\s*([-+]?\d+)\s*[})]?")
_TOKEN = re.compile(r"(?<![\w.])(-?(?:\d{1,3}(?:,\d{3})+(?![\d,])|\d+))(?:\.(\d+))?(?:e([-+]?\d+))?")
_SVG_TEXT = re.compile(r">([^<>]+)<")


def svg_text(svg: str) -> str:
    """The text an SVG figure shows (its text nodes)."""
    return " ".join(html.unescape(t) for t in _SVG_TEXT.findall(svg) if t.strip())


def plain_text(text: str) -> str:
    """Text as a reader sees it: entities decoded, LaTeX spacing gone, ASCII minus, 4.04×10⁻⁵ as 4.04e-5."""
    if "&" in text:
        text = html.unescape(text)
    if "\\" in text or "{,}" in text:
        text = _TEX.sub(lambda m: _TEX_WORDS[m.group()], text)
    if not text.isascii():
        text = _SPECIAL.sub(lambda m: _PLAIN[m.group()], text)
    if "10" in text:
        text = _SCIENTIFIC.sub(r"\1e\2", text)
    return " ".join(text.split())


def normal_text(text: str) -> str:
    """Case-folded plain text with single spaces and without Markdown emphasis, for text comparisons."""
    return " " + re.sub(r"[*_`\"“”]", "", plain_text(text)).casefold() + " "


def number_tokens(text: str) -> list[Token]:
    """Every number in a plain text, in order, with the exponent of its last digit."""
    tokens = []
    for whole, decimals, exponent in _TOKEN.findall(text):
        number = float(f"{whole.replace(',', '')}.{decimals or 0}e{exponent or 0}")
        tokens.append((number, int(exponent or 0) - len(decimals)))
    return tokens


# --- Numbers shown in a text ---------------------------------------------------------------------------------


_HALF = {place: 0.5 * 10.0**place * (1 + 1e-9) for place in range(-40, 40)}


def shown_consecutively(tokens: Sequence[Token], numbers: Sequence[float], place: int) -> bool:
    """Whether consecutive tokens show every number, in order, each a correct rounding at least to `place`."""
    n = len(numbers)
    return any(all(_rounds(tokens[i + j], numbers[j], place) for j in range(n)) for i in range(len(tokens) - n + 1))


def _rounds(token: Token, number: float, place: int) -> bool:
    """Whether a printed number is a correct rounding of `number`, at least as precise as the key (place)."""
    value, token_place = token
    return token_place <= place and abs(value - number) <= _HALF.get(token_place, 0.0) + 1e-12 * abs(number)


def shown_in_order(tokens: Sequence[Token], numbers: Sequence[float]) -> bool:
    """Whether the numbers appear in order (not necessarily consecutively), each at its own precision."""
    position = 0
    for number in numbers:
        place = int(Decimal(repr(number)).as_tuple().exponent) if not number.is_integer() else 0
        while position < len(tokens) and not _same(tokens[position], number, place):
            position += 1
        if position == len(tokens):
            return False
        position += 1
    return True


def _same(token: Token, number: float, place: int) -> bool:
    """A printed number shows a given one: equal, or a correct rounding of it at the printed precision."""
    value, token_place = token
    if token_place <= place:
        return abs(value - number) <= 1e-12 * max(1.0, abs(number))
    return abs(value - number) <= _HALF.get(token_place, 0.0)
