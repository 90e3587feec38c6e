"""Practice variants: an exam set's practice sheet (other draws than the students' paper) and a practice
sheet of a bank's questions on chosen topics."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from qbank.core.errors import LocatedError, UserError
from qbank.draw.sheet import PRACTICE_PAPER
from qbank.render.heading import sheet_heading
from qbank.render.paper import EXAM_PRACTICE_PAPER, Job, SolvedPaper, solve_paper, solve_part, solve_parts
from qbank.spec.bank import Bank
from qbank.spec.exam import Exam, Item, Part
from qbank.spec.validate import Question

PRACTICE_REDRAWS = 8  # draws of a practice question that keeps coinciding with the paper's (see solve_exam_practice)


def solve_exam_practice(exam: Exam, seed: int, paper: SolvedPaper) -> SolvedPaper:
    """The practice sheet of an exam set: the exam's questions drawn on the streams of paper id `exam-practice`
    (never the canonical values), so it does not show the students' paper or its answers. A question whose
    practice draw has the paper's very parameters (a small parameter space) is drawn again on the streams of
    `exam-practice-2`, `-3`, ... up to PRACTICE_REDRAWS (kept as it is if every one of them coincides)."""
    practice = solve_paper(exam, seed, EXAM_PRACTICE_PAPER, canonical=False)
    on_paper = {(solved.part.question.id, solved.part.placement): solved.variant.params for solved in paper.parts}
    parts = []
    for solved in practice.parts:
        for attempt in range(2, PRACTICE_REDRAWS + 1):
            if solved.part.scenario or solved.variant.params != on_paper.get((solved.part.question.id,
                                                                              solved.part.placement)):  # fmt: skip
                break  # a scenario's parameters are shared: they are redrawn with the whole practice paper only
            try:
                solved = solve_part(Job(solved.item, solved.part, f"{EXAM_PRACTICE_PAPER}-{attempt}"), seed)
            except LocatedError as exc:
                raise UserError([exc.problem()]) from None
        parts.append(solved)
    return dataclasses.replace(practice, parts=tuple(parts))


def solve_sheet(bank: Bank, chosen: Sequence[tuple[Question, int]], topics: Sequence[str], seed: int) -> SolvedPaper:
    """Draw, solve and render each chosen question of a practice sheet, one numbered item each; repetition k
    of a question uses paper id practice-k."""
    items = tuple(Item(number, 0, (Part("", question, question.spec.marks),))
                  for number, (question, _) in enumerate(chosen, start=1))  # fmt: skip
    jobs = [Job(item, item.parts[0], f"{PRACTICE_PAPER}-{repetition}") for item, (_, repetition) in zip(
        items, chosen, strict=True)]  # fmt: skip
    parts = solve_parts(jobs, seed)
    return SolvedPaper(sheet_heading(bank, tuple(topics)), bank, None, seed, PRACTICE_PAPER, False, parts, items)
