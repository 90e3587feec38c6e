"""Seed sweeps: draw, solve, check and render many variants per question, and report anything broken.

For every swept seed and the canonical variant, `sweep_question` checks (README, "Verification"):

- every seed draws parameters that satisfy every constraint within the sampler's 1,000 attempts;
- the solver returns finite, well-formed answers; every printed number has at most 15 significant digits,
  and the printed key is at most 300 characters long and accepted by its own grader;
- no number of an answer sits on a rounding boundary of its tolerance: half-way between two printed values,
  where the other rounding is as correct as the key's but only just (or not) inside the tolerance;
- the items of every `distinct` list differ (options, the probabilities either side of a top-k cut, ...);
- the figure draws;
- no undefined name: every name and constant key path the text and the solution read (`steps.total`,
  `law['name']`, `window[2]`) exists in the variant (`path_problems`; with the load-time check of template
  names in `templating.template_problems`, that rules out StrictUndefined errors).

The first THOROUGH_VARIANTS distinct variants of each question, every later one whose shape is new (parameter
types, list lengths, keys, booleans, short strings, step names: what template branches and loops depend on),
the canonical variant and full-render seeds are also checked thoroughly: text and solution render through
Jinja (any runtime error), no answer appears in the text or figure unless it is also a given
(`answer_leaks`), the constraints are evaluated again (the sampler is not trusted) and the printed key reads
back as itself. The canonical variant (without one: the first FULL_RENDER_SEEDS seeds), and every seed of a
replay of at most REPLAY_SEEDS seeds, also goes through Markdown and math typesetting.

Variants with identical parameters are checked once (solvers are pure); the first few repeats are solved
again to check that purity, and the first seed is drawn twice to check that drawing is deterministic.
"""

from __future__ import annotations

import hashlib
import math
import multiprocessing
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .draw import draw_params, freeze, thaw
from .errors import LocatedError
from .formats import (
    format_number,
)
from .leaks import value_leaves, value_numbers
from .models import (
    RANDOM_KINDS,
    ChoiceParam,
    FloatParam,
    IntParam,
    SampleParam,
)
from .solve import Variant, make_variant, solve_draw
from .validate import Question
from .variant_checks import check_variant, variant_shape

PAPER = "main"
FULL_RENDER_SEEDS = 1  # without a canonical variant, the first seeds go through Markdown and math typesetting
REPLAY_SEEDS = 10  # ... as does every seed of a sweep this short (a replay)
THOROUGH_VARIANTS = 50  # distinct variants per question always rendered through Jinja (and checked for leaks)
PURITY_CHECKS = 3  # repeated parameter sets solved again to check the solver is pure
MIN_CHUNK = 100  # seeds per worker task when one question is split across workers
MISSING_LISTED = 6  # list the never-drawn values of a parameter when at most this many are missing


@dataclass(frozen=True)
class Failure:
    """One broken variant: what is wrong and the command that reproduces it."""

    seed: int | None  # None: the canonical variant
    problem: str
    command: str

    def __str__(self) -> str:
        return f"{self.problem} — reproduce: {self.command}"


@dataclass
class QuestionReport:
    """Sweep results for one question (mergeable across seed ranges)."""

    question_id: str
    requested: int = 0
    variants: int = 0  # seeds drawn and solved (canonical not counted)
    keys: set[bytes] = field(default_factory=set)  # digests of the distinct parameter sets, each checked once
    attempts: int = 0  # draws the constraints needed
    failed_seeds: int = 0
    canonical: str = "none"  # "none", "ok" or "failed"
    answer_ranges: dict[str, list[float]] = field(default_factory=dict)
    seen: dict[str, set[str]] = field(default_factory=dict)  # parameter -> distinct values (or elements)
    spans: dict[str, list[float]] = field(default_factory=dict)  # parameter -> [low, high] of numbers seen
    failures: list[Failure] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def seeds(self) -> int:
        """Seeds drawn and solved (the name older callers use)."""
        return self.variants

    @property
    def distinct(self) -> int:
        """Distinct parameter sets among the variants."""
        return len(self.keys)

    @property
    def acceptance(self) -> float:
        """Fraction of drawn parameter sets that passed every constraint."""
        return self.variants / self.attempts if self.attempts else 1.0

    @property
    def ok(self) -> bool:
        """Whether no variant failed."""
        return not self.failures

    def merge(self, other: QuestionReport) -> None:
        """Fold the report of another seed range of the same question into this one."""
        self.requested += other.requested
        self.variants += other.variants
        self.keys |= other.keys
        self.attempts += other.attempts
        self.failed_seeds += other.failed_seeds
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


