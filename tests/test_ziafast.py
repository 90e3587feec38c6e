"""qbank.speedups.ziafast: ziamath's layout sped up, the same SVG and boxes byte for byte."""

from __future__ import annotations

import random
import subprocess
import sys
from collections.abc import Iterator
from xml.etree import ElementTree as ET

import pytest
import ziamath

from qbank.render import mathsvg
from qbank.speedups import ziafast

FORMULAS = [
    r"\left( \int_0^1 v \right)",  # a stretchy operator in a script inside a nested row: the outer row counts
    r"\left\| \log x , \int_0^1 \mathbf{v} \cdot \infty \, dx \right\|_2",
    r"\frac{QK^T}{\sqrt{d_k}} = 2,359,296",
    r"\left(\frac{a}{b}\right)^2 + \left[ x \right]_{i}",
    r"\sum_{i=1}^{n} x_i \le \prod_j y_j",
    r"\begin{pmatrix}1&2\\3&4\end{pmatrix}^{-1} \begin{bmatrix} x \\ y \end{bmatrix}",
    r"f(x)=\begin{cases}1 & x>0\\0 & \text{otherwise}\end{cases}",
    r"\left\{ x \middle| x>0 \right\}",
    r"\left. \frac{\partial L}{\partial w} \right|_{w=0}",
    r"\overbrace{a+b}^{n} + \underbrace{x+y}_{z} + \hat{y} + \bar{x} + \vec{v}",
    r"\sqrt[3]{x+1} \cdot \sqrt{(a+b)}",
    r"e^{-\frac{(x-\mu)^2}{2\sigma^2}}",
    r"\langle q, k \rangle \uparrow \downarrow |x|",
    r"x = -0.88 \quad \log \left( 1 + e^{z} \right)",
    r"\begin{aligned} a &= b + c \\ d &= e \end{aligned}",
    # brackets once stretched to ~2,000 px (tests/test_math_fences.py): a large operator with limits in a
    # fraction, script or root beside a stretchy fence, and matrices of 1 to 6 rows beside such a fraction
    r"p_i = \frac{e^{z_i / T}}{\sum_j e^{z_j / T}}, \quad z / T = \begin{bmatrix} 2.00 & 1.00 & -1.00 \end{bmatrix}",
    r"\left( \frac{1}{\sum_j x} \right) + \left[ x^{\sum_j y} \right] + \left| \sqrt{\prod_j x} \right|",
    r"\left\{ \frac{\bigcup_i A_i}{2} \right\} \begin{vmatrix} a & b \\ c & d \end{vmatrix}",
    *(
        r"\frac{1}{\sum_j x} = \begin{bmatrix} " + r" \\ ".join(f"{i} & -{i}" for i in range(rows)) + r" \end{bmatrix}"
        for rows in range(1, 7)
    ),
]
ATOMS = ["x", "y_i", "2", r"\alpha", r"\theta^2", r"\mathbf{v}", r"\hat{y}", r"\log x", "|x|", r"\|w\|", "(a+b)"]
OPERATORS = ["+", "-", "=", r"\cdot", r"\le", ",", r"\to", "/"]
SHAPES = [
    r"\frac{{{0}}}{{{1}}}", r"\sqrt{{{0}}}", r"\left( {0} \right)", r"\left[ {0} \right]^{{{1}}}",
    r"\left\| {0} \right\|_2", r"\sum_{{i=1}}^{{n}} {0}", r"\int_0^1 {0} \, dx", r"{{{0}}}_{{{1}}}^{{2}}",
    r"\begin{{bmatrix}} {0} & {1} \\ {1} & {0} \end{{bmatrix}}", r"\left\{{ {0} \middle| {1} \right\}}",
    r"\left. {0} \right|_{{x=0}}", r"\overbrace{{{0}}}^{{n}}",
]  # fmt: skip


def _expression(rng: random.Random, depth: int) -> str:
    """A random formula of atoms, operators and nested shapes."""
    terms = []
    for _ in range(rng.randint(1, 3)):
        if depth > 1 or rng.random() < 0.4:
            terms.append(rng.choice(ATOMS))
        else:
            terms.append(rng.choice(SHAPES).format(_expression(rng, depth + 1), _expression(rng, depth + 1)))
    return f" {rng.choice(OPERATORS)} ".join(terms)


def _layout(root: ET.Element) -> tuple[str, tuple[float, ...]]:
    """The SVG and bounding box ziamath makes of a MathML tree, as `typeset` lays it out."""
    math = ziamath.Math(root, size=14.67, margin=1.0)
    return math.svg(), tuple(math.node.bbox)


@pytest.fixture
def speedups_restored() -> Iterator[None]:
    """ziamath set up and sped up as qbank uses it (the test session installs the speed-ups), and sped up again
    after the test."""
    mathsvg.mathml("x", False)
    assert ziafast.installed()
    yield
    ziafast.install()


def _both(formulas: list[tuple[str, bool]]) -> tuple[list[object], list[object]]:
    """Each formula laid out with the speed-ups, then without (its MathML made first: that sets them up)."""
    fast = [_layout(mathsvg.mathml(latex, display)) for latex, display in formulas]
    trees = [mathsvg.mathml(latex, display) for latex, display in formulas]
    ziafast.uninstall()
    try:
        slow = [_layout(root) for root in trees]
    finally:
        ziafast.install()
    return fast, slow


@pytest.mark.usefixtures("speedups_restored")
def test_known_formulas_are_laid_out_identically() -> None:
    fast, slow = _both([(latex, display) for latex in FORMULAS for display in (False, True)])
    assert fast == slow


@pytest.mark.usefixtures("speedups_restored")
def test_random_formulas_are_laid_out_identically() -> None:
    rng = random.Random(2026)
    fast, slow = _both([(_expression(rng, 0), rng.random() < 0.5) for _ in range(16)])
    assert fast == slow


def test_importing_qbank_cli_loads_no_typesetting_or_markdown() -> None:
    code = "import sys, qbank.cli; print(sorted({'ziamath', 'latex2mathml', 'markdown_it'} & set(sys.modules)))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"
