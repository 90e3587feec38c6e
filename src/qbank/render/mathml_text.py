"""The plain-text reading of a formula: its MathML tree written on one line.

`linearize` turns the MathML that `mathsvg` lays out into the text of a formula's hidden copy
(`x = -0.88`, `[1, 2; 3, 4]`, `(QK^T)/√d_k`): spaces around relations, `/` for fractions, `_` and `^`
for scripts, combining marks for accents, so that pdftotext and pdfplumber read the formula's numbers.
"""

from __future__ import annotations

import re
import unicodedata
import xml.etree.ElementTree as ET

__all__ = ["linearize"]

_CHAR_MAP = str.maketrans({"\u2212": "-", "\u2061": "", "\u2062": "", "\u2063": "", "\u00a0": " ",
                           "\u22c5": "·", "\u2009": " ", "\u2005": " "})  # fmt: skip
_SPACED_OPS = set("=<>≤≥≈≠≡∼≃∝→←⇒⇐⇔↦∈∉⊂⊆+-±∓×·÷*⊙⊗⊕∘∩∪∧∨")
# accent character of a <mover> -> combining mark for the plain-text copy (ŷ, x̄, v⃗)
_ACCENT_MARKS = "\u0302\u0302\u0302\u030c\u0304\u20d7\u0303\u0303\u0307\u0308"
_ACCENTS = dict(zip("\u0302^\u02c6\u02c7\u00af\u2192~\u02dc\u02d9\u00a8", _ACCENT_MARKS, strict=True))

_ATOM = re.compile(r"√?(?:[\d.,]+|(?:[^\W\d_]|[∂∇∞])['′]*(_\w+)?(\^\w+)?|\(.*\))")
_WORD = re.compile(r"[\w.,'′″*†⊤]+")
_DECORATIONS = {"⏞", "⏟", "―", "‾", "_", "\u0332", "︷", "︸"}


def _group(text: str) -> str:
    return text if _ATOM.fullmatch(text) and text.count("(") < 2 else f"({text})"


def _script(text: str) -> str:
    return text if _WORD.fullmatch(text) else f"({text})"


def linearize(el: ET.Element, tight: bool = False) -> str:
    """A readable one-line text for the MathML tree (spaces around relations, `/` for fractions)."""
    tag, kids = el.tag, list(el)
    if tag in ("mi", "mn", "mo", "mtext", "ms"):
        text = (el.text or "").translate(_CHAR_MAP)
        if tag == "mi" and any(0x1D400 <= ord(c) <= 0x1D7FF for c in text):
            text = unicodedata.normalize("NFKC", text)  # \mathbf{W} is U+1D416
        return text
    if tag == "mspace":
        return " "
    if tag == "mphantom":
        return ""
    scripted = tag in ("msub", "msup", "msubsup", "munder", "mover", "munderover")
    parts = [linearize(k, tight or (scripted and i > 0)) for i, k in enumerate(kids)]
    parts = [p.strip() for p in parts] if scripted or tag in ("mfrac", "msqrt", "mroot") else parts
    if tag == "mfrac" and len(parts) == 2:
        return f"{_group(parts[0])}/{_group(parts[1])}"
    if tag == "msqrt":
        return f"√{_group(''.join(parts))}"
    if tag == "mroot" and len(parts) == 2:
        return f"{_script(parts[1])}√{_group(parts[0])}"
    if tag in ("munder", "mover") and len(parts) == 2 and parts[1] in _DECORATIONS:
        return parts[0]  # \\underline, \\overbrace
    if tag in ("msub", "munder") and len(parts) == 2:
        return f"{parts[0]}_{_script(parts[1])}"
    if tag in ("msubsup", "munderover") and len(parts) == 3:
        return f"{parts[0]}_{_script(parts[1])}^{_script(parts[2])}"
    if tag in ("msup", "mover") and len(parts) == 2:
        mark = _ACCENTS.get(parts[1]) if tag == "mover" else None
        if mark and len(parts[0]) == 1:
            return unicodedata.normalize("NFC", parts[0] + mark)
        return parts[0] if mark else f"{parts[0]}^{_script(parts[1])}"
    if tag == "mtable":
        sep = " " if el.get("displaystyle") == "true" else ", "  # `aligned` rows read as equations
        return "; ".join(sep.join(linearize(td, tight).strip() for td in tr) for tr in kids)
    out = ""
    for i, (kid, part) in enumerate(zip(kids, parts, strict=True)):
        if kid.tag == "mo" and part in _SPACED_OPS and not tight and kid.get("form") != "prefix":
            out = out.rstrip() + f" {part} "
        elif kid.tag == "mo" and part in (",", ";") and len(kids) > 1:
            out += f"{part} "
        elif kid.tag in ("mi", "mo") and len(part) > 1 and part.isalpha():  # \log x, \operatorname
            out += " " if out and (out[-1].isalnum() or out[-1] in ")]}'′") else ""
            out += part + (" " if i + 1 < len(parts) and parts[i + 1][:1].isalnum() else "")
        elif part[:1] in "∑∏∫" and len(part) > 1 and i + 1 < len(kids):
            out += part + " "
        else:
            out += part
    return out