def _widen(ranges: dict[str, list[float]], name: str, low: float, high: float) -> None:
    """Grow ranges[name] to include low..high."""
    current = ranges.setdefault(name, [low, high])
    current[0], current[1] = min(current[0], low), max(current[1], high)


# --- Reproducing ---------------------------------------------------------------------------------------------


def repro_command(question: Question, seed: int | None) -> str:
    """The command that checks one seed (None: the canonical variant) of one question again."""
    if seed is None:
        return f"qbank check {question.file} --canonical"
    return f"qbank check {question.file} --seed {seed} --seeds 1"


# --- The sweep -----------------------------------------------------------------------------------------------


def sweep_question(
    question: Question,
    seeds: int,
    first_seed: int = 0,
    canonical: bool = True,
    full_seeds: int = FULL_RENDER_SEEDS,
) -> QuestionReport:
    """Draw, solve, check and render seeds first_seed.. (and the canonical variant); collect every failure."""
    return _sweep_range(question, first_seed, first_seed + seeds, canonical, first_seed + full_seeds)


def _sweep_range(question: Question, start: int, stop: int, canonical: bool, full_until: int) -> QuestionReport:
    """Sweep seeds start..stop-1 (full rendering below full_until), plus the canonical variant if asked.

    A question with a canonical variant typesets that one only, unless this is a short replay of a few seeds.
    """
    began = time.perf_counter()
    if question.spec.canonical is not None and stop - start > REPLAY_SEEDS:
        full_until = min(full_until, start)
    report = QuestionReport(question.id, requested=stop - start)
    tracked = _tracked_params(question)
    checked: dict[str, Variant | None] = {}  # parameter set -> its solved variant (None: it failed)
    purity_left = PURITY_CHECKS
    shapes: set[Any] = set()  # shapes of the variants checked thoroughly

    def fail(seed: int | None, problems: Iterable[str], command: str | None = None) -> None:
        command = command or repro_command(question, seed)
        report.failures.extend(Failure(seed, problem, command) for problem in problems)

    for seed in range(start, stop):
        try:
            draw = draw_params(question, seed, PAPER)
            if seed == start and thaw(draw_params(question, seed, PAPER).params) != thaw(draw.params):
                fail(seed, [f"{question.file}: params: drawing seed {seed} twice gave different parameters "
                            "(a parameter function is not pure)"])  # fmt: skip
        except LocatedError as exc:
            report.failed_seeds += 1
            fail(seed, [str(exc)])
            continue
        report.attempts += draw.attempts
        _track(report, tracked, draw.params)
        key = repr(draw.params)
        if key in checked and seed >= full_until:
            report.variants += 1
            first = checked[key]
            if first is None:
                report.failed_seeds += 1
            elif purity_left > 0:
                purity_left -= 1
                replay = f"qbank check {question.file} --seed {first.exam_seed} --seeds {seed - first.exam_seed + 1}"
                fail(seed, _purity_problems(question, first, draw, seed), replay)
            continue
        try:
            variant = solve_draw(question, draw, seed, PAPER)
        except LocatedError as exc:
            checked[key] = None
            report.failed_seeds += 1
            fail(seed, [str(exc)])
            continue
        report.variants += 1
        report.keys.add(hashlib.blake2b(key.encode(), digest_size=8).digest())
        thorough = seed < full_until or len(report.keys) <= THOROUGH_VARIANTS
        if len(report.keys) >= THOROUGH_VARIANTS:  # from here on, a new shape is what earns a render
            shape = (variant_shape(variant.params), tuple(variant.steps))
            thorough = thorough or shape not in shapes
            shapes.add(shape)
        problems = check_variant(question, variant, full=seed < full_until, thorough=thorough)
        checked[key] = None if problems else variant
        report.failed_seeds += bool(problems)
        fail(seed, problems)
        _track_answers(report, variant)
    if canonical and question.spec.canonical is not None:
        try:
            variant = make_variant(question, 0, PAPER, canonical=True)
            problems = check_variant(question, variant, full=True)
            _track_answers(report, variant)
        except LocatedError as exc:
            problems = [str(exc)]
        report.canonical = "failed" if problems else "ok"
        fail(None, problems)
    report.seconds = time.perf_counter() - began
    return report


