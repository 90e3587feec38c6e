"""Typeset LaTeX formulas as SVG (ziamath) wrapped in HTML that WeasyPrint draws and text tools can read.

Each formula becomes an SVG image plus a transparent plain-text copy laid over it (squeezed to the
image's width), so `pdftotext`/pdfplumber find `2,359,296` or `-0.88` in the PDF although the visible
formula is drawn as paths. The SVG is embedded inline (see `_figure`); results are cached by
(source, display, size).
"""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from functools import lru_cache

import ziamath
from ziamath.tex import tex2mml
from ziamath.zmath import denamespace

from qbank.mathtext import MathTextError, linearize, normalize_mathml

ziamath.config.svg2 = False  # svg2 mode: duplicate-id warnings and stray glyphs in WeasyPrint

__all__ = ["HIDDEN_FONTS", "MathError", "math_html"]

#: Font stack of the hidden text copy; Termes Math covers the symbols Termes lacks (∇, ∈, ⊙ ...).
HIDDEN_FONTS = "'TeX Gyre Termes', 'TeX Gyre Termes Math'"
_MARGIN = 1.0  # px of blank around the ink, cancelled by negative CSS margins
_MIN_SQUEEZE = 0.45  # below this pdftotext may merge repeated narrow characters ("))", "11")
# Advance widths (1/1000 em) of TeX Gyre Termes for ASCII 32..126, to size the hidden text copy.
_ASCII_WIDTHS = (
    "250 333 408 500 500 833 778 180 333 333 500 564 250 333 250 278 500 500 500 500 500 500 500 500 500 "
    "500 278 278 564 564 564 444 921 722 667 667 722 611 556 722 722 333 389 722 611 889 722 722 556 722 "
    "667 556 611 722 722 944 722 722 611 333 278 333 469 500 333 444 500 444 500 444 333 500 500 278 278 "
    "500 278 778 500 500 500 500 333 389 278 500 500 722 500 500 444 480 200 480 541"
)
_WIDTHS = {chr(32 + i): int(w) for i, w in enumerate(_ASCII_WIDTHS.split())}
_WIDTHS.update({"×": 564, "·": 250, "√": 549, "∑": 713, "→": 1000, "⇒": 1000, "‘": 333, "’": 333})


class MathError(ValueError):
    """A formula that cannot be typeset; the message names the formula."""


@dataclass(frozen=True)
class Typeset:
    """One typeset formula: SVG markup, its size in px, ink depth below the baseline, plain text."""

    svg: str
    width: float
    height: float
    depth: float
    text: str


def _fail(latex: str, why: str) -> MathError:
    return MathError(f"cannot typeset formula {latex!r}: {why}")


def _check_braces(latex: str) -> None:
    depth = 0
    i = 0
    while i < len(latex):
        ch = latex[i]
        if ch == "\\":
            i += 2
            continue
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
            if depth < 0:
                raise _fail(latex, f"unmatched '}}' at offset {i}")
        i += 1
    if depth:
        raise _fail(latex, f"{depth} unclosed '{{'")


# A matrix environment followed by a script needs braces: `\end{pmatrix}^{-1}` trips an assertion.
_ENV_SCRIPT = re.compile(r"(\\begin\{(\w+\*?)\}.*?\\end\{\2\})(?=\s*[_^])", re.DOTALL)


@lru_cache(maxsize=4096)
def typeset(latex: str, display: bool, size_px: float = 14.67) -> Typeset:
    """Typeset one LaTeX formula with ziamath; raise MathError on bad LaTeX. Cached."""
    if not latex.strip():
        raise _fail(latex, "empty formula")
    _check_braces(latex)
    source = _ENV_SCRIPT.sub(r"{\1}", latex)
    try:
        root = denamespace(ET.fromstring(tex2mml(source, inline=not display)))
    except Exception as exc:  # latex2mathml raises many unrelated exception types
        raise _fail(latex, f"{type(exc).__name__}: {exc}".rstrip(": ")) from exc
    try:
        normalize_mathml(root)
        text = linearize(root)
    except MathTextError as exc:
        raise _fail(latex, str(exc)) from exc
    try:
        math = ziamath.Math(root, size=size_px, margin=_MARGIN)
        svg = math.svg()
    except Exception as exc:  # ziamath layout bugs surface as AssertionError, KeyError, ...
        raise _fail(latex, f"{type(exc).__name__}: {exc}".rstrip(": ")) from exc
    bbox = math.node.bbox
    return Typeset(
        svg=svg,
        width=bbox.xmax - bbox.xmin + 2 * _MARGIN,
        height=bbox.ymax - bbox.ymin + 2 * _MARGIN,
        depth=-bbox.ymin,
        text=text,
    )


def _text_width(text: str, size_px: float) -> float:
    return sum(_WIDTHS.get(ch, 550) for ch in text) * size_px / 1000


def _px(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".") + "px"


def _hidden_copy(ts: Typeset, size_px: float, display: bool) -> str:
    """The transparent text copy, squeezed horizontally to cover the image."""
    natural = _text_width(ts.text, size_px)
    squeeze = min(1.0, ts.width / natural) if natural else 1.0
    squeeze = max(squeeze, _MIN_SQUEEZE)
    shift = (ts.width - natural * squeeze) / 2  # centre the copy over the image
    style = (
        f"position:absolute;left:{_px(shift)};bottom:{_px(_MARGIN + ts.depth)};white-space:nowrap;"
        f"color:transparent;font-family:{HIDDEN_FONTS};font-size:{_px(size_px)};font-style:normal;"
        f"font-weight:normal;line-height:0;transform-origin:0 0;transform:scaleX({squeeze:.4f})"
    )
    return f'<span class="math-text" style="{style}">{html.escape(ts.text, quote=False)}</span>'


def _figure(ts: Typeset) -> str:
    """The SVG element sized in px (inline <svg> is faster than a data: URL <img>; see pdf tests)."""
    return ts.svg.replace("<svg ", '<svg class="math-svg" style="display:block" ', 1)


def math_html(latex: str, display: bool, size_px: float = 14.67) -> str:
    """Return HTML (span.math.inline or div.math.display) drawing `latex` as SVG with extractable text."""
    return _math_html(latex, display, size_px)


@lru_cache(maxsize=4096)
def _math_html(latex: str, display: bool, size_px: float) -> str:
    ts = typeset(latex, display, size_px)
    box = (
        f"display:inline-block;position:relative;width:{_px(ts.width)};height:{_px(ts.height)};"
        f"margin:{_px(-_MARGIN)} 0;line-height:0;vertical-align:{_px(-ts.depth)};text-indent:0"
    )
    inner = _figure(ts) + _hidden_copy(ts, size_px, display)
    title = html.escape(latex)
    if display:
        return (
            f'<div class="math display" style="text-align:center;margin:0.6em 0;break-inside:avoid" '
            f'title="{title}"><span class="math-box" style="{box}">{inner}</span></div>'
        )
    return f'<span class="math inline" title="{title}" style="{box}">{inner}</span>'
