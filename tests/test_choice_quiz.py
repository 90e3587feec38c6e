"""A multiple-choice quiz built as a class set, its PDFs read back: every student's paper shows its options with
their letters and boxes, and neither the key nor any mistake; the keys show both; answers.csv holds the letters;
the same seed rebuilds byte-identically. Also: an exam set's paper and practice sheet read back, and bad math in
a written option is a located error."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
from pathlib import Path

import pytest

from qbank.cli import main

from .classsets import manifest, papers_by_id, pdf_text, roster_rows, write_roster
from .mc_bank import DATA

pytestmark = pytest.mark.slow


MATH = {"$\\sigma$": "σ", "$\\gamma$": "γ", "$\\beta$": "β"}  # the fixture's formulas as pdftotext reads them
STUDENTS = 4


def plain(text: str) -> str:
    """An option's text as the PDF's text reads: formulas as their symbols, a true minus sign."""
    for source, shown in MATH.items():
        text = text.replace(source, shown)
    return re.sub(r"(?<![\w])-(?=\d)", "\u2212", text)


def one_line(text: str) -> str:
    """PDF text with every run of white space made one space."""
    return " ".join(text.split())


@pytest.fixture(scope="module")
def quiz_set(tmp_path_factory):
    root = tmp_path_factory.mktemp("quiz")
    shutil.copytree(DATA, root / "quiz")
    roster = write_roster(root / "students.csv", roster_rows(STUDENTS))
    out = root / "out"
    exam = root / "quiz" / "quiz.yaml"
    assert main(["build", str(exam), "--roster", str(roster), "--seed", "11", "--out", str(out), "--jobs", "1"]) == 0
    return root, exam, roster, out


def secrets(record) -> set[str]:
    """Everything of a paper record no student may see: the whys, misconception names and descriptions."""
    found = set()
    for question in record["questions"]:
        for choice in question.get("choices", {}).values():
            found |= {o["why"] for o in choice["options"] if o.get("why")}
            found |= {o["misconception"] for o in choice["options"] if o.get("misconception")}
        for mistakes in question.get("misconceptions", {}).values():
            found |= {m["name"] for m in mistakes} | {m["description"] for m in mistakes}
    return found


def test_every_student_paper_reads_back_its_options_and_no_key_or_mistake(quiz_set):
    _, _, _, out = quiz_set
    records = papers_by_id(out)
    assert len(records) == STUDENTS
    for roll, record in records.items():
        paper = one_line(pdf_text(out / "papers" / f"{roll}.pdf"))
        key = one_line(pdf_text(out / "keys" / f"{roll}.pdf"))
        for question in record["questions"]:
            for name, choice in question.get("choices", {}).items():
                for option in choice["options"]:
                    assert f"({option['letter']}) ☐ {plain(option['text'])}" in paper, (roll, question["id"], option)
                    assert f"{option['letter']} {plain(option['text'])}" in key
                label = question["answer_specs"][name]["label"]
                assert f"Options — {label} · key {choice['key']}" in key
        hidden = secrets(record)
        assert {"lin.no_bias", "confused batch and layer normalization"} <= hidden
        for text in hidden:
            assert text not in paper, (roll, text)
            assert text in key or text.startswith("lin.") or text.startswith("shift."), (roll, text)
        assert "correct" not in paper and "key" not in paper.lower()
        assert "correct" in key


def test_answers_csv_holds_the_letters_of_every_answer_asked_as_choice(quiz_set, run_cli, tmp_path):
    _, _, _, out = quiz_set
    table = list(csv.DictReader(io.StringIO((out / "answers.csv").read_text(encoding="utf-8-sig"))))
    assert [c for c in table[0] if ":" in c] == ["lin:total", "lin:act", "shift:delta", "norms:statements",
                                                 "lin#2:total", "lin#2:act"]  # fmt: skip  # shift:mean not asked
    records = papers_by_id(out)
    for row in table:
        questions = {q["id"]: q for q in records[row["roll"]]["questions"]}
        for column in ("lin:total", "lin:act", "shift:delta", "norms:statements", "lin#2:act"):
            placement, answer = column.split(":")
            assert row[column] == questions[placement]["choices"][answer]["key"]
            assert re.fullmatch(r"[A-J](, [A-J])*", row[column])
        assert row["lin#2:total"] == questions["lin#2"]["answers_formatted"]["total"]  # free response: the value
    marks = tmp_path / "marks.csv"
    status, _, err = run_cli("grade", out, out / "answers.csv", "--out", marks)  # the gradebook, graded: full marks
    assert status == 0, err
    graded = list(csv.DictReader(io.StringIO(marks.read_text(encoding="utf-8-sig"))))
    assert [(r["roll"], r["total"], r["auto_max"]) for r in graded] == [(r["roll"], "7", "7") for r in table]


def test_the_same_seed_rebuilds_byte_identically(quiz_set, run_cli):
    _, _, _, out = quiz_set
    status, text, err = run_cli("audit", out)
    assert status == 0, text + err
    assert "identical" in text and "DIFFERS" not in text
    statements = ("It normalizes each feature", "Its running mean", "It learns a scale", "It normalizes each example")
    printed = []  # the order each student's paper prints the statements in, read from its PDF
    for roll in papers_by_id(out):
        paper = one_line(pdf_text(out / "papers" / f"{roll}.pdf"))
        printed.append(tuple(sorted(statements, key=lambda start: paper.index(f"☐ {start}"))))
    assert len(set(printed)) > 1  # the papers order the options apart


def test_canonical_class_set_keeps_the_written_order(quiz_set, tmp_path):
    _, exam, roster, _ = quiz_set
    out = tmp_path / "canonical"
    assert main(["build", str(exam), "--roster", str(roster), "--seed", "11", "--canonical", "--out", str(out),
                 "--jobs", "1"]) == 0  # fmt: skip
    for record in manifest(out)["papers"]:
        questions = {q["id"]: q for q in record["questions"]}
        statements = [o["text"] for o in questions["norms"]["choices"]["statements"]["options"]]
        assert statements == [o["text"] for o in questions["norms"]["answer_specs"]["statements"]["options"]]
        values = [o["value"] for o in questions["lin"]["choices"]["total"]["options"]]
        assert values == sorted(values)
        paper = one_line(pdf_text(out / "papers" / f"{record['paper_id']}.pdf"))
        assert f"(A) ☐ {statements[0]} (B) ☐ {statements[1]}" in paper


def test_exam_set_paper_and_practice_read_back(quiz_set, tmp_path):
    _, exam, _, _ = quiz_set
    out = tmp_path / "single"
    assert main(["build", str(exam), "--seed", "2", "--out", str(out)]) == 0
    record = manifest(out)["papers"][0]
    sidecar = json.loads((out / "key.json").read_text())
    for question, entry in zip(record["questions"], sidecar["questions"], strict=True):
        letters = {name: a["letters"] for name, a in entry["answers"].items() if "letters" in a}
        assert letters == {name: choice["key"] for name, choice in question.get("choices", {}).items()}
    assert "letters" not in sidecar["questions"][3]["answers"]["total"]  # free response: no letters
    paper = one_line(pdf_text(out / "paper.pdf"))
    assert "(A) ☐" in paper and "Select all that apply." in paper
    for text in secrets(record):
        assert text not in paper
    practice = one_line(pdf_text(out / "practice.pdf"))
    before, after = practice.split("Solutions", 1)
    assert "(A) ☐" in before and "Select all that apply." in before
    for text in ("assumed every layer has one", "counted the weights but not the biases", "correct"):
        assert text not in before and text in after


def test_bad_math_in_a_written_option_is_a_located_error(tmp_path, run_cli):
    shutil.copytree(DATA, tmp_path / "quiz")
    question = tmp_path / "quiz" / "bank" / "questions" / "norms.yaml"
    source = question.read_text()
    question.write_text(source.replace("a shift $\\beta$", "a shift $\\frac{\\beta$"))
    line = 1 + next(i for i, text in enumerate(question.read_text().splitlines()) if "frac" in text)
    status, _, err = run_cli("build", tmp_path / "quiz" / "quiz.yaml", "--seed", "1", "--out", tmp_path / "out")
    assert status == 2 and "Traceback" not in err
    assert f"norms.yaml:{line}: answers.statements.options[2].text: math error" in err
    assert not (tmp_path / "out").exists()


def test_the_deep_learning_quiz_builds_as_a_class_set_and_reads_back(tmp_path):
    """exams/cs60010-quiz.yaml as a class set of 3: every student's paper prints every option (numbers exactly,
    with their letters and boxes) and no key marking or mistake; each key prints every mistake it encodes."""
    exam = Path(__file__).parents[1] / "exams" / "cs60010-quiz.yaml"
    roster = write_roster(tmp_path / "students.csv", roster_rows(3))
    out = tmp_path / "out"
    assert main(["build", str(exam), "--roster", str(roster), "--seed", "7", "--out", str(out)]) == 0
    records = papers_by_id(out)
    assert len(records) == 3
    asked = 0
    for roll, record in records.items():
        paper = one_line(pdf_text(out / "papers" / f"{roll}.pdf"))
        key = one_line(pdf_text(out / "keys" / f"{roll}.pdf"))
        for question in record["questions"]:
            for choice in question.get("choices", {}).values():
                asked += 1
                for option in choice["options"]:
                    if "$" not in option["text"]:
                        assert f"({option['letter']}) ☐ {plain(option['text'])}" in paper, (roll, option)
                    if option.get("why"):
                        assert option["why"] in key, (roll, option)
        for text in secrets(record):
            assert text not in paper, (roll, text)
    assert asked >= 3 * 9
