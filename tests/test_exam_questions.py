"""An exam loads only the question files it can use (issue #17, start-up): an unrelated broken draft does not block a
build, which names it in one `qbank: note:` line; a broken file the exam uses is an error; `qbank check` still
checks every file of the bank."""

from __future__ import annotations

from pathlib import Path

import pytest

from qbank.core.errors import UserError
from qbank.preflight.checks import checked_exam
from qbank.spec import exam_questions
from qbank.spec.exam_questions import declared_id

BROKEN_BODY = "title: [an unclosed list\nmarks: 2\n"


def draft(root: Path, name: str, text: str) -> Path:
    """Write a question file into the copied sample bank."""
    path = root / "banks" / "sample" / "questions" / f"{name}.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("id: basics/matmul\ntitle: x\n", "basics/matmul"),
        ('title: x\nid: "basics/matmul"  # quoted\n', "basics/matmul"),
        ("id: 'basics/matmul'\r\n", "basics/matmul"),
        ("title: x\n  id: basics/matmul\n", None),  # indented: not the file's own key
        ("id: a\nid: b\n", None),  # two: the loader decides (it refuses duplicate keys)
        ("{id: basics/matmul, title: x}\n", None),  # flow mapping: read by the loader
        ("id: basics/matmul#x\n", None),  # a '#' not after a space is part of the value
        ("id: *alias\n", None),
        ("id: Basics/Matmul\n", None),  # not spelled as an id: the loader reports it
        ("title: x\n", None),
    ],
)
def test_the_declared_id_is_read_from_one_top_level_line(text: str, expected: str | None) -> None:
    assert declared_id(text.encode()) == expected


def test_a_file_declaring_a_question_the_exam_does_not_use_is_not_read(sample_copy: Path, monkeypatch) -> None:
    draft(sample_copy, "draft", "id: extra/draft\n" + BROKEN_BODY)
    read = []
    original = exam_questions.load_question_file
    monkeypatch.setattr(
        exam_questions, "load_question_file", lambda file, *a: read.append(file.name) or original(file, *a)
    )
    exam = checked_exam(sample_copy / "exams" / "sample.yaml")
    assert sorted(read) == ["dense-params.yaml", "matmul.yaml", "scaling.yaml", "softmax.yaml"]
    assert sorted(exam.bank.questions) == ["basics/compute-scaling", "basics/dense-params", "basics/matmul",
                                           "basics/softmax"]  # fmt: skip
    assert exam.skipped == ()


def test_a_broken_file_of_unknown_id_is_skipped_with_a_note(sample_copy: Path, run_cli, monkeypatch) -> None:
    draft(sample_copy, "draft", BROKEN_BODY)  # no id line: it is read, found broken, and not needed
    monkeypatch.chdir(sample_copy)
    status, out, err = run_cli(
        "build", "exams/sample.yaml", "--forms", "1", "--seed", "2", "--out", "set", "--jobs", "1"
    )
    assert status == 0 and (sample_copy / "set" / "papers" / "A.pdf").is_file()
    notes = [line for line in err.splitlines() if "note:" in line]
    assert notes == ["qbank: note: banks/sample/questions/draft.yaml: not loaded: it has errors and the exam does not "
                     "use it (qbank check banks/sample lists them)"]  # fmt: skip


def test_qbank_check_still_checks_every_file(sample_copy: Path, run_cli, monkeypatch) -> None:
    draft(sample_copy, "draft", BROKEN_BODY)
    monkeypatch.chdir(sample_copy)
    bank_status, _, bank_err = run_cli("check", "banks/sample", "--seeds", "2", "--jobs", "1")
    exam_status, _, exam_err = run_cli("check", "exams/sample.yaml", "--seeds", "2", "--jobs", "1")
    assert bank_status == exam_status == 2
    assert "banks/sample/questions/draft.yaml:2: YAML syntax error" in bank_err
    assert "banks/sample/questions/draft.yaml:2: YAML syntax error" in exam_err


def test_a_broken_file_the_exam_uses_is_an_error(sample_copy: Path) -> None:
    matmul = sample_copy / "banks" / "sample" / "questions" / "matmul.yaml"
    matmul.write_text(matmul.read_text(encoding="utf-8").replace("marks: 3", "marks: three"), encoding="utf-8")
    with pytest.raises(UserError) as raised:
        checked_exam(sample_copy / "exams" / "sample.yaml")
    assert [(Path(p.file).name, p.path) for p in raised.value.problems] == [("matmul.yaml", "marks")]


def test_a_broken_file_of_unknown_id_is_an_error_while_a_question_is_missing(sample_copy: Path) -> None:
    draft(sample_copy, "matmul", BROKEN_BODY)  # basics/matmul is gone: this file may be the one meant to hold it
    with pytest.raises(UserError) as raised:
        checked_exam(sample_copy / "exams" / "sample.yaml")
    assert {Path(p.file).name for p in raised.value.problems} == {"matmul.yaml"}
