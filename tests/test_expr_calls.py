"""Expressions are evaluated in one place: calling the Expression."""

from __future__ import annotations

from typing import Any

import pytest

from qbank.draw.params import draw_params
from qbank.draw.space import failed_constraints
from qbank.expressions.expression import Expression
from qbank.spec.bank import load_bank

from .conftest import DL_BANK

QUESTION = "decoding/topk-topp"  # derived expressions and constraints


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The source of every expression evaluated by calling it."""
    seen: list[str] = []
    original = Expression.__call__

    def counting(self: Expression, env: Any) -> Any:
        seen.append(self.source)
        return original(self, env)

    monkeypatch.setattr(Expression, "__call__", counting)
    return seen


def test_drawing_evaluates_derived_values_and_constraints_by_calling_them(calls: list[str]) -> None:
    question = load_bank(DL_BANK).question(QUESTION)
    draw = draw_params(question, 2026, "P1")
    derived = [rule.source for rule in question.derived.values() if isinstance(rule, Expression)]
    constraints = [constraint.source for constraint in question.constraints]
    assert set(derived) | set(constraints) <= set(calls)
    calls.clear()
    assert failed_constraints(question, draw.params) == frozenset()
    assert calls == constraints


def test_a_constraint_that_fails_to_evaluate_counts_as_violated() -> None:
    question = load_bank(DL_BANK).question(QUESTION)
    values = dict(draw_params(question, 2026, "P1").params)
    values["cum"] = None  # `all(c != p_percent for c in cum)` and the boundary tests cannot run
    assert 2 in failed_constraints(question, values)
