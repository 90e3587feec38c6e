"""Draw plans are the draw stage's: built once per question object, kept outside the spec value, and released
with the question (a sweep that loads a bank per test must not keep every bank alive)."""

from __future__ import annotations

import gc
import weakref

from qbank.draw.params import draw_params, draw_plan
from qbank.spec.bank import load_bank

from .conftest import SAMPLE_BANK


def test_a_draw_plan_is_built_once_per_question_and_released_with_it():
    bank = load_bank(SAMPLE_BANK)
    question = bank.question("basics/dense-params")  # a derived parameter: its plan step reports errors at it
    plan = draw_plan(question)
    assert draw_plan(question) is plan
    assert draw_params(question, 1, "main").params["hidden"]
    assert plan not in vars(question).values()  # not cached on the spec value
    other = load_bank(SAMPLE_BANK).question("basics/dense-params")
    assert draw_plan(other) is not plan  # per object: another load of the same file has its own
    released = weakref.ref(question)
    del bank, question, plan
    gc.collect()
    assert released() is None
