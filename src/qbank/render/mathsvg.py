"""Typeset LaTeX formulas as SVG (ziamath) wrapped in HTML that WeasyPrint draws and text tools can read.

A formula becomes an SVG image plus a transparent plain-text copy of it (`x = -0.88`, `[1, 2; 3, 4]`,
`(QK^T)/√d_k`) squeezed over the image, so pdftotext and pdfplumber find its numbers in the PDF although
the visible formula is drawn as paths.
"""

from __future__ import annotations

import base64
import html
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from functools import lru_cache
from types import ModuleType

from qbank.core.limits import MATH_MAX_DEPTH, MATH_MAX_SOURCE
from qbank.render.mathml_text import linearize
from qbank.render.mathtext import simple_math_html

__all__ = ["HIDDEN_FONTS", "MathError", "Typeset", "math_html", "mathml", "typeset"]

#: Font stack of the hidden text copy; Termes Math has the symbols Termes lacks (∇, ∈, ⊙, ...).
HIDDEN_FONTS = "'TeX Gyre Termes', 'TeX Gyre Termes Math', 'FreeSerif'"
_MARGIN = 1.0  # px of blank around the ink in the SVG, cancelled by negative CSS margins
_MIN_SQUEEZE = 0.25  # the hidden copy is squeezed at most this hard to fit over the image
_REPEAT_GAP = 150  # 1/1000 em: keep repeated characters at least this far apart
# Advance widths (1/1000 em) of TeX Gyre Termes for ASCII 32..126, used to fit the hidden copy.
_ASCII_WIDTHS = (
    "250 333 408 500 500 833 778 180 333 333 500 564 250 333 250 278 500 500 500 500 500 500 500 500 500 "
    "500 278 278 564 564 564 444 921 722 667 667 722 611 556 722 722 333 389 722 611 889 722 722 556 722 "
    "667 556 611 722 722 944 722 722 611 333 278 333 469 500 333 444 500 444 500 444 333 500 500 278 278 "
    "500 278 778 500 500 500 500 333 389 278 500 500 722 500 500 444 480 200 480 541"
)
_WIDTHS = {chr(32 + i): int(w) for i, w in enumerate(_ASCII_WIDTHS.split())}
_WIDTHS.update({"×": 564, "·": 250, "√": 549, "∑": 713, "→": 1000, "⇒": 1000, "‘": 333, "’": 333})

_SIGNS = {"−", "+", "±", "∓"}
_OPERANDS = {"mi", "mn", "msub", "msup", "msubsup", "mfrac", "msqrt", "mroot", "mover", "munder", "mtext"}
_BINARY = {"×", "·", "*", "∗", "÷", "⋅"}
_NARROW_ACCENTS = {"\u0302": "\u02c6", "\u0303": "\u02dc", "~": "\u02dc"}
_TEXT_COMMAND = re.compile(r"\\(?:text[a-z]*|mbox)\s*\{")
_NUMBER_HEAD = re.compile(r"\d{1,3}")
_NUMBER_TAIL = re.compile(r"\d{3}(,\d{3})*(\.\d+)?")
# A matrix environment followed by a script needs braces: `\end{pmatrix}^{-1}` trips an assertion.
_ENV_SCRIPT = re.compile(r"(\\begin\{(\w+\*?)\}.*?\\end\{\2\})(?=\s*[_^])", re.DOTALL)
# Large operators: TeX sizes them by style, never to their row. ziamath's table calls them stretchy, so when it
# measures a row without its stretchy operators it gives them an inverted 999/-999 box, a limit is placed
# against it, and brackets beside `\frac{1}{\sum_j x}` grew to ~2,000 px.
_LARGE_OPERATORS = frozenset("∑∏∐⋀⋁⋂⋃⊎∫∬∭∮∯∰∲∳")
_MATRIX_FENCES = {"(": ")", "[": "]", "{": "}", "|": "|", "‖": "‖"}


class MathError(ValueError):
    """A formula that cannot be typeset; the message names the formula."""


