"""Solve a paper: draw and solve every question of an exam (or a practice sheet's chosen questions) and render
their fragments; the one place variants of a paper are made."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from qbank.core.errors import LocatedError, Problem, UserError
from qbank.draw.layout import paper_layout
from qbank.draw.params import Draw
from qbank.draw.scenarios import draw_scenarios
from qbank.render.heading import Heading, exam_heading
from qbank.render.question import RenderedPart, formatted_answers, render_part
from qbank.solve.choices import ChoiceSet, asked_as_choice, build_choices, option_stream
from qbank.solve.variant import Variant, describe, make_variant
from qbank.spec.bank import Bank
from qbank.spec.exam import Exam, Item, Part
from qbank.spec.scenario import given_problems

# The paper id whose streams draw an exam set's practice sheet: other variants than the students' paper ("main").
EXAM_PRACTICE_PAPER = "exam-practice"


@dataclass(frozen=True)
class SolvedPart:
    """One part of a paper: its place, marks, variant, its answers formatted (once) and rendered fragments."""

    item: Item
    part: Part
    variant: Variant
    rendered: RenderedPart | None
    formatted: Mapping[str, str]
    choices: Mapping[str, ChoiceSet] = dataclasses.field(default_factory=dict)  # answers asked as multiple choice

    @property
    def graded(self) -> tuple[str, ...]:
        """The answers this placement asks (and grading reads): with `ask: choice`, only those asked as choice."""
        if self.part.ask == "choice":
            return tuple(self.choices)
        return tuple(self.part.question.spec.answers)


@dataclass(frozen=True)
class SolvedPaper:
    """Every question of one paper (its numbered `items`), drawn, solved and rendered; with the seeds of its
    layout streams (pools, shuffles) and its drawn scenarios. `exam` is None for a practice sheet."""

    heading: Heading
    bank: Bank
    exam: Exam | None
    seed: int
    paper_id: str
    canonical: bool
    parts: tuple[SolvedPart, ...]
    items: tuple[Item, ...]
    streams: Mapping[str, int] = dataclasses.field(default_factory=dict)
    scenarios: Mapping[str, Draw] = dataclasses.field(default_factory=dict)

    @property
    def total_marks(self) -> float:
        """Sum of the marks of this paper's questions."""
        return sum(item.marks for item in self.items)


@dataclass(frozen=True)
class Job:
    """One part to solve: where it sits, the paper id whose streams draw it, and given (scenario) values."""

    item: Item
    part: Part
    paper_id: str
    given: Any = None


def solve_part(job: Job, seed: int, canonical: bool = False, render: bool = True) -> SolvedPart:
    """Draw, solve and (with `render`) render one part; raises LocatedError or UserError."""
    question = job.part.question
    variant = make_variant(question, seed, job.paper_id, canonical, job.given, job.part.placement or None)
    formatted = formatted_answers(question, variant)
    choices = part_choices(job, variant, seed, canonical)
    rendered = render_part(question, variant, formatted) if render else None
    return SolvedPart(job.item, job.part, variant, rendered, formatted, choices)


def part_choices(job: Job, variant: Variant, seed: int, canonical: bool) -> Mapping[str, ChoiceSet]:
    """The options of every answer the placement asks as multiple choice, ordered by the paper's own streams
    (the written or ascending order on a canonical paper)."""
    question = job.part.question
    names = asked_as_choice(question, job.part.ask)
    if not names:
        return {}

    def order(answer: str) -> int:
        return option_stream(seed, job.paper_id, job.part.key, answer)

    def desc() -> str:
        return describe(question, seed, job.paper_id, canonical, variant.params)

    return build_choices(question, variant.answers, variant.mistakes, variant.params, names,
                         None if canonical else order, desc)  # fmt: skip


def solve_parts(jobs: Iterable[Job | list[Problem]], seed: int, canonical: bool = False,
                render: bool = True) -> tuple[SolvedPart, ...]:  # fmt: skip
    """Solve every job in order; a list of problems in place of a job is reported with the rest. Raises one
    UserError holding every failure."""
    problems: list[Problem] = []
    solved: list[SolvedPart] = []
    for job in jobs:
        if isinstance(job, list):
            problems.extend(job)
            continue
        try:
            solved.append(solve_part(job, seed, canonical, render))
        except LocatedError as exc:
            problems.append(exc.problem())
        except UserError as exc:
            problems.extend(exc.problems)
    if problems:
        raise UserError(problems)
    return tuple(solved)


def solve_paper(
    exam: Exam, seed: int, paper_id: str = "main", canonical: bool = False, render: bool = True
) -> SolvedPaper:
    """Lay out, draw, solve and render every question of one paper; report all failures together. With
    `render=False` the parts carry no rendered fragments (enough for the manifest's records)."""
    layout = paper_layout(exam, seed, paper_id, canonical)
    names = {part.scenario for item in layout.items for part in item.parts if part.scenario}
    try:
        scenarios = {} if canonical else draw_scenarios(exam.scenarios, names, seed, paper_id)
    except LocatedError as exc:
        raise UserError([exc.problem()]) from None

    def jobs() -> Iterable[Job | list[Problem]]:
        for item in layout.items:
            for part in item.parts:
                given = scenarios[part.scenario].params if part.scenario in scenarios else None
                if given is not None and part.scenario is not None:
                    outside = given_problems(part.question, part.scenario, given, f"seed {seed}, paper {paper_id!r}")
                    if outside:
                        yield outside
                        continue
                yield Job(item, part, paper_id, given)

    parts = solve_parts(jobs(), seed, canonical, render)
    return SolvedPaper(exam_heading(exam.spec), exam.bank, exam, seed, paper_id, canonical, parts, layout.items,
                       layout.streams, scenarios)  # fmt: skip
