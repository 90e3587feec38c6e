"""Extractable text for complex scripts: lines of shaped scripts read back as they were written.

A PDF maps each glyph of a font to one piece of text (ToUnicode), for the whole file. WeasyPrint 70 maps a glyph
to the text of the first cluster it draws, so in shaped scripts a glyph shared by two clusters reads back wrong:
the reph of 'र्ज' and of 'र्म' in 'अर्जुन शर्मा' both read 'र्जु'. So every left-to-right line holding marks (Indic
vowel signs and viramas, combining accents) is wrapped in a `/Span <</ActualText (...)>> BDC ... EMC` sequence
holding the line's text, which text extraction (poppler's pdftotext, copy and paste) uses instead.

Right-to-left text is different: extractors read glyphs in drawing (visual) order and reorder them, treating a
glyph's text as visual too, so WeasyPrint's logical-order text of a ligature came out reversed ('الله' read
'اهلل') and so would an ActualText span. A line with right-to-left letters gets no span; instead the text of
each multi-character glyph of its right-to-left runs is stored in visual order, as its letters are drawn.

Lines without marks or right-to-left letters are drawn exactly as before (the same bytes). `install()` turns
it on (only over the WeasyPrint versions it was checked against: see CHECKED), `uninstall()` off. This is a
correctness patch, not a speed-up: it has no off switch, and `qbank.output.pdf.write_pdf` installs it.
"""

from __future__ import annotations

import unicodedata
import weakref
from typing import Any

import pydyf
from weasyprint.draw import text as weasy_text
from weasyprint.text.ffi import ffi

from qbank.speedups import version_refusal

_ORIGINAL = weasy_text.draw_first_line
CHECKED = ("70.0",)  # WeasyPrint versions whose line drawer this wraps (tests/test_fonts.py)
_RTL = frozenset({"R", "AL"})
_VISUAL: weakref.WeakKeyDictionary[Any, set[int]] = weakref.WeakKeyDictionary()  # per font: glyphs made visual


def is_rtl(text: str) -> bool:
    """Whether a text holds a right-to-left letter (Hebrew, Arabic, ...)."""
    return any(unicodedata.bidirectional(char) in _RTL for char in text)


def needs_actual_text(text: str) -> bool:
    """Whether a left-to-right line's glyphs may not read back as its text: it holds a mark."""
    return any(unicodedata.category(char)[0] == "M" for char in text) and not is_rtl(text)


def draw_first_line(stream: Any, textbox: Any, text_overflow: str, block_ellipsis: str, matrix: Any) -> Any:
    """WeasyPrint's line drawer, with an ActualText span for a shaped left-to-right line and visual-order
    text for the ligatures of a right-to-left one."""
    text = getattr(textbox, "text", "")
    if text_overflow == "ellipsis" or block_ellipsis != "none":  # WeasyPrint shortens the text: leave it alone
        return _ORIGINAL(stream, textbox, text_overflow, block_ellipsis, matrix)
    if is_rtl(text):
        emojis = _ORIGINAL(stream, textbox, text_overflow, block_ellipsis, matrix)
        _visual_ligatures(stream, textbox)
        return emojis
    if not needs_actual_text(text):
        return _ORIGINAL(stream, textbox, text_overflow, block_ellipsis, matrix)
    stream.begin_marked_content("Span", pydyf.Dictionary({"ActualText": pydyf.String(text)}))
    try:
        return _ORIGINAL(stream, textbox, text_overflow, block_ellipsis, matrix)
    finally:
        stream.end_marked_content()


def _visual_ligatures(stream: Any, textbox: Any) -> None:
    """Store the text of each multi-character glyph of the line's right-to-left runs in visual order (once per
    glyph: the map is the font's, for the whole file)."""
    line, _ = textbox.pango_layout.get_first_line()
    run = line.runs[0] if line.runs != ffi.NULL else ffi.NULL
    while run != ffi.NULL:
        item = run.data
        run = run.next
        if not item.item.analysis.level % 2:
            continue
        font, _ = stream.add_font(item.item.analysis.font)  # the font the run was drawn with (cached)
        done = _VISUAL.setdefault(font, set())
        for glyph in (item.glyphs.glyphs[i].glyph for i in range(item.glyphs.num_glyphs)):
            mapped = font.to_unicode.get(glyph)
            if glyph not in done and mapped is not None:
                font.to_unicode[glyph] = mapped[::-1] if len(mapped) > 1 else mapped
                done.add(glyph)


def install() -> str | None:
    """Make WeasyPrint draw HTML text lines through `draw_first_line` (idempotent); on a WeasyPrint version
    not in CHECKED leave its own drawer and say why."""
    refusal = version_refusal("weasyprint", CHECKED)
    if refusal is None:
        weasy_text.draw_first_line = draw_first_line
    return refusal


def uninstall() -> None:
    """Restore WeasyPrint's own line drawer."""
    weasy_text.draw_first_line = _ORIGINAL