@dataclass(frozen=True)
class Typeset:
    """A typeset formula: SVG markup, size in px, ink depth below the baseline (px), plain-text copy."""

    svg: str
    width: float
    height: float
    depth: float
    text: str


def _ziamath() -> ModuleType:
    """ziamath, imported on the first formula (it takes ~0.3 s), set up for WeasyPrint."""
    import ziamath

    ziamath.config.svg2 = False  # svg2 mode gives duplicate ids and stray glyphs in WeasyPrint
    return ziamath


def _fail(latex: str, why: str) -> MathError:
    return MathError(f"cannot typeset formula {latex!r}: {why}")


def _check_braces(latex: str) -> None:
    """Refuse a formula past the size bound, with unbalanced braces, or nested deeper than the bound."""
    if len(latex) > MATH_MAX_SOURCE:
        raise _fail(latex[:60] + "...", f"{len(latex):,} characters (at most {MATH_MAX_SOURCE:,})")
    depth = 0
    for match in re.finditer(r"\\.|[{}]", latex, re.DOTALL):  # `\{` and `\}` are escaped braces
        depth += {"{": 1, "}": -1}.get(match.group(), 0)
        if depth < 0:
            raise _fail(latex, f"unmatched '}}' at offset {match.start()}")
        if depth > MATH_MAX_DEPTH:
            raise _fail(latex, f"braces nested more than {MATH_MAX_DEPTH} deep")
    if depth:
        raise _fail(latex, f"{depth} unclosed '{{'")


def _check_depth(root: ET.Element, latex: str) -> None:
    """Refuse MathML nested deeper than the bound (`\\sqrt\\sqrt...` nests without braces)."""
    level, frontier = 0, [root]
    while frontier:
        level += 1
        if level > 2 * MATH_MAX_DEPTH:  # an mrow and its element per level of TeX nesting
            raise _fail(latex, f"nested more than {MATH_MAX_DEPTH} deep")
        frontier = [child for element in frontier for child in element]


def _escape_text_arguments(latex: str) -> str:
    """latex2mathml copies `\\text{..}` into its XML unescaped: `<`, `&` there break the parse."""
    out, pos = [], 0
    for match in _TEXT_COMMAND.finditer(latex):
        if match.start() < pos:
            continue
        depth, end = 1, match.end()
        while end < len(latex) and depth:
            depth += {"{": 1, "}": -1}.get(latex[end], 0) if latex[end - 1] != "\\" else 0
            end += 1
        body = latex[match.end() : end - 1].replace("\\&", "&")
        body = body.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        out.append(latex[pos : match.end()] + body + "}")
        pos = end
    return "".join(out) + latex[pos:]


def _is_gap(el: ET.Element) -> bool:
    return el.tag == "mspace" or (el.tag == "mtext" and not (el.text or "").strip())


def _merge_thousands(el: ET.Element) -> None:
    """`2,359,296` arrives as mn mo(,) mn mo(,) mn, spaced like a list: merge it into one <mn>."""
    kids = list(el)
    for i in range(len(kids) - 3, -1, -1):
        head, comma, tail = kids[i : i + 3]
        grouped = comma.tag == "mo" and comma.text == "," and head.tag == tail.tag == "mn"
        if grouped and _NUMBER_HEAD.fullmatch(head.text or "") and _NUMBER_TAIL.fullmatch(tail.text or ""):
            head.text = f"{head.text},{tail.text}"
            el.remove(comma)
            el.remove(tail)


