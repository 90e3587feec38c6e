"""Collapsed randomization fails `qbank check`: too few distinct variants, or values a sweep never draws.

After a sweep of more than a replay's few seeds, per question:

- the distinct variants must number at least `min_distinct` (default 2 for a question that draws any parameter):
  when the drawn parameter space can be enumerated (`param_space`), the count of parameter sets satisfying the
  constraints decides; otherwise the sweep's own count, once it has at least ENOUGH_PER_VARIANT seeds per
  required variant;
- every value of a scalar `int` or `choice` parameter must be drawn, unless the parameter lists it under
  `unreachable`. A value never drawn is a failure when enumeration shows that no parameter set with it satisfies
  the constraints, or when missing it in this many seeds is all but impossible (under MISS_PROBABILITY for a
  reachable value, or at least EXPECTED_SEEN expected draws when the space is too large to enumerate). A value
  declared unreachable must be so: drawn, or shown reachable by enumeration, it is a failure too.
"""

from __future__ import annotations

from typing import Any

from qbank.check.sweep_report import Failure, QuestionReport, possible_values, tracked_params
from qbank.draw.params import freeze
from qbank.draw.space import enumerate_space
from qbank.spec.models import ChoiceParam, IntParam
from qbank.spec.validate import Question

DEFAULT_MIN_DISTINCT = 2  # a question that draws parameters must have at least this many distinct variants
ENOUGH_PER_VARIANT = 10  # seeds per required variant before a sweep's own distinct count is trusted
MISS_PROBABILITY = 1e-6  # a reachable value this unlikely to be missed by the sweep, yet missed, fails
EXPECTED_SEEN = 20  # without enumeration: a value missed though uniform draws would show it this often fails


def min_distinct(question: Question) -> int:
    """The fewest distinct variants the question may have (its `min_distinct`, or the default)."""
    if question.spec.min_distinct is not None:
        return question.spec.min_distinct
    return DEFAULT_MIN_DISTINCT if tracked_params(question) else 1


def unreachable_keys(param: Any) -> set[str]:
    """The values a parameter declares unreachable, keyed as a sweep records drawn values."""
    return {repr(freeze(value)) for value in getattr(param, "unreachable", ())}


def collapse_failures(question: Question, report: QuestionReport, first_seed: int) -> list[Failure]:
    """Failures of a whole sweep: too few distinct variants, values never drawn or wrongly declared."""
    command = f"qbank check {question.file} --seed {first_seed} --seeds {report.requested}"
    problems = _distinct_problems(question, report) + _value_problems(question, report)
    return [Failure(None, problem, command) for problem in problems]


def _where(question: Question, *path: str) -> str:
    """`file:line: path` of a key of the question."""
    return f"{question.file}:{question.document.line(path)}: {'.'.join(path)}"


def _distinct_problems(question: Question, report: QuestionReport) -> list[str]:
    """Too few distinct variants for the question's `min_distinct`."""
    wanted = min_distinct(question)
    if report.distinct >= wanted:
        return []
    key = "min_distinct" if question.spec.min_distinct is not None else "params"
    hint = "widen the ranges or loosen the constraints, or say how many suffice with `min_distinct`"
    space = enumerate_space(question)
    if space is not None:
        if space.satisfying >= wanted:
            return []
        return [f"{_where(question, key)}: the constraints leave {space.satisfying:,} distinct variant(s) of the "
                f"{space.total:,} possible parameter sets, fewer than {wanted} (min_distinct): {hint}"]  # fmt: skip
    if report.variants < ENOUGH_PER_VARIANT * wanted:
        return []
    return [f"{_where(question, key)}: {report.variants:,} seeds gave only {report.distinct:,} distinct variant(s), "
            f"fewer than {wanted} (min_distinct): {hint}"]  # fmt: skip


def _value_problems(question: Question, report: QuestionReport) -> list[str]:
    """Values of scalar int and choice parameters never drawn (unless declared), or declared but reachable."""
    problems = []
    for name, param in tracked_params(question).items():
        if not isinstance(param, IntParam | ChoiceParam) or getattr(param, "shape", None):
            continue
        possible, seen, declared = possible_values(param), report.seen.get(name, set()), unreachable_keys(param)
        if not isinstance(possible, list):
            continue
        for value in sorted(declared & seen, key=possible.index):
            problems.append(f"{_where(question, 'params', name, 'unreachable')}: {value} is declared unreachable "
                            f"but was drawn")  # fmt: skip
        never = [value for value in possible if value not in seen and value not in declared]
        problems += _never_drawn(question, report, name, possible, never)
        problems += _declared_but_reachable(question, name, sorted(declared - seen, key=possible.index))
    return problems


def _never_drawn(
    question: Question, report: QuestionReport, name: str, possible: list[str], never: list[str]
) -> list[str]:
    """Problems of values a sweep never drew: unreachable, or missed beyond all likelihood."""
    if not never:
        return []
    hint = f"narrow the range, fix the constraints, or declare them with `unreachable: [{', '.join(never)}]`"
    where = _where(question, "params", name)
    space = enumerate_space(question)
    if space is None:
        expected = report.variants / len(possible)
        if expected < EXPECTED_SEEN:
            return []
        return [f"{where}: never drawn in {report.variants:,} variants: {', '.join(never)} (about {expected:.0f} "
                f"each if the constraints let every value through alike): {hint}"]  # fmt: skip
    counts = space.reachable.get(name, {})
    unreachable = [value for value in never if not counts.get(value)]
    problems = []
    if unreachable:
        problems.append(f"{where}: never drawn: {', '.join(unreachable)}: no parameter set with "
                        f"{'this value' if len(unreachable) == 1 else 'these values'} satisfies every constraint "
                        f"(of the {space.total:,} possible): {hint}")  # fmt: skip
    for value in never:
        share = counts.get(value, 0) / space.satisfying if space.satisfying else 0.0
        if share and (1 - share) ** report.variants < MISS_PROBABILITY:
            problems.append(f"{where}: {value} was never drawn in {report.variants:,} variants though "
                            f"{counts[value]:,} of the {space.satisfying:,} parameter sets that satisfy the "
                            "constraints have it (the draws are biased)")  # fmt: skip
    return problems


def _declared_but_reachable(question: Question, name: str, declared: list[str]) -> list[str]:
    """Values declared unreachable that enumeration shows some satisfying parameter set has."""
    space = enumerate_space(question) if declared else None
    if space is None:
        return []
    counts = space.reachable.get(name, {})
    return [f"{_where(question, 'params', name, 'unreachable')}: {value} is declared unreachable, but "
            f"{counts[value]:,} of the {space.satisfying:,} parameter sets that satisfy the constraints have it"
            for value in declared if counts.get(value)]  # fmt: skip
