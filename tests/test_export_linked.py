"""LMS exports of what an exam links and mixes (tests/lms_linked_bank.py): a question asking a text answer, a
written choice and a multi reaches the student whole in every format (Canvas: one item per answer); the parts a
scenario binds stay one question per variant showing the same drawn values; QTI choice identifiers are unique in
their item; figures carry their own description (or `Figure for question N`); a number asked as choice shows its
unit with the options."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from qbank.solve.formats import check
from qbank.spec.bank import load_bank
from tests.lms_linked_bank import write_linked_bank
from tests.test_export_moodle import moodle_accepts, probes
from tests.test_export_qti import assert_valid, compiled_schemas, qti_accepts

K = 3
C12 = "{http://www.imsglobal.org/xsd/ims_qtiasiv1p2}"
QTI = "{http://www.imsglobal.org/xsd/imsqti_v2p1}"
MASS = re.compile(r"cart of mass (\d+) kg")


@pytest.fixture(scope="module")
def schemas() -> tuple[etree.XMLSchema, etree.XMLSchema]:
    return compiled_schemas()


@pytest.fixture
def exam(tmp_path: Path) -> Path:
    return write_linked_bank(tmp_path)


def export(run_cli, exam: Path, fmt: str, out: Path) -> tuple[dict[str, bytes], str]:
    """The export's files (the Moodle XML as `moodle.xml`) and its notes."""
    status, _, err = run_cli("export", exam, "--format", fmt, "--variants", K, "--seed", 1, "--out", out)
    assert status == 0, err
    name = {"moodle": "moodle.xml", "qti21": "qti21.zip", "canvas": "canvas.zip"}[fmt]
    notes = (out / "notes.txt").read_text()
    if fmt == "moodle":
        return {name: (out / name).read_bytes()}, notes
    with zipfile.ZipFile(out / name) as archive:
        return {n: archive.read(n) for n in archive.namelist()}, notes


def canvas_groups(files: dict[str, bytes]) -> dict[str, list[etree._Element]]:
    """Canvas's question groups by title, each with its items."""
    quiz = next(d for n, d in files.items() if n.endswith(".xml") and "/" in n and "meta" not in n)
    sections = etree.fromstring(quiz).iter(f"{C12}section")
    return {s.get("title"): s.findall(f"{C12}item") for s in sections if s.get("ident") != "root_section"}


def canvas_field(item: etree._Element, label: str) -> str:
    return next(f.findtext(f"{C12}fieldentry") for f in item.iter(f"{C12}qtimetadatafield")
                if f.findtext(f"{C12}fieldlabel") == label)  # fmt: skip


def canvas_text(item: etree._Element) -> str:
    return item.findtext(f"{C12}presentation/{C12}material/{C12}mattext")


def options(item: etree._Element) -> list[str]:
    return [label.findtext(f".//{C12}mattext") for label in item.iter(f"{C12}response_label")]


def test_canvas_asks_each_answer_of_a_mixed_question_as_its_own_item(run_cli, exam, tmp_path):
    files, notes = export(run_cli, exam, "canvas", tmp_path / "c")
    groups = canvas_groups(files)
    titles = [f"Q3 si (part {i} of 3)" for i in (1, 2, 3)]
    assert [len(groups[t]) for t in titles] == [K, K, K]
    kinds = [{canvas_field(item, "question_type") for item in groups[t]} for t in titles]
    assert kinds == [{"short_answer_question"}, {"multiple_choice_question"}, {"multiple_answers_question"}]
    assert [{canvas_field(item, "points_possible") for item in groups[t]} for t in titles] == [{"1"}] * 3
    units = {"force": "newton", "energy": "joule", "power": "watt"}
    for number, title in enumerate(titles, start=1):
        for item in groups[title]:
            text = canvas_text(item)
            quantity = re.search(r"SI unit of (\w+)\.", text).group(1)  # the stem, repeated in every part
            assert f"<strong>Part {number} of 3</strong>" in text
            if number == 1:
                assert "Unit" in text
                key = units[quantity]
                assert [v.text for v in item.iter(f"{C12}varequal")] == [key, key[0].upper()]
            elif number == 2:
                assert "Which is a vector quantity?" in text
                assert sorted(options(item)) == ["mass", "speed", "velocity"]
                (correct,) = [v.text for v in item.iter(f"{C12}varequal")][:1]
                assert options(item)[[lb.get("ident") for lb in item.iter(f"{C12}response_label")].index(correct)] \
                    == "velocity"  # fmt: skip
            else:
                assert "Which are SI base units?" in text
                idents = [lb.get("ident") for lb in item.iter(f"{C12}response_label")]
                ticked = {options(item)[idents.index(v.text)] for v in item.find(f".//{C12}and")
                          .findall(f"{C12}varequal")}  # fmt: skip
                assert ticked == {"metre", "kilogram"}
    assert "Q3 si: 3 answers become 3 Canvas items, 'part 1 of 3' to 'part 3 of 3'" in notes
    assert "several numeric answers" not in notes and "essay" not in notes


