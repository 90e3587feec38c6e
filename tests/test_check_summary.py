"""The last line of `qbank check` counts questions in correct English."""

from __future__ import annotations

from .conftest import SAMPLE_BANK


def test_one_question_is_counted_in_the_singular(run_cli) -> None:
    status, out, err = run_cli("check", SAMPLE_BANK / "questions" / "matmul.yaml", "--seeds", "2")
    assert status == 0, err
    last = out.strip().splitlines()[-1]
    assert last.startswith("1 question, 3 variants (seeds 0..1, 1 canonical)"), last


def test_several_questions_are_counted_in_the_plural(run_cli) -> None:
    status, out, err = run_cli("check", SAMPLE_BANK, "--seeds", "2")
    assert status == 0, err
    assert out.strip().splitlines()[-1].startswith("4 questions, 12 variants (seeds 0..1, 4 canonical)")
