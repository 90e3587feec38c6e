"""Preflight runs for what a command uses: a question broken in a way only drawing, typesetting or reading its
templates shows (a template name typo, an unsatisfiable constraint, bad label math) stops `check`, `variants` and
any exam or practice sheet that uses it, with the located message, and nothing else."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from qbank.core.errors import UserError
from qbank.preflight.checks import checked_bank, checked_exam, preflight
from qbank.spec.bank import load_bank
from qbank.spec.exam import load_exam

QUESTION = """id: extra/{name}
title: A question with a planted fault
topics: [planted]
marks: 1
params:
  x: {{type: int, min: 1, max: 5}}
constraints:
  - "{constraint}"
text: |
  Take ${{{{ {variable} }}}}$.
rubric:
  - {{text: '{rubric}', points: 1}}
"""
SOUND = {"constraint": "x > 1", "variable": "x", "rubric": "Uses $x_1$"}
FAULTS = {  # question file name: (its fault, the located message `qbank check` gives for it)
    "typo": ({"variable": "y"}, r"typo\.yaml:10: text: undefined template variable 'y'"),
    "unsatisfiable": ({"constraint": "x > 10"}, r"unsatisfiable\.yaml:8: constraints\[0\]: unsatisfiable: 'x > 10'"),
    "label": ({"rubric": "Uses $x_{1$"},
              r"label\.yaml:12: rubric\[0\]\.text: math error: cannot typeset formula 'x_\{1': 1 unclosed '\{'"),
}  # fmt: skip
EXTRA_SECTION = "  - title: Part C\n    questions:\n      - {id: extra/%s}\n"


def plant(root: Path, names: list[str]) -> Path:
    """Write the planted questions `names` into the sample bank copy at `root`; return the bank folder."""
    bank = root / "banks" / "sample"
    for name in names:
        text = QUESTION.format(name=name, **{**SOUND, **FAULTS[name][0]})
        (bank / "questions" / f"{name}.yaml").write_text(text)
    return bank


def test_a_bank_with_broken_questions_still_builds_an_exam_that_does_not_use_them(sample_copy, run_cli, monkeypatch):
    plant(sample_copy, list(FAULTS))
    monkeypatch.chdir(sample_copy)
    status, out, err = run_cli("build", "exams/sample.yaml", "--seed", "1", "--out", "o")
    assert status == 0, err
    assert (sample_copy / "o" / "paper.pdf").is_file()


@pytest.mark.parametrize("name", list(FAULTS))
def test_check_and_variants_report_a_broken_question_located(name, sample_copy, run_cli, monkeypatch):
    plant(sample_copy, [name])
    monkeypatch.chdir(sample_copy)
    for args in (("check", "banks/sample", "--seeds", "2"), ("variants", f"banks/sample/questions/{name}.yaml")):
        status, out, err = run_cli(*args)
        assert status == 2, (args, out, err)
        assert "Traceback" not in err
        assert re.search(rf"^banks/sample/questions/{FAULTS[name][1]}", err, re.M), err
        assert err.rstrip().endswith("qbank: 1 error"), err


def test_check_reports_every_broken_question_at_once(sample_copy, run_cli, monkeypatch):
    plant(sample_copy, list(FAULTS))
    monkeypatch.chdir(sample_copy)
    status, out, err = run_cli("check", "banks/sample", "--seeds", "2")
    assert status == 2
    for _, message in FAULTS.values():
        assert re.search(message, err), (message, err)
    assert err.rstrip().endswith("qbank: 3 errors"), err


@pytest.mark.parametrize("name", list(FAULTS))
def test_an_exam_that_uses_a_broken_question_does_not_build(name, sample_copy, run_cli, monkeypatch):
    plant(sample_copy, [name])
    exam = sample_copy / "exams" / "sample.yaml"
    exam.write_text(exam.read_text() + EXTRA_SECTION % name)
    monkeypatch.chdir(sample_copy)
    status, out, err = run_cli("build", "exams/sample.yaml", "--seed", "1", "--out", "o")
    assert status == 2 and "Traceback" not in err, err
    assert re.search(FAULTS[name][1], err), err
    assert not (sample_copy / "o").exists()
    assert load_exam(exam).bank.question(f"extra/{name}")  # loading alone is pure: it neither draws nor typesets


def test_practice_preflights_only_the_questions_it_picks(sample_copy, run_cli, monkeypatch):
    plant(sample_copy, ["typo"])
    monkeypatch.chdir(sample_copy)
    args = ("practice", "banks/sample", "--count", "1", "--seed", "1", "--out")
    status, out, err = run_cli(*args, "p", "--topics", "planted")
    assert status == 2 and re.search(FAULTS["typo"][1], err), err
    assert not (sample_copy / "p").exists()
    status, out, err = run_cli(*args, "q", "--topics", "mlp")
    assert status == 0, err
    assert (sample_copy / "q" / "practice.pdf").is_file()
    bank = load_bank(sample_copy / "banks" / "sample")
    preflight(bank, [q for q in bank.questions.values() if q.id != "extra/typo"])  # the others pass


def test_the_python_entry_points_match_the_cli(sample_copy):
    bank_dir = plant(sample_copy, ["unsatisfiable"])
    with pytest.raises(UserError) as raised:
        checked_bank(bank_dir)
    assert [re.search(FAULTS["unsatisfiable"][1], str(p)) is not None for p in raised.value.problems] == [True]
    # the exam does not use it: a build passes (it reads only the exam's question files), a whole-bank load holds it
    assert "extra/unsatisfiable" not in checked_exam(sample_copy / "exams" / "sample.yaml").bank.questions
    assert checked_exam(sample_copy / "exams" / "sample.yaml", whole_bank=True).bank.question("extra/unsatisfiable")
