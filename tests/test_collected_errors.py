"""One run reports every problem of the exam and the roster: a schema problem does not hide an unknown question
id, an unknown id does not hide a scenario problem or a broken question, and roster row problems do not hide the
characters no font covers (nor does a problem give rise to another one about the same field)."""

from __future__ import annotations

import re

from .classsets import write_roster

EXAM = "exams/sample.yaml"
ETHIOPIC = "Abebe \u12a0\u1260\u1260"  # Abebe አበበ: no pinned font has Ethiopic


def located(err: str) -> list[str]:
    """The located problem lines printed, without the closing count."""
    return [line for line in err.strip().splitlines() if not line.startswith("qbank: ")]


def edit(path, old: str, new: str) -> None:
    """Replace `old` (which must be there) by `new` in a file."""
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_a_schema_problem_and_an_unknown_id_are_reported_together(sample_copy, run_cli, monkeypatch):
    exam = sample_copy / EXAM
    edit(exam, "  - title: Part B\n", "  - title: Part B\n    shuffle: perhaps\n")
    edit(exam, "{id: basics/matmul}", "{id: basics/matmull}")
    monkeypatch.chdir(sample_copy)
    status, out, err = run_cli("build", EXAM, "--seed", "1", "--out", "out")
    assert status == 2 and "Traceback" not in err
    assert located(err) == [
        "exams/sample.yaml:18: sections[0].questions[1].parts[1].id: no question 'basics/matmull' in bank 'sample'",
        "exams/sample.yaml:20: sections[1].shuffle: input should be a valid boolean (got str 'perhaps')",
    ]
    assert not (sample_copy / "out").exists()


def test_an_id_the_schema_refused_is_not_looked_up_again(sample_copy, run_cli, monkeypatch):
    edit(sample_copy / EXAM, "{id: basics/matmul}", "{id: [basics/matmul]}")
    monkeypatch.chdir(sample_copy)
    status, out, err = run_cli("build", EXAM, "--seed", "1", "--out", "out")
    assert status == 2 and "Traceback" not in err
    (line,) = located(err)
    assert line.startswith("exams/sample.yaml:18: sections[0].questions[1].parts[1].id: input should be a valid")


def test_an_unknown_id_does_not_hide_scenario_problems_or_a_broken_question(sample_copy, run_cli, monkeypatch):
    exam = sample_copy / EXAM
    edit(exam, "sections:\n", "scenarios:\n  shared:\n    params:\n      n: {type: int, min: 1, max: 3}\nsections:\n")
    edit(exam, "{id: basics/softmax}", "{id: basics/softmaxx, scenario: shared}")
    edit(exam, "{id: basics/compute-scaling, marks: 3}", "{id: basics/compute-scaling, marks: 3, scenario: other}")
    edit(sample_copy / "banks/sample/questions/dense-params.yaml", "${{ inputs }}$", "${{ no_such_name }}$")
    monkeypatch.chdir(sample_copy)
    status, out, err = run_cli("build", EXAM, "--seed", "1", "--out", "out")
    assert status == 2 and "Traceback" not in err
    lines = located(err)
    assert "exams/sample.yaml:21: sections[0].questions[1].parts[0].id: no question 'basics/softmaxx' in bank " \
           "'sample'" in lines  # fmt: skip
    assert any(re.match(r"exams/sample\.yaml:25: sections\[1\]\.questions\[0\]\.scenario: no scenario 'other' in "
                        r"this exam", line) for line in lines), lines  # fmt: skip
    assert any(line.startswith("banks/sample/questions/dense-params.yaml:") for line in lines), lines
    assert not any("no question reads this scenario" in line for line in lines), lines  # its reader is the bad id
    assert not (sample_copy / "out").exists()


def test_roster_rows_and_the_fonts_they_need_are_reported_together(sample_copy, run_cli, monkeypatch):
    rows = [
        {"roll": "24PH001", "name": "Ann Lee", "section": "A"},
        {"roll": "24PH001", "name": "Bob Ray", "section": "B"},
        {"roll": "24PH004", "name": "\u202eevil", "section": "A"},
        {"roll": "CON", "name": ETHIOPIC, "section": "A"},
        {"roll": "24PH006", "name": ETHIOPIC, "section": "B"},
    ]
    write_roster(sample_copy / "students.csv", rows)
    edit(sample_copy / EXAM, "{id: basics/matmul}", "{id: basics/matmull}")
    monkeypatch.chdir(sample_copy)
    status, out, err = run_cli("build", EXAM, "--roster", "students.csv", "--seed", "1", "--out", "out")
    assert status == 2 and "Traceback" not in err
    lines = located(err)
    expected = [
        "exams/sample.yaml:18: sections[0].questions[1].parts[1].id: no question 'basics/matmull' in bank 'sample'",
        "students.csv:3: roll: duplicate roll number '24PH001' (first at line 2)",
        "students.csv:4: name: contains the bidirectional override or isolate U+202E; remove it (it hides or "
        "reorders what a reader sees)",
        "students.csv:5: roll: roll number 'CON' is the Windows device name CON: it cannot name the paper's file",
    ]
    expected += [f"students.csv:{line}: name: no font covers '{char}' (U+{ord(char):04X})"
                 for line in (5, 6) for char in "\u12a0\u1260"]  # fmt: skip
    assert sorted(lines) == sorted(expected)
    assert not (sample_copy / "out").exists()


def test_a_roster_that_cannot_be_read_does_not_hide_the_exam_problems(sample_copy, run_cli, monkeypatch):
    (sample_copy / "students.csv").write_text("roll,section\n24PH001,A\n", encoding="utf-8")
    edit(sample_copy / EXAM, "{id: basics/matmul}", "{id: basics/matmull}")
    monkeypatch.chdir(sample_copy)
    status, out, err = run_cli("build", EXAM, "--roster", "students.csv", "--seed", "1", "--out", "out")
    assert status == 2 and "Traceback" not in err
    assert located(err) == [
        "exams/sample.yaml:18: sections[0].questions[1].parts[1].id: no question 'basics/matmull' in bank 'sample'",
        "students.csv:1: the header needs the columns 'name' (it has 'roll', 'section')",
    ]
