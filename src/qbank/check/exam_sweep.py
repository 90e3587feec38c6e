"""Whole-paper sweeps: `qbank check EXAM` lays out, draws, solves and checks every paper of many seeds.

Each swept seed makes the papers a build would make (paper `main`, or forms A, B, ... with `--forms K`):
their layout (pools, shuffled sections), their scenarios, and every placement solved with the scenario's
values, which must lie inside the question's own declarations. Every distinct parameter set of a placement is
checked like a bank sweep checks a variant (`variant_checks.check_variant`), and the answers the placement asks
as multiple choice get their options as the paper would and are checked for honesty (`choice_checks`). With
`forms_differ: true` two forms of one seed must not draw the same numbers for any question they both have.
"""

from __future__ import annotations

import contextlib
import itertools
import multiprocessing
import os
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from qbank.check.choice_checks import sweep_choices
from qbank.check.form_variants import too_few_variants
from qbank.check.variant_checks import check_variant
from qbank.core.errors import LocatedError, Problem, UserError
from qbank.core.lifetime import guard_worker
from qbank.draw.layout import paper_layout
from qbank.draw.params import draw_params, draw_plan, thaw
from qbank.draw.scenarios import draw_scenarios
from qbank.preflight.checks import checked_exam
from qbank.solve.choices import asked_as_choice, option_stream
from qbank.solve.variant import describe, make_variant
from qbank.spec.exam import Exam, Part
from qbank.spec.roster import form_ids
from qbank.spec.scenario import given_problems

THOROUGH_PER_PLACEMENT = 20  # distinct variants of each placement rendered through Jinja and checked for leaks
SUGGESTED_SEEDS = 3  # seeds a failed `forms_differ` build suggests instead
SUGGEST_SEARCH = 500  # ... found among this many seeds after the requested one
MIN_CHUNK = 50  # seeds per worker task


@dataclass(frozen=True)
class Clash:
    """Two forms of one seed that drew the same numbers for one placement."""

    seed: int
    forms: tuple[str, str]
    numbers: tuple[int, int]  # the placement's question number on each form (shuffled sections differ)
    key: str

    def question(self) -> str:
        """The placement as each form numbers it: `question 3`, or `question 2 on form A, 3 on form B`."""
        if self.numbers[0] == self.numbers[1]:
            return f"question {self.numbers[0]}"
        return f"question {self.numbers[0]} on form {self.forms[0]}, {self.numbers[1]} on form {self.forms[1]}"


@dataclass
class PlacementReport:
    """What the sweep saw of one placement (a question as placed in the exam file)."""

    key: str
    papers: int = 0
    distinct: set[str] = field(default_factory=set)
    failed: int = 0


@dataclass
class ExamReport:
    """Results of an exam sweep (mergeable across seed ranges)."""

    papers: int = 0
    layouts: set[str] = field(default_factory=set)
    placements: dict[str, PlacementReport] = field(default_factory=dict)
    failures: list[tuple[int, str]] = field(default_factory=list)  # (seed, located problem)
    clashes: list[Clash] = field(default_factory=list)

    def merge(self, other: ExamReport) -> None:
        """Add the results of another seed range."""
        self.papers += other.papers
        self.layouts |= other.layouts
        for key, theirs in other.placements.items():
            mine = self.placements.setdefault(key, PlacementReport(key))
            mine.papers += theirs.papers
            mine.distinct |= theirs.distinct
            mine.failed += theirs.failed
        self.failures.extend(other.failures)
        self.clashes.extend(other.clashes)


def paper_ids(forms: int | None) -> list[str]:
    """The paper ids a build makes: `main`, or the form letters."""
    return form_ids(forms) if forms else ["main"]


