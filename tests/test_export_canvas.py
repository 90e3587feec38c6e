"""`qbank export --format canvas`: Canvas's QTI 1.2 dialect checked field by field against the variants; numeric
range answers against qbank's grader; what Canvas cannot say becomes an essay and is reported per question."""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from qbank.solve.formats import check
from qbank.spec.bank import load_bank
from tests.mc_bank import write_lms_bank
from tests.test_export_moodle import K, probes, variants

NS = "{http://www.imsglobal.org/xsd/ims_qtiasiv1p2}"


@pytest.fixture
def bank(tmp_path: Path) -> Path:
    return write_lms_bank(tmp_path)


def export(run_cli, path: Path, out: Path, *extra: str) -> tuple[dict[str, bytes], str]:
    status, stdout, err = run_cli("export", path, "--format", "canvas", "--variants", K, "--seed", 5, "--out", out,
                                  *extra)  # fmt: skip
    assert status == 0, err
    with zipfile.ZipFile(out / "canvas.zip") as archive:
        return {name: archive.read(name) for name in archive.namelist()}, stdout


def quiz(files: dict[str, bytes]) -> etree._Element:
    name = next(n for n in files if n.endswith(".xml") and "/" in n and not n.endswith("assessment_meta.xml"))
    return etree.fromstring(files[name])


def field(item: etree._Element, label: str) -> str:
    for entry in item.iter(f"{NS}qtimetadatafield"):
        if entry.findtext(f"{NS}fieldlabel") == label:
            return entry.findtext(f"{NS}fieldentry")
    raise KeyError(label)


def items(files: dict[str, bytes]) -> dict[str, etree._Element]:
    return {item.get("title"): item for item in quiz(files).iter(f"{NS}item")}


def test_question_types_groups_and_points(run_cli, bank, tmp_path):
    files, _ = export(run_cli, bank, tmp_path / "out")
    groups = [s for s in quiz(files).iter(f"{NS}section") if s.get("ident") != "root_section"]
    assert len(groups) == 8  # lin asks two answers: a group per answer
    for group in groups:
        assert group.findtext(f".//{NS}selection_number") == "1"
        assert len(group.findall(f"{NS}item")) == K
    assert [g.get("title") for g in groups][2:4] == ["Q3 lin (part 1 of 2)", "Q3 lin (part 2 of 2)"]
    types = {re.sub(r" seed \d+", "", title): field(item, "question_type") for title, item in items(files).items()}
    assert types == {"lin part 1 of 2": "numerical_question", "lin part 2 of 2": "multiple_choice_question",
                     "pick": "multiple_answers_question", "strict": "multiple_answers_question",
                     "growth": "numerical_question", "word": "short_answer_question", "vec": "essay_question",
                     "essay": "essay_question"}  # fmt: skip
    points = {re.sub(r" seed \d+", "", title): field(item, "points_possible") for title, item in items(files).items()}
    assert points == {"lin part 1 of 2": "1", "lin part 2 of 2": "1", "pick": "3", "strict": "1", "growth": "1",
                      "word": "1", "vec": "2", "essay": "4"}  # fmt: skip


def test_numeric_ranges_accept_exactly_what_qbank_accepts(run_cli, bank, tmp_path):
    files, _ = export(run_cli, bank, tmp_path / "out")
    printed = variants(run_cli, bank)
    spec = load_bank(bank).questions["growth"].spec.answers["ratio"]
    for seed in range(5, 5 + K):
        item = items(files)[f"growth seed {seed}"]
        low, high = float(item.findtext(f".//{NS}vargte")), float(item.findtext(f".//{NS}varlte"))
        key = printed[("growth", seed)]["answers"]["ratio"]
        assert low < key < high
        for given in probes(spec, key):
            assert (low <= given <= high) == check(spec, key, given), given
        assert item.find(f".//{NS}render_fib").get("fibtype") == "Decimal"
        assert printed[("growth", seed)]["formatted"]["ratio"] not in item.findtext(f".//{NS}mattext")


def test_choices_and_text_answers(run_cli, bank, tmp_path):
    files, _ = export(run_cli, bank / "questions" / "lin.yaml", tmp_path / "lin", "--ask", "choice")
    lin = items(files)
    assert {field(i, "question_type") for i in lin.values()} == {"multiple_choice_question"}  # an item per answer
    for seed in range(5, 5 + K):
        parts = [lin[f"lin seed {seed} part {n} of 2"] for n in (1, 2)]
        written = {label.findtext(f".//{NS}mattext") for label in parts[1].iter(f"{NS}response_label")}
        assert written == {"none", "ReLU", r"\(\sigma\)"} and len(list(parts[0].iter(f"{NS}response_label"))) > 1
        assert "Part 2 of 2</strong>: Activation" in parts[1].findtext(f".//{NS}mattext")
    files, _ = export(run_cli, bank, tmp_path / "out")
    pick = items(files)["pick seed 5"]
    labels = [label.get("ident") for label in pick.iter(f"{NS}response_label")]
    texts = {label.get("ident"): label.findtext(f".//{NS}mattext") for label in pick.iter(f"{NS}response_label")}
    correct = {v.text for v in pick.find(f".//{NS}and").findall(f"{NS}varequal")}
    wrong = {v.text for v in pick.find(f".//{NS}and").findall(f"{NS}not/{NS}varequal")}
    assert {texts[c] for c in correct} == {"linear", "convolution", "batch norm (affine)"}
    assert correct | wrong == set(labels) and not correct & wrong
    printed = variants(run_cli, bank)
    word = items(files)["word seed 6"]
    key = printed[("word", 6)]["answers"]["winner"]
    synonyms = {"do not reject": ["fail to reject", "retain H0"], "reject": ["reject H0"]}[key]
    assert [v.text for v in word.find(f".//{NS}or")] == [key, *synonyms]


def test_what_canvas_cannot_say_is_reported_per_question(run_cli, bank, tmp_path):
    files, stdout = export(run_cli, bank, tmp_path / "out")
    assert "note: Q6 vec: a vector answer becomes an essay_question graded by hand in Canvas" in stdout
    assert "note: Q3 lin: 2 answers become 2 Canvas items, 'part 1 of 2' to 'part 2 of 2'" in stdout
    assert "several numeric answers" not in stdout
    notes = (tmp_path / "out" / "notes.txt").read_text()
    assert "Q6 vec: a vector answer becomes an essay_question" in notes
    vec = items(files)["vec seed 5"]
    feedback = "".join(vec.find(f"{NS}itemfeedback").itertext())
    printed = variants(run_cli, bank)
    assert printed[("vec", 5)]["formatted"]["scaled"] in feedback  # the key, for the grader, after submission
    assert printed[("vec", 5)]["formatted"]["scaled"] not in vec.findtext(f".//{NS}mattext")
    assert "\\(s v\\) — write its 3 numbers in order: [1], [2], [3]" in vec.findtext(f".//{NS}mattext")
    image = f"web_resources/figures/{vec.get('ident')}.svg"
    assert image in files and f"$IMS-CC-FILEBASE$/figures/{vec.get('ident')}.svg" in vec.findtext(f".//{NS}mattext")


def test_same_bytes_and_audit(run_cli, bank, tmp_path):
    export(run_cli, bank, tmp_path / "a")
    export(run_cli, bank, tmp_path / "b")
    assert (tmp_path / "a" / "canvas.zip").read_bytes() == (tmp_path / "b" / "canvas.zip").read_bytes()
    status, out, _ = run_cli("audit", tmp_path / "a")
    assert status == 0, out
    assert json.loads((tmp_path / "a" / "manifest.json").read_text())["recipe"]["format"] == "canvas"
