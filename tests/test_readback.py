"""Read the PDFs back: every answer is in the key as declared, the paper shows its givens and no answer
(not in its text, hidden text, metadata, annotations or any string of the file), and the key PDF, its
`key.json` sidecar, the manifest and a fresh solve agree.

Rendering costs about a second per document, so this samples: the deep-learning exam (all 22 questions) at
two seeds and its canonical variant, and the sample exam at two seeds and canonical (paper + key each).
"""

from __future__ import annotations

import hashlib
import html
import json
import multiprocessing
import re
import subprocess
from concurrent.futures import ProcessPoolExecutor
from functools import lru_cache
from pathlib import Path
from typing import Any

import pdfplumber
import pytest
from pdfminer.pdftypes import PDFObjRef, PDFStream, resolve1

from qbank.check.givens import missing_givens
from qbank.cli import main
from qbank.draw.params import thaw
from qbank.output.documents import Documents
from qbank.output.exam_set import key_sidecar
from qbank.render.leaks import answer_leaks
from qbank.render.paper import solve_paper
from qbank.render.question import formatted_answers
from qbank.render.text_numbers import plain_text
from qbank.solve.variant import make_variant
from qbank.spec.exam import Exam, load_exam

from .conftest import DL_EXAM, SAMPLE_EXAM
from .planted import write_bank

pytestmark = pytest.mark.slow

SETS = [(DL_EXAM, 2026, False), (DL_EXAM, 7, False), (DL_EXAM, 0, True),
        (SAMPLE_EXAM, 1, False), (SAMPLE_EXAM, 2, False), (SAMPLE_EXAM, 0, True)]  # fmt: skip
IDS = ["dl-2026", "dl-7", "dl-canonical", "sample-1", "sample-2", "sample-canonical"]


@lru_cache(maxsize=4)
def exam_of(path: str) -> Exam:
    """An exam loaded once per process."""
    return load_exam(Path(path))


def render_set(exam_path: Path, seed: int, canonical: bool, out: Path) -> dict[str, Any]:
    """Worker: write paper.pdf, key.pdf and key.json for one seed, and read everything the tests need back."""
    exam = exam_of(str(exam_path))
    paper = solve_paper(exam, seed, "main", canonical)
    documents = Documents(exam.bank.root)
    out.mkdir(parents=True)
    for kind in ("paper", "key"):
        (out / f"{kind}.pdf").write_bytes(documents.pdf(kind, documents.html(kind, paper)))
    (out / "key.json").write_text(json.dumps(key_sidecar(paper), indent=2, sort_keys=True))
    layout = [(s.item.number, s.part.label, s.part.question.id, getattr(s.part, "scenario", None)) for s in paper.parts]
    return {"dir": str(out), "layout": layout, "paper": read_pdf(out / "paper.pdf"), "key": read_pdf(out / "key.pdf")}


def pdftotext(path: Path, *options: str) -> str:
    """poppler's text of a PDF (hidden text included: the math copies are transparent text)."""
    return subprocess.run(["pdftotext", *options, str(path), "-"], capture_output=True, text=True, check=True).stdout


_PAGE = re.compile(r"<page width=\"[\d.]+\" height=\"([\d.]+)\">(.*?)</page>", re.S)
_LINE = re.compile(r"<line xMin=\"[\d.]+\" yMin=\"([\d.]+)\".*?>(.*?)</line>", re.S)
_WORD = re.compile(r"<word [^>]*>(.*?)</word>", re.S)


