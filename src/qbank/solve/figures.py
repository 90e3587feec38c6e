"""Figures: what a registered figure function returns must be a well-formed, sized SVG document.

The text is parsed with lxml's XML parser with entity resolution, DTD loading and network access off, and a
document type declaration is refused outright, so a figure can neither expand entities nor read files. A
file path, malformed XML, a root other than `<svg>` or an `<svg>` without a size (`width` and `height`, or a
`viewBox`) would print a blank gap, a black box or the text itself: `qbank check` and `qbank build` report
it at the question's `figure` key, with the figure function and the variant's seed.
"""

from __future__ import annotations

import math
import re
from typing import Any

from lxml import etree

from qbank.core.errors import LocatedError
from qbank.solve.variant import Variant
from qbank.spec.validate import Question

SVG_NAMESPACE = "http://www.w3.org/2000/svg"
_LENGTH = re.compile(r"^\s*(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?\s*(px|pt|pc|mm|cm|in|em|ex|%)?\s*$")


class FigureError(LocatedError):
    """A figure function crashed or returned something that is not a usable SVG document."""


def _parser() -> etree.XMLParser:
    """An XML parser that resolves no entities, loads no DTD and never touches the network."""
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


def _positive_length(text: str | None) -> bool:
    """Whether an SVG width/height attribute is a positive length (a number with an optional unit)."""
    match = _LENGTH.match(text or "")
    return bool(match) and float(match.group(1) + (match.group(3) or "")) > 0


def _positive_viewbox(text: str) -> bool:
    """Whether a viewBox attribute is four numbers with a positive width and height."""
    parts = [part for part in re.split(r"[\s,]+", text.strip()) if part]
    try:
        numbers = [float(part) for part in parts]
    except ValueError:
        return False
    return len(numbers) == 4 and all(map(math.isfinite, numbers)) and numbers[2] > 0 and numbers[3] > 0


def svg_problem(figure: Any) -> str | None:
    """Why a figure function's result is not a usable SVG document (None: it is one)."""
    if not isinstance(figure, str):
        return f"returned {type(figure).__name__}, not SVG text"
    if not figure.strip():
        return "returned empty text, not an SVG document"
    try:
        root = etree.fromstring(figure.encode("utf-8"), _parser())
    except etree.XMLSyntaxError as exc:
        shown = figure.strip()[:40] + ("..." if len(figure.strip()) > 40 else "")
        return f"returned text that is not well-formed SVG ({exc}): {shown!r}"
    if root.getroottree().docinfo.doctype or root.getroottree().docinfo.internalDTD is not None:
        return "returned SVG with a document type declaration (DTDs and entities are refused)"
    name = etree.QName(root)
    if name.localname != "svg" or name.namespace not in (None, SVG_NAMESPACE):
        return f"returned a document whose root is <{root.tag}>, not <svg>"
    width, height, viewbox = root.get("width"), root.get("height"), root.get("viewBox")
    if width is None and height is None and viewbox is None:
        return "returned an <svg> without a size: give it width and height, or a viewBox"
    for key, value in (("width", width), ("height", height)):
        if value is not None and not _positive_length(value):
            return f"returned an <svg> whose {key} {value!r} is not a positive length"
    if viewbox is not None and not _positive_viewbox(viewbox):
        return f"returned an <svg> whose viewBox {viewbox!r} is not four numbers with a positive size"
    if viewbox is None and (width is None or height is None):
        return "returned an <svg> with only one of width and height and no viewBox"
    return None


def describe(variant: Variant) -> str:
    """Which variant a figure was drawn for: its seed and paper, or the canonical values."""
    if variant.canonical:
        return "the canonical variant"
    return f"seed {variant.exam_seed}, paper {variant.paper_id!r}"


def draw_figure(question: Question, variant: Variant) -> str | None:
    """The question's figure for one variant, checked to be a sized SVG document (None: no figure).

    Raises FigureError, located at the question's `figure` key, naming the figure function and the seed.
    """
    if question.figure is None:
        return None
    line = question.document.line(("figure",))
    where = f"{question.spec.figure!r} for {describe(variant)}"
    try:
        figure = question.figure.function(variant.params)
    except Exception as exc:
        raise FigureError(question.file, line, "figure", f"{where} raised {type(exc).__name__}: {exc}") from None
    problem = svg_problem(figure)
    if problem is not None:
        raise FigureError(question.file, line, "figure", f"{where} {problem}")
    return figure
