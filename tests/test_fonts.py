"""Pinned fonts for every script: the stylesheet's stack, bold faces, the coverage check before rendering, the
manifest's record of embedded fonts, quiet WeasyPrint logging and extractable shaped text."""

from __future__ import annotations

import hashlib
import json
import logging
import re
import subprocess
import unicodedata
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont

from qbank.audit.compare import environment_changes
from qbank.core.errors import UserError
from qbank.output import actualtext
from qbank.output.fontrecord import embedded_fonts, missing_fonts
from qbank.preflight.fontcover import uncovered
from qbank.render.fontfiles import BOLD, REGULAR, TEXT_FAMILIES, cmap, face

from .conftest import ROOT

STYLE = ROOT / "templates" / "style.css"
# One name per script the set-up must print (issue 11), each with a letter outside ASCII.
NAMES = {
    "latin": "Zoë Brontë-Łukasiewicz",
    "vietnamese": "Nguyễn Thị Minh Khai",
    "greek": "Αλέξανδρος Παπαδόπουλος",
    "cyrillic": "Дмитрий Иванов",
    "arabic": "محمد عبد الله",
    "hebrew": "דוד בן־גוריון",
    "devanagari": "अर्जुन शर्मा",
    "bengali": "রবীন্দ্রনাথ ঠাকুর",
    "tamil": "அருந்ததி ராய்",
    "chinese": "李雷",
    "japanese": "田中 太郎",
    "korean": "김민준",
}


def letters(text: str) -> str:
    """The letters of a text (NFC), without marks, spaces or punctuation: what text extraction must keep."""
    return "".join(c for c in unicodedata.normalize("NFC", text) if unicodedata.category(c)[0] == "L")


def css_stacks() -> list[tuple[str, ...]]:
    """Every font-family list of the stylesheet, as tuples of family names."""
    found = re.findall(r"font-family:\s*([^;}]+)", STYLE.read_text(encoding="utf-8"))
    return [tuple(part.strip().strip("\"'") for part in stack.split(",")) for stack in found]


def test_the_stylesheet_pins_the_checked_stack_for_text_and_page_headers():
    stacks = css_stacks()
    text_stacks = [stack for stack in stacks if stack[0] == "TeX Gyre Termes"]
    assert len(text_stacks) == 4  # html and the three page margin boxes (names print in the running header)
    assert all(stack == TEXT_FAMILIES for stack in text_stacks)
    assert not any("serif" in stack or "sans-serif" in stack for stack in stacks)  # no generic fallback


@pytest.mark.parametrize("script", sorted(NAMES))
def test_every_script_has_a_pinned_family_with_a_real_bold_face(script):
    """Pango draws each character with the first family of the stack that has it: that family's bold face must
    be a bold file that has it too, or a bold name falls back to a regular face (Bengali did, with FreeSerif)."""
    for char in set(letters(NAMES[script])):
        family = next((f for f in TEXT_FAMILIES if (r := face(f, REGULAR)) and ord(char) in cmap(r.file, r.index)),
                      None)  # fmt: skip
        assert family is not None, f"no pinned family covers {char!r}"
        bold = face(family, BOLD)
        assert bold is not None and bold.weight >= BOLD, f"{family} has no bold face for {char!r}"
        assert bold.file != face(family, REGULAR).file and ord(char) in cmap(bold.file, bold.index), (family, char)


@pytest.mark.parametrize("family", ["TeX Gyre Termes", "Noto Serif Bengali", "Noto Naskh Arabic", "Noto Serif CJK SC"])
def test_raw_cmap_reader_agrees_with_fonttools(family):
    found = face(family, REGULAR)
    expected = {code for code, glyph in TTFont(found.file, fontNumber=found.index).getBestCmap().items()
                if glyph != ".notdef"}  # fmt: skip
    assert cmap(found.file, found.index) == expected


def test_every_name_of_the_twelve_scripts_is_covered():
    assert {script: uncovered(name) for script, name in NAMES.items()} == {script: [] for script in NAMES}


def test_coverage_knows_joiners_decomposed_accents_and_controls():
    assert uncovered("مریم\u200cزاده") == []  # a zero-width non-joiner draws nothing
    assert uncovered("Jose\u0301 Nu\u0303n\u0303ez") == []  # decomposed accents compose to covered letters
    assert uncovered("አበበ ቢቂላ") == ["አ", "በ", "ቢ", "ቂ", "ላ"]  # Ethiopic: no pinned font
    assert uncovered("Asha\x07Rao") == ["\x07"]


