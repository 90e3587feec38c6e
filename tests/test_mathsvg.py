"""LaTeX -> SVG HTML: plain-text copies, ziamath workarounds, errors, determinism."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest
import ziamath

from qbank.render.mathsvg import MathError, math_html, typeset

BMATRIX = r"Q = \begin{bmatrix} -1 & 1 \\ 2 & 3 \end{bmatrix}"


@pytest.mark.parametrize(
    ("latex", "text"),
    [
        (r"512 \times 512 \times 3 \times 3 = 2,359,296", "512 × 512 × 3 × 3 = 2,359,296"),
        ("x = -0.88", "x = -0.88"),
        (r"\frac{QK^T}{\sqrt{d_k}}", "(QK^T)/√d_k"),
        (BMATRIX, "Q = [-1, 1; 2, 3]"),
        (r"\begin{pmatrix}1&2\\3&4\end{pmatrix}^{-1}", "(1, 2; 3, 4)^(-1)"),
        (r"e^{-0.5}", "e^(-0.5)"),
        (r"\hat{y}_i = \sigma(z_i)", "ŷ_i = σ(z_i)"),
        (r"\mathbf{W}x + b", "Wx + b"),
        (r"\text{loss} = 0.06", "loss = 0.06"),
        (r"\log x + \log(x)", "log x + log(x)"),
        (r"\sum_{i=1}^{n} x_i", "∑_(i=1)^n x_i"),
        (r"\left(\frac{a}{b}\right) \cdot c", "(a/b) · c"),
        (r"U = [-1 \ -1]", "U = [-1 -1]"),
        (r"\text{1,234}", "1,234"),
    ],
)
def test_plain_text_copy_is_a_readable_linearization(latex: str, text: str) -> None:
    assert typeset(latex, False).text == text


def test_numbers_and_ascii_minus_appear_in_the_html() -> None:
    html = math_html(r"\hat{y} = -0.88 \times 2,359,296 + 0.06", False)  # the accent needs the typesetter
    hidden = re.search(r'<span class="math-text"[^>]*>([^<]*)</span>', html)
    assert hidden is not None
    assert hidden.group(1) == "ŷ = -0.88 × 2,359,296 + 0.06"
    assert "\u2212" not in hidden.group(1)


def _width(latex: str) -> float:
    return typeset(latex, False).width


def _raw_width(latex: str) -> float:
    return ziamath.Latex(latex, size=14.67, inline=True).getsize()[0]


def test_thousands_separator_gets_no_space() -> None:
    commas = _width("2,359,296") - _width("2359296")
    assert commas == pytest.approx(2 * 0.25 * 14.67, abs=0.5)  # two bare commas, no space after them
    assert _width("2{,}359{,}296") > _width("2,359,296")
    assert _raw_width("2,359,296") > _width("2,359,296") + 5  # ziamath alone spaces them as a list


def test_unary_minus_after_relation_is_tight() -> None:
    unary = _width("x = -0.88") - _width("x = 0.88")
    binary = _width("a - b") - _width("a b")
    assert binary - unary > 5  # the binary minus keeps a medium space on each side, the unary one none
    assert _width(r"[-1 \ -1]") - _width(r"[1 \ 1]") == pytest.approx(2 * unary, abs=0.5)
    assert _raw_width("x = -0.88") > _width("x = -0.88") + 5


def test_times_is_spaced_like_a_binary_operator() -> None:
    assert _width(r"3 \times 3") - _raw_width(r"3 \times 3") > 3  # ziamath alone uses a very thin space


def test_inline_html_structure_and_baseline() -> None:
    html = math_html(r"\sqrt{y_i}", False)
    assert html.startswith('<span class="math inline"')
    ts = typeset(r"\sqrt{y_i}", False)
    assert ts.depth > 2  # the descender of y and the subscript go below the baseline
    assert f"vertical-align:-{ts.depth:.2f}".rstrip("0") in html
    assert "<svg" in html or "data:image/svg+xml" in html


def test_display_html_is_a_centred_block() -> None:
    html = math_html(r"\frac{a}{b}", True)
    assert html.startswith('<div class="math display"') and html.endswith("</div>")
    assert "text-align:center" in html
    span = math_html(r"\frac{a}{b}", True, block_tag="span")
    assert span.startswith('<span class="math display"') and "display:block" in span


def test_display_fraction_is_larger_than_inline() -> None:
    assert typeset(r"\frac{a}{b}", True).height > typeset(r"\frac{a}{b}", False).height


@pytest.mark.parametrize(
    "latex", [r"\frac{a}", "x^", "{x", "x}", r"\foo + 1", r"\left( x", r"\begin{bmatrix}1", "a & b", "  "]
)
def test_bad_latex_raises_math_error_naming_the_formula(latex: str) -> None:
    with pytest.raises(MathError) as info:
        math_html(latex, False)
    assert repr(latex) in str(info.value)
    assert isinstance(info.value, ValueError)


def test_text_with_xml_special_characters() -> None:
    # latex2mathml copies \text{} into its XML unescaped; `<` or `&` there used to break the parse
    assert typeset(r"\text{a < b \& c} > 1", False).text == "a < b & c > 1"


def test_unknown_command_is_named() -> None:
    with pytest.raises(MathError, match=r"unknown command \\foo"):
        typeset(r"\foo", False)


def test_output_is_deterministic_without_ids() -> None:
    first = math_html(BMATRIX, True)
    assert math_html(BMATRIX, True, 14.67) == first
    assert " id=" not in first


def test_output_is_identical_across_processes() -> None:
    code = (
        "import hashlib, qbank.render.mathsvg as m;"
        "html = m.math_html(r'\\frac{QK^T}{\\sqrt{d_k}} = 2,359,296', False);"
        "print(hashlib.sha256(html.encode()).hexdigest())"
    )
    digests = {
        subprocess.run(
            [sys.executable, "-c", code],
            env={**os.environ, "PYTHONHASHSEED": seed},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for seed in ("1", "2")
    }
    assert len(digests) == 1


def test_size_scales_the_formula() -> None:
    small, large = typeset("x + y", False, 10.0), typeset("x + y", False, 20.0)
    assert large.width == pytest.approx(2 * small.width, rel=0.1)


def test_simple_formulas_are_styled_text_with_a_true_minus() -> None:
    html = math_html(r"y_i = -0.88 \times 2,359,296", False)
    assert html.startswith('<span class="math inline mtext">')
    assert "<sub><i>i</i></sub>" in html and "\u22120.88" in html and "2,359,296" in html
    assert "<img" not in html


@pytest.mark.parametrize(
    ("latex", "expected"),
    [
        (r"\beta \log y", '<i>β</i>\u2009<span class="mfn">log</span>\u2009<i>y</i>'),  # thin spaces either side
        (r"\log (x)", '<span class="mfn">log</span>(<i>x</i>)'),  # none before a bracket or at the start
        (r"2 \exp \left(x\right)", '2\u2009<span class="mfn">exp</span>(<i>x</i>)'),
    ],
)
def test_function_names_are_spaced_like_tex(latex: str, expected: str) -> None:
    assert math_html(latex, False) == f'<span class="math inline mtext">{expected}</span>'
