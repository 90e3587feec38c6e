"""Page breaks in the paper: a question's number, part label and marks never stay behind at the foot of a
page while the question's text starts overleaf."""

from __future__ import annotations

import re
from pathlib import Path

import pdfplumber
import pytest

from qbank.output.documents import Documents
from qbank.render.paper import solve_paper
from qbank.spec.exam import load_exam

from .conftest import DL_EXAM

pytestmark = pytest.mark.slow

LABEL = re.compile(r"\([a-z]\)|\d+\.")  # a part label `(a)` or a question number `7.`
MARKS = re.compile(r"\(\d+(\.\d+)?\)")  # the marks `(5)` printed at the right of the label's line
LABEL_COLUMN = 90  # pt: labels and numbers sit in the left margin of the text


def stranded_labels(pdf_path: Path) -> list[tuple[int, str]]:
    """(page, label) of every label with no text beside it; a question number of a question with parts
    stands alone on its line and needs its first part's line just below instead."""
    stranded = []
    with pdfplumber.open(pdf_path) as pdf:
        for number, page in enumerate(pdf.pages, start=1):
            words = page.extract_words()
            for word in words:
                if word["x0"] > LABEL_COLUMN or not LABEL.fullmatch(word["text"]):
                    continue
                beside = [w for w in words if abs(w["top"] - word["top"]) < 3 and w["x0"] > word["x1"]]
                if any(not MARKS.fullmatch(w["text"]) for w in beside):
                    continue
                below = [w for w in words if 0 < w["top"] - word["top"] < 30]
                if not (word["text"].endswith(".") and below):
                    stranded.append((number, word["text"]))
    return stranded


def test_no_label_or_marks_are_left_at_the_foot_of_a_page(tmp_path):
    # seed 1 of the deep-learning paper once left "7. (a) (5)" at the foot of page 8, its text on page 9
    exam = load_exam(DL_EXAM)
    documents = Documents(exam.bank.root)
    pdf = tmp_path / "paper.pdf"
    pdf.write_bytes(documents.pdf("paper", documents.html("paper", solve_paper(exam, 1, "main"))))
    with pdfplumber.open(pdf) as document:
        labels = [w for w in document.pages[1].extract_words() if LABEL.fullmatch(w["text"])]
    assert labels, "the check must see the labels it looks for"
    assert stranded_labels(pdf) == []
