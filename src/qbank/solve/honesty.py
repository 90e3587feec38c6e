"""Honest distractors: each is printable in the answer's format, is not accepted by the key's grader, and lies
beyond the tolerance and the declared minimum relative gap from the key and from every other option."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from qbank.core.responses import read_response
from qbank.expressions.expression import ExpressionError
from qbank.solve.answer_fit import answer_problem
from qbank.solve.formats import format_answer, matches, tolerance_of
from qbank.spec.choice_decl import KEY_NAME
from qbank.spec.models import AnswerSpec
from qbank.spec.validate import Question


@dataclass(frozen=True)
class Candidate:
    """A possible distractor: a misconception's value or a fallback (`fill`) expression, and its printed text."""

    name: str  # the misconception's name, or the fill expression as written
    source: str  # "misconception" or "fill"
    value: Any
    why: str
    text: str = ""


@dataclass(frozen=True)
class Distractors:
    """The key as printed, the distractors kept (in priority order) and those dropped, with why."""

    key_text: str
    kept: tuple[Candidate, ...]
    dropped: tuple[tuple[str, str], ...]


def honest_distractors(
    question: Question,
    answer: str,
    key: Any,
    misconceptions: Sequence[Candidate],
    fills: Sequence[Candidate],
    params: Mapping[str, Any],
    wanted: int | None,
) -> Distractors:
    """Keep the honest misconceptions in the order listed (at most `wanted`), then, while fewer than `wanted`,
    the honest fallbacks; a candidate that coincides with the key or an option kept before it is dropped."""
    spec = question.spec.answers[answer]
    min_gap = spec.choices.min_gap if spec.choices is not None and spec.choices.min_gap is not None else 0.0
    key_text = format_answer(spec, key)
    shown: list[tuple[str, Any, str]] = [("the key", key, key_text)]
    kept: list[Candidate] = []
    dropped: list[tuple[str, str]] = []
    fill_sources = spec.choices.fill or () if spec.choices is not None else ()
    expressions = dict(zip(fill_sources, question.fills.get(answer, ()), strict=True))
    for candidate in [*misconceptions, *fills]:
        if wanted is not None and len(kept) >= wanted:
            break
        if candidate.source == "fill":
            try:
                candidate = replace(candidate, value=expressions[candidate.name]({**params, KEY_NAME: key}))
            except ExpressionError as exc:
                dropped.append((candidate.name, f"cannot be computed: {exc}"))
                continue
        value = _as_format(spec, candidate.value)
        problem = answer_problem(spec.format, value)
        if problem:
            dropped.append((candidate.name, f"gives a value that {problem}"))
            continue
        text = format_answer(spec, value)
        clash = next((name for name, other, other_text in shown
                      if _coincide(spec, other, other_text, value, text, min_gap)), None)  # fmt: skip
        if clash is not None:
            dropped.append((candidate.name, f"coincides with {clash} ({text})"))
            continue
        kept.append(replace(candidate, value=value, text=text))
        shown.append((repr(candidate.name) if candidate.source == "misconception" else "a fallback", value, text))
    return Distractors(key_text, tuple(kept), tuple(dropped))


def _as_format(spec: AnswerSpec, value: Any) -> Any:
    """A whole float as an int for `int` answers (a fallback like `key * 1.5` may compute one)."""
    if spec.format == "int" and isinstance(value, float) and math.isfinite(value) and value.is_integer():
        return int(value)
    return value


def _coincide(spec: AnswerSpec, a: Any, a_text: str, b: Any, b_text: str, min_gap: float) -> bool:
    """Whether two options cannot be told apart: the same printed text, either one's printed text accepted
    by the other's grader, within either's tolerance, or closer than the minimum relative gap."""
    if a_text == b_text:
        return True
    x, y = float(a), float(b)
    if abs(x - y) <= max(tolerance_of(spec, x), tolerance_of(spec, y)):
        return True
    if _accepts(spec, a, b_text) or _accepts(spec, b, a_text):
        return True
    scale = max(abs(x), abs(y))
    return scale == 0 or abs(x - y) / scale < min_gap


def _accepts(spec: AnswerSpec, true: Any, printed: str) -> bool:
    """Whether the grader of `true` accepts the printed text of another option."""
    try:
        return matches(spec, true, read_response(spec, printed, False))
    except ValueError:
        return False
