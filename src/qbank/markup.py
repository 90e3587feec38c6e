"""Markdown (CommonMark + GFM tables, raw HTML disabled) with `$...$` / `$$...$$` math typeset by ziamath.

Math spans are cut out before Markdown sees the text (so `_`, `*`, `|` and `\\` inside a formula are never
Markdown syntax), replaced by private-use placeholders, and swapped for typeset HTML afterwards. The input
has been through Jinja autoescape, so entities (`&lt;`, `&#39;`) are unescaped in formulas and code spans.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml

from qbank.mathsvg import MathError, math_html

__all__ = ["MathError", "markdown_math_html", "split_math"]

_OPEN, _CLOSE = "\ue000", "\ue001"  # private-use characters: Markdown leaves them alone
_PLACEHOLDER = re.compile(f"{_OPEN}(\\d+){_CLOSE}")
_BACKTICKS = re.compile(r"`+")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})[^\n]*$", re.MULTILINE)


@dataclass(frozen=True)
class MathSpan:
    """One formula cut out of the text: its LaTeX source (unescaped), display flag and offset."""

    latex: str
    display: bool
    offset: int


def _where(text: str, offset: int) -> str:
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    snippet = text[offset : offset + 30].split("\n")[0]
    return f"line {line}, column {column} ({snippet!r})"


def _closing(text: str, start: int, delimiter: str) -> int:
    """Offset of the next unescaped `delimiter` at or after `start`, or -1."""
    i = start
    while i < len(text):
        if text[i] == "\\":
            i += 2
        elif text.startswith(delimiter, i):
            return i
        else:
            i += 1
    return -1


def _fence_end(text: str, fence: re.Match[str]) -> int:
    """A fenced code block runs to a closing fence of the same character, at least as long, or the end."""
    marker = fence.group(1)
    closing = re.compile(rf"^ {{0,3}}{re.escape(marker[0])}{{{len(marker)},}}[ \t]*$", re.MULTILINE)
    end = closing.search(text, fence.end() + 1)
    return end.end() if end else len(text)


def split_math(text: str) -> tuple[str, list[MathSpan]]:
    """Replace each `$..$`/`$$..$$` outside code with a placeholder; raise MathError if one is unclosed."""
    if _OPEN in text or _CLOSE in text:
        raise MathError("text contains reserved private-use characters U+E000/U+E001")
    out: list[str] = []
    spans: list[MathSpan] = []
    i = 0
    while i < len(text):
        ch = text[i]
        fence = _FENCE.match(text, i) if i == 0 or text[i - 1] == "\n" else None
        if fence:
            stop = _fence_end(text, fence)
            out.append(text[i:stop])
            i = stop
        elif ch == "\\":
            out.append(text[i : i + 2])
            i += 2
        elif ch == "`":
            run = _BACKTICKS.match(text, i).group()  # type: ignore[union-attr]
            end = next((m.end() for m in _BACKTICKS.finditer(text, i + len(run)) if m.group() == run), -1)
            stop = end if end >= 0 else i + len(run)  # an unmatched run is literal backticks
            out.append(text[i:stop])
            i = stop
        elif ch == "$":
            delimiter = "$$" if text.startswith("$$", i) else "$"
            start = i + len(delimiter)
            end = _closing(text, start, delimiter)
            if end < 0:
                raise MathError(f"unterminated {delimiter} math at {_where(text, i)}")
            latex = html.unescape(text[start:end]).strip()
            if not latex:
                raise MathError(f"empty {delimiter} math at {_where(text, i)}")
            out.append(f"{_OPEN}{len(spans)}{_CLOSE}")
            spans.append(MathSpan(latex, delimiter == "$$", i))
            i = end + len(delimiter)
        else:
            out.append(ch)
            i += 1
    return "".join(out), spans


def _code_inline(renderer, tokens, idx, options, env) -> str:  # type: ignore[no-untyped-def]
    return f"<code>{escapeHtml(html.unescape(tokens[idx].content))}</code>"


def _make_parser() -> MarkdownIt:
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


_MD = _make_parser()


def _typeset(text: str, span: MathSpan, size_px: float, block_tag: str = "div") -> str:
    try:
        return math_html(span.latex, span.display, size_px, block_tag=block_tag)
    except MathError as exc:
        raise MathError(f"{exc} (at {_where(text, span.offset)})") from exc


def markdown_math_html(text: str, *, size_px: float = 14.67) -> str:
    """Markdown with $inline$/$$display$$ math to HTML; MathError names the formula and line on bad math."""
    stripped, spans = split_math(text)
    rendered = _MD.render(stripped)
    if not spans:
        return rendered

    def alone(match: re.Match[str]) -> str:  # a display formula that is a paragraph of its own
        span = spans[int(match.group(1))]
        return _typeset(text, span, size_px) if span.display else match.group(0)

    rendered = re.sub(f"<p>{_OPEN}(\\d+){_CLOSE}</p>", alone, rendered)
    # elsewhere (inside a paragraph, list item or table cell) a display formula must not be a <div>
    return _PLACEHOLDER.sub(lambda m: _typeset(text, spans[int(m.group(1))], size_px, "span"), rendered)