def _normalize(el: ET.Element, latex: str) -> None:
    """Fix ziamath/latex2mathml quirks in place: unary signs, thousands separators, unknown commands."""
    _merge_thousands(el)
    kids = list(el)
    if el.tag == "mover" and kids[-1].text in _NARROW_ACCENTS and len("".join(kids[0].itertext())) == 1:
        kids[-1].text = _NARROW_ACCENTS[kids[-1].text]  # \hat{y}: the combining U+0302 comes out wide
    if el.tag == "mtable":  # `aligned` brings its own; ziamath's default 0.3em crams matrix columns
        el.attrib.setdefault("columnspacing", "0.8em")
    if el.tag in ("mrow", "math", "mtd", "mstyle"):
        _group_matrix_fences(el)
        kids = list(el)
    for i, kid in enumerate(kids):
        text = kid.text or ""
        if kid.tag in ("mi", "mo") and text.startswith("\\") and len(text) > 1:
            raise _fail(latex, f"unknown command {text}")
        if kid.tag == "mo" and text in _LARGE_OPERATORS:
            kid.attrib.setdefault("stretchy", "false")
        if kid.tag == "mo" and text in ("∇", "∂"):
            kid.set("form", "none")  # ordinary symbols in TeX; ziamath spaced them off their subscripts
        if kid.tag == "mo" and text in _SIGNS and "form" not in kid.attrib:
            prev = kids[i - 1] if i else None
            if prev is None or _is_gap(prev) or (prev.tag == "mo" and prev.text not in (")", "]", "}", "|")):
                kid.set("form", "prefix")  # TeX: a sign after a relation or an opening is unary
                kid.set("lspace", "0em")
                kid.set("rspace", "0em")
        elif kid.tag == "mo" and text in _BINARY and 0 < i < len(kids) - 1 and "lspace" not in kid.attrib:
            kid.set("lspace", "mediummathspace")  # TeX spaces \times and \cdot like + and -
            kid.set("rspace", "mediummathspace")
        elif kid.tag == "mo" and text == "," and "rspace" not in kid.attrib:
            kid.set("rspace", "thinmathspace")  # ziamath's default comma space is a wide 1/3 em
        _normalize(kid, latex)
    if el.tag in ("mrow", "math", "mtd", "mstyle"):
        _space_functions(el)


def _group_matrix_fences(el: ET.Element) -> None:
    """Give `\\begin{bmatrix}`'s brackets a row of their own: in the formula's row they stretch to its
    tallest part (a fraction next to a one-row vector got brackets as tall as the fraction)."""
    kids = list(el)
    if len(kids) == 3:
        return  # the brackets and the table are the whole row already
    for i in range(len(kids) - 3, -1, -1):
        opening, table, closing = kids[i : i + 3]
        if (
            table.tag == "mtable"
            and opening.tag == closing.tag == "mo"
            and _MATRIX_FENCES.get(opening.text or "") == (closing.text or "")
        ):
            row = ET.Element("mrow")
            for kid in (opening, table, closing):
                el.remove(kid)
                row.append(kid)
            el.insert(i, row)


def _space_functions(el: ET.Element) -> None:
    """Space `\\log x` like TeX: ziamath pads every function name, even before `(` or at the start."""
    kids = list(el)
    for i in reversed(range(len(kids))):
        text = kids[i].text or ""
        if kids[i].tag != "mi" or len(text) < 2 or not text.isalpha():
            continue
        kids[i].tag = "mo"
        kids[i].set("form", "none")
        if i + 1 < len(kids) and kids[i + 1].tag in _OPERANDS:
            el.insert(i + 1, ET.Element("mspace", width="thinmathspace"))
        if i and (kids[i - 1].tag in _OPERANDS or (kids[i - 1].text or "") in (")", "]")):
            el.insert(i, ET.Element("mspace", width="thinmathspace"))


def typeset(latex: str, display: bool, size_px: float = 14.67) -> Typeset:
    """Typeset one LaTeX formula with ziamath (size in CSS px); raise MathError on bad LaTeX."""
    root = mathml(latex, display)
    text = re.sub(r"\s+", " ", linearize(root)).strip()
    try:
        math = _ziamath().Math(root, size=size_px, margin=_MARGIN)
        svg = math.svg()
    except Exception as exc:  # ziamath layout bugs surface as AssertionError, KeyError, ...
        raise _fail(latex, f"{type(exc).__name__} {exc}".strip()) from exc
    box = math.node.bbox
    width, height = box.xmax - box.xmin + 2 * _MARGIN, box.ymax - box.ymin + 2 * _MARGIN
    return Typeset(svg=svg, width=width, height=height, depth=-box.ymin, text=text)


