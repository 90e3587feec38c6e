"""Reading option letters and scoring them, and diagnosing free numbers, on hand-made records (no set built)."""

from __future__ import annotations

import pytest

from qbank.core.responses import Unreadable
from qbank.sets.choice_cells import LetterError, choice_credit, grade_choice_cell, read_letters
from qbank.sets.verdicts import grade_cell
from qbank.spec.models import AnswerSpec

NUMBER = AnswerSpec(label="n", format="int")
WRITTEN = AnswerSpec(label="w", format="multi", options=[{"text": "a", "correct": True}, {"text": "b"}])


def option(letter, text, correct=False, source="written", **extra):
    return {"letter": letter, "text": text, "correct": correct, "source": source, **extra}


CHOICE = {"kind": "choice", "scoring": "single", "key": "C", "stream_seed": None,
          "options": [option("A", "24", source="misconception", misconception="m.no_bias", why="no biases", value=24),
                      option("B", "10", source="fill", why="fallback perturbation (no named mistake)", value=10),
                      option("C", "28", True, "key", value=28),
                      option("D", "30", source="misconception", misconception="m.bias_in", why="bias per input",
                             value=30)]}  # fmt: skip
MULTI = {"kind": "multi", "scoring": "per-option", "key": "A, C", "stream_seed": None,
         "options": [option("A", "weights", True), option("B", "inputs", why="took data for parameters"),
                     option("C", "biases", True), option("D", "learning rate"), option("E", "epochs")]}  # fmt: skip


@pytest.mark.parametrize("typed", ["C", "c", "(C)", " C ", "C)", "C.", "c, c", "28", "+28"])
def test_one_letter_in_every_usual_form(typed):
    assert read_letters(typed, CHOICE, NUMBER, False) == ("C",)


@pytest.mark.parametrize("typed", ["A, C", "A C", "AC", "a,c", "c;a", "(A)(C)", "C, A, a", "weights; biases"])
def test_multi_letters_are_order_free_and_counted_once(typed):
    assert read_letters(typed, MULTI, WRITTEN, False) == ("A", "C")


@pytest.mark.parametrize(("typed", "message"), [
    ("F", "'F': F is not among this paper's options A-D"), ("z", "'z': Z is not among this paper's options A-D"),
    ("A, C", "'A, C': one letter only (this question has one correct option)"),
    ("BQ", "'BQ': Q is not among this paper's options A-D"),
])  # fmt: skip
def test_letters_the_paper_does_not_print(typed, message):
    with pytest.raises(LetterError) as caught:
        read_letters(typed, CHOICE, NUMBER, False)
    assert str(caught.value) == message


@pytest.mark.parametrize("typed", ["29", "27.5", "twenty-eight", "C5"])
def test_neither_letters_nor_one_option_is_unreadable(typed):
    with pytest.raises(Unreadable):
        read_letters(typed, CHOICE, NUMBER, False)


def test_a_blank_cell_is_no_letters_and_scores_nothing():
    assert read_letters("  ", CHOICE, NUMBER, False) == ()
    cell = grade_choice_cell(NUMBER, CHOICE, "", 2, "q:n", 3.0)
    assert (cell.verdict, cell.marks, cell.diagnosis) == ("blank", 0.0, "")


@pytest.mark.parametrize(("ticks", "credit"), [
    ("AC", 1.0), ("A", 0.5), ("AB", 0.5 - 1 / 3), ("ACB", 1 - 1 / 3), ("ABD", 0.0), ("BDE", 0.0),
    ("ABCDE", 0.0),
])  # fmt: skip
def test_per_option_credit_floored_at_zero(ticks, credit):
    assert choice_credit(tuple(ticks), MULTI) == pytest.approx(credit)
    assert choice_credit(tuple(ticks), {**MULTI, "scoring": "all-or-nothing"}) == (1.0 if ticks == "AC" else 0.0)


def test_a_choice_cell_names_the_mistake_of_the_option_picked():
    assert grade_choice_cell(NUMBER, CHOICE, "a", 2, "q:n", 3.0).diagnosis == "A: m.no_bias: no biases"
    assert grade_choice_cell(NUMBER, CHOICE, "B", 2, "q:n", 3.0).diagnosis.endswith("fallback perturbation "
                                                                                   "(no named mistake)")  # fmt: skip
    cell = grade_choice_cell(WRITTEN, MULTI, "A B", 2, "q:w", 2.0)
    assert cell.verdict == "partial" and cell.marks == pytest.approx(2 * (0.5 - 1 / 3))
    assert cell.diagnosis == "B: 'inputs': took data for parameters; missed correct C"
    right = grade_choice_cell(NUMBER, CHOICE, "28", 2, "q:n", 3.0)  # the key's value typed instead of its letter
    assert (right.verdict, right.read_as, right.marks, right.diagnosis) == ("right", "C", 3.0, "")


MISTAKES = [{"name": "m.unscaled", "description": "forgot the 1/sqrt(d) scaling", "value": 0.8},
            {"name": "m.twice", "description": "scaled twice", "value": 0.1}]  # fmt: skip
FIXED = AnswerSpec(label="x", format="fixed", decimals=2)  # accepts +-0.005


@pytest.mark.parametrize(("typed", "diagnosis"), [
    ("0.8", "m.unscaled: forgot the 1/sqrt(d) scaling"), ("0.804", "m.unscaled: forgot the 1/sqrt(d) scaling"),
    ("0.81", ""), ("0.1", "m.twice: scaled twice"), ("0.4", ""),
])  # fmt: skip
def test_a_wrong_free_number_within_the_tolerance_of_a_misconception_is_diagnosed(typed, diagnosis):
    cell = grade_cell(FIXED, 0.4, "0.40", typed, 2, "q:x", 1.0, mistakes=MISTAKES)
    assert cell.diagnosis == diagnosis
    assert cell.verdict == ("right" if typed == "0.4" else "wrong")
