"""Markdown (CommonMark + GFM tables, raw HTML disabled) with `$...$` / `$$...$$` math typeset by ziamath.

Math spans are cut out before Markdown sees the text (so `_`, `*`, `|` and `\\` inside a formula are never
Markdown syntax), replaced by private-use placeholders, and swapped for typeset HTML afterwards. The input
has been through Jinja autoescape, so entities (`&lt;`, `&#39;`) are unescaped in formulas and code spans.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from functools import lru_cache
from typing import TYPE_CHECKING, NamedTuple

from qbank.core.limits import MARKUP_MAX_DEPTH, TABLE_MAX_CELLS, TABLE_MAX_COLUMNS
from qbank.render.mathsvg import MathError, math_html, mathml

if TYPE_CHECKING:
    from markdown_it import MarkdownIt

__all__ = ["MarkupError", "MathError", "check_markup", "inline_math_html", "inline_math_problems", "markdown_math_html",
           "markdown_math_with", "split_math"]  # fmt: skip

_OPEN, _CLOSE = "\ue000", "\ue001"  # private-use characters: Markdown leaves them alone
_BLOCK = "\ue002"  # opens the slot of a display formula that is a paragraph of its own (typeset as a block)
_SLOT = re.compile(f"([{_OPEN}{_BLOCK}])(\\d+){_CLOSE}")  # split on it: text, mark, formula index, text, ...
_ALONE = re.compile(f"<p>{_OPEN}(\\d+){_CLOSE}</p>")
# What split_math skips or cuts, leftmost first: a fenced code block (to its closing fence, at least as
# long, or the end), an escaped character, a code span (or an unmatched run of literal backticks), a
# $$display$$ or $inline$ formula (`\$` inside is escaped), or a `$` that opens an unterminated formula.
# No possessive quantifiers: Debian 12's Python 3.11.2 mismatches `(?:[^\\$]++|...)*+` (fixed in later 3.11s).
# Each alternative inside a formula starts with a different character, so backtracking stays linear.
_SPECIAL = re.compile(
    r"^ {0,3}(?P<fence>(?P<fc>[`~])(?P=fc){2,})[^\n]*$(?:.*?^ {0,3}(?P=fence)(?P=fc)*[ \t]*$|.*)"
    r"|\\.?"
    r"|(?P<ticks>`+)(?:.*?(?<!`)(?P=ticks)(?!`))?"
    r"|\$\$(?P<display>(?:[^\\$]|\\.|\$(?!\$))*)\$\$"
    r"|\$(?!\$)(?P<inline>(?:[^\\$]|\\.)*)\$"
    r"|\$",
    re.MULTILINE | re.DOTALL,
)

_TAG = re.compile(r"<(/?)([a-z][a-z0-9]*)\b[^>]*?(/?)>")
_VOID = frozenset(("br", "hr", "img", "input"))
_TABLE = re.compile(r"<table>(.*?)</table>", re.DOTALL)
_CELL = re.compile(r"<t[dh][ >]")


class MarkupError(ValueError):
    """A text whose Markdown would make a page WeasyPrint cannot lay out in reasonable time."""


def check_markup(rendered: str) -> None:
    """Refuse Markdown output nested deeper than MARKUP_MAX_DEPTH or with a table past its bounds."""
    depth = 0
    for match in _TAG.finditer(rendered):
        if match.group(2) in _VOID or match.group(3):
            continue
        depth += -1 if match.group(1) else 1
        if depth > MARKUP_MAX_DEPTH:
            raise MarkupError(f"Markdown nested more than {MARKUP_MAX_DEPTH} deep (emphasis, lists, quotes, ...)")
    for number, table in enumerate(_TABLE.findall(rendered), start=1):
        columns = max(len(_CELL.findall(row)) for row in table.split("<tr>"))
        cells = len(_CELL.findall(table))
        if columns > TABLE_MAX_COLUMNS or cells > TABLE_MAX_CELLS:
            raise MarkupError(f"table {number} has {columns:,} columns and {cells:,} cells "
                              f"(at most {TABLE_MAX_COLUMNS} and {TABLE_MAX_CELLS:,})")  # fmt: skip


class MathSpan(NamedTuple):
    """One formula cut out of the text: its LaTeX source (unescaped), display flag and offset."""

    latex: str
    display: bool
    offset: int


def _where(text: str, offset: int) -> str:
    """Line, column and the start of the text at `offset`, for error messages."""
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    snippet = text[offset : offset + 30].split("\n")[0]
    return f"line {line}, column {column} ({snippet!r})"


def split_math(text: str) -> tuple[str, list[MathSpan]]:
    """Replace each `$..$`/`$$..$$` outside code with a placeholder; raise MathError if one is unclosed."""
    if _OPEN in text or _CLOSE in text:
        raise MathError("text contains reserved private-use characters U+E000/U+E001")
    spans: list[MathSpan] = []

    def cut(match: re.Match[str]) -> str:
        if match.group()[0] != "$":
            return match.group()  # code or an escape: kept as it is
        spans.append(_math_span(text, match))
        return f"{_OPEN}{len(spans) - 1}{_CLOSE}"

    return _SPECIAL.sub(cut, text), spans


def _math_span(text: str, match: re.Match[str]) -> MathSpan:
    """The formula `match` cut out; MathError if it is unterminated or empty."""
    display, inline = match.group("display"), match.group("inline")
    delimiter = "$$" if text.startswith("$$", match.start()) else "$"
    if display is None and inline is None:
        raise MathError(f"unterminated {delimiter} math at {_where(text, match.start())}")
    latex = html.unescape(inline if display is None else display).strip()
    if not latex:
        raise MathError(f"empty {delimiter} math at {_where(text, match.start())}")
    return MathSpan(latex, display is not None, match.start())


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    """The Markdown parser (markdown-it-py is imported on first use)."""
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark", {"html": False}).enable("table")
    # Jinja autoescape turned `<` from a variable into `&lt;`; code spans would print that literally.
    md.add_render_rule("code_inline", _code_inline)
    for name in ("code_block", "fence"):
        default = md.renderer.rules[name]

        def render(renderer, tokens, idx, options, env, _default=default):  # type: ignore[no-untyped-def]
            tokens[idx].content = html.unescape(tokens[idx].content)
            return _default(tokens, idx, options, env)

        md.add_render_rule(name, render)
    return md


def _code_inline(renderer, tokens, idx, options, env) -> str:  # type: ignore[no-untyped-def]
    """A code span with autoescape's entities shown as the characters they stand for."""
    from markdown_it.common.utils import escapeHtml

    return f"<code>{escapeHtml(html.unescape(tokens[idx].content))}</code>"