def read_pdf(path: Path) -> dict[str, Any]:
    """Text per numbered question (split at the q1, q2, ... anchors), all text, metadata and hiding places."""
    lines = []  # (page, top, text) in reading order
    for page, (_, body) in enumerate(_PAGE.findall(pdftotext(path, "-bbox-layout"))):
        for top, words in _LINE.findall(body):
            lines.append((page, float(top), html.unescape(" ".join(_WORD.findall(words)))))
    with pdfplumber.open(path) as pdf:
        pages = {page.page_obj.pageid: index for index, page in enumerate(pdf.pages)}
        starts = sorted(
            (pages[dest[0].objid], pdf.pages[pages[dest[0].objid]].height - float(dest[3]), int(match.group(1)))
            for name, dest in _named_dests(pdf.doc.catalog)
            if (match := re.fullmatch(rb"q(\d+)", name))
        )
        annotations = [annot for page in pdf.pages for annot in (page.annots or [])]
        catalog = sorted(str(key) for key in pdf.doc.catalog)
        strings = _all_strings(pdf.doc)
        metadata = {str(k): str(v) for k, v in pdf.metadata.items()}
    items = {}
    for index, (page, top, number) in enumerate(starts):
        end = starts[index + 1][:2] if index + 1 < len(starts) else (len(pages), 0.0)
        items[number] = "\n".join(t for p, y, t in lines if (page, top - 1) <= (p, y) < (end[0], end[1] - 1))
    first = starts[0][:2] if starts else (len(pages), 0.0)
    front = "\n".join(t for p, y, t in lines if (p, y) < (first[0], first[1] - 1))
    return {"items": items, "front": front, "text": pdftotext(path), "annotations": len(annotations),
            "annotation_contents": [str(a.get("contents") or "") for a in annotations], "catalog": catalog,
            "strings": strings, "metadata": metadata, "pdfinfo": pdfinfo(path), "pages": len(pages)}  # fmt: skip


def pdfinfo(path: Path) -> str:
    """poppler's pdfinfo of a PDF (its metadata as a viewer shows it)."""
    return subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout


def _named_dests(catalog: dict[str, Any]) -> list[tuple[bytes, list[Any]]]:
    """The (name, destination) pairs of a PDF's /Names /Dests tree (flat or with /Kids)."""
    found = []

    def walk(node: Any) -> None:
        node = resolve1(node)
        names = resolve1(node.get("Names", []))
        for i in range(0, len(names), 2):
            dest = resolve1(names[i + 1])
            found.append((names[i], resolve1(dest.get("D")) if isinstance(dest, dict) else dest))
        for kid in resolve1(node.get("Kids", [])):
            walk(kid)

    tree = resolve1(catalog.get("Names", {}))
    if "Dests" in tree:
        walk(tree["Dests"])
    return found


def _all_strings(doc: Any) -> list[str]:
    """Every string object in the file outside content streams, and the text of any XML (XMP) stream."""
    found: list[str] = []
    seen: set[int] = set()

    def walk(value: Any) -> None:
        if isinstance(value, PDFObjRef):
            if value.objid in seen:
                return
            seen.add(value.objid)
            value = resolve1(value)
        if isinstance(value, bytes):
            found.append(value.decode("latin-1"))
        elif isinstance(value, dict):
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)
        elif isinstance(value, PDFStream):
            walk(value.attrs)
            if value.attrs.get("Subtype") is not None and str(value.attrs.get("Subtype")).endswith("XML'"):
                found.append(value.get_data().decode("utf-8", "replace"))

    for xref in doc.xrefs:
        walk(xref.get_trailer())
    return found


@pytest.fixture(scope="module")
def sets(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Any]]:
    """Render every sampled set in two worker processes."""
    root = tmp_path_factory.mktemp("readback")
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=2, mp_context=context) as pool:
        futures = {name: pool.submit(render_set, exam, seed, canonical, root / name)
                   for name, (exam, seed, canonical) in zip(IDS, SETS, strict=True)}  # fmt: skip
        return {name: future.result() for name, future in futures.items()}


@lru_cache(maxsize=16)
def fresh_parts(name: str, layout: tuple[tuple[int, str, str, str | None], ...]) -> list[tuple[int, str, Any, Any]]:
    """(number, label, question, freshly solved variant) for every part of one sampled set."""
    exam_path, seed, canonical = SETS[IDS.index(name)]
    bank = exam_of(str(exam_path)).bank
    found = []
    for number, label, question_id, scenario in layout:
        assert scenario is None, "read-back samples exams without shared scenarios"
        question = bank.question(question_id)
        found.append((number, label, question, make_variant(question, seed, "main", canonical)))
    return found


