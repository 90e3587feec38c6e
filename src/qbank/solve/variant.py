"""Solve stage: run a question's registered solver and freeze the result into a `Variant`."""

from __future__ import annotations

import json
import traceback
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from qbank.core.errors import LocatedError
from qbank.core.frozen import freeze, frozen_instance, thaw
from qbank.draw.params import Draw, canonical_params, draw_params
from qbank.solve.answer_fit import answer_problem
from qbank.solve.mistakes import Mistake, mistake_values
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
    mistakes: Mapping[str, tuple[Mistake, ...]] = field(default_factory=dict)  # per answer, its misconceptions' values

    def to_json(self) -> dict[str, Any]:
        """Plain JSON-ready data: ids, seeds, parameters and answers (and misconception values, if any)."""
        data = {
            "question": self.question_id,
            "seed": self.exam_seed,
            "paper": self.paper_id,
            "canonical": self.canonical,
            "stream_seed": f"{self.stream_seed:032x}",
            "params": thaw(self.params),
            "answers": thaw(self.answers),
        }
        if self.mistakes:
            data["misconceptions"] = mistakes_json(self.mistakes)
        return data


def mistakes_json(mistakes: Mapping[str, tuple[Mistake, ...]]) -> dict[str, list[dict[str, Any]]]:
    """Misconception values per answer as JSON: [{name, description, value}, ...] in the order listed."""
    return {answer: [m.to_json() for m in found] for answer, found in mistakes.items()}


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

    def desc() -> str:
        return describe(question, exam_seed, paper_id, canonical, draw.params)

    answers, steps = run_solver(question, draw.params, desc)
    mistakes = mistake_values(question, draw.params, desc) if question.mistakes else MappingProxyType({})
    return frozen_instance(Variant, {"question_id": question.id, "exam_seed": exam_seed, "paper_id": paper_id,
                                     "stream_seed": draw.stream_seed, "canonical": canonical, "params": draw.params,
                                     "answers": answers, "steps": steps, "mistakes": mistakes})  # fmt: skip


def run_solver(
    question: Question, params: Mapping[str, Any], desc: str | Callable[[], str]
) -> tuple[Mapping[str, Any], Mapping[str, Any]]:
    """Call the solver and check its answers; `desc` (or a function making it on failure) names the variant."""
    written = written_answers(question)
    if question.solver is None:
        return freeze(written), freeze({})
    try:
        result = question.solver.function(params)
    except Exception as exc:
        frame = traceback.extract_tb(exc.__traceback__)[-1]
        raise SolverError(
            question, desc, f"raised {type(exc).__name__}: {exc} at {frame.filename}:{frame.lineno}"
        ) from None
    if not isinstance(result, Solution):
        raise SolverError(question, desc, f"returned {type(result).__name__}, not Solution")
    answers, specs = result.answers, question.solved_answers
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
    return freeze({**answers, **written} if written else answers), steps


def written_answers(question: Question) -> dict[str, list[str]]:
    """The keys of the question's written `choice` and `multi` answers: their correct options' texts."""
    return {name: [option.text for option in spec.options or () if option.correct]
            for name, spec in question.spec.answers.items() if spec.format in ("choice", "multi")}  # fmt: skip
