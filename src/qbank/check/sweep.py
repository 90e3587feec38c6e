"""Seed sweeps: draw, solve, check and render many variants per question, and report anything broken.

For every swept seed and the canonical variant, `sweep_question` checks (README, "Verification"):

- every seed draws parameters that satisfy every constraint within the sampler's 1,000 attempts;
- the solver returns finite, well-formed answers; every printed number has at most 15 significant digits,
  and the printed key is at most 300 characters long and accepted by its own grader;
- no number of an answer sits on a rounding boundary of its tolerance: half-way between two printed values,
  where the other rounding is as correct as the key's but only just (or not) inside the tolerance;
- the items of every `distinct` list differ (options, the probabilities either side of a top-k cut, ...);
- the figure draws;
- every answer some exam can ask as multiple choice gets its options as paper `main` of that seed would (shuffled
  by the paper's own stream), and they keep the honesty rules, checked again apart from the builder
  (`choice_checks`); the misconceptions dropped for coinciding with an option are counted for every seed;
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

A sweep of more than REPLAY_SEEDS seeds is also checked as a whole for collapsed randomization (too few
distinct variants, values never drawn: `coverage.collapse_failures`).

Variants with identical parameters are checked once (solvers are pure; which options are honest depends on the
parameters only, not on their shuffle); the first few repeats are solved
again to check that purity, and the first seed is drawn twice to check that drawing is deterministic.
"""

from __future__ import annotations

import hashlib
import math
import multiprocessing
import os
import time
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path
from typing import Any

from qbank.check.choice_checks import ChoiceOutcome, choosable_answers, sweep_choices
from qbank.check.coverage import collapse_failures
from qbank.check.sweep_report import (
    Failure,
    QuestionReport,
    repro_command,
    track_answers,
    track_choices,
    track_params,
    tracked_params,
)
from qbank.check.variant_checks import check_variant, purity_problems, variant_shape
from qbank.core.errors import LocatedError
from qbank.core.lifetime import guard_worker
from qbank.draw.params import draw_params, thaw
from qbank.solve.choices import option_stream
from qbank.solve.variant import Variant, describe, make_variant, solve_draw
from qbank.spec.bank import Bank
from qbank.spec.validate import Question

PAPER = "main"
FULL_RENDER_SEEDS = 1  # without a canonical variant, the first seeds go through Markdown and math typesetting
REPLAY_SEEDS = 10  # ... as does every seed of a sweep this short (a replay)
THOROUGH_VARIANTS = 50  # distinct variants per question always rendered through Jinja (and checked for leaks)
PURITY_CHECKS = 3  # repeated parameter sets solved again to check the solver is pure
MIN_CHUNK = 100  # seeds per worker task when one question is split across workers


# --- The sweep -----------------------------------------------------------------------------------------------


def sweep_question(
    question: Question,
    seeds: int,
    first_seed: int = 0,
    canonical: bool = True,
    full_seeds: int = FULL_RENDER_SEEDS,
) -> QuestionReport:
    """Draw, solve, check and render seeds first_seed.. (and the canonical variant); collect every failure."""
    report = _sweep_range(question, first_seed, first_seed + seeds, canonical, first_seed + full_seeds)
    return _with_collapse(question, report, first_seed)


def _with_collapse(question: Question, report: QuestionReport, first_seed: int) -> QuestionReport:
    """Add the failures of the whole sweep (too few distinct variants, values never drawn), past a replay."""
    if report.requested > REPLAY_SEEDS:
        report.failures.extend(collapse_failures(question, report, first_seed))
    return report


def _sweep_range(question: Question, start: int, stop: int, canonical: bool, full_until: int) -> QuestionReport:
    """Sweep seeds start..stop-1 (full rendering below full_until), plus the canonical variant if asked.

    A question with a canonical variant typesets that one only, unless this is a short replay of a few seeds.
    """
    began = time.perf_counter()
    if question.spec.canonical is not None and stop - start > REPLAY_SEEDS:
        full_until = min(full_until, start)
    report = QuestionReport(question.id, requested=stop - start)
    tracked = tracked_params(question)
    checked: dict[str, Variant | None] = {}  # parameter set -> its solved variant (None: it failed)
    choices: dict[str, ChoiceOutcome] = {}  # parameter set -> its options built (their honesty and drops)
    choosable = choosable_answers(question)
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
        except LocatedError as exc:  # every attempt the cap allows was rejected
            report.attempts += question.spec.max_attempts
            report.failed_seeds += 1
            fail(seed, [str(exc)])
            continue
        report.attempts += draw.attempts
        report.drawn += 1
        track_params(report, tracked, draw.params)
        key = repr(draw.params)
        if key in checked and seed >= full_until:
            report.variants += 1
            first = checked[key]
            if first is None:  # failed when first checked: counted, its failure not listed again
                report.failed_seeds += 1
                report.repeated_failures += 1
                continue
            if key in choices:  # which options are honest depends on the parameters, not on the shuffle
                track_choices(report, choices[key].built, choices[key].drops)
            if purity_left > 0:
                purity_left -= 1
                replay = f"qbank check {question.file} --seed {first.exam_seed} --seeds {seed - first.exam_seed + 1}"
                impure = purity_problems(question, first, draw, seed, PAPER)
                report.failed_seeds += bool(impure)
                fail(seed, impure, replay)
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
        if choosable and not problems:
            choices[key] = _choices(question, variant, choosable, seed)
            problems += choices[key].problems
            track_choices(report, choices[key].built, choices[key].drops)
        checked[key] = None if problems else variant
        report.failed_seeds += bool(problems)
        fail(seed, problems)
        track_answers(report, variant)
    if canonical and question.spec.canonical is not None:
        try:
            variant = make_variant(question, 0, PAPER, canonical=True)
            problems = check_variant(question, variant, full=True)
            if choosable and not problems:
                problems += _choices(question, variant, choosable, None).problems
            track_answers(report, variant)
        except LocatedError as exc:
            problems = [str(exc)]
        report.canonical = "failed" if problems else "ok"
        fail(None, problems)
    report.seconds = time.perf_counter() - began
    return report


