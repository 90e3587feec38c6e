"""Markdown + $math$: math protected from Markdown, code keeps dollars, entities, errors, tables."""

from __future__ import annotations

import html as html_module
import re

import pytest

from qbank.render.markup import markdown_math_html, split_math
from qbank.render.mathsvg import MathError


def _text_formula(inner: str) -> str:
    """Linearize a formula set as styled text (the fast path) the way the SVG path's hidden copy reads."""
    inner = re.sub(r"<sub>(.*?)</sub>", r"_\1", inner)
    inner = re.sub(r"<sup>(.*?)</sup>", r"^\1", inner)
    inner = re.sub(r"<[^>]+>", "", inner)
    return (
        html_module.unescape(inner)
        .replace("\u2005", " ")
        .replace("\u2009", " ")
        .replace("\u2212", "-")
        .replace("∗", "*")
        .strip()
    )


def hidden_texts(html: str) -> list[str]:
    """The readable text of every formula, in order: SVG formulas' hidden copies, text formulas' own text."""
    svg_copy = r'<span class="math-text"[^>]*>([^<]*)</span>'
    text_formula = r'<span class="math inline mtext">(.*?)</span>(?=[^<]|<(?!/sub|/sup))'
    found = re.finditer(f"{svg_copy}|{text_formula}", html)
    return [m.group(1) if m.group(1) is not None else _text_formula(m.group(2)) for m in found]


def test_inline_and_display_math_are_typeset() -> None:
    html = markdown_math_html("Total $512 \\times 2 = 1024$ weights.\n\n$$\\frac{QK^T}{\\sqrt{d_k}}$$\n")
    assert html.startswith('<p>Total <span class="math inline mtext">')  # simple arithmetic is styled text
    assert hidden_texts(html) == ["512 × 2 = 1024", "(QK^T)/√d_k"]
    assert '<div class="math display"' in html
    assert "<p><div" not in html  # a display formula standing alone replaces its paragraph


def test_markdown_syntax_inside_math_is_left_alone() -> None:
    html = markdown_math_html(r"See $a_1 * b_2 * c_3$ and $x_{i} \\ y$ here, *emph* too.")
    assert hidden_texts(html)[0] == "a_1 * b_2 * c_3"
    assert html.count("<em>") == 1


def test_code_spans_and_blocks_keep_dollars() -> None:
    html = markdown_math_html("Use `$x$` or ``a $ b`` then $y$.\n\n```\nprice = $5\n```\n")
    assert "<code>$x$</code>" in html and "<code>a $ b</code>" in html
    assert "price = $5" in html
    assert hidden_texts(html) == ["y"]


def test_fenced_code_blocks_keep_dollars() -> None:
    text = "~~~\ncost = $5\n~~~\n\n````\n```\n$still code\n````\n\nthen $x$"
    html = markdown_math_html(text)
    assert "cost = $5" in html and "$still code" in html
    assert hidden_texts(html) == ["x"]


def test_math_size_follows_the_size_argument() -> None:
    small = markdown_math_html("$\\sqrt{x}$", size_px=10.0)
    assert "font:normal normal 10px" in small and 'height="' in small
    assert small != markdown_math_html("$\\sqrt{x}$")


def test_escaped_dollar_is_a_dollar() -> None:
    html = markdown_math_html(r"It costs \$5 and \$6, so $x = 11$.")
    assert "It costs $5 and $6, so" in html
    assert hidden_texts(html) == ["x = 11"]


def test_unterminated_dollar_raises_with_position() -> None:
    with pytest.raises(MathError, match=r"unterminated \$ math at line 2, column 7"):
        markdown_math_html("First line.\nCosts $5 today.")
    with pytest.raises(MathError, match=r"unterminated \$\$ math at line 1, column 1"):
        markdown_math_html("$$x + 1$")


def test_bad_formula_error_names_formula_and_position() -> None:
    with pytest.raises(MathError) as info:
        markdown_math_html("ok $x$\n\nthen $\\frac{a}$ here")
    message = str(info.value)
    assert "'\\\\frac{a}'" in message and "line 3, column 6" in message


def test_autoescaped_entities_are_unescaped_in_math() -> None:
    html = markdown_math_html("If $a &lt; b, c &gt; 0$ and $\\text{&#39;ip&#39; &amp; co &lt;3}$.")
    assert hidden_texts(html) == ["a < b, c > 0", "'ip' & co <3"]  # unescaped once, escaped once in the HTML
    assert "&amp;lt;" not in html and "&amp;#39;" not in html


def test_split_math_unescapes_sources() -> None:
    stripped, spans = split_math("a $x &lt; 1$ b $$y&#39;$$")
    assert [(s.latex, s.display) for s in spans] == [("x < 1", False), ("y'", True)]
    assert "$" not in stripped


def test_autoescaped_code_span_prints_the_character() -> None:
    html = markdown_math_html("Write `a &lt; b` in code.")
    assert "<code>a &lt; b</code>" in html


def test_raw_html_is_escaped() -> None:
    html = markdown_math_html("<b>bold</b> <img src=x onerror=alert(1)>")
    assert "<b>" not in html and "&lt;b&gt;" in html and "<img" not in html