def mass_of(text: str) -> list[int]:
    """Every cart mass a text states."""
    return [int(m) for m in MASS.findall(text)]


def test_moodle_keeps_scenario_parts_in_one_cloze_question_per_variant(run_cli, exam, tmp_path):
    files, notes = export(run_cli, exam, "moodle", tmp_path / "m")
    root = etree.fromstring(files["moodle.xml"])
    categories = [q.findtext("category/text") for q in root.findall("question") if q.get("type") == "category"]
    assert categories == ["$course$/Linked quiz/Q1 fall", "$course$/Linked quiz/Q2(a)+Q2(b) momentum+weight",
                          "$course$/Linked quiz/Q3 si"]  # fmt: skip
    specs = load_bank(exam.parent.parent / "bank").questions
    linked = [q for q in root.findall("question") if (q.findtext("name/text") or "").startswith("momentum+weight")]
    assert len(linked) == K
    seen = set()
    for question in linked:
        assert question.get("type") == "cloze" and question.findtext("defaultgrade") == "3"
        text = question.findtext("questiontext/text")
        (mass,) = set(mass_of(text))  # the same cart in (a) and (b)
        assert len(mass_of(text)) == 2 and text.index("(a)") < text.index("momentum") < text.index("(b)")
        speed = int(re.search(r"moves at (\d+) m/s", text).group(1))
        codes = re.findall(r"\{(\d+):NUMERICAL:=([^:]+):([^~}]+)\}", text)
        assert [weight for weight, _, _ in codes] == ["2", "1"]  # (a) 2 marks, (b) 1 mark
        expected = [("momentum", "p", mass * speed), ("weight", "w", mass * 9.81)]
        for (_, key, tolerance), (qid, name, value) in zip(codes, expected, strict=True):
            spec = specs[qid].spec.answers[name]
            for given in probes(spec, value):
                assert moodle_accepts(key, tolerance, given) == check(spec, value, given), (qid, given)
        seen.add(mass)
    assert len(seen) > 1  # the variants differ; each keeps its parts together
    assert "share scenario 'cart': they become one cloze question per variant in Moodle" in notes


def test_qti_keeps_scenario_parts_in_one_valid_item_per_variant(run_cli, exam, tmp_path, schemas):
    files, notes = export(run_cli, exam, "qti21", tmp_path / "q")
    assert assert_valid(files, schemas) == 3 * K + 1
    test = etree.fromstring(files["test.xml"])
    sections = {s.get("title"): s for s in test.iter(f"{QTI}assessmentSection")}
    assert list(sections) == ["Q1 fall", "Q2(a)+Q2(b) momentum+weight", "Q3 si"]
    for ref in sections["Q2(a)+Q2(b) momentum+weight"].iter(f"{QTI}assessmentItemRef"):
        item = etree.fromstring(files[ref.get("href")])
        text = "".join(item.find(f"{QTI}itemBody").itertext())
        (mass,) = set(mass_of(text))
        speed = int(re.search(r"moves at (\d+) m/s", text).group(1))
        equals = list(item.iter(f"{QTI}equal"))
        assert [qti_accepts(e, v) for e, v in zip(equals, (mass * speed, mass * 9.81), strict=True)] == [True, True]
        shares = [float(c.find(f".//{QTI}sum/{QTI}baseValue").text) for c in item.iter(f"{QTI}responseIf")
                  if c.find(f"{QTI}and") is not None]  # fmt: skip
        assert (
            shares == [2.0, 1.0]
            and item.findtext(f".//{QTI}outcomeDeclaration[@identifier='MAXSCORE']//{QTI}value") == "3"
        )
    assert "share scenario 'cart': they become one item per variant" in notes