def test_a_roster_name_no_font_covers_is_one_located_error_before_rendering(sample_copy, run_cli, monkeypatch):
    monkeypatch.chdir(sample_copy)
    roster = sample_copy / "roster.csv"
    roster.write_text("roll,name\nA1,Asha Rao\nA2,አበበ ቢቂላ\nA3,李雷\nA4,Bell ꦗꦮ\n", encoding="utf-8")
    rendered = []
    monkeypatch.setattr("qbank.output.pdf.write_pdf", lambda *a, **k: rendered.append(1))
    status, out, err = run_cli("build", "exams/sample.yaml", "--roster", "roster.csv", "--seed", "1", "--out", "set",
                               "--jobs", "1")  # fmt: skip
    assert status == 2 and not rendered and not (sample_copy / "set").exists()
    lines = err.strip().splitlines()
    expected = [f"roster.csv:3: name: no font covers '{c}' (U+{ord(c):04X})" for c in "አበቢቂላ"]
    assert lines[:-1] == [*expected, "roster.csv:5: name: no font covers 'ꦗ' (U+A997)",
                          "roster.csv:5: name: no font covers 'ꦮ' (U+A9AE)"]  # fmt: skip
    assert "Traceback" not in err and "WARNING" not in err


def test_without_cjk_fonts_the_error_names_the_missing_family(sample_copy, run_cli, monkeypatch):
    from qbank.preflight import fontcover
    from qbank.render import fontfiles

    faces = tuple(f for f in fontfiles.installed_faces() if "CJK" not in f.family)
    monkeypatch.setattr(fontfiles, "installed_faces", lambda: faces)
    for cached in (fontfiles.face, fontcover.covered):
        cached.cache_clear()
    monkeypatch.chdir(sample_copy)
    (sample_copy / "roster.csv").write_text("roll,name\nA1,李雷\n", encoding="utf-8")
    try:
        status, _, err = run_cli("build", "exams/sample.yaml", "--roster", "roster.csv", "--seed", "1", "--out", "x")
    finally:
        for cached in (fontfiles.face, fontcover.covered):
            cached.cache_clear()
    assert status == 2
    assert "roster.csv:2: name: no font covers '李' (U+674E)" in err
    assert "templates/style.css: font-family: pinned fonts not installed here: Noto Serif CJK SC (`make setup`" in err


def test_an_exam_header_field_no_font_covers_is_located_in_the_exam_file(sample_copy, run_cli, monkeypatch):
    monkeypatch.chdir(sample_copy)
    exam = sample_copy / "exams" / "sample.yaml"
    text = exam.read_text(encoding="utf-8")
    line = next(i for i, row in enumerate(text.splitlines(), 1) if row.startswith("institution:"))
    exam.write_text(re.sub(r"(?m)^institution:.*$", "institution: ጎንደር University", text), encoding="utf-8")
    status, _, err = run_cli("build", "exams/sample.yaml", "--seed", "1", "--out", "out")
    assert status == 2 and not (sample_copy / "out").exists()
    assert f"exams/sample.yaml:{line}: institution: no font covers 'ጎ' (U+130E)" in err


def test_every_printed_exam_field_is_checked(sample_copy):
    """Each header field the templates print, set to a character no pinned font has, is reported at its key."""
    from qbank.preflight.fontcover import check_printable
    from qbank.spec.exam import load_exam

    exam_file = sample_copy / "exams" / "sample.yaml"
    text = exam_file.read_text(encoding="utf-8")
    fields = {"semester": "ሀ1", "duration": "ሀ2", "date": "ሀ3", "exam_label": "ሀ4", "violation_note": "ሀ5"}
    text = "".join(line for line in text.splitlines(keepends=True) if line.split(":")[0] not in fields)
    text += "".join(f"{key}: {value}\n" for key, value in fields.items())
    exam_file.write_text(text.replace("student_fields: [", "student_fields: [ሀ6, "), encoding="utf-8")
    with pytest.raises(UserError) as info:
        check_printable(load_exam(exam_file))
    paths = {problem.path for problem in info.value.problems}
    assert paths == {*fields, "student_fields[0]"}


@pytest.mark.slow
def test_weasyprint_records_never_reach_the_root_logger(tmp_path):
    from qbank.output.pdf import PdfError, write_pdf

    seen: list[logging.LogRecord] = []
    handler = logging.Handler()
    handler.emit = seen.append  # type: ignore[method-assign]
    logging.getLogger().addHandler(handler)
    try:
        html = '<html><head><meta charset="utf-8"></head><body><p>\U0010fffd <i style="x: 1">y</i></p></body></html>'
        with pytest.raises(PdfError, match="missing glyph"):
            write_pdf(html, base_dir=tmp_path, allowed_roots=[tmp_path])
    finally:
        logging.getLogger().removeHandler(handler)
    assert [r.getMessage() for r in seen if r.name.startswith("weasyprint")] == []


