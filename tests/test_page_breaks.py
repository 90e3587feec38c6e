"""Page breaks and lines in the paper: a question's number, part label and marks never stay behind at the foot of
a page while the question's text starts overleaf; a part's ruled answer lines stay whole on its page; a form's
label is never split over two lines."""

from __future__ import annotations

import re
from pathlib import Path

import pdfplumber
import pytest
import weasyprint

from qbank.output.documents import Documents
from qbank.render.paper import solve_paper
from qbank.spec.exam import load_exam

from .conftest import DL_EXAM, SAMPLE_EXAM

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


def laid_out(exam_path: Path, seed: int, student: dict[str, str] | None = None) -> weasyprint.Document:
    """The paper of `seed` laid out in pages by WeasyPrint, as the PDF is (nothing fetched: figures are inline)."""
    exam = load_exam(exam_path)
    paper = solve_paper(exam, seed, (student or {}).get("form", "main"))
    html = Documents(exam.bank.root).html("paper", paper, student)
    return weasyprint.HTML(string=html, base_url=exam.bank.root.as_uri() + "/").render()


def fragments(document: weasyprint.Document, css_class: str) -> dict[object, list[tuple[int, object]]]:
    """Every element of this class with its laid-out boxes, as (page number, box) in order."""
    found: dict[object, list[tuple[int, object]]] = {}
    for number, page in enumerate(document.pages, start=1):
        for box in page._page_box.descendants():
            element = getattr(box, "element", None)
            if element is not None and css_class in (element.get("class") or "").split():
                found.setdefault(element, []).append((number, box))
    return found


def test_a_parts_ruled_answer_lines_stay_whole_on_the_page_of_its_text():
    # seed 1 of the sample paper once printed question 2(a) at the foot of page 2 with 3 of its 10 lines there and
    # the other 7 on page 3
    document = laid_out(SAMPLE_EXAM, 1)
    spaces = fragments(document, "answer-space")
    assert len(spaces) >= 4, "the check must see the answer spaces it looks for"
    for boxes in spaces.values():
        assert len({page for page, _ in boxes}) == 1, sorted({page for page, _ in boxes})
    whole = fragments(document, "whole")  # a part with its text and lines, kept on one page
    assert len(whole) >= 3 and all(len({page for page, _ in boxes}) == 1 for boxes in whole.values())


def test_a_forms_label_is_one_unbroken_boxed_label_even_after_a_long_exam_name(tmp_path):
    # a form set's front page printed "EXAMINATION ( ... ) FORM ( A )" as one run of words, "FORM" at the end of a
    # line and "( A )" at the start of the next after a long exam name
    source = SAMPLE_EXAM.read_text(encoding="utf-8")
    long_name = "exam: End-Semester Examination in Deep Learning (Part II) Supplementary\ndate: 28 November 2026"
    bank = f"bank: {SAMPLE_EXAM.parent.parent / 'banks' / 'sample'}"
    exam = tmp_path / "long.yaml"
    exam.write_text(source.replace("exam: Quiz 1", long_name).replace("bank: ../banks/sample", bank), encoding="utf-8")
    for path in (SAMPLE_EXAM, exam):
        found = fragments(laid_out(path, 1, {"form": "A"}), "form-label").values()
        pieces = [box for boxes in found for _, box in boxes if type(box).__name__ in ("InlineBox", "InlineBlockBox")]
        assert len(pieces) == 1, f"{path.name}: FORM ( A ) laid out in {len(pieces)} pieces"
        label = pieces[0]
        texts = [child.text for child in label.descendants() if type(child).__name__ == "TextBox"]
        assert "".join(texts) == "FORM ( A )" and type(label).__name__ == "InlineBlockBox"  # never split
        assert label.border_left_width > 0 and label.margin_left > 10  # boxed, set apart from the exam's name
