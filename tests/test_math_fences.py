"""Stretchy brackets are as tall as what they enclose: matrices, fenced fractions, large operators.

ziamath sized the sample bank's softmax key formula `\\frac{e^{z_i / T}}{\\sum_j e^{z_j / T}}, \\quad z / T =
\\begin{bmatrix} ... \\end{bmatrix}` 1,987 px tall: a key of 5 pages for a 3-question quiz. Bounds here come from
the font size alone (a text line is 1.2 em), not from the typesetter.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pdfplumber
import pytest

from qbank.output.documents import Documents
from qbank.render import mathsvg
from qbank.render.mathsvg import typeset
from qbank.render.paper import solve_paper
from qbank.render.templating import bmatrix
from qbank.spec.exam import load_exam
from qbank.speedups import ziafast

from .conftest import SAMPLE_EXAM

SIZE = 14.67  # px: typeset's default font size
LINE = 1.2 * SIZE  # px: one line of text at that size
SOFTMAX = r"p_i = \frac{e^{z_i / T}}{\sum_j e^{z_j / T}}, \quad z / T = "  # the sample bank's softmax solution
KEY_PAGES = 3  # the sample key: 3 questions, a summary table, a few formulas


@pytest.fixture(params=["sped-up", "plain"])
def ziamath_mode(request: pytest.FixtureRequest) -> Iterator[str]:
    """ziamath with qbank's speed-ups (as the test session installs them), then without."""
    mathsvg.mathml("x", False)  # sets ziamath up, and the speed-ups with it
    assert ziafast.installed()
    if request.param == "plain":
        ziafast.uninstall()
    try:
        yield request.param
    finally:
        ziafast.install()


def _svg_height(svg: str) -> float:
    """The height the SVG image declares (what the PDF draws)."""
    match = re.search(r'<svg[^>]*\sheight="([0-9.]+)', svg)
    assert match is not None, svg[:200]
    return float(match.group(1))


def _column(rows: int) -> str:
    return bmatrix([[float(i)] for i in range(rows)], 2)


def _matrix(rows: int) -> str:
    return bmatrix([[float(i), -float(i), 0.5] for i in range(rows)], 2)


@pytest.mark.usefixtures("ziamath_mode")
def test_the_softmax_key_formula_is_a_few_lines_tall() -> None:
    ts = typeset(SOFTMAX + bmatrix([2.0, 1.0, 0.0, -1.0], 2), True)
    # a fraction of one-line parts (about 3 lines) beside a one-row vector; it was 1,987 px
    assert ts.height <= 4 * LINE
    assert _svg_height(ts.svg) <= 4 * LINE


@pytest.mark.usefixtures("ziamath_mode")
@pytest.mark.parametrize("rows", range(1, 7))
@pytest.mark.parametrize("make", [_column, _matrix], ids=["column", "matrix"])
def test_a_matrix_is_as_tall_as_its_rows(rows: int, make) -> None:
    for display in (True, False):
        height = _svg_height(typeset("x = " + make(rows), display).svg)
        assert rows * LINE / 2 <= height <= 2 * rows * LINE, (rows, display, height)


@pytest.mark.usefixtures("ziamath_mode")
@pytest.mark.parametrize("rows", range(1, 7))
def test_a_matrix_beside_a_fraction_with_a_sum_keeps_its_size(rows: int) -> None:
    height = _svg_height(typeset(SOFTMAX + _column(rows), True).svg)
    assert height <= 2 * max(rows, 2) * LINE, (rows, height)


@pytest.mark.usefixtures("ziamath_mode")
def test_a_short_vector_beside_a_fraction_adds_no_height() -> None:
    fraction = typeset(r"\frac{e^{z_i}}{\sum_j e^{z_j}}", True)
    both = typeset(r"\frac{e^{z_i}}{\sum_j e^{z_j}}, \quad " + _column(1), True)
    assert both.height <= fraction.height + 1  # the brackets enclose one line, not the fraction beside them


@pytest.mark.usefixtures("ziamath_mode")
@pytest.mark.parametrize(
    "latex",
    [
        r"\left( \frac{1}{\sum_j x} \right)",
        r"\left[ x^{\sum_j y} \right]",
        r"\left| \sqrt{\prod_j x} \right|",
        r"\left\{ \frac{\bigcup_i A_i}{2} \right\}",
    ],
)
def test_fences_around_a_large_operator_with_limits_fit_it(latex: str) -> None:
    # a sum with its limits and a fraction bar: at most about 3 lines; these were ~2,000 px
    assert _svg_height(typeset(latex, True).svg) <= 4 * LINE


@pytest.mark.slow
def test_the_sample_key_fits_in_a_few_pages(tmp_path) -> None:
    exam = load_exam(SAMPLE_EXAM)
    documents = Documents(exam.bank.root)
    for seed in (1, 7):
        pdf = tmp_path / f"key-{seed}.pdf"
        pdf.write_bytes(documents.pdf("key", documents.html("key", solve_paper(exam, seed, "main"))))
        with pdfplumber.open(pdf) as document:
            assert len(document.pages) <= KEY_PAGES, (seed, len(document.pages))
            text = "".join(page.extract_text() for page in document.pages)
        assert "Worked solution" in text
