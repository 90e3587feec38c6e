"""forms_differ names a clashing question by its number on each form when a shuffled section numbers it apart."""

from __future__ import annotations

import re

import pytest

from qbank.check.exam_sweep import drawn_papers
from qbank.spec.exam import load_exam

from .conftest import ROOT

CLASSSET = ROOT / "exams" / "sample-classset.yaml"


def _shuffled_scaling_exam(root):
    """The class-set exam with compute-scaling (few variants: forms often share them) in its shuffled part."""
    text = CLASSSET.read_text().replace("duration: 45 minutes\n", "duration: 45 minutes\nforms_differ: true\n")
    text = text.replace("      - {id: basics/softmax}\n", "      - {id: basics/compute-scaling, marks: 3}\n")
    text = text.replace("{pool: [basics/matmul, basics/compute-scaling], pick: 1, marks: 3}", "{id: basics/matmul}")
    path = root / "exams" / "shuffled.yaml"
    path.write_text(text)
    return path


def _number(exam, seed: int, form: str, key: str) -> int:
    return next(number for number, part, _ in drawn_papers(exam, seed, [form])[form] if part.key == key)


@pytest.mark.slow
def test_check_and_build_give_each_forms_own_number(sample_copy, run_cli, monkeypatch):
    path = _shuffled_scaling_exam(sample_copy)
    monkeypatch.chdir(sample_copy)
    status, out, err = run_cli("check", path, "--seeds", "40", "--forms", "3", "--jobs", "1")
    assert status == 1, err
    exam = load_exam(path)
    clashes = re.findall(r"seed (\d+): forms ([A-C]) and ([A-C]), (question [^(]+) \((\S+)\) — reproduce", out)
    assert clashes, out
    apart = 0
    for seed, first, second, said, key in clashes:
        numbers = (_number(exam, int(seed), first, key), _number(exam, int(seed), second, key))
        if numbers[0] == numbers[1]:
            assert said == f"question {numbers[0]}", out
        else:
            apart += 1
            assert said == f"question {numbers[0]} on form {first}, {numbers[1]} on form {second}", out
    assert apart, out  # the shuffle numbered some clashing question differently on the two forms
    seed, first, second, said, key = next(c for c in clashes if " on form " in c[3])
    status, out, err = run_cli("build", path, "--seed", seed, "--forms", "3", "--out", "forms")
    assert status == 2 and not (sample_copy / "forms").exists()
    assert f"forms {first} and {second} give {said} ({key}) the same numbers" in err, err
