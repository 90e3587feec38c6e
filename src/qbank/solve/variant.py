"""Solve stage: run a question's registered solver and freeze the result into a `Variant`."""

from __future__ import annotations

import json
import math
import traceback
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from qbank.core.errors import LocatedError
from qbank.core.frozen import freeze, frozen_instance, thaw
from qbank.draw.params import Draw, canonical_params, draw_params
from qbank.solve.steps_check import steps_mismatch
from qbank.spec.registry import Solution
from qbank.spec.validate import Question


@dataclass(frozen=True)
class Variant:
    """One drawn and solved question: parameters, answers and worked steps (all read-only)."""

    question_id: str
    exam_seed: int
    paper_id: str
    stream_seed: int
    canonical: bool
    params: Mapping[str, Any]
    answers: Mapping[str, Any]
    steps: Mapping[str, Any]

    def to_json(self) -> dict[str, Any]:
        """Plain JSON-ready data: ids, seeds, parameters and answers."""
        return {
            "question": self.question_id,
            "seed": self.exam_seed,
            "paper": self.paper_id,
            "canonical": self.canonical,
            "stream_seed": f"{self.stream_seed:032x}",
            "params": thaw(self.params),
            "answers": thaw(self.answers),
        }


class SolverError(LocatedError):
    """A solver crashed or returned malformed answers; names the question, seed and parameters."""

    def __init__(self, question: Question, variant_desc: str | Callable[[], str], problem: str) -> None:
        self.question = question
        line = question.document.line(("solver",))
        desc = variant_desc() if callable(variant_desc) else variant_desc
        super().__init__(question.file, line, "solver", f"{question.spec.solver!r} {problem} ({desc})")


def describe(question: Question, exam_seed: int, paper_id: str, canonical: bool, params: Mapping[str, Any]) -> str:
    """Everything needed to replay one variant, as a sentence."""
    which = "canonical" if canonical else f"seed {exam_seed}, paper {paper_id!r}"
    shown = json.dumps(thaw(params), sort_keys=True, default=str)
    if len(shown) > 400:
        shown = shown[:400] + "..."
    return f"question {question.id!r}, {which}, params {shown}"


def make_variant(
    question: Question,
    exam_seed: int,
    paper_id: str = "main",
    canonical: bool = False,
    given: Mapping[str, Any] | None = None,
    stream: str | None = None,
) -> Variant:
    """Draw (or take canonical) parameters and solve them into a frozen Variant.

    `given` holds a shared scenario's values for the question's `shared` parameters; `stream` names the random
    stream when it is not the question id (a repeated placement, `id#2`).
    """
    if canonical:
        draw = canonical_params(question)
    else:
        draw = draw_params(question, exam_seed, paper_id, given=given, stream=stream)
    return solve_draw(question, draw, exam_seed, paper_id, canonical)


def solve_draw(question: Question, draw: Draw, exam_seed: int, paper_id: str, canonical: bool = False) -> Variant:
    """Solve already drawn parameters into a frozen Variant."""
    answers, steps = run_solver(
        question, draw.params, lambda: describe(question, exam_seed, paper_id, canonical, draw.params)
    )
    return frozen_instance(Variant, {"question_id": question.id, "exam_seed": exam_seed, "paper_id": paper_id,
                                     "stream_seed": draw.stream_seed, "canonical": canonical, "params": draw.params,
                                     "answers": answers, "steps": steps})  # fmt: skip


def run_solver(
    question: Question, params: Mapping[str, Any], desc: str | Callable[[], str]
) -> tuple[Mapping[str, Any], Mapping[str, Any]]:
    """Call the solver and check its answers; `desc` (or a function making it on failure) names the variant."""
    if question.solver is None:
        return freeze({}), freeze({})
    try:
        result = question.solver.function(params)
    except Exception as exc:
        frame = traceback.extract_tb(exc.__traceback__)[-1]
        raise SolverError(
            question, desc, f"raised {type(exc).__name__}: {exc} at {frame.filename}:{frame.lineno}"
        ) from None
    if not isinstance(result, Solution):
        raise SolverError(question, desc, f"returned {type(result).__name__}, not Solution")
    answers, specs = result.answers, question.spec.answers
    if type(answers) is not dict or answers.keys() != specs.keys():  # the usual dict is compared without sets
        declared, given = set(specs), set(answers)
        if declared != given:
            missing, extra = sorted(declared - given), sorted(given - declared)
            raise SolverError(
                question, desc, f"answers do not match the declaration (missing {missing}, extra {extra})"
            )
    for name, spec in specs.items():
        problem = answer_problem(spec.format, answers[name])
        if problem:
            raise SolverError(question, desc, f"answer {name!r} {problem}")
    steps = freeze(result.steps)
    mismatch = steps_mismatch(question.steps, steps) if question.steps is not None else None
    if mismatch:
        raise SolverError(question, desc, f"returned steps unlike its `steps:` declaration: {mismatch}")
    return freeze(answers), steps


_REAL_FORMATS = frozenset({"fixed", "sig"})  # formats any finite number fits
_NUMBER_FORMATS = _REAL_FORMATS | {"int"}  # formats any finite whole number fits
_BIG = 1 << 1023  # ints below this in size convert to finite floats


def answer_problem(fmt: str, value: Any) -> str | None:
    """Why a value does not fit its answer format, or None when it does."""
    kind = type(value)  # the usual finite float or (not huge) int answer first, without the dispatch below
    if kind is float and fmt in _REAL_FORMATS and math.isfinite(value):
        return None
    if kind is int and fmt in _NUMBER_FORMATS and -_BIG < value < _BIG:
        return None
    if fmt == "text":
        return None if isinstance(value, str) and value.strip() else "must be a non-empty string"
    if fmt == "int":
        if isinstance(value, bool) or not isinstance(value, int | float) or not _finite(value):
            return f"must be a finite whole number, got {value!r}"
        return None if float(value).is_integer() else f"must be a whole number, got {value!r}"
    if fmt in ("fixed", "sig"):
        return None if _is_number(value) else f"must be a finite number, got {value!r}"
    if fmt == "vector":
        ok = isinstance(value, list | tuple) and value and _all_numbers(value)
        return None if ok else f"must be a non-empty list of finite numbers, got {value!r}"
    rows_ok = isinstance(value, list | tuple) and value and all(isinstance(r, list | tuple) and r for r in value)
    if not rows_ok or len({len(r) for r in value}) != 1 or not all(_all_numbers(r) for r in value):
        return f"must be a rectangular list of lists of finite numbers, got {value!r}"
    return None


_NUMBER_TYPES = frozenset({int, float})
_is_number_type = _NUMBER_TYPES.__contains__


def _is_number(value: Any) -> bool:
    """A finite int or float (not bool)."""
    if type(value) in _NUMBER_TYPES:  # the common case, without ABC checks
        return math.isfinite(value)
    return isinstance(value, int | float) and not isinstance(value, bool) and _finite(value)


def _all_numbers(values: list[Any] | tuple[Any, ...]) -> bool:
    """Whether every item is a finite int or float (not bool); plain ints and floats are checked in C loops."""
    if all(map(_is_number_type, map(type, values))):
        return all(map(math.isfinite, values))
    return all(_is_number(v) for v in values)


def _finite(value: float) -> bool:
    """Whether a number is finite."""
    return math.isfinite(float(value))