def test_canvas_parts_of_a_scenario_each_repeat_the_whole_linked_question(run_cli, exam, tmp_path):
    files, notes = export(run_cli, exam, "canvas", tmp_path / "c")
    groups = canvas_groups(files)
    first, second = (
        groups["Q2(a)+Q2(b) momentum+weight (part 1 of 2)"],
        groups["Q2(a)+Q2(b) momentum+weight (part 2 of 2)"],
    )
    assert [canvas_field(i, "points_possible") for i in first + second] == ["2"] * K + ["1"] * K
    for one, two in zip(first, second, strict=True):
        assert len(set(mass_of(canvas_text(one)))) == 1 and mass_of(canvas_text(one)) == mass_of(canvas_text(two))
        assert "(a) Momentum (kg m/s)" in canvas_text(one) and "(b) Weight (N)" in canvas_text(two)
        mass = mass_of(canvas_text(two))[0]
        low, high = float(two.findtext(f".//{C12}vargte")), float(two.findtext(f".//{C12}varlte"))
        assert low < mass * 9.81 < high
    assert "the parts share scenario 'cart'; Canvas draws each item's variant on its own" in notes
    assert "--variants 1 gives them all the same values" in notes


def test_canvas_with_one_variant_says_every_part_shows_the_same_values(run_cli, exam, tmp_path):
    status, _, err = run_cli(
        "export", exam, "--format", "canvas", "--variants", 1, "--seed", 4, "--out", tmp_path / "c"
    )
    assert status == 0, err
    notes = (tmp_path / "c" / "notes.txt").read_text()
    assert "Q3 si: 3 answers become 3 Canvas items" in notes and "may show different values" not in notes
    assert "with one variant every item shows the same values" in notes


def test_qti_choice_identifiers_are_unique_in_their_item(run_cli, exam, tmp_path):
    files, _ = export(run_cli, exam, "qti21", tmp_path / "q")
    roots = [etree.fromstring(d) for n, d in files.items() if n.startswith("items/")]
    asking_two = [item for item in roots if item.get("title").startswith("si seed ")]
    assert len(asking_two) == K
    for item in asking_two:
        ids = [c.get("identifier") for c in item.iter(f"{QTI}simpleChoice")]
        assert len(ids) == 7 and len(set(ids)) == 7, ids
        for interaction in item.iter(f"{QTI}choiceInteraction"):
            rid = interaction.get("responseIdentifier")
            own = {c.get("identifier") for c in interaction.iter(f"{QTI}simpleChoice")}
            declaration = item.find(f"{QTI}responseDeclaration[@identifier='{rid}']")
            keys = {e.get("mapKey") for e in declaration.iter(f"{QTI}mapEntry")}
            values = {v.text for v in declaration.iter(f"{QTI}value")}
            assert values <= own and keys <= own and values


def test_figures_are_described_as_they_describe_themselves(run_cli, exam, tmp_path):
    moodle, _ = export(run_cli, exam, "moodle", tmp_path / "m")
    qti, _ = export(run_cli, exam, "qti21", tmp_path / "q")
    canvas, _ = export(run_cli, exam, "canvas", tmp_path / "c")
    alts = re.findall(rb'<img src="[^"]*" alt="([^"]*)"', moodle["moodle.xml"])
    for files in (qti, canvas):
        alts += [m for n, d in files.items() if n.endswith(".xml") for m in re.findall(rb'alt="([^"]*)"', d)]
    assert alts and set(alts) == {b"Figure for question 1", b"A cart on a level track"}


def test_a_number_asked_as_choice_shows_its_unit_with_the_options(run_cli, exam, tmp_path):
    moodle, _ = export(run_cli, exam, "moodle", tmp_path / "m")
    canvas, _ = export(run_cli, exam, "canvas", tmp_path / "c")
    falls = [q for q in etree.fromstring(moodle["moodle.xml"]).findall("question")
             if (q.findtext("name/text") or "").startswith("fall seed")]  # fmt: skip
    texts = [a.findtext("text") for q in falls for a in q.iter("answer")]
    assert len(texts) >= 3 * K and all(re.fullmatch(r"\d+\.\d\d s", t) for t in texts), texts
    labels = [t for item in canvas_groups(canvas)["Q1 fall"] for t in options(item)]
    assert labels == texts
