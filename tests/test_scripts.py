"""A class set for 40 students whose names are written in 18 scripts (tests/data/roster-scripts.csv): every
name prints, reads back, is bold on the front page in its own script's bold font, and the manifest lists the
fonts the PDFs embed."""

from __future__ import annotations

import hashlib
import io
import unicodedata
from pathlib import Path

import pdfplumber
import pikepdf
import pytest
from fontTools.ttLib import TTFont

from qbank.render.fontfiles import TEXT_FAMILIES

from .classsets import manifest, pdf_text
from .conftest import ROOT

pytestmark = pytest.mark.slow
EXAM = ROOT / "exams" / "sample-classset.yaml"
ROSTER = ROOT / "tests" / "data" / "roster-scripts.csv"
SCRIPTS = {"latin", "vietnamese", "greek", "cyrillic", "arabic", "hebrew", "devanagari", "bengali", "tamil",
           "chinese", "japanese", "korean"}  # fmt: skip


def rows() -> list[dict[str, str]]:
    """The roster's rows (roll, name, script)."""
    import csv

    with open(ROSTER, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The class set of the 40-name roster, and what the build printed."""
    from qbank.cli import main

    out = tmp_path_factory.mktemp("scripts") / "set"
    capture = io.StringIO()
    import contextlib

    with contextlib.redirect_stderr(capture):
        status = main(["build", str(EXAM), "--roster", str(ROSTER), "--seed", "1", "--out", str(out), "--jobs", "2"])
    assert status == 0, capture.getvalue()
    return out, capture.getvalue()


def letters(text: str) -> str:
    """The letters of a text (NFC), without marks, spaces or punctuation."""
    return "".join(c for c in unicodedata.normalize("NFC", text) if unicodedata.category(c)[0] == "L")


def script_of(char: str) -> str:
    """The first word of a character's Unicode name: LATIN, DEVANAGARI, CJK, HANGUL, ..."""
    return unicodedata.name(char, "?").split()[0]


def embedded_weights(pdf: Path) -> dict[str, int]:
    """Each embedded font's name (as pdfplumber reports it) -> usWeightClass of the embedded font program."""
    weights = {}
    with pikepdf.open(pdf) as document:
        for obj in document.objects:
            if isinstance(obj, pikepdf.Dictionary) and obj.get("/Type") == "/FontDescriptor":
                stream = obj.get("/FontFile3") or obj.get("/FontFile2")
                font = TTFont(io.BytesIO(stream.read_bytes()))
                weights[str(obj.FontName)[1:]] = font["OS/2"].usWeightClass
    return weights


def test_the_roster_covers_the_twelve_scripts_of_the_issue_with_forty_names():
    students = rows()
    assert len(students) == 40 and {row["script"] for row in students} >= SCRIPTS
    assert all(any(ord(c) > 127 for c in letters(row["name"])) for row in students)


def test_it_builds_without_a_weasyprint_line(built):
    _, printed = built
    assert "WARNING" not in printed and "weasyprint" not in printed.lower()


def test_every_name_reads_back_from_its_paper_and_key(built):
    out, _ = built
    missing = []
    for row in rows():
        for folder in ("papers", "keys"):
            if letters(row["name"]) not in letters(pdf_text(out / folder / f"{row['roll']}.pdf")):
                missing.append((folder, row["roll"], row["name"]))
    assert missing == []


def test_every_name_is_bold_on_the_front_page_in_its_own_scripts_font(built):
    """The Name field is bold: its letters come from an embedded font whose program is bold (weight >= 700) and
    of a pinned family; the running header sets the same letters in a regular face."""
    out, _ = built
    pinned = tuple(family.replace(" ", "-") for family in TEXT_FAMILIES)
    wrong = []
    for row in rows():
        pdf = out / "papers" / f"{row['roll']}.pdf"
        weights = embedded_weights(pdf)
        with pdfplumber.open(pdf) as document:
            chars = document.pages[0].chars
        for letter in {c for c in letters(row["name"]) if ord(c) > 127}:
            script = script_of(letter)
            # Latin letters are everywhere on the page: look for the letter itself; others: any letter of its script
            same = [ch for ch in chars if letter in ch["text"]] if script == "LATIN" else [
                ch for ch in chars if any(script_of(c) == script for c in letters(ch["text"]))]  # fmt: skip
            fonts = {ch["fontname"].split("+", 1)[-1]: weights[ch["fontname"]] for ch in same}
            if not any(weight >= 700 for weight in fonts.values()) or not any(w < 700 for w in fonts.values()):
                wrong.append((row["roll"], letter, fonts))
            if not all(name.startswith(pinned) for name in fonts):
                wrong.append((row["roll"], letter, "unpinned", fonts))
    assert wrong == []


def test_the_manifest_lists_every_embedded_font_with_its_file(built):
    out, _ = built
    record = manifest(out)["environment"]["fonts"]
    names = [font["name"] for font in record]
    assert names == sorted(names) and len(set(names)) == len(names)
    embedded = set()
    for pdf in sorted((out / "papers").glob("*.pdf")) + sorted((out / "keys").glob("*.pdf")):
        embedded |= {name.split("+", 1)[-1] for name in embedded_weights(pdf)}
    assert set(names) == embedded
    for script in ("Naskh-Arabic", "Serif-Hebrew", "Serif-Devanagari", "Serif-Bengali", "Serif-Tamil", "Serif-CJK-SC"):
        assert {f"Noto-{script}", f"Noto-{script}-Bold"} <= set(names), script
    for font in record:
        assert font["file"] and font["sha256"] == hashlib.sha256(Path(font["file"]).read_bytes()).hexdigest()