def parts_of(sets: dict[str, Any], name: str) -> list[tuple[int, str, Any, Any]]:
    """The parts of one rendered set, solved afresh in this process."""
    return fresh_parts(name, tuple(tuple(entry) for entry in sets[name]["layout"]))


def compact(text: str) -> str:
    """Text without any whitespace, with typographic minus as '-' (wrapped table cells rejoin)."""
    return re.sub(r"\s+", "", text.replace("\u2212", "-"))


@pytest.mark.parametrize("name", IDS)
def test_every_answer_is_in_the_key_as_declared(sets, name):
    key = compact(sets[name]["key"]["text"])
    for _, _, question, variant in parts_of(sets, name):
        for answer, printed in formatted_answers(question, variant).items():
            assert compact(printed) in key, (question.id, answer, printed)


@pytest.mark.parametrize("name", IDS)
def test_the_paper_shows_every_given_it_prints_and_no_answer(sets, name):
    paper = sets[name]["paper"]
    by_item: dict[int, list[tuple[Any, Any]]] = {}
    for number, _, question, variant in parts_of(sets, name):
        by_item.setdefault(number, []).append((question, variant))
    assert sorted(paper["items"]) == sorted(by_item), "every numbered question has its anchor"
    furniture = " ".join(str(n) for n in range(1, paper["pages"] + 1))  # page numbers, marks, question numbers
    for number, parts in by_item.items():
        text = paper["items"][number]
        for question, variant in parts:
            assert missing_givens(question, variant, text) == [], (number, question.id)
            others = " ".join(paper["items"][n] for n in by_item if n != number)
            assert answer_leaks(question, variant, text, extra_givens=furniture + " " + _marks(parts)) == [], number
            assert answer_leaks(question, variant, paper["front"], extra_givens=furniture + others) == []


def _marks(parts: list[tuple[Any, Any]]) -> str:
    """Marks printed beside the parts of a question."""
    return " ".join(f"{q.spec.marks:g}" for q, _ in parts)


@pytest.mark.parametrize("name", IDS)
def test_no_answer_hides_in_metadata_annotations_or_other_strings(sets, name):
    paper = sets[name]["paper"]
    assert paper["annotations"] == 0 or all(not c for c in paper["annotation_contents"])
    for hiding_place in ("OCProperties", "AcroForm", "OpenAction", "AA", "Metadata"):
        assert hiding_place not in paper["catalog"], hiding_place
    assert set(paper["metadata"]) <= {"Title", "Creator", "Producer", "Author", "Subject", "Keywords",
                                      "CreationDate", "ModDate"}  # fmt: skip
    hidden = plain_text(" ".join([*paper["strings"], *paper["metadata"].values(), paper["pdfinfo"]]))
    for _, _, question, variant in parts_of(sets, name):
        assert answer_leaks(question, variant, hidden, extra_givens=hidden_givens(paper)) == [], question.id


def hidden_givens(paper: dict[str, Any]) -> str:
    """Numbers a PDF's object tree always holds (sizes, object ids, dates): every number of the paper's text
    is a given too, so only a string that is in no visible text and equals an answer counts as hidden."""
    return paper["text"] + " " + paper["pdfinfo"]


