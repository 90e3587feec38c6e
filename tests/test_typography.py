"""Typography of the printed key: a number's sign prints as a true minus (U+2212), while the formatted values
that grading reads (answers.csv, key.json) keep the ASCII hyphen-minus, and hyphens inside words stay hyphens."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from qbank.render.page import display_minus

from .classsets import pdf_text

MINUS = "\u2212"

SOLVERS = '''
from qbank.registry import Solution, solver


@solver("signs.answers")
def answers(p):
    """Negative answers of every printed kind, and a text answer with a hyphen."""
    return Solution(answers={"shift": -0.25 * p["x"], "vector": [-p["x"], 2], "matrix": [[1, -2], [-3, 4]],
                             "method": "top-k", "small": -4.1e-7})
'''

QUESTION = """
id: signs/negatives
title: Negative answers
marks: 1
solver: signs.answers
params:
  x: {type: int, min: 1, max: 1}
canonical: {x: 1}
text: Give the shift, the vector, the matrix, the method and the small number for x = {{ x }}.
answers:
  shift: {label: Shift, format: fixed, decimals: 2}
  vector: {label: Vector, format: vector, decimals: 0}
  matrix: {label: Matrix, format: matrix, decimals: 0}
  method: {label: Method, format: text}
  small: {label: Small, format: sig, sig: 2}
"""

EXAM = """
bank: ../signs
institution: qbank University
course: {code: QB102, name: Signs}
exam: Quiz 0
student_fields: [Roll Number, Name]
sections:
  - questions:
      - {id: signs/negatives}
"""


@pytest.mark.parametrize(
    ("value", "printed"),
    [
        ("-0.25", "\u22120.25"),
        ("[-1, 2]", "[\u22121, 2]"),
        ("[1, -2; -3, 4]", "[1, \u22122; \u22123, 4]"),
        ("-4.1×10⁻⁷", "\u22124.1×10⁻⁷"),
        ("top-k", "top-k"),
        ("indices 0-3", "indices 0-3"),
        ("x-1", "x-1"),
        ("a - b", "a - b"),
        ("2,359,296", "2,359,296"),
    ],
)
def test_only_a_numbers_sign_becomes_a_true_minus(value, printed):
    assert display_minus(value) == printed


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    """A one-student class set with a full key, from a bank whose answers are negative."""
    from qbank.cli import main

    root = tmp_path_factory.mktemp("signs")
    bank = root / "signs"
    (bank / "questions").mkdir(parents=True)
    (bank / "bank.yaml").write_text("name: signs\ntitle: Signs\nmodules: [solvers.py]\n")
    (bank / "solvers.py").write_text(SOLVERS)
    (bank / "questions" / "negatives.yaml").write_text(QUESTION.lstrip())
    (root / "exams").mkdir()
    (root / "exams" / "quiz.yaml").write_text(EXAM.lstrip())
    (root / "roster.csv").write_text("roll,name\n24CS0001,Asha Rao\n")
    out = root / "out"
    status = main(["build", str(root / "exams" / "quiz.yaml"), "--roster", str(root / "roster.csv"), "--seed", "5",
                   "--key", "full", "--out", str(out), "--jobs", "1"])  # fmt: skip
    assert status == 0
    return out


@pytest.mark.slow  # renders a class set's PDFs
def test_the_key_prints_negative_answers_with_a_true_minus(built):
    text = pdf_text(built / "keys" / "24CS0001.pdf")
    for printed in (f"{MINUS}0.25", f"[{MINUS}1, 2]", f"[1, {MINUS}2; {MINUS}3, 4]", f"{MINUS}4.1×10"):
        assert printed in text
    assert "top-k" in text  # a text answer's hyphen stays a hyphen
    for ascii_value in ("-0.25", "[-1, 2]", "-2;", "-4.1"):
        assert ascii_value not in text


@pytest.mark.slow  # renders a class set's PDFs
def test_the_gradebook_keeps_ascii_hyphen_minus(built):
    with open(built / "answers.csv", newline="", encoding="utf-8-sig") as handle:
        (row,) = list(csv.DictReader(handle))
    values = {column.split(":", 1)[1]: value for column, value in row.items() if ":" in column}
    assert values == {"shift": "-0.25", "vector": "[-1, 2]", "matrix": "[1, -2; -3, 4]", "method": "top-k",
                      "small": "-4.1×10⁻⁷"}  # fmt: skip
    assert MINUS not in (built / "answers.csv").read_text(encoding="utf-8")
