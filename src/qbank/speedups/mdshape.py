"""Markdown rendered once per shape: the HTML of a text from the HTML of its skeleton.

Variants of a question differ mostly in their numbers. Where CommonMark cannot read a run of digits as syntax,
the run is swapped for a placeholder (one code point of Supplementary Private Use Area-A each, which
markdown-it classes like a letter or digit: neither whitespace nor punctuation), the skeleton is rendered
once and cached, and the runs are put back into its HTML. Digits stay in the skeleton where they can be
syntax: at the start of a line after nothing but spaces and container markers (`12.` opens an ordered
list, `1.` may interrupt a paragraph), or inside a character reference (`&#39;`, `&frac12;`). Texts with
tabs (column arithmetic), a `<` that may open an autolink (`<scheme:` or `<...@`; raw HTML is off, so
`<mask>` is text), `](`, `][` or `]:` (links and reference definitions; without them a bracket is literal
text) or placeholder code points are rendered whole. With markdown-it's
commonmark preset (no linkify, no typographer) the result is the same string the whole text renders to;
tests compare both over the banks and fuzzed texts. `render_markdown` renders whole until `install()` (called by
`qbank.speedups.install_all`, after the version guard) turns the skeleton path on.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache
from itertools import count

__all__ = ["install", "installed", "render_by_shape", "render_markdown", "uninstall"]

_BASE = 0xF0000  # Supplementary Private Use Area-A: 65,534 placeholders
_LAST = 0xFFFFD
# Each pattern opens with one character class, so the regex engine skips ahead to the next candidate
# character rather than trying alternatives at every position (together about 3x faster on bank texts).
# Rendered whole: a text with a tab, a placeholder code point, `](`, `][` or `]:` (links, definitions), or a `<`
# that may open an autolink (`<scheme:`, or an `@` before the next `>`); raw HTML is off, so any other `<` is text.
_RENDER_WHOLE = re.compile(
    "[\t<\\]\U000f0000-\U000ffffd]"
    "(?:(?<=\\])[(\\[:]|(?<=<)(?:[A-Za-z][A-Za-z0-9+.\\-]{1,31}:|[^>]*@)|(?<=[\t\U000f0000-\U000ffffd]))"
)
# Matched in a text with a newline put in front: kept as they are, a newline with the line's leading run of
# spaces, container markers and digits (`> 12. `: list syntax) and a character reference's name (`&#39`,
# `&frac12`); swapped, any other run of digits.
_RUNS = re.compile(r"([\n&\d](?:(?<=\n)[ >*+\-.)0-9]*|(?<=&)#?[0-9A-Za-z]+|(?<=\d)\d*))")
_PLACEHOLDER = re.compile("([\U000f0000-\U000ffffd])")


_STATE = {"on": False}


def install() -> None:
    """Render Markdown by shape from now on."""
    _STATE["on"] = True


def uninstall() -> None:
    """Render every text whole."""
    _STATE["on"] = False


def installed() -> bool:
    """Whether Markdown is rendered by shape."""
    return _STATE["on"]


def render_markdown(text: str, render: Callable[[str], str]) -> str:
    """`render(text)`: by shape when installed, else whole."""
    return render_by_shape(text, render) if _STATE["on"] else render(text)


def render_by_shape(text: str, render: Callable[[str], str]) -> str:
    """`render(text)` for a Markdown renderer whose output depends on digit runs only as described above,
    computed from a cached rendering of the text's skeleton."""
    if _RENDER_WHOLE.search(text):
        return render(text)
    pieces = _RUNS.split("\n" + text)  # text, match, text, match, ... (no callback per match)
    matches = pieces[1::2]
    runs = [match for match in matches if match[0] not in "\n&"]  # the rest is syntax, kept as it is
    if not runs:
        return _rendered(text, render)
    if len(runs) > _LAST - _BASE + 1:  # more runs than placeholders
        return render(text)
    placeholders = map(chr, count(_BASE))
    pieces[1::2] = [match if match[0] in "\n&" else next(placeholders) for match in matches]
    pieces = _PLACEHOLDER.split(_rendered("".join(pieces)[1:], render))  # text, placeholder, text, ...
    pieces[1::2] = [runs[ord(placeholder) - _BASE] for placeholder in pieces[1::2]]
    return "".join(pieces)


@lru_cache(maxsize=2048)
def _rendered(skeleton: str, render: Callable[[str], str]) -> str:
    return render(skeleton)