@pytest.mark.parametrize("name", IDS)
def test_key_pdf_sidecar_and_a_fresh_solve_agree(sets, name):
    sidecar = json.loads((Path(sets[name]["dir"]) / "key.json").read_text())
    key = compact(sets[name]["key"]["text"])
    exam_path, seed, canonical = SETS[IDS.index(name)]
    assert (sidecar["seed"], sidecar["canonical"], sidecar["paper_id"]) == (seed, canonical, "main")
    fresh = {(number, label): (q, v) for number, label, q, v in parts_of(sets, name)}
    assert [(q["number"], q["part"]) for q in sidecar["questions"]] == list(fresh)
    for entry in sidecar["questions"]:
        question, variant = fresh[(entry["number"], entry["part"])]
        assert entry["id"] == question.id
        formatted = formatted_answers(question, variant)
        assert set(entry["answers"]) == set(question.spec.answers)
        for answer, record in entry["answers"].items():
            assert record["value"] == thaw(variant.answers[answer]), (question.id, answer)
            assert record["formatted"] == formatted[answer]
            assert record["format"] == question.spec.answers[answer].format
            assert compact(record["formatted"]) in key


def test_a_built_set_references_its_sidecar_and_both_agree(tmp_path):
    out = tmp_path / "set"
    assert main(["build", str(SAMPLE_EXAM), "--seed", "5", "--out", str(out)]) == 0
    manifest = json.loads((out / "manifest.json").read_text())
    sidecar_bytes = (out / "key.json").read_bytes()
    assert manifest["files"]["key.json"] == hashlib.sha256(sidecar_bytes).hexdigest()
    sidecar = json.loads(sidecar_bytes)
    records = manifest["papers"][0]["questions"]
    assert [(r["number"], r["part"], r["id"]) for r in records] == [
        (q["number"], q["part"], q["id"]) for q in sidecar["questions"]
    ]
    key_text = compact(pdftotext(out / "key.pdf"))
    for record, entry in zip(records, sidecar["questions"], strict=True):
        assert record["answers"] == {name: a["value"] for name, a in entry["answers"].items()}
        assert record["answers_formatted"] == {name: a["formatted"] for name, a in entry["answers"].items()}
        question = exam_of(str(SAMPLE_EXAM)).bank.question(entry["id"])
        variant = make_variant(question, 5)
        assert record["answers"] == thaw(variant.answers)
        for printed in record["answers_formatted"].values():
            assert compact(printed) in key_text


def test_a_leaking_template_is_caught_in_the_paper_pdf(tmp_path, monkeypatch):
    """The read-back itself has teeth: a question printing a parameter equal to its answer fails it."""
    monkeypatch.chdir(tmp_path)
    write_bank(tmp_path, ["leak", "boundary"])
    exam = tmp_path / "leak.yaml"
    exam.write_text(
        "bank: planted\ninstitution: Test\ncourse: {code: T1, name: Test}\nexam: Leak\n"
        "sections:\n  - questions:\n      - {id: planted/leak}\n      - {id: planted/boundary}\n"
    )
    data = render_set(exam, 3, False, tmp_path / "out")
    paper = solve_paper(load_exam(exam), 3)
    leak = next(s for s in paper.parts if s.part.question.id == "planted/leak")
    text = data["paper"]["items"][leak.item.number]
    (problem,) = answer_leaks(leak.part.question, leak.variant, text)
    assert f"({leak.variant.answers['cells']:,})" in problem
    assert missing_givens(leak.part.question, leak.variant, text) == []
    assert missing_givens(leak.part.question, leak.variant, "nothing here") == [
        f"a = {leak.variant.params['a']}",
        f"b = {leak.variant.params['b']}",
    ]


ALLOWED_FONTS = ("TeX-Gyre-Termes", "TeX-Gyre-Cursor", "FreeSerif")


@pytest.mark.parametrize("name", IDS)
def test_only_the_pinned_fonts_are_embedded(sets, name):
    """A fallback font (DejaVu on most machines) would mean a glyph the pinned stack lacks."""
    for kind in ("paper", "key"):
        path = Path(sets[name]["dir"]) / f"{kind}.pdf"
        listing = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
        fonts = [line.split()[0].split("+", 1)[-1] for line in listing.splitlines()[2:]]
        assert fonts and all(font.startswith(ALLOWED_FONTS) for font in fonts), (kind, fonts)