def drawn_papers(exam: Exam, seed: int, ids: Sequence[str]) -> dict[str, list[tuple[int, Part, Any]]]:
    """Per paper: (number, part, drawn parameters) of every placement with random numbers, without solving."""
    papers = {}
    for paper_id in ids:
        layout = paper_layout(exam, seed, paper_id)
        names = {part.scenario for item in layout.items for part in item.parts if part.scenario}
        scenarios = draw_scenarios(exam.scenarios, names, seed, paper_id)
        drawn = []
        for item in layout.items:
            for part in item.parts:
                given = scenarios[part.scenario].params if part.scenario else None
                draw = draw_params(part.question, seed, paper_id, given=given, stream=part.placement or None)
                if draw_plan(part.question).random or given:
                    drawn.append((item.number, part, thaw(draw.params)))
        papers[paper_id] = drawn
    return papers


def form_clashes(exam: Exam, seed: int, ids: Sequence[str], seen: dict[str, set[str]] | None = None) -> list[Clash]:
    """Every placement two forms of `seed` both have with the same drawn numbers (first pair per placement);
    each placement's drawn parameter sets are added to `seen` when given."""
    first: dict[tuple[str, str], tuple[str, int]] = {}
    clashes = []
    for paper_id, drawn in drawn_papers(exam, seed, ids).items():
        for number, part, params in drawn:
            key = (part.key, repr(params))
            if seen is not None:
                seen.setdefault(part.key, set()).add(key[1])
            if key in first:
                other, other_number = first[key]
                clashes.append(Clash(seed, (other, paper_id), (other_number, number), part.key))
            else:
                first[key] = (paper_id, number)
    return clashes


def require_distinct_forms(exam: Exam, seed: int, forms: int, canonical: bool = False) -> None:
    """With `forms_differ: true`, refuse (located at that setting) a seed whose forms share numbers; name the
    clashes and the next seeds whose forms all differ."""
    if not exam.spec.forms_differ or forms < 2:
        return
    if canonical:
        message = "canonical forms all have the same numbers: build them without `forms_differ: true`"
        raise UserError([_located(exam, message)])
    ids = paper_ids(forms)
    try:
        clashes = form_clashes(exam, seed, ids)
    except LocatedError:
        return  # a draw that fails is reported by the build itself, located at its question
    if not clashes:
        return
    good = []
    seen: dict[str, set[str]] = {}  # placement -> distinct parameter sets drawn while searching
    for candidate in range(seed + 1, seed + 1 + SUGGEST_SEARCH):
        try:
            if not form_clashes(exam, candidate, ids, seen):
                good.append(str(candidate))
        except LocatedError:
            continue
        if len(good) == SUGGESTED_SEEDS:
            break
    shown = "; ".join(f"forms {c.forms[0]} and {c.forms[1]} give {c.question()} ({c.key}) the same numbers"
                      for c in clashes[:3])  # fmt: skip
    more = f" (and {len(clashes) - 3} more)" if len(clashes) > 3 else ""
    advice = f"seeds whose {forms} forms all differ: {', '.join(good)}" if good else (
        f"no seed of the next {SUGGEST_SEARCH} has {forms} forms that all differ: "
        + too_few_variants(exam, seen, forms, SUGGEST_SEARCH * forms))  # fmt: skip
    raise UserError([_located(exam, f"with seed {seed}, {shown}{more}; {advice}")])


def _located(exam: Exam, message: str) -> Problem:
    """A problem located at the exam file's `forms_differ` setting."""
    return Problem(exam.file, exam.lines.get(("forms_differ",), 1), "forms_differ", message)


def sweep_range(exam: Exam, start: int, stop: int, forms: int | None) -> ExamReport:
    """Sweep the papers of seeds start..stop-1; each placement's distinct parameter sets are checked once."""
    report = ExamReport()
    ids = paper_ids(forms)
    checked: dict[str, dict[str, bool]] = {}  # placement -> parameter set -> whether it passed
    for seed in range(start, stop):
        for paper_id in ids:
            report.papers += 1
            _sweep_paper(exam, seed, paper_id, report, checked)
        if forms and forms > 1 and exam.spec.forms_differ:
            with contextlib.suppress(LocatedError):  # a draw failure is reported by the paper sweep itself
                report.clashes.extend(form_clashes(exam, seed, ids))
    return report


