"""Exact speed-ups for ziamath 0.13's layout: the same SVG, byte for byte, in about a third of the time.

Profiling formula typesetting shows three hot spots in ziamath itself, none of which changes the result:

* `parse_style` runs `dataclasses.asdict` (a recursive deep copy) of the parent style for every node;
  `_parse_style` reads the same six values straight from the parent.
* `Mnode.size_px` formats fourteen named spaces (`f"{1/18}em"`, ...) on every call; `_size_px` formats
  them once.
* Every single-line `<mrow>` lays out each child twice: once, on a copy, only to find the row's height
  without stretchy operators (`rowymin`/`rowymax`), which only a stretchy `<mo>` reads. Nested rows
  multiply that work. `_get_height_nostretch` skips the first layout when nothing in the row can stretch.

`install()` applies them (`qbank.speedups.install_all` first checks the ziamath version and the off switch);
tests compare typeset formulas with and without them (tests/test_ziafast.py).
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any
from xml.etree import ElementTree as ET

from ziamath import operators, styles
from ziamath.config import config
from ziamath.nodes import mnode, mrow
from ziamath.nodes.nodetools import elementtext

__all__ = ["install", "installed", "uninstall"]

_NAMED_SIZES = {
    name: f"{eighteenths / 18}em"
    for name, eighteenths in [
        ("veryverythinmathspace", 1), ("verythinmathspace", 2), ("thinmathspace", 3),
        ("mediummathspace", 4), ("thickmathspace", 5), ("verythickmathspace", 6),
        ("veryverythickmathspace", 7), ("negativeveryverythinmathspace", -1),
        ("negativeverythinmathspace", -2), ("negativethinmathspace", -3), ("negativemediummathspace", -4),
        ("negativethickmathspace", -5), ("negativeverythickmathspace", -6),
        ("negativeveryverythickmathspace", -7),
    ]
}  # fmt: skip
# Operator texts that are stretchy in some form: only these read a row's rowymin/rowymax.
_STRETCHY = frozenset(name for (name, _), params in operators.operators.items()
                      if params.get("stretchy", "false") != "false")  # fmt: skip
_SIZE_ATTRIBUTES = ("stretchy", "minsize", "maxsize")
# Elements laid out as a row (Mrow), which hands its own height to the elements it holds. Not `mtr`: a
# table lays out what a table row holds itself.
_ROWS = frozenset({"mrow", "math", "mtd", "none", "merror", "mpadded", "mphantom"})
_UNITS_TO_PT = {"pt": 1, "mm": 2.84526, "cm": 28.45274, "ex": 4.30554, "em": 10.00002, "bp": 1.00374, "dd": 1.07,
                "pc": 12, "in": 72.27, "mu": 0.5555}  # fmt: skip

_ORIGINALS: dict[str, Callable[..., Any]] = {
    "parse_style": styles.parse_style,
    "size_px": mnode.Mnode.size_px,
    "_get_height_nostretch": mrow.Mrow._get_height_nostretch,
}


def _parse_style(element: ET.Element, parent_style: styles.MathStyle | None = None) -> styles.MathStyle:
    """`styles.parse_style` without copying the parent style into a dict first."""
    if parent_style is None:
        return _ORIGINALS["parse_style"](element, None)
    attrib = element.attrib
    args = {
        "mathcolor": attrib.get("mathcolor", parent_style.mathcolor),
        "mathbackground": attrib.get("mathbackground", parent_style.mathbackground),
        "mathsize": attrib.get("mathsize", parent_style.mathsize),
        "scriptlevel": int(attrib.get("scriptlevel", parent_style.scriptlevel)),
        "mathvariant": styles.parse_variant(attrib.get("mathvariant", config.math.variant), parent_style.mathvariant),
        # the parent's fields always include displaystyle, so an element's `display` is never read
        "displaystyle": attrib.get("displaystyle", parent_style.displaystyle) in ["true", True],
    }
    for declaration in attrib.get("style", "").split(";"):
        if declaration:
            key, value = declaration.split(":")
            key = key.strip().lower()
            if key in ("background", "color"):
                args["mathbackground" if key == "background" else "mathcolor"] = value.strip()
    return styles.MathStyle(**args)


def _size_px(self: mnode.Mnode, size: str, fontsize: float | None = None) -> float:
    """`Mnode.size_px` with the named spaces looked up instead of formatted on every call."""
    if fontsize is None:
        fontsize = self.glyphsize
    numsize = _NAMED_SIZES.get(size, size)
    try:
        return float(numsize.rstrip("px"))  # a plain number, or px
    except ValueError:
        pass
    try:
        units, value = numsize[-2:], float(numsize[:-2])
    except ValueError:
        return 0
    pxsize = value * _UNITS_TO_PT.get(units, 0) * 1.333
    return pxsize * (fontsize / 10) if units in ("em", "ex", "mu") else pxsize


def _may_stretch(line: list[ET.Element]) -> bool:
    """Whether a stretchy operator could read the height this row works out for its children.

    The row hands it to its children, and a nested row passes it on to the copies it lays out for its
    own height. An operator that a nested row holds directly reads that row's height instead, and in
    those copies it is left out of every box; one held by anything else (a script, a fraction) shapes
    that box, and so the height of every row around it."""
    for child in line:
        if _stretches(child):
            return True
        for element in child.iter():
            if element.tag not in _ROWS and any(_stretches(kid) for kid in element):
                return True
    return False


def _stretches(element: ET.Element) -> bool:
    """Whether ziamath may draw this element as an operator sized to its row."""
    if element.tag in ("mo", "mi") and elementtext(element) in _STRETCHY:
        return True
    return any(name in element.attrib for name in _SIZE_ATTRIBUTES)


def _get_height_nostretch(self: mrow.Mrow, line: list[ET.Element], **kwargs: Any) -> tuple[float, float]:
    """`Mrow._get_height_nostretch`: skipped when nothing in the row can stretch; children copied in C."""
    ymax, ymin = -9999, 9999
    if not _may_stretch(line):
        return ymin, ymax  # as for an empty row; nothing reads it
    kwargs["nostretch"] = True  # children leave stretchy operators out of their boxes
    for child in line:
        if child.tag == "mo" and elementtext(child) == "":
            continue
        # ziamath copies by serializing and parsing; formula elements carry no tails, so it is the same copy
        node = mnode.Mnode.fromelement(copy.deepcopy(child), parent=self, **kwargs)
        ymax = max(ymax, node.bbox.ymax)
        ymin = min(ymin, node.bbox.ymin)
    return ymin, ymax


def installed() -> bool:
    """Whether the speed-ups are in place."""
    return mnode.Mnode.size_px is _size_px


def install() -> None:
    """Apply the speed-ups (idempotent)."""
    styles.parse_style = mnode.parse_style = _parse_style
    mnode.Mnode.size_px = _size_px  # type: ignore[method-assign]
    mrow.Mrow._get_height_nostretch = _get_height_nostretch  # type: ignore[method-assign]


def uninstall() -> None:
    """Restore ziamath's own functions."""
    styles.parse_style = mnode.parse_style = _ORIGINALS["parse_style"]
    mnode.Mnode.size_px = _ORIGINALS["size_px"]  # type: ignore[method-assign]
    mrow.Mrow._get_height_nostretch = _ORIGINALS["_get_height_nostretch"]  # type: ignore[method-assign]
