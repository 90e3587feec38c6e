"""Draw stage: seeded parameters per (exam seed, paper id, question id), with constraints."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from qbank.core.frozen import freeze, frozen_instance, thaw
from qbank.draw.diagnosis import unsatisfiable_error
from qbank.draw.plan import (
    SEED_SCHEME,
    Draw,
    DrawError,
    DrawPlan,
    _fill,
    draw_plan,
    generator,
    stream_seed,
)
from qbank.draw.stream import new_stream
from qbank.expressions.expression import ExpressionError
from qbank.spec.validate import Question

__all__ = ["SEED_SCHEME", "Draw", "DrawError", "DrawPlan", "canonical_params", "draw_params", "draw_plan", "freeze",
           "generator", "stream_seed", "thaw"]  # fmt: skip


def _first_failure(question: Question, values: Mapping[str, Any]) -> int | None:
    """Index of the first constraint the values violate, or None.

    A constraint that fails to evaluate is a DrawError located at the constraint.
    """
    for index, check in enumerate(draw_plan(question).checks):
        try:
            ok = check(values)
        except ExpressionError as exc:
            constraint = question.constraints[index]
            raise DrawError(question, constraint.line, f"constraints[{index}]",
                            f"{constraint.source!r} failed: {exc}") from None  # fmt: skip
        if not ok:
            return index
    return None


def draw_params(
    question: Question,
    exam_seed: int,
    paper_id: str,
    max_attempts: int | None = None,
    *,
    given: Mapping[str, Any] | None = None,
    stream: str | None = None,
) -> Draw:
    """Draw parameters that satisfy every constraint, or raise DrawError saying which constraints reject jointly.

    `max_attempts` defaults to the question's own (`max_attempts` in its spec, 1,000 unless raised).
    `given` supplies the values of shared parameters (a scenario); `stream` names the random stream
    when it is not the question id (scenarios use `scenario:<name>`).
    """
    max_attempts = max_attempts or question.spec.max_attempts
    seed = stream_seed(exam_seed, paper_id, stream or question.id)
    plan = draw_plan(question)
    rng = new_stream(seed) if plan.random else None
    for attempt in range(1, max_attempts + 1):
        values = _fill(plan, rng, given)
        failed = _first_failure(question, values)
        if failed is None:
            return frozen_instance(Draw, {"params": MappingProxyType(values), "stream_seed": seed, "attempts": attempt})
    raise unsatisfiable_error(question, exam_seed, paper_id, max_attempts, given, stream)


def canonical_params(question: Question) -> Draw:
    """The question's canonical parameters (plus fixed and derived ones), checked against the constraints."""
    if question.spec.canonical is None:
        raise DrawError(question, question.document.line(()), "canonical", "this question has no canonical values")
    values = {name: freeze(value) for name, value in question.spec.canonical.items()}
    ordered: dict[str, Any] = {}
    for name, drawn, _, compute in draw_plan(question).steps:
        ordered[name] = values[name] if drawn else compute(ordered, None)
    failed = _first_failure(question, ordered)
    if failed is not None:
        constraint = question.constraints[failed]
        raise DrawError(question, question.document.line(("canonical",)), "canonical",
                        f"canonical values violate constraint {constraint.message!r}")  # fmt: skip
    return Draw(MappingProxyType(ordered), 0, 1)