def _sweep_paper(exam: Exam, seed: int, paper_id: str, report: ExamReport, checked: dict[str, dict[str, bool]]) -> None:
    """Lay out, draw and solve one paper; record every problem with where it happened."""
    where = f"seed {seed}, paper {paper_id!r}"
    try:
        layout = paper_layout(exam, seed, paper_id)
        names = {part.scenario for item in layout.items for part in item.parts if part.scenario}
        scenarios = draw_scenarios(exam.scenarios, names, seed, paper_id)
    except LocatedError as exc:
        report.failures.append((seed, f"{exc} ({where})"))
        return
    report.layouts.add(repr([(item.number, [p.key for p in item.parts]) for item in layout.items]))
    for item in layout.items:
        for part in item.parts:
            placement = report.placements.setdefault(part.key, PlacementReport(part.key))
            placement.papers += 1
            given = scenarios[part.scenario].params if part.scenario else None
            problems = [str(p) for p in given_problems(part.question, part.scenario, given, where)] if given else []
            if not problems:
                problems = _variant_problems(exam, part, seed, paper_id, given, placement, checked)
            if problems:
                placement.failed += 1
                report.failures.extend((seed, f"{p} (question {item.number}, {part.key}, {where})") for p in problems)


def _variant_problems(exam: Exam, part: Part, seed: int, paper_id: str, given: Any, placement: PlacementReport,
                      checked: dict[str, dict[str, bool]]) -> list[str]:  # fmt: skip
    """Draw and solve one placement; check a parameter set not seen before for this placement."""
    try:
        variant = make_variant(part.question, seed, paper_id, False, given, part.placement or None)
    except LocatedError as exc:
        return [str(exc)]
    key = repr(thaw(variant.params))
    placement.distinct.add(key)
    seen = checked.setdefault(part.key, {})
    if key in seen:
        return [] if seen[key] else ["the same parameters failed on an earlier paper"]
    problems = check_variant(part.question, variant, thorough=len(seen) < THOROUGH_PER_PLACEMENT)
    names = asked_as_choice(part.question, part.ask)
    if names and not problems:

        def order(answer: str) -> int:
            return option_stream(seed, paper_id, part.key, answer)

        def desc() -> str:
            return describe(part.question, seed, paper_id, False, variant.params)

        problems = list(sweep_choices(part.question, variant, names, order, desc).problems)
    seen[key] = not problems
    return problems


_EXAMS: dict[str, Exam] = {}


def _task(path: str, start: int, stop: int, forms: int | None) -> ExamReport:
    """Worker: sweep one seed range of the exam loaded before the fork."""
    return sweep_range(_EXAMS[path], start, stop, forms)


def sweep_exam(path: Path, seeds: int, first_seed: int, forms: int | None, jobs: int) -> tuple[Exam, ExamReport]:
    """Load the exam (every spec error first) and sweep `seeds` seeds in `jobs` worker processes."""
    exam = checked_exam(path, whole_bank=True)  # check is strict: every question file of the bank must load
    key = str(path)
    _EXAMS[key] = exam
    parts = max(1, min(jobs * 2, seeds // MIN_CHUNK)) if jobs > 1 else 1
    bounds = [first_seed + seeds * i // parts for i in range(parts + 1)]
    report = ExamReport()
    for piece in _reports(key, bounds, forms, jobs):
        report.merge(piece)
    return exam, report


def _reports(key: str, bounds: list[int], forms: int | None, jobs: int) -> Iterator[ExamReport]:
    """The reports of each seed range, in order."""
    ranges = list(itertools.pairwise(bounds))
    if len(ranges) == 1:
        yield _task(key, ranges[0][0], ranges[0][1], forms)
        return
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=jobs, mp_context=context, initializer=guard_worker,
                             initargs=(os.getpid(),)) as pool:  # fmt: skip
        futures = [pool.submit(_task, key, a, b, forms) for a, b in ranges]
        for future in futures:
            yield future.result()