def _choices(question: Question, variant: Variant, names: tuple[str, ...], seed: int | None) -> ChoiceOutcome:
    """Build and check the options of `names` as paper `main` of exam seed `seed` would order them (None: the
    canonical order)."""

    def order(answer: str) -> int:
        return option_stream(seed or 0, PAPER, question.id, answer)

    def desc() -> str:
        return describe(question, seed or 0, PAPER, seed is None, variant.params)

    return sweep_choices(question, variant, names, None if seed is None else order, desc)


# --- A bank in worker processes --------------------------------------------------------------------------------


_LOADED: dict[str, dict[str, Question]] = {}
_BANKS: dict[str, Bank] = {}


def load(path: str | Path) -> list[Question]:
    """Load what a CLI path names (bank, bank.yaml or one question) and keep it for forked workers."""
    from qbank.preflight.checks import checked_questions

    bank, questions = checked_questions(Path(path))
    _LOADED[str(path)] = {q.id: q for q in questions}
    _BANKS[str(path)] = bank
    return questions


def _loaded(path: str) -> dict[str, Question]:
    """The questions of the bank at `path` by id, loaded once per process (workers inherit them at the fork)."""
    if path not in _LOADED:
        load(path)
    return _LOADED[path]


def _task(path: str, question_id: str, start: int, stop: int, canonical: bool, full_until: int) -> QuestionReport:
    """Worker: sweep one seed range of one question of the bank at `path` (loaded before the fork)."""
    return _sweep_range(_loaded(path)[question_id], start, stop, canonical, full_until)


def _chunks(questions: int, seeds: int, workers: int) -> int:
    """How many seed ranges to split each question into so that `workers` processes stay busy."""
    if workers <= 1:
        return 1
    wanted = math.ceil(3 * workers / max(1, questions))
    return max(1, min(wanted, seeds // MIN_CHUNK))


def seed_ranges(questions: int, seeds: int, workers: int, first_seed: int, canonical: bool
                ) -> list[tuple[int, int, bool]]:  # fmt: skip
    """The seed ranges (start, stop, with the canonical variant) each question is split into for `workers`."""
    parts = _chunks(questions, seeds, workers)
    bounds = [first_seed + seeds * i // parts for i in range(parts + 1)]
    return [(bounds[i], bounds[i + 1], canonical and i == 0) for i in range(parts)]


def sweep_all(
    path: Path,
    question_ids: Sequence[str],
    seeds: int,
    workers: int,
    first_seed: int = 0,
    canonical: bool = True,
    full_seeds: int = FULL_RENDER_SEEDS,
    cluster: str | None = None,
) -> Iterator[QuestionReport]:
    """Sweep questions in `workers` processes (1 = in this process), or on the Dask cluster `cluster` when
    given, yielding reports in the given order."""
    key = str(path)
    _loaded(key)
    full_until = first_seed + full_seeds
    if cluster is not None:
        from qbank.check.sweep_cluster import cluster_sweep

        def split(count: int) -> list[tuple[int, int, bool]]:
            return seed_ranges(len(question_ids), seeds, count, first_seed, canonical)

        reports = cluster_sweep(cluster, Path(path), _BANKS[key], question_ids, split, full_until, _task)
        for question_id in question_ids:
            yield _with_collapse(_loaded(key)[question_id], _merged(reports[question_id]), first_seed)
        return
    ranges = seed_ranges(len(question_ids), seeds, workers, first_seed, canonical)
    if workers <= 1 or len(question_ids) * len(ranges) <= 1:
        for question_id in question_ids:
            merged = _merged([_task(key, question_id, a, b, c, full_until) for a, b, c in ranges])
            yield _with_collapse(_loaded(key)[question_id], merged, first_seed)
        return
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=guard_worker,
                             initargs=(os.getpid(),)) as pool:  # fmt: skip
        futures: list[list[Future[QuestionReport]]] = [
            [pool.submit(_task, key, qid, a, b, c, full_until) for a, b, c in ranges] for qid in question_ids
        ]
        for question_id, group in zip(question_ids, futures, strict=True):
            merged = _merged([future.result() for future in group])
            yield _with_collapse(_loaded(key)[question_id], merged, first_seed)


def _merged(reports: list[QuestionReport]) -> QuestionReport:
    """One report from the reports of a question's seed ranges."""
    first = reports[0]
    for other in reports[1:]:
        first.merge(other)
    return first
