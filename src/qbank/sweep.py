"""Seed sweeps: draw and solve many variants per question and report anything broken."""

from __future__ import annotations

import math
import multiprocessing
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2

from .draw import draw_params
from .errors import LocatedError, UserError
from .mathsvg import MathError
from .models import ChoiceParam, IntParam, SampleParam
from .render import formatted_answers, render_part
from .solve import Variant, make_variant, solve_draw
from .templating import render_string
from .validate import Question

FULL_RENDER_SEEDS = 1  # seeds 0.. also go through Markdown and math typesetting (as does canonical)
MAX_PRINTED_DIGITS = 16


@dataclass
class QuestionReport:
    """Sweep results for one question."""

    question_id: str
    seeds: int = 0
    attempts: int = 0
    answer_ranges: dict[str, list[float]] = field(default_factory=dict)
    coverage: dict[str, tuple[int, int]] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)

    @property
    def acceptance(self) -> float:
        """Fraction of drawn parameter sets that passed every constraint."""
        return self.seeds / self.attempts if self.attempts else 1.0


def _numbers(value: Any) -> list[float]:
    """All numbers in an answer value (scalars, vectors, matrices)."""
    if isinstance(value, bool):
        return []
    if isinstance(value, int | float):
        return [float(value)]
    if isinstance(value, list | tuple):
        return [n for item in value for n in _numbers(item)]
    return []


def _possible_values(param: Any) -> int | None:
    """How many distinct values a scalar random parameter can take (None if not countable)."""
    if isinstance(param, IntParam) and not param.shape:
        return (param.max - param.min) // param.step + 1
    if isinstance(param, ChoiceParam):
        return len({repr(c) for c in param.choices})
    if isinstance(param, SampleParam) and param.k == 1:
        return len(param.items)
    return None


def repro_command(question: Question, seed: int) -> str:
    """The command that replays one seed of one question."""
    return f"qbank variants {question.file} --seed {seed} --count 1"


def sweep_question(question: Question, seeds: int, repro: Callable[[int], str] | None = None) -> QuestionReport:
    """Draw, solve and render `seeds` variants plus the canonical one; collect every failure."""
    repro = repro or (lambda seed: repro_command(question, seed))
    report = QuestionReport(question.id)
    seen: dict[str, set[str]] = {name: set() for name in question.spec.params}
    variants: list[tuple[str, Variant]] = []
    for seed in range(seeds):
        try:
            draw = draw_params(question, seed, "main")
            report.attempts += draw.attempts
            variant = solve_draw(question, draw, seed, "main")
        except LocatedError as exc:
            report.failures.append(f"{exc} — reproduce: {repro(seed)}")
            continue
        report.seeds += 1
        for name, value in variant.params.items():
            seen[name].add(repr(value))
        variants.append((f"seed {seed}", variant))
        _check_variant(question, variant, report, repro(seed), full=seed < FULL_RENDER_SEEDS)
    if question.spec.canonical is not None:
        try:
            variant = make_variant(question, 0, canonical=True)
            _check_variant(question, variant, report, "qbank variants PATH --canonical", full=True)
        except LocatedError as exc:
            report.failures.append(f"{exc} — canonical variant")
    for name, param in question.spec.params.items():
        possible = _possible_values(param)
        if possible is not None:
            report.coverage[name] = (len(seen[name]), possible)
    return report


def _check_variant(question: Question, variant: Variant, report: QuestionReport, repro: str, full: bool) -> None:
    """Answers printable and finite; templates render (fully, with math, for the first few seeds)."""
    for name, value in variant.answers.items():
        numbers = _numbers(value)
        if any(not math.isfinite(n) for n in numbers):
            report.failures.append(f"{question.id}: answer {name!r} is not finite — reproduce: {repro}")
        if any(abs(n) >= 10**MAX_PRINTED_DIGITS for n in numbers):
            report.failures.append(f"{question.id}: answer {name!r} is too large to print — reproduce: {repro}")
        if numbers:
            low, high = min(numbers), max(numbers)
            current = report.answer_ranges.setdefault(name, [low, high])
            current[0], current[1] = min(current[0], low), max(current[1], high)
    try:
        if full:
            render_part(question, variant)
        else:
            context = {**variant.params, "params": variant.params}
            render_string(question.spec.text, context)
            if question.spec.solution.strip():
                render_string(question.spec.solution, {**context, "steps": variant.steps,
                                                       "answers": formatted_answers(question, variant),
                                                       "values": variant.answers})  # fmt: skip
    except UserError as exc:
        report.failures.extend(f"{p} — reproduce: {repro}" for p in exc.problems)
    except (jinja2.TemplateError, MathError) as exc:
        report.failures.append(f"{question.file}: template error: {exc} — reproduce: {repro}")


@lru_cache(maxsize=4)
def _questions(path: str) -> dict[str, Question]:
    """Questions named by a CLI path, loaded once per worker process."""
    from .bank import load_questions

    _, questions = load_questions(Path(path))
    return {q.id: q for q in questions}


def _sweep_one(path: str, question_id: str, seeds: int) -> QuestionReport:
    """Worker: sweep one question of the bank at `path`."""
    return sweep_question(_questions(path)[question_id], seeds)


def sweep_all(path: Path, question_ids: list[str], seeds: int, workers: int) -> Iterator[QuestionReport]:
    """Sweep questions in `workers` processes (1 = in this process), yielding reports in the given order."""
    if workers <= 1 or len(question_ids) <= 1:
        for question_id in question_ids:
            yield _sweep_one(str(path), question_id, seeds)
        return
    with ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("fork")) as pool:
        futures = [pool.submit(_sweep_one, str(path), qid, seeds) for qid in question_ids]
        for future in futures:
            yield future.result()