def mathml(latex: str, display: bool) -> ET.Element:
    """The MathML tree that `typeset` lays out: latex2mathml's, with our fixes; MathError on bad LaTeX."""
    if not latex.strip():
        raise _fail(latex, "empty formula")
    _check_braces(latex)
    source = _escape_text_arguments(_ENV_SCRIPT.sub(r"{\1}", latex))
    _ziamath()
    from ziamath.tex import tex2mml
    from ziamath.zmath import denamespace

    try:
        root = denamespace(ET.fromstring(tex2mml(source, inline=not display)))
    except Exception as exc:  # latex2mathml raises many unrelated exception types
        raise _fail(latex, f"{type(exc).__name__} {exc}".strip()) from exc
    _check_depth(root, latex)
    _normalize(root, latex)
    return root


def _px(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".") + "px"


def _hidden_copy(ts: Typeset, size_px: float) -> str:
    """A zero-size inline-block on the text baseline whose transparent text is squeezed over the image."""
    advances = [_WIDTHS.get(ch, 550) for ch in ts.text]
    natural = sum(advances) * size_px / 1000
    # pdftotext drops a character repeating the previous one less than ~0.1 em away ("))", "ll")
    repeats = [adv for adv, a, b in zip(advances, ts.text, ts.text[1:], strict=False) if a == b != " "]
    floor = max([_MIN_SQUEEZE] + [_REPEAT_GAP / adv for adv in repeats])
    squeeze = max(floor, min(1.0, ts.width / natural)) if natural else 1.0
    shift = (ts.width - natural * squeeze) / 2
    style = (
        f"display:inline-block;width:0;height:0;line-height:0;white-space:pre;position:relative;"
        f"left:{_px(shift)};color:transparent;font:normal normal {_px(size_px)} {HIDDEN_FONTS};"
        f"transform-origin:0 0;transform:scaleX({squeeze:.4f})"
    )
    return f'<span class="math-text" style="{style}">{html.escape(ts.text, quote=False)}</span>'


def _image(ts: Typeset) -> str:
    """The formula as an <img> with a data: URL, lowered so its baseline sits on the text baseline.

    Measured with WeasyPrint 70: identical drawing to an inline <svg>, and parse+layout ~15% faster
    (its HTML parser need not tokenize the path data; the image is parsed once per distinct formula)."""
    style = f"vertical-align:{_px(-ts.depth)};margin:{_px(-_MARGIN)} 0"
    data = base64.b64encode(ts.svg.encode("utf-8")).decode("ascii")
    return (
        f'<img class="math-svg" style="{style}" width="{ts.width:.3f}" height="{ts.height:.3f}" alt="" '
        f'src="data:image/svg+xml;base64,{data}">'
    )


def math_html(latex: str, display: bool, size_px: float = 14.67, *, block_tag: str = "div") -> str:
    """HTML (span.math.inline / block_tag.math.display) drawing latex with extractable text, or MathError."""
    return _math_html(latex, display, size_px, block_tag)


# Plain memoization (a formula's HTML, ~40% of math_html calls repeat one): without it (and without typeset's
# cache, which had no hits) `qbank check banks/deep-learning --seeds 300` took a median 6.98 CPU s against
# 6.63 CPU s with it (+5.3%), the DL exam build 21.29 against 20.60 CPU s (+3.3%); load 3-8.
@lru_cache(maxsize=4096)
def _math_html(latex: str, display: bool, size_px: float, block_tag: str) -> str:
    _check_braces(latex)  # before the simple path too: it parses braces recursively
    simple = simple_math_html(latex)
    if simple is not None:
        if display:
            return f'<{block_tag} class="math display" style="display:block;text-align:center">{simple}</{block_tag}>'
        return simple
    ts = typeset(latex, display, size_px)
    inner = _hidden_copy(ts, size_px) + _image(ts)
    if display:
        style = "display:block;text-align:center;text-indent:0"  # margins: left to the stylesheet
        return f'<{block_tag} class="math display" style="{style}">{inner}</{block_tag}>'
    return f'<span class="math inline" style="white-space:nowrap">{inner}</span>'
