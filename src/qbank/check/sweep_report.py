"""What a sweep reports per question: failures with the command that reproduces them, counts, answer ranges
and the coverage of every drawn parameter."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from qbank.draw.params import freeze
from qbank.render.text_numbers import value_leaves, value_numbers
from qbank.solve.formats import format_number
from qbank.solve.variant import Variant
from qbank.spec.models import RANDOM_KINDS, ChoiceParam, FloatParam, IntParam, SampleParam
from qbank.spec.validate import Question

MISSING_LISTED = 6  # list the never-drawn values of a parameter when at most this many are missing


@dataclass(frozen=True)
class Failure:
    """One broken variant: what is wrong and the command that reproduces it."""

    seed: int | None  # None: the canonical variant
    problem: str
    command: str

    def __str__(self) -> str:
        return f"{self.problem} — reproduce: {self.command}"


def repro_command(question: Question, seed: int | None) -> str:
    """The command that checks one seed (None: the canonical variant) of one question again."""
    if seed is None:
        return f"qbank check {question.file} --canonical"
    return f"qbank check {question.file} --seed {seed} --seeds 1"


@dataclass
class QuestionReport:
    """Sweep results for one question (mergeable across seed ranges)."""

    question_id: str
    requested: int = 0  # seeds swept (canonical not counted)
    drawn: int = 0  # seeds whose parameters met every constraint within the attempt cap
    variants: int = 0  # seeds drawn and solved (canonical not counted)
    keys: set[bytes] = field(default_factory=set)  # digests of the distinct parameter sets, each checked once
    attempts: int = 0  # draws tried against the constraints (the whole cap for a seed that hit it)
    failed_seeds: int = 0  # seeds with at least one failure, repeats of a failing parameter set included
    repeated_failures: int = 0  # failing seeds that repeat the parameters of an earlier failing seed (not listed)
    canonical: str = "none"  # "none", "ok" or "failed"
    answer_ranges: dict[str, list[float]] = field(default_factory=dict)
    seen: dict[str, set[str]] = field(default_factory=dict)  # parameter -> distinct values (or elements)
    spans: dict[str, list[float]] = field(default_factory=dict)  # parameter -> [low, high] of numbers seen
    failures: list[Failure] = field(default_factory=list)
    seconds: float = 0.0
    choice_seeds: dict[str, int] = field(default_factory=dict)  # answer -> seeds whose options were built
    option_counts: dict[str, list[float]] = field(default_factory=dict)  # answer -> [fewest, most] options
    drops: dict[tuple[str, str, str], int] = field(default_factory=dict)  # (answer, misconception, why) -> seeds

    @property
    def seeds(self) -> int:
        """Seeds drawn and solved (the name older callers use)."""
        return self.variants

    @property
    def distinct(self) -> int:
        """Distinct parameter sets among the variants."""
        return len(self.keys)

    @property
    def passed(self) -> int:
        """Seeds swept without any failure."""
        return self.requested - self.failed_seeds

    @property
    def acceptance(self) -> float:
        """Fraction of the draws tried that met every constraint (whatever the solver then made of them)."""
        return self.drawn / self.attempts if self.attempts else 1.0

    @property
    def ok(self) -> bool:
        """Whether no variant failed."""
        return not self.failures

    def merge(self, other: QuestionReport) -> None:
        """Fold the report of another seed range of the same question into this one."""
        self.requested += other.requested
        self.drawn += other.drawn
        self.variants += other.variants
        self.keys |= other.keys
        self.attempts += other.attempts
        self.failed_seeds += other.failed_seeds
        self.repeated_failures += other.repeated_failures
        if other.canonical != "none":
            self.canonical = other.canonical
        for name, (low, high) in other.answer_ranges.items():
            _widen(self.answer_ranges, name, low, high)
        for name, (low, high) in other.spans.items():
            _widen(self.spans, name, low, high)
        for name, values in other.seen.items():
            self.seen.setdefault(name, set()).update(values)
        self.failures.extend(other.failures)
        self.seconds += other.seconds
        for name, seeds in other.choice_seeds.items():
            self.choice_seeds[name] = self.choice_seeds.get(name, 0) + seeds
        for name, (low, high) in other.option_counts.items():
            _widen(self.option_counts, name, low, high)
        for drop, seeds in other.drops.items():
            self.drops[drop] = self.drops.get(drop, 0) + seeds


def seed_counts(report: QuestionReport) -> str:
    """`940/1000 seeds passed, 60 failing (59 of them repeat ...)`: seeds without a failure of those swept, and
    how many failing seeds have no failure line of their own (their parameters' failure is listed once)."""
    text = f"{report.passed:,}/{report.requested:,} seeds passed"
    if report.failed_seeds:
        text += f", {report.failed_seeds:,} failing"
    if report.repeated_failures:
        text += (f" ({report.repeated_failures:,} of them repeat the parameters of an earlier failing seed, whose "
                 "failure is listed once)")  # fmt: skip
    return text


def _widen(ranges: dict[str, list[float]], name: str, low: float, high: float) -> None:
    """Grow ranges[name] to include low..high."""
    current = ranges.setdefault(name, [low, high])
    current[0], current[1] = min(current[0], low), max(current[1], high)


# --- Tracking what was drawn and solved ----------------------------------------------------------------------


def tracked_params(question: Question) -> dict[str, Any]:
    """The randomly drawn parameters, whose coverage a sweep reports."""
    return {name: p for name, p in question.spec.params.items() if isinstance(p, RANDOM_KINDS)}


def track_params(report: QuestionReport, tracked: Mapping[str, Any], params: Mapping[str, Any]) -> None:
    """Record the values (elements, for arrays and samples) and numeric span of each drawn parameter."""
    for name, param in tracked.items():
        value = params[name]
        seen = report.seen.setdefault(name, set())
        if isinstance(param, SampleParam):
            seen.update(map(repr, value))
        elif isinstance(param, ChoiceParam):
            seen.add(repr(value))
        elif param.shape:
            leaves = value_leaves(value)
            seen.update(map(repr, leaves))
            _widen(report.spans, name, min(leaves), max(leaves))
        else:
            seen.add(repr(value))
            _widen(report.spans, name, value, value)


def track_answers(report: QuestionReport, variant: Variant) -> None:
    """Widen the answer ranges by one variant's numbers."""
    for name, value in variant.answers.items():
        numbers = value_numbers(value)
        if numbers:
            _widen(report.answer_ranges, name, min(numbers), max(numbers))


def track_choices(
    report: QuestionReport, built: tuple[tuple[str, int], ...], drops: tuple[tuple[str, str, str], ...]
) -> None:
    """Count one seed's option sets (answer, number of options) and the misconceptions they dropped."""
    for name, count in built:
        report.choice_seeds[name] = report.choice_seeds.get(name, 0) + 1
        _widen(report.option_counts, name, count, count)
    for drop in drops:
        report.drops[drop] = report.drops.get(drop, 0) + 1


# --- Describing coverage -------------------------------------------------------------------------------------


def coverage_lines(question: Question, report: QuestionReport) -> list[str]:
    """Per drawn parameter: values seen of those possible, and the range seen against the declared range."""
    lines = []
    for name, param in tracked_params(question).items():
        seen = report.seen.get(name, set())
        possible = possible_values(param)
        what = "elements" if isinstance(param, IntParam | FloatParam) and param.shape else "values"
        if isinstance(param, SampleParam):
            what = "items"
        line = f"{name}: {len(seen):,}/{len(possible) if isinstance(possible, list) else possible:,} {what} seen"
        if isinstance(param, IntParam | FloatParam) and name in report.spans:
            low, high = report.spans[name]
            line += f", {format_number(low)} .. {format_number(high)} of {format_number(param.min)} .. " \
                    f"{format_number(param.max)}"  # fmt: skip
        if isinstance(possible, list):
            declared = {repr(freeze(value)) for value in getattr(param, "unreachable", ())}
            never = [p + (" (declared unreachable)" if p in declared else "") for p in possible if p not in seen]
            if 0 < len(never) <= MISSING_LISTED:
                line += "; never drawn: " + ", ".join(never)
        lines.append(line)
    return lines


def possible_values(param: Any) -> list[str] | int:
    """The values a drawn parameter (or each element) can take, as keys, or their count when there are many."""
    if isinstance(param, IntParam):
        count = (param.max - param.min) // param.step + 1
        return [repr(param.min + i * param.step) for i in range(count)] if count <= 1000 else count
    if isinstance(param, FloatParam):
        scale = 10**param.decimals
        low, count = (
            round(param.min * scale),
            round((param.max - param.min) * scale) + 1,
        )
        return [repr(round((low + i) / scale, param.decimals)) for i in range(count)] if count <= 1000 else count
    if isinstance(param, ChoiceParam):
        return list(dict.fromkeys(repr(freeze(choice)) for choice in param.choices))
    return [repr(freeze(item)) for item in param.items]
