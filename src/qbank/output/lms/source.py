"""What an LMS export holds: K solved variants of each question of an exam, a bank or one question file, grouped
by placement. Variant i is exam seed SEED+i on paper `main`, exactly what `qbank variants --seed SEED --count K`
prints (and, for an exam, what `qbank build --seed SEED+i` puts on its paper)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from qbank.core.errors import UserError
from qbank.output.recipes import ExportRecipe
from qbank.preflight.checks import checked_exam, checked_questions
from qbank.render.heading import sheet_heading
from qbank.render.paper import Job, SolvedPaper, SolvedPart, solve_paper, solve_parts
from qbank.spec.bank import Bank, find_bank_root
from qbank.spec.exam import Exam, Item, Part
from qbank.spec.load import load_yaml_file
from qbank.spec.validate import Question

PAPER = "main"  # the paper id whose streams draw every variant (as `qbank variants` and `qbank build` do)


@dataclass(frozen=True)
class ExportQuestion:
    """One placement (a question of the bank, or an exam's Q3(b)), or the placements an exam binds to one
    scenario (exported together so that they show the same drawn values), and its variants, as (exam seed,
    solved parts: one per placement)."""

    key: str
    number: str
    question: Question
    marks: float
    ask: str
    variants: tuple[tuple[int, tuple[SolvedPart, ...]], ...]

    @property
    def linked(self) -> bool:
        """Whether this question is several placements linked by a scenario."""
        return len(self.variants[0][1]) > 1


@dataclass(frozen=True)
class ExportSource:
    """The solved papers of an export (one per variant), its bank and exam (None for a bank or question)."""

    bank: Bank
    exam: Exam | None
    papers: tuple[SolvedPaper, ...]

    @property
    def title(self) -> str:
        """The top category's name: the exam's title, or the bank's."""
        return self.exam.spec.exam if self.exam is not None else self.bank.spec.title

    def questions(self) -> list[ExportQuestion]:
        """The placements in the order they first appear, each with its variants in seed order; the placements
        of a paper bound to one scenario are one question (see `linked_parts`)."""
        order = {} if self.exam is None else {p.key: i for i, p in enumerate(self.exam.candidate_parts())}
        grouped: dict[str, list[tuple[int, tuple[SolvedPart, ...]]]] = {}
        for paper in self.papers:
            for members in linked_parts(paper.parts, order):
                key = "+".join(solved.part.key for solved in members)
                grouped.setdefault(key, []).append((paper.seed, members))
        out = []
        for key, variants in grouped.items():
            members = variants[0][1]
            first = members[0]
            out.append(ExportQuestion(key, "+".join(placement_number(s) for s in members), first.part.question,
                                      sum(s.part.marks for s in members), first.part.ask, tuple(variants)))  # fmt: skip
        return out


def placement_number(solved: SolvedPart) -> str:
    """A placement's number as its paper prints it: `Q3`, or `Q4(b)` for a part."""
    return f"Q{solved.item.number}" + (f"({solved.part.label})" if solved.part.label else "")


def linked_parts(parts: Sequence[SolvedPart], order: Mapping[str, int]) -> list[tuple[SolvedPart, ...]]:
    """A paper's placements as export questions: each alone, except the placements bound to the same scenario
    (two or more), which are one question, in the exam's written order (`order`: placement key -> position), at
    the place of the first of them."""
    bound: dict[str, list[SolvedPart]] = {}
    for solved in parts:
        if solved.part.scenario is not None:
            bound.setdefault(solved.part.scenario, []).append(solved)
    out: list[tuple[SolvedPart, ...]] = []
    for solved in parts:
        members = bound.get(solved.part.scenario or "", [solved])
        if len(members) < 2:
            out.append((solved,))
        elif solved is members[0]:
            out.append(tuple(sorted(members, key=lambda s: (order.get(s.part.key, len(order)), s.part.key))))
    return out


def is_exam_file(path: Path) -> bool:
    """Whether a CLI PATH names an exam file: a file outside any bank, or one whose YAML has `sections`."""
    path = Path(path)
    if not path.is_file() or path.name == "bank.yaml":
        return False
    if find_bank_root(path) is None:
        return True
    data = load_yaml_file(path).data
    return isinstance(data, dict) and "sections" in data


def solve_export(recipe: ExportRecipe, exam: Exam | None = None) -> ExportSource:
    """Draw, solve and render every variant the recipe asks for; every failure is reported together."""
    seeds = range(recipe.seed, recipe.seed + recipe.variants)
    if recipe.exam is not None:
        exam = exam or checked_exam(Path(recipe.exam))
        papers = _each(lambda seed: solve_paper(exam, seed, PAPER), seeds)
        return ExportSource(exam.bank, exam, papers)
    bank, questions = checked_questions(Path(str(recipe.bank)))
    items = tuple(Item(number, 0, (Part("", question, question.spec.marks, ask=recipe.ask or "free"),))
                  for number, question in enumerate(questions, start=1))  # fmt: skip

    def sheet(seed: int) -> SolvedPaper:
        parts = solve_parts([Job(item, item.parts[0], PAPER) for item in items], seed)
        return SolvedPaper(sheet_heading(bank, ()), bank, None, seed, PAPER, False, parts, items)

    return ExportSource(bank, None, _each(sheet, seeds))


def _each(solve: Callable[[int], SolvedPaper], seeds: Iterable[int]) -> tuple[SolvedPaper, ...]:
    """Solve one paper per seed; the problems of every seed are raised together (each once)."""
    papers, problems = [], []
    for seed in seeds:
        try:
            papers.append(solve(seed))
        except UserError as exc:
            problems.extend(p for p in exc.problems if p not in problems)
    if problems:
        raise UserError(problems)
    return tuple(papers)