def render(tmp_path: Path, body: str) -> bytes:
    """A PDF of `body` set in the stylesheet's text stack, as qbank renders pages."""
    from qbank.output.pdf import write_pdf

    html = f'<html><head><meta charset="utf-8"><style>{STYLE.read_text()}</style></head><body>{body}</body></html>'
    return write_pdf(html, base_dir=tmp_path, allowed_roots=[tmp_path])


def extracted(tmp_path: Path, pdf: bytes) -> str:
    """pdftotext's reading of a PDF."""
    (tmp_path / "x.pdf").write_bytes(pdf)
    return subprocess.run(["pdftotext", str(tmp_path / "x.pdf"), "-"], capture_output=True, text=True).stdout


@pytest.mark.slow
def test_shaped_and_right_to_left_names_read_back_as_written(tmp_path):
    names = [NAMES["devanagari"], NAMES["arabic"], "عمر خيّام", NAMES["hebrew"], "ஸ்ரீநிவாச ராமானுஜன்"]
    body = "".join(f"<p>{name} · Roll No. 1</p>" for name in names)
    text = extracted(tmp_path, render(tmp_path, body))
    assert [name for name in names if letters(name) not in letters(text)] == []
    actualtext.uninstall()
    try:  # WeasyPrint's own text map: a glyph shared by two clusters, a ligature reversed
        plain = extracted(tmp_path, render(tmp_path, body))
    finally:
        actualtext.install()
    assert letters(NAMES["devanagari"]) not in letters(plain) and letters(NAMES["arabic"]) not in letters(plain)


@pytest.mark.slow
def test_latin_text_is_drawn_exactly_as_weasyprint_draws_it(tmp_path):
    body = "<p>Zoë Brontë · Roll No. 24CS1001 · 2,359,296 weights</p><p><b>Nguyễn Thị</b></p>"
    ours = render(tmp_path, body)
    actualtext.uninstall()
    try:
        assert render(tmp_path, body) == ours
    finally:
        actualtext.install()


@pytest.mark.slow
def test_the_font_record_maps_each_embedded_font_to_its_file(tmp_path):
    pdf = render(tmp_path, f"<p>{NAMES['bengali']} <b>{NAMES['bengali']}</b> Asha</p>")
    record = embedded_fonts([pdf])
    names = [font["name"] for font in record]
    assert names == sorted(names) and "Noto-Serif-Bengali-Bold" in names and "TeX-Gyre-Termes" in names
    bold = next(font for font in record if font["name"] == "Noto-Serif-Bengali-Bold")
    assert Path(bold["file"]).name == "NotoSerifBengali-Bold.ttf"
    assert bold["sha256"] == hashlib.sha256(Path(bold["file"]).read_bytes()).hexdigest()
    assert set(bold) == {"name", "file", "sha256"}
    (tmp_path / "x.pdf").write_bytes(pdf)
    listed = subprocess.run(["pdffonts", str(tmp_path / "x.pdf")], capture_output=True, text=True).stdout
    assert sorted({line.split()[0].split("+", 1)[1] for line in listed.splitlines()[2:]}) == names
    assert missing_fonts(record) == []


def test_missing_fonts_names_the_font_and_its_file(tmp_path):
    changed = tmp_path / "Changed.ttf"
    changed.write_bytes(b"now")
    record = [
        {"name": "Noto-Serif-Bengali-Bold", "file": str(tmp_path / "gone" / "NotoSerifBengali-Bold.ttf"),
         "sha256": "0" * 64},
        {"name": "Changed-Bold", "file": str(changed), "sha256": hashlib.sha256(b"before").hexdigest()},
    ]  # fmt: skip
    lines = missing_fonts(record)
    gone = tmp_path / "gone" / "NotoSerifBengali-Bold.ttf"
    assert lines[0] == f"font Noto-Serif-Bengali-Bold ({gone}) is missing on this machine"
    assert lines[1].startswith(f"font Changed-Bold ({changed}) differs on this machine")
    env = {"python": "3.11", "packages": {}, "rendering": {}}
    assert environment_changes({**env, "fonts": record}, env) == lines


@pytest.mark.slow
def test_the_audit_names_a_recorded_font_missing_on_this_machine(sample_copy, run_cli, monkeypatch):
    monkeypatch.chdir(sample_copy)
    assert run_cli("build", "exams/sample.yaml", "--seed", "1", "--out", "set")[0] == 0
    data = json.loads((sample_copy / "set" / "manifest.json").read_text())
    termes = next(font for font in data["environment"]["fonts"] if font["name"] == "TeX-Gyre-Termes")
    termes["file"] = str(sample_copy / "elsewhere" / "texgyretermes-regular.otf")  # the machine that built it
    (sample_copy / "set" / "manifest.json").write_text(json.dumps(data))
    status, out, err = run_cli("audit", "set")
    assert "Traceback" not in err
    note = f"rendering environment changed: font TeX-Gyre-Termes ({termes['file']}) is missing on this machine"
    assert note in out