def test_math_in_table_cells_including_pipes_and_display() -> None:
    text = (
        "| Layer | Weights |\n"
        "|---|---|\n"
        "| conv1 | $3 \\times 3 \\times 3 \\times 64 = 1,728$ |\n"
        "| attn | $Pr(x|\\phi)$ |\n"
        "| conv2 | $$3 \\times 3 \\times 64 \\times 64 = 36,864$$ |\n"
    )
    html = markdown_math_html(text)
    rows = re.findall(r"<tr>(.*?)</tr>", html, re.DOTALL)
    assert len(rows) == 4
    assert all(row.count("<td>") == 2 for row in rows[1:])  # the `|` inside $...$ did not split a cell
    assert hidden_texts(html) == ["3 × 3 × 3 × 64 = 1,728", "Pr(x|ϕ)", "3 × 3 × 64 × 64 = 36,864"]
    assert '<td><span class="math display"' in html  # no <div> inside a table cell


def test_display_math_inside_a_paragraph_is_a_block_span() -> None:
    html = markdown_math_html("Hence $$a^2 + b^2$$ as claimed.")
    assert html.startswith('<p>Hence <span class="math display"')
    assert "<div" not in html


def test_text_without_math_is_plain_markdown() -> None:
    assert markdown_math_html("Just *text*.") == "<p>Just <em>text</em>.</p>\n"


def test_reserved_placeholder_characters_are_rejected() -> None:
    with pytest.raises(MathError, match="U\\+E000"):
        markdown_math_html("a \ue000 b")


@pytest.mark.parametrize(
    ("text", "stripped", "spans"),
    [
        ("trailing backslash \\", "trailing backslash \\", []),
        ("\\$5 and $x$", "\\$5 and \ue0000\ue001", [("x", False, 8)]),
        ("`` a ` $b$ `` then $c$", "`` a ` $b$ `` then \ue0000\ue001", [("c", False, 19)]),
        ("``` not closed $x$", "``` not closed $x$", []),
        ("`a` $y$ ``b``", "`a` \ue0000\ue001 ``b``", [("y", False, 4)]),
        ("line\n  ```\n$code$\n  ````\n$m$", "line\n  ```\n$code$\n  ````\n\ue0000\ue001", [("m", False, 25)]),
        ("~~~~\n$a$\n~~~\n$b$\n~~~~~\n$c$", "~~~~\n$a$\n~~~\n$b$\n~~~~~\n\ue0000\ue001", [("c", False, 23)]),
        ("x ```inline``` $d$", "x ```inline``` \ue0000\ue001", [("d", False, 15)]),
        ("$a\\$b$ and $$c$d$$", "\ue0000\ue001 and \ue0001\ue001", [("a\\$b", False, 0), ("c$d", True, 11)]),
        ("$$a$$$b$", "\ue0000\ue001\ue0001\ue001", [("a", True, 0), ("b", False, 5)]),
        ("\\\\$x$", "\\\\\ue0000\ue001", [("x", False, 2)]),
        ("$x\\\n$ y", "\ue0000\ue001 y", [("x\\", False, 0)]),
        ("```\n$a$", "```\n$a$", []),
        ("`$`$x$`", "`$`\ue0000\ue001`", [("x", False, 3)]),
    ],
)
def test_split_math_skips_code_and_escapes(text: str, stripped: str, spans: list[tuple[str, bool, int]]) -> None:
    result, found = split_math(text)
    assert result == stripped
    assert [(s.latex, s.display, s.offset) for s in found] == spans


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("$$a$ b", r"unterminated \$\$ math at line 1, column 1 \('\$\$a\$ b'\)"),
        ("a $b", r"unterminated \$ math at line 1, column 3 \('\$b'\)"),
        ("$ $", r"empty \$ math at line 1, column 1"),
        ("x\n\n $$  $$", r"empty \$\$ math at line 3, column 2"),
    ],
)
def test_split_math_errors_name_the_place(text: str, message: str) -> None:
    with pytest.raises(MathError, match=message):
        split_math(text)


def test_rendering_a_text_again_gives_the_same_html_and_the_same_error() -> None:
    text = "A $\\frac{1}{2}$ text, *rendered twice*."
    assert markdown_math_html(text) == markdown_math_html(text)
    for _ in range(2):
        with pytest.raises(MathError, match="unterminated"):
            markdown_math_html("cost $5")


def test_inline_labels_escape_text_and_typeset_math() -> None:
    from qbank.render.markup import inline_math_html, inline_math_problems

    html = inline_math_html("Output <before> $W_O$ & costs \\$5")
    assert html.startswith("Output &lt;before&gt; ") and "&amp; costs $5" in html
    assert "<i>W</i><sub><i>O</i></sub>" in html and "<p>" not in html  # math, but no Markdown paragraph
    assert inline_math_html("plain *not emphasis*") == "plain *not emphasis*"
    assert inline_math_problems("fine $x_1$") == []
    assert inline_math_problems("bad $\\frac{1}{$") and inline_math_problems("open $x")
    with pytest.raises(MathError):
        inline_math_html("bad $\\frac{1}{$")
