"""What an LMS export holds: K solved variants of each question of an exam, a bank or one question file, grouped
by placement. Variant i is exam seed SEED+i on paper `main`, exactly what `qbank variants --seed SEED --count K`
prints (and, for an exam, what `qbank build --seed SEED+i` puts on its paper)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
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
    """One placement (a question of the bank, or an exam's Q3(b)) and its variants, as (exam seed, solved part)."""

    key: str
    number: str
    question: Question
    marks: float
    ask: str
    variants: tuple[tuple[int, SolvedPart], ...]


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
        """The placements in the order they first appear, each with its variants in seed order."""
        grouped: dict[str, list[tuple[int, SolvedPart]]] = {}
        for paper in self.papers:
            for solved in paper.parts:
                grouped.setdefault(solved.part.key, []).append((paper.seed, solved))
        out = []
        for key, variants in grouped.items():
            first = variants[0][1]
            number = f"Q{first.item.number}" + (f"({first.part.label})" if first.part.label else "")
            out.append(ExportQuestion(key, number, first.part.question, first.part.marks, first.part.ask,
                                      tuple(variants)))  # fmt: skip
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
