"""PDF writing: extractable math text, vector formulas, fonts, refused URLs, byte-identical output."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pdfplumber
import pytest

from qbank.output.pdf import PdfError, pdf_environment, write_pdf
from qbank.render.markup import markdown_math_html

pytestmark = pytest.mark.slow

CSS = "@page { size: A4; margin: 2cm } body { font-family: 'TeX Gyre Termes'; font-size: 11pt }"
BODY = r"""
Let xyz $\sqrt{p} = 0.06$ and $x = -0.88$ hold.

Attention scores are $\frac{QK^T}{\sqrt{d_k}}$ and the first block has
$512 \times 512 \times 3 \times 3 = 2,359,296$ weights. Nested: $\frac{1}{f(g(h(x)))} = 0.111$.

$$W = \begin{bmatrix} 7 & -8 \\ 9 & 10 \end{bmatrix}$$

| Layer | Weights |
|---|---|
| conv1 | $3 \times 3 \times 3 \times 64 = 1,728$ |
"""


@contextmanager
def weasyprints_own_drawer(module: Any) -> Iterator[None]:
    """Render with WeasyPrint's own drawer instead of qbank's (`module` is svgpath or svgtext)."""
    module.uninstall()
    try:
        yield
    finally:
        module.install()


def page(body_html: str) -> str:
    head = f"<!doctype html><html><head><meta charset='utf-8'><style>{CSS}</style></head>"
    return f"{head}<body>{body_html}</body></html>"


@pytest.fixture(scope="module")
def exam_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("exam")
    pdf = write_pdf(page(markdown_math_html(BODY)), base_dir=root, allowed_roots=[root])
    path = root / "exam.pdf"
    path.write_bytes(pdf)
    return path


def test_formula_numbers_are_extractable_with_pdfplumber(exam_pdf: Path) -> None:
    with pdfplumber.open(exam_pdf) as pdf:
        text = pdf.pages[0].extract_text().replace("\u2212", "-")  # simple formulas are text with a true minus
    for expected in ("(QK^T)/√d_k", "= 2,359,296", "x = -0.88", "√p = 0.06", "W = [7, -8; 9, 10]", "= 1,728"):
        assert expected in text
    assert "Let xyz √p = 0.06 and x = -0.88 hold." in text  # the copies sit in the line, in order


def test_formula_numbers_are_extractable_with_pdftotext(exam_pdf: Path) -> None:
    command = ["pdftotext", str(exam_pdf), "-"]
    text = subprocess.run(command, capture_output=True, text=True, check=True).stdout.replace("\u2212", "-")
    for expected in ("2,359,296", "-0.88", "0.06", "[7, -8; 9, 10]", "1,728", "(QK^T)/√d_k"):
        assert expected in text
    assert "1/(f(g(h(x)))) = 0.111" in text  # squeezed hard, yet no repeated ")" or "1" is dropped


def test_formulas_are_drawn_as_vector_paths(exam_pdf: Path) -> None:
    with pdfplumber.open(exam_pdf) as pdf:
        first = pdf.pages[0]
        assert len(first.curves) > 30  # glyph outlines of the fractions, root and matrix
        assert not first.images  # no raster fallback
        fonts = {c["fontname"] for c in _chars(first, "1,728")}
        assert all("TeX-Gyre-Termes" in f for f in fonts)  # simple arithmetic is set as text


def _chars(page: pdfplumber.page.Page, text: str) -> list[dict]:
    chars = page.chars
    joined = "".join(c["text"] for c in chars)
    start = joined.index(text)
    return chars[start : start + len(text)]


def test_inline_math_sits_on_the_text_baseline(exam_pdf: Path) -> None:
    with pdfplumber.open(exam_pdf) as pdf:
        first = pdf.pages[0]
        word = _chars(first, "xyz")
        copy = _chars(first, "√p = 0.06")
        assert copy[0]["bottom"] == pytest.approx(word[0]["bottom"], abs=0.3)
        # the drawn "√p = 0.06" has a descender (p); the digits' ink must end on the baseline
        baseline = first.height - word[0]["matrix"][5]  # the text matrix puts the glyph origin there
        x0, x1 = copy[0]["x0"] - 2, copy[-1]["x1"] + 2
        line = [c for c in first.curves if abs(c["top"] - word[0]["top"]) < 12]
        ink = [c for c in line if x0 <= c["x0"] and c["x1"] <= x1]
        digits = [c for c in ink if c["x0"] > (x0 + x1) / 2]
        assert digits and max(c["bottom"] for c in digits) == pytest.approx(baseline, abs=0.3)


def test_display_math_is_centred(exam_pdf: Path) -> None:
    with pdfplumber.open(exam_pdf) as pdf:
        first = pdf.pages[0]
        copy = _chars(first, "W = [7, -8; 9, 10]")
        top = min(c["top"] for c in copy) - 15
        ink = [c for c in first.curves if top < c["top"] < top + 45]
        left, right = min(c["x0"] for c in ink), max(c["x1"] for c in ink)
        assert (left + right) / 2 == pytest.approx(first.width / 2, abs=3)


def test_text_font_is_termes_without_fallback(exam_pdf: Path) -> None:
    fonts = subprocess.run(["pdffonts", str(exam_pdf)], capture_output=True, text=True, check=True).stdout
    names = [line.split()[0] for line in fonts.splitlines()[2:]]
    assert all("TeX-Gyre-Termes" in name for name in names), names  # no DejaVu fallback
    assert all(line.split()[-5] == "yes" for line in fonts.splitlines()[2:])  # embedded


def test_refused_urls_fail_loudly(tmp_path: Path) -> None:
    root = tmp_path / "bank"
    (root / "figs").mkdir(parents=True)
    (root / "figs" / "ok.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"/>')
    (root / "figs" / "out.svg").symlink_to("/etc/hostname")
    html = page(
        '<img src="figs/ok.svg"><img src="file:///etc/passwd"><img src="http://example.com/x.png">'
        '<img src="../../etc/passwd"><img src="figs/out.svg"><img src="figs/missing.png">'
        '<link rel="stylesheet" href="https://example.com/s.css">'
    )
    with pytest.raises(PdfError) as info:
        write_pdf(html, base_dir=root, allowed_roots=[root])
    message = str(info.value)
    for url in ("file:///etc/passwd", "http://example.com/x.png", "https://example.com/s.css", "missing.png"):
        assert url in message
    assert "etc/passwd is outside the allowed folders" in message  # the ../../ escape
    assert "figs/out.svg" in message and "/etc/hostname" in message  # the symlink leading out
    assert "ok.svg" not in message
    assert message.startswith("6 resource(s) or glyph(s)")


def test_allowed_files_and_data_urls_render(tmp_path: Path) -> None:
    (tmp_path / "fig.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20"><rect width="40" height="20"/></svg>'
    )
    data = "data:image/svg+xml;utf8,%3Csvg xmlns='http://www.w3.org/2000/svg' width='9' height='9'/%3E"
    html = page(f'<img src="fig.svg"><img src="{data}">')
    pdf = write_pdf(html, base_dir=tmp_path, allowed_roots=[tmp_path])
    assert pdf.startswith(b"%PDF-")


def test_a_broken_data_url_is_reported_as_itself(tmp_path: Path) -> None:
    broken = "data:image/svg+xml;base64,bm90IGFuIHN2Zw=="  # "not an svg"
    with pytest.raises(PdfError) as info:
        write_pdf(page(f'<img src="{broken}">'), base_dir=tmp_path, allowed_roots=[tmp_path])
    assert broken in str(info.value)


def test_two_renders_are_byte_identical_without_dates(tmp_path: Path) -> None:
    html = page(markdown_math_html(BODY))
    first = write_pdf(html, base_dir=tmp_path, allowed_roots=[tmp_path])
    assert write_pdf(html, base_dir=tmp_path, allowed_roots=[tmp_path]) == first
    assert b"/CreationDate" not in first and b"/ModDate" not in first
    assert write_pdf(html.replace("xyz", "xyw"), base_dir=tmp_path, allowed_roots=[tmp_path]) != first


def test_renders_are_byte_identical_across_processes(tmp_path: Path) -> None:
    script = (
        "import sys, hashlib; from pathlib import Path; from qbank.render.markup import markdown_math_html;"
        "from qbank.output.pdf import write_pdf; root = Path(sys.argv[1]);"
        "html = '<p>' + markdown_math_html(sys.argv[2]) + '</p>';"
        "print(hashlib.sha256(write_pdf(html, base_dir=root, allowed_roots=[root])).hexdigest())"
    )
    digests = {
        subprocess.run(
            [sys.executable, "-c", script, str(tmp_path), BODY],
            env={**os.environ, "PYTHONHASHSEED": seed},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for seed in ("0", "12345")
    }
    assert len(digests) == 1


def test_pdf_environment_names_the_renderer_versions() -> None:
    env = pdf_environment()
    for key in ("weasyprint", "pydyf", "pango", "harfbuzz", "ziamath"):
        assert env[key] and env[key][0].isdigit(), key


def test_a_character_no_font_can_draw_is_an_error(tmp_path):
    html = (
        '<html><head><meta charset="utf-8"></head><body><p>unassigned plane-16 code point: \U0010fffd</p></body></html>'
    )
    with pytest.raises(PdfError) as info:
        write_pdf(html, base_dir=tmp_path, allowed_roots=[tmp_path])
    assert "missing glyph" in str(info.value)


def test_fast_path_drawer_gives_byte_identical_pdfs(tmp_path: Path) -> None:
    from qbank.speedups import svgpath

    body = markdown_math_html(BODY + "\n\n$$\\sum_{i=1}^{n} \\frac{\\alpha_i}{\\sqrt{1 - \\beta_i}}$$\n")
    svg_figure = '<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20"><path d="m 1 1 h 10 v 5 z"/></svg>'
    marked = (  # simple data the fast path takes, whose vertices place markers
        '<svg xmlns="http://www.w3.org/2000/svg" width="60" height="30"><defs><marker id="dot" markerWidth="4" '
        'markerHeight="4" refX="2" refY="2"><path d="M 0 0 L 4 0 L 4 4 Z"/></marker></defs>'
        '<path d="M 5 5 L 30 5 Q 40 10 30 20 L 5 20 Z" fill="none" stroke="black" marker-start="url(#dot)" '
        'marker-mid="url(#dot)" marker-end="url(#dot)"/></svg>'
    )
    html = page(body + svg_figure + marked)
    with weasyprints_own_drawer(svgpath):
        reference = write_pdf(html, base_dir=tmp_path, allowed_roots=[tmp_path])
    svgpath._compiled.cache_clear()
    assert write_pdf(html, base_dir=tmp_path, allowed_roots=[tmp_path]) == reference
    assert svgpath._compiled.cache_info().currsize > 0  # the formula glyphs went through the fast path
    assert write_pdf(html, base_dir=tmp_path, allowed_roots=[tmp_path]) == reference  # now from the cache


FIGURE_LABELS = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="120mm" height="40mm" viewBox="0 0 120 40" '
    'font-family="TeX Gyre Termes, serif">'
    '<text x="2" y="8" font-size="4">start-anchored label 3×3 conv, 64</text>'
    '<text x="60" y="18" font-size="3.5" text-anchor="middle">centred: input 192×192×3</text>'
    '<text x="118" y="28" font-size="3" text-anchor="end" font-style="italic">end-anchored label</text>'
    '<text transform="translate(10 38) rotate(-90)" font-size="3" text-anchor="middle">rotated</text>'
    "</svg>"
)


def _glyphs(pdf_bytes: bytes, tmp_path: Path, name: str) -> list[tuple[str, float, float]]:
    path = tmp_path / name
    path.write_bytes(pdf_bytes)
    with pdfplumber.open(path) as pdf:
        return [(c["text"], c["x0"], c["top"]) for c in pdf.pages[0].chars if c["text"].strip()]


def test_fast_svg_text_draws_labels_where_weasyprint_does(tmp_path: Path) -> None:
    from qbank.output import svgtext

    html = page(FIGURE_LABELS)
    with weasyprints_own_drawer(svgtext):
        reference = _glyphs(write_pdf(html, base_dir=tmp_path, allowed_roots=[tmp_path]), tmp_path, "ref.pdf")
    fast_pdf = write_pdf(html, base_dir=tmp_path, allowed_roots=[tmp_path])
    fast = _glyphs(fast_pdf, tmp_path, "fast.pdf")
    assert "".join(c[0] for c in fast) == "".join(c[0] for c in reference)
    for (char, x0, top), (_, ref_x0, ref_top) in zip(fast, reference, strict=True):
        # whole-run shaping (kerning, no per-letter rounding) may drift a long label by about a point;
        # anchoring (start, middle, end), rotation and baseline must not move it further
        assert abs(x0 - ref_x0) < 1.5 and abs(top - ref_top) < 0.5, char
    assert abs(fast[0][1] - reference[0][1]) < 0.2  # the first glyph starts exactly at x
    # one run per label: the words keep their spaces when the text is extracted (per-letter drawing loses them)
    (tmp_path / "fast.pdf").write_bytes(fast_pdf)
    with pdfplumber.open(tmp_path / "fast.pdf") as pdf:
        assert "centred: input 192×192×3" in pdf.pages[0].extract_text()


def test_svg_text_with_per_letter_positions_keeps_weasyprints_drawer(tmp_path: Path) -> None:
    from qbank.output import svgtext

    figure = FIGURE_LABELS.replace('<text x="2" y="8"', '<text x="2 6 10" y="8" dx="0 1"')
    figure = figure.split('<text x="60"')[0] + "</svg>"
    html = page(figure)
    with weasyprints_own_drawer(svgtext):
        reference = write_pdf(html, base_dir=tmp_path, allowed_roots=[tmp_path])
    assert write_pdf(html, base_dir=tmp_path, allowed_roots=[tmp_path]) == reference