def _purity_problems(question: Question, first: Variant, draw: Any, seed: int) -> list[str]:
    """Solve a repeated parameter set again; the answers and steps must not change."""
    try:
        again = solve_draw(question, draw, seed, PAPER)
    except LocatedError as exc:
        return [f"{exc} (the same parameters solved at seed {first.exam_seed})"]
    if thaw(again.answers) != thaw(first.answers) or thaw(again.steps) != thaw(first.steps):
        line = question.document.line(("solver",))
        return [f"{question.file}:{line}: solver: not pure: the parameters of seed {first.exam_seed} gave other "
                f"answers or steps when solved again at seed {seed}"]  # fmt: skip
    return []


def _tracked_params(question: Question) -> dict[str, Any]:
    """The randomly drawn parameters, whose coverage a sweep reports."""
    return {name: p for name, p in question.spec.params.items() if isinstance(p, RANDOM_KINDS)}


def _track(report: QuestionReport, tracked: Mapping[str, Any], params: Mapping[str, Any]) -> None:
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


def _track_answers(report: QuestionReport, variant: Variant) -> None:
    """Widen the answer ranges by one variant's numbers."""
    for name, value in variant.answers.items():
        numbers = value_numbers(value)
        if numbers:
            _widen(report.answer_ranges, name, min(numbers), max(numbers))


# --- Checks of one variant -----------------------------------------------------------------------------------


_LOADED: dict[str, dict[str, Question]] = {}


def load(path: Path) -> list[Question]:
    """Load what a CLI path names (bank, bank.yaml or one question) and keep it for forked workers."""
    from .bank import load_questions

    _, questions = load_questions(Path(path))
    _LOADED[str(path)] = {q.id: q for q in questions}
    return questions


def _task(path: str, question_id: str, start: int, stop: int, canonical: bool, full_until: int) -> QuestionReport:
    """Worker: sweep one seed range of one question of the bank at `path` (loaded before the fork)."""
    if path not in _LOADED:
        load(Path(path))
    return _sweep_range(_LOADED[path][question_id], start, stop, canonical, full_until)


def _chunks(questions: int, seeds: int, workers: int) -> int:
    """How many seed ranges to split each question into so that `workers` processes stay busy."""
    if workers <= 1:
        return 1
    wanted = math.ceil(3 * workers / max(1, questions))
    return max(1, min(wanted, seeds // MIN_CHUNK))


def sweep_all(
    path: Path,
    question_ids: Sequence[str],
    seeds: int,
    workers: int,
    first_seed: int = 0,
    canonical: bool = True,
    full_seeds: int = FULL_RENDER_SEEDS,
) -> Iterator[QuestionReport]:
    """Sweep questions in `workers` processes (1 = in this process), yielding reports in the given order."""
    key = str(path)
    if key not in _LOADED:
        load(path)
    full_until = first_seed + full_seeds
    parts = _chunks(len(question_ids), seeds, workers)
    bounds = [first_seed + seeds * i // parts for i in range(parts + 1)]
    ranges = [(bounds[i], bounds[i + 1], canonical and i == 0) for i in range(parts)]
    if workers <= 1 or len(question_ids) * parts <= 1:
        for question_id in question_ids:
            yield _merged([_task(key, question_id, a, b, c, full_until) for a, b, c in ranges])
        return
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        futures: list[list[Future[QuestionReport]]] = [
            [pool.submit(_task, key, qid, a, b, c, full_until) for a, b, c in ranges] for qid in question_ids
        ]
        for group in futures:
            yield _merged([future.result() for future in group])


def _merged(reports: list[QuestionReport]) -> QuestionReport:
    """One report from the reports of a question's seed ranges."""
    first = reports[0]
    for other in reports[1:]:
        first.merge(other)
    return first


# --- Describing a report -------------------------------------------------------------------------------------


def coverage_lines(question: Question, report: QuestionReport) -> list[str]:
    """Per drawn parameter: values seen of those possible, and the range seen against the declared range."""
    lines = []
    for name, param in _tracked_params(question).items():
        seen = report.seen.get(name, set())
        possible = _possible(param)
        what = "elements" if isinstance(param, IntParam | FloatParam) and param.shape else "values"
        if isinstance(param, SampleParam):
            what = "items"
        line = f"{name}: {len(seen):,}/{len(possible) if isinstance(possible, list) else possible:,} {what} seen"
        if isinstance(param, IntParam | FloatParam) and name in report.spans:
            low, high = report.spans[name]
            line += f", {format_number(low)} .. {format_number(high)} of {format_number(param.min)} .. " \
                    f"{format_number(param.max)}"  # fmt: skip
        if isinstance(possible, list):
            never = [p for p in possible if p not in seen]
            if 0 < len(never) <= MISSING_LISTED:
                line += "; never drawn: " + ", ".join(never)
        lines.append(line)
    return lines


def _possible(param: Any) -> list[str] | int:
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
