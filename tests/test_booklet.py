"""The key booklet merge: pages in order, one bookmark per student holding the key's own, determinism, text."""

from __future__ import annotations

import hashlib
import subprocess
from pathlib import Path

import pikepdf
import pytest

from qbank.output.booklet import PRODUCER, TITLE, booklet_label, merge_pdfs
from qbank.output.pdf import write_pdf

from .classsets import page_count, page_text

pytestmark = pytest.mark.slow  # renders PDFs

STUDENTS = [("24CS1001", "Asha Rao", 1), ("24CS1002", "Émile Zola", 3), ("24CS1003", "Chen Wei", 2)]


def key_html(roll: str, name: str, pages: int) -> str:
    """A small answer key: a title (a bookmark), then one page per question, each under a heading (a bookmark)."""
    questions = "".join(
        f'<h2 style="break-before: {"page" if q > 1 else "auto"}">Question {q}</h2><p>{name} {roll} answer {q}: '
        f"x = {q * 7}</p>"
        for q in range(1, pages + 1)
    )
    return f'<html lang="en"><head><meta charset="utf-8"></head><body><h1>Key for {roll}</h1>{questions}</body></html>'


@pytest.fixture(scope="module")
def keys(tmp_path_factory) -> list[tuple[Path, str]]:
    """Three rendered keys (1, 3 and 2 pages) with their bookmark labels, in roster order."""
    folder = tmp_path_factory.mktemp("keys")
    parts = []
    for roll, name, pages in STUDENTS:
        path = folder / f"{roll}.pdf"
        path.write_bytes(write_pdf(key_html(roll, name, pages), base_dir=folder, allowed_roots=[folder]))
        parts.append((path, booklet_label(roll, {"roll": roll, "name": name})))
    return parts


def outline(pdf: pikepdf.Pdf) -> list[tuple[str, int, list]]:
    """(title, page index, children) of each top-level bookmark, children likewise."""

    def walk(items):
        return [(str(i.title), pdf.pages.index(i.destination[0]), walk(i.children)) for i in items]

    with pdf.open_outline() as tree:
        return walk(tree.root)


def test_labels_are_roll_and_name_or_form():
    assert booklet_label("24CS1", {"roll": "24CS1", "name": "Asha Rao"}) == "24CS1 · Asha Rao"
    assert booklet_label("24CS1", {"roll": "24CS1"}) == "24CS1"
    assert booklet_label("B", {"form": "B"}) == "Form B"


def test_booklet_holds_every_page_in_order_under_one_bookmark_per_student(keys, tmp_path):
    target = tmp_path / "booklet.pdf"
    digest = merge_pdfs(keys, target)
    assert digest == hashlib.sha256(target.read_bytes()).hexdigest()
    assert page_count(target) == 1 + 3 + 2
    with pikepdf.open(target) as pdf:
        tree = outline(pdf)
        assert [(title, page) for title, page, _ in tree] == [
            ("24CS1001 · Asha Rao", 0),
            ("24CS1002 · Émile Zola", 1),
            ("24CS1003 · Chen Wei", 4),
        ]
        # each key's own bookmarks hang under its student, pointing at the merged pages
        questions = [("Question 1", 1, []), ("Question 2", 2, []), ("Question 3", 3, [])]
        assert tree[1][2] == [("Key for 24CS1002", 1, questions)]
        assert str(pdf.docinfo.Title) == TITLE and str(pdf.docinfo.Producer) == PRODUCER
        assert set(pdf.docinfo.keys()) == {"/Title", "/Producer"}  # no dates
        assert str(pdf.Root.Lang) == "en"  # the keys' language carries over
    owners = [student[:2] for student in STUDENTS for _ in range(student[2])]  # (roll, name) of each page
    for page, (roll, name) in enumerate(owners, start=1):
        text = page_text(target, page)
        assert roll in text and name in text, page
    assert "answer 3: x = 21" in page_text(target, 4)


def test_booklet_is_a_valid_pdf_with_embedded_fonts(keys, tmp_path):
    target = tmp_path / "booklet.pdf"
    merge_pdfs(keys, target)
    check = subprocess.run(["pdfinfo", str(target)], capture_output=True, text=True)
    assert check.returncode == 0 and not check.stderr, check.stderr
    job = pikepdf.Job(["qpdf", "--check", str(target)])
    job.run()
    assert job.exit_code == 0
    fonts = subprocess.run(["pdffonts", str(target)], capture_output=True, text=True, check=True).stdout
    rows = fonts.splitlines()[2:]
    assert rows and all(" yes yes yes " in row for row in rows), fonts  # embedded, subset, with a ToUnicode map


def test_same_keys_give_a_byte_identical_booklet(keys, tmp_path):
    first, second = tmp_path / "a.pdf", tmp_path / "b.pdf"
    assert merge_pdfs(keys, first) == merge_pdfs(keys, second)
    assert first.read_bytes() == second.read_bytes()
    renamed = [(path, label + " ") for path, label in keys]
    assert merge_pdfs(renamed, tmp_path / "c.pdf") != merge_pdfs(keys, first)


def test_a_key_without_pages_is_an_error(tmp_path):
    empty = tmp_path / "empty.pdf"
    pikepdf.new().save(empty)
    with pytest.raises(ValueError, match="no pages"):
        merge_pdfs([(empty, "24CS1001")], tmp_path / "booklet.pdf")
