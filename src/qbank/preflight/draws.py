"""Trial draws: a question's constraints accept some draw, and its canonical values satisfy them."""

from __future__ import annotations

from qbank.core.errors import Problem
from qbank.draw.params import DrawError, canonical_params, draw_params
from qbank.spec.validate import Question

VALIDATION_PAPER = "qbank-validate"  # the paper id of trial draws (seed 0)


def satisfiability_problems(question: Question) -> list[Problem]:
    """Constraints that reject every draw, and canonical values that break a constraint, located."""
    problems = []
    checks = [lambda: draw_params(question, 0, VALIDATION_PAPER)] if question.spec.params else []
    if question.spec.canonical is not None:
        checks.append(lambda: canonical_params(question))
    for check in checks:
        try:
            check()
        except DrawError as exc:
            problems.append(exc.problem())
    return problems