def _typeset(text: str, span: MathSpan, size_px: float, block_tag: str = "div") -> str:
    """The HTML of one formula of `text`; a MathError says where in the text it is."""
    try:
        return math_html(span.latex, span.display, size_px, block_tag=block_tag)
    except MathError as exc:
        raise MathError(f"{exc} (at {_where(text, span.offset)})") from exc


def markdown_math_html(text: str, *, size_px: float = 14.67) -> str:
    """Markdown with $inline$/$$display$$ math to HTML; MathError names the formula and line on bad math."""
    stripped, spans = split_math(text)
    rendered = _parser().render(stripped)
    check_markup(rendered)
    if not spans:
        return rendered
    return _typeset_slots(text, spans, _mark_blocks(rendered, spans), size_px)


def _mark_blocks(rendered: str, spans: list[MathSpan]) -> str:
    """`rendered` with the slot of each display formula that is a paragraph of its own marked as a block."""
    return _ALONE.sub(lambda m: _BLOCK + m.group(1) + _CLOSE if spans[int(m.group(1))].display else m.group(), rendered)


def _typeset_slots(text: str, spans: list[MathSpan], rendered: str, size_px: float) -> str:
    """`rendered` with each formula slot replaced by its formula typeset: a block (div) in a block slot,
    inline (a span) elsewhere, as in a paragraph, list item or table cell."""
    pieces = _SLOT.split(rendered)  # text, opening mark, formula index, text, ...
    pieces[1::3] = [_typeset(text, spans[int(index)], size_px, "div" if mark == _BLOCK else "span")
                    for mark, index in zip(pieces[1::3], pieces[2::3], strict=True)]  # fmt: skip
    pieces[2::3] = [""] * len(pieces[2::3])
    return "".join(pieces)


def inline_math_html(text: str, *, size_px: float = 14.67) -> str:
    """Plain text (no Markdown) with $inline$ math to HTML, for one-line labels; `\\$` is a dollar sign.
    MathError names the formula on bad math."""
    stripped, spans = split_math(text)
    return _typeset_slots(text, spans, html.escape(stripped.replace("\\$", "$"), quote=False), size_px)


def inline_math_problems(text: str) -> list[str]:
    """Why each formula of a one-line label would fail to typeset (empty when all parse)."""
    try:
        _, spans = split_math(text)
    except MathError as exc:
        return [f"math error: {exc}"]
    problems = []
    for span in spans:
        try:
            mathml(span.latex, span.display)
        except MathError as exc:
            problems.append(f"math error: {exc}")
    return problems


def markdown_math_with(text: str, write: Callable[[str, bool], str], inline_only: bool = False) -> str:
    """Markdown (or, with `inline_only`, plain text as in labels) whose formulas are written by
    `write(latex, display)` instead of typeset: an LMS export's TeX or MathML."""
    stripped, spans = split_math(text)
    if inline_only:
        rendered = html.escape(stripped.replace("\\$", "$"), quote=False)
    else:
        rendered = _parser().render(stripped)
        check_markup(rendered)
    pieces = _SLOT.split(rendered)
    pieces[1::3] = [write(spans[int(index)].latex, spans[int(index)].display) for index in pieces[2::3]]
    pieces[2::3] = [""] * len(pieces[2::3])
    return "".join(pieces)
