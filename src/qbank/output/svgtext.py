"""Figure labels drawn as one shaped run each (one Pango layout per run) instead of letter by letter.

WeasyPrint 70 lays out and draws every letter of an SVG <text> separately (so per-letter x/y/dx/dy/rotate
lists work). A run with at most one x and one y, no dx/dy/rotate lists, no letter-spacing, no textLength
and no baseline alignment (every label qbank's figure helpers write) is drawn here as one shaped run, with
the same font, the same start point and the same bounding box extent (so text-anchor centring works as
before), kerned as HTML text is, and read back as words (drawn letter by letter, a label loses its spaces when the text
is extracted). Anything else goes to WeasyPrint's own drawer. It draws differently from WeasyPrint (whole-run
kerning moves a long label's glyphs by up to about a point), so it is not a speed-up (those give identical
output) but a part of how qbank draws figures: every set built so far was drawn with it.
`qbank.output.pdf.write_pdf` installs it, over the WeasyPrint versions it was checked against (CHECKED).
"""

from __future__ import annotations

from math import inf
from typing import Any

from weasyprint import svg as weasy_svg
from weasyprint.css.properties import INITIAL_VALUES
from weasyprint.draw.text import draw_emojis, draw_first_line
from weasyprint.matrix import Matrix
from weasyprint.svg.bounding_box import extend_bounding_box
from weasyprint.svg.text import Style, TextBox
from weasyprint.svg.text import text as _ORIGINAL
from weasyprint.svg.utils import normalize, size
from weasyprint.text.line_break import split_first_line

from qbank.speedups import version_refusal

CHECKED = ("70.0",)  # WeasyPrint versions whose SVG text drawer this replaces for plain runs (tests/test_pdf.py)

_PER_LETTER = ("dx", "dy", "rotate", "textLength", "display-anchor", "dominant-baseline", "alignment-baseline")
_WEIGHTS = {"normal": 400, "bold": 700}


def _coordinate(node: Any, name: str) -> list[str] | None:
    """The node's x or y list as strings (empty when absent), or None when it has several values."""
    if name not in node.attrib:
        return []
    values = normalize(node.attrib[name]).strip().split(" ")
    return values if len(values) == 1 else None


def _is_plain_run(svg: Any, node: Any, font_size: float) -> bool:
    """True when per-letter layout cannot differ from one run: no lists, spacing or baseline options."""
    if node.tag not in ("text", "tspan") or not node.text or any(name in node.attrib for name in _PER_LETTER):
        return False
    if _coordinate(node, "x") is None or _coordinate(node, "y") is None:
        return False
    return not svg.length(node.get("letter-spacing"), font_size)


def _style(svg: Any, node: Any, font_size: float) -> Style:
    """The text style WeasyPrint's SVG drawer builds from the node's font attributes."""
    style = Style()
    style.update(INITIAL_VALUES)
    style.font_config = svg.font_config
    style["font_family"] = [font.strip("\"'") for font in node.get("font-family", "sans-serif").split(",")]
    style["font_style"] = node.get("font-style", "normal")
    weight = node.get("font-weight", 400)
    try:
        style["font_weight"] = _WEIGHTS[weight] if weight in _WEIGHTS else int(weight)
    except ValueError:
        style["font_weight"] = 400
    style["font_size"] = font_size
    if node.get("direction") in ("ltr", "rtl"):
        style["direction"] = node.get("direction")
    return style


def label_text(svg: Any, node: Any, font_size: float) -> None:
    """Draw a text node: one shaped run when it is plain, WeasyPrint's per-letter drawer otherwise."""
    if not _is_plain_run(svg, node, font_size):
        return _ORIGINAL(svg, node, font_size)
    style = _style(svg, node, font_size)
    layout, _, _, width, height, baseline = split_first_line(node.text, style, svg.context, inf, 0)
    xs, ys = _coordinate(node, "x"), _coordinate(node, "y")
    if xs:
        svg.cursor_d_position[0] = 0
    if ys:
        svg.cursor_d_position[1] = 0
    x = size(xs[0], font_size, svg.inner_width) if xs else svg.cursor_position[0]
    y = size(ys[0], font_size, svg.inner_height) if ys else svg.cursor_position[1]
    svg.cursor_position = x + width, y
    x_position, y_position = x + svg.cursor_d_position[0], y + svg.cursor_d_position[1]
    corners = ((x_position, y_position - baseline), (x_position + width, y_position - baseline + height))
    node.text_bounding_box = extend_bounding_box(node.text_bounding_box, corners)

    svg.stream.push_state()
    fill, stroke = svg.set_graphical_state(node, font_size)
    svg.stream.begin_text()
    layout.reactivate(style)
    svg.fill_stroke(fill, stroke, text=True)
    text_box = TextBox(layout, style)
    text_box.baseline = baseline
    emojis = draw_first_line(svg.stream, text_box, "none", "none", Matrix(d=-1, e=x_position, f=y_position))
    svg.stream.end_text()
    svg.stream.pop_state()
    draw_emojis(svg.stream, style, x, y, emojis)
    return None


def install() -> str | None:
    """Make WeasyPrint draw SVG text with `label_text` (idempotent); on a WeasyPrint version not in CHECKED leave
    its own drawer and say why."""
    refusal = version_refusal("weasyprint", CHECKED)
    if refusal is None:
        _replace(_ORIGINAL, label_text)
    return refusal


def uninstall() -> None:
    """Restore WeasyPrint's own SVG text drawer."""
    _replace(label_text, _ORIGINAL)


def _replace(old: Any, new: Any) -> None:
    """Point every TAGS entry and the module name that WeasyPrint's draw_node compares against at `new`."""
    for tag, drawer in weasy_svg.TAGS.items():
        if drawer is old:
            weasy_svg.TAGS[tag] = new
    weasy_svg.text = new
