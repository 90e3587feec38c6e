"""Golden files: the HTML of the paper and the key for a few fixed seeds, compared byte for byte.

Any change to what a paper or key says or how it is laid out (templates, style sheet, formats, rounding,
math typesetting, random streams) fails here. When the change is intended, refresh the files with

    make goldens        # = QBANK_UPDATE_GOLDENS=1 pytest -k golden tests

and review the diff of tests/goldens/html/ like any other change. Formula images are recorded by the
SHA-256 of their SVG, and the style sheet by its SHA-256, to keep the files small and their diffs readable.
"""

from __future__ import annotations

import difflib
import hashlib
import os
import re
from functools import lru_cache
from pathlib import Path

import pytest

from qbank.render.page import page_context
from qbank.render.paper import solve_paper
from qbank.render.question import PageRenderer
from qbank.spec.exam import load_exam

from .conftest import DL_EXAM, SAMPLE_EXAM
from .mc_bank import QUIZ

GOLDEN_DIR = Path(__file__).parent / "goldens" / "html"
MC_QUIZ = QUIZ
CASES = {  # name -> (exam, seed, canonical)
    "sample-seed1": (SAMPLE_EXAM, 1, False),
    "sample-seed2026": (SAMPLE_EXAM, 2026, False),
    "sample-canonical": (SAMPLE_EXAM, 0, True),
    "cs60010-seed2026": (DL_EXAM, 2026, False),
    "mc-quiz-seed3": (MC_QUIZ, 3, False),  # multiple choice: options on the paper, letters and mistakes in the key
}
KINDS = ("paper", "key")
_IMAGE = re.compile(r'src="data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)"')
_STYLE = re.compile(r"<style>(.*?)</style>", re.S)


def normalize(html: str) -> str:
    """Formula images and the style sheet replaced by their SHA-256 (the rest of the HTML kept as is)."""
    html = _IMAGE.sub(lambda m: f'src="svg:sha256:{_digest(m.group(1).encode())}"', html)
    return _STYLE.sub(lambda m: f"<style>/* sha256:{_digest(m.group(1).encode())} */</style>", html)


def _digest(data: bytes) -> str:
    """A short SHA-256."""
    return hashlib.sha256(data).hexdigest()[:16]


@lru_cache(maxsize=8)
def rendered(name: str) -> dict[str, str]:
    """The normalized paper and key HTML of one case."""
    exam_path, seed, canonical = CASES[name]
    paper = solve_paper(load_exam(exam_path), seed, "main", canonical)
    renderer = PageRenderer()
    return {kind: normalize(renderer.render(kind, page_context(paper, kind))) for kind in KINDS}


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("name", list(CASES))
def test_golden_html(name, kind):
    path = GOLDEN_DIR / f"{name}-{kind}.html"
    html = rendered(name)[kind]
    if os.environ.get("QBANK_UPDATE_GOLDENS"):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(html, encoding="utf-8")
    assert path.is_file(), f"golden file {path.name} missing: run `make goldens`"
    expected = path.read_text(encoding="utf-8")
    if html != expected:
        diff = "".join(list(difflib.unified_diff(expected.splitlines(True), html.splitlines(True),
                                                 f"golden/{path.name}", "rendered", n=1))[:60])  # fmt: skip
        pytest.fail(f"{path.name} differs from the rendered HTML (if intended: `make goldens`):\n{diff}")


def test_goldens_cover_every_answer_format():
    formats = set()
    for name in ("sample-seed1", "cs60010-seed2026"):
        exam = load_exam(CASES[name][0])
        formats |= {a.format for _, part in exam.parts() for a in part.question.spec.answers.values()}
    assert formats == {"int", "fixed", "sig", "vector", "matrix", "text"}


def test_normalize_keeps_everything_but_image_data_and_css():
    html = '<style>body{}</style><p>x</p><img src="data:image/svg+xml;base64,PHN2Zy8+" alt="">'
    assert normalize(html) == (
        f'<style>/* sha256:{_digest(b"body{}")} */</style><p>x</p><img src="svg:sha256:{_digest(b"PHN2Zy8+")}" alt="">'
    )
