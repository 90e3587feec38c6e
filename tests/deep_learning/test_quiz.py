"""The 20-minute multiple-choice quiz (exams/cs60010-quiz.yaml) and the misconceptions of the deep-learning bank:
every entry is asked as choice, its papers solve with honest options for many seeds, at least 8 questions carry
3 or more misconceptions, and a placement asked as choice may carry other marks than the free-response rubric."""

from __future__ import annotations

from pathlib import Path

import pytest

from qbank.core.errors import UserError
from qbank.render.paper import solve_paper
from qbank.spec.choice_decl import NUMBER_FORMATS, WRITTEN_FORMATS
from qbank.spec.exam import load_exam
from qbank.testing import cached_bank

ROOT = Path(__file__).resolve().parents[2]
BANK = ROOT / "banks" / "deep-learning"
QUIZ = ROOT / "exams" / "cs60010-quiz.yaml"
SEEDS = 200


def test_quiz_is_a_short_multiple_choice_quiz() -> None:
    exam = load_exam(QUIZ)
    parts = [part for _, part in exam.parts()]
    assert exam.spec.duration == "20 minutes"
    assert 8 <= len(exam.items) <= 10
    assert all(part.ask == "choice" for part in parts)
    assert all(1 <= item.marks <= 2 for item in exam.items)
    formats = {spec.format for part in parts for spec in part.question.spec.answers.values()}
    assert {"choice", "multi"} <= formats  # written options, one of them select-all-that-apply
    generated = [part for part in parts if any(spec.misconceptions for spec in part.question.spec.answers.values())]
    assert len(generated) >= 5


def test_written_options_name_the_mistake_of_every_wrong_option() -> None:
    bank = cached_bank(str(BANK))
    written = [(q.id, spec) for q in bank.questions.values() for spec in q.spec.answers.values()
               if spec.format in WRITTEN_FORMATS]  # fmt: skip
    assert len(written) >= 3
    for question_id, spec in written:
        for option in spec.options or ():
            assert option.correct or option.why, (question_id, option.text)


def test_at_least_eight_questions_carry_three_misconceptions() -> None:
    bank = cached_bank(str(BANK))
    counts = {q.id: max(len(entries) for entries in q.mistakes.values()) for q in bank.questions.values() if q.mistakes}
    assert sum(count >= 3 for count in counts.values()) >= 8, counts
    for question in bank.questions.values():
        for answer in question.mistakes:
            assert question.spec.answers[answer].format in NUMBER_FORMATS


@pytest.mark.slow
def test_quiz_papers_have_honest_options_for_many_seeds() -> None:
    """Every quiz paper of seeds 0..SEEDS-1 solves, asks every part by options, and its generated distractors are
    exactly the values of the named misconceptions of that variant."""
    exam = load_exam(QUIZ)
    for seed in range(SEEDS):
        paper = solve_paper(exam, seed, "main", render=False)
        for solved in paper.parts:
            assert solved.graded and set(solved.graded) == set(solved.choices), (seed, solved.part.question.id)
            for answer, choice in solved.choices.items():
                options = choice.options
                assert len(options) >= 3 and len({o.text for o in options}) == len(options), (seed, answer)
                mistakes = {m.name: m.value for m in solved.variant.mistakes.get(answer, ())}
                for option in options:
                    if option.source == "key":
                        assert option.value == solved.variant.answers[answer]
                    elif option.source == "misconception":
                        assert option.value == mistakes[option.misconception], (seed, answer, option)
                    else:
                        assert option.source in ("written", "fill"), option


def _exam(tmp_path: Path, ask: str) -> Path:
    """A one-question exam placing the Bi-LSTM question (rubric total 4.5) with 2 marks."""
    path = tmp_path / f"{ask}.yaml"
    path.write_text(
        f"bank: {BANK}\ninstitution: T\ncourse: {{code: T1, name: Test}}\nexam: Quiz\nsections:\n"
        f"  - questions:\n      - {{id: rnn/bilstm-ner-params, marks: 2, ask: {ask}}}\n"
    )
    return path


def test_choice_placement_is_not_held_to_the_free_response_rubric(tmp_path: Path) -> None:
    assert load_exam(_exam(tmp_path, "choice")).total_marks == 2
    with pytest.raises(UserError) as caught:
        load_exam(_exam(tmp_path, "free"))
    assert "marks 2 differ from the 4.5 its rubric adds up to" in str(caught.value)
