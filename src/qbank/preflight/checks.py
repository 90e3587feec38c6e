"""Preflight entry points: the checks that draw, typeset or read templates, run for exactly what a command uses.

Loading (`qbank.spec`) checks what files say; preflight checks what using them needs: template names, label
math, satisfiable constraints and canonical values per question, and an exam's scenario draws. `build` runs it
for the questions an exam can put on a paper, `check` and `variants` for every question named.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from pathlib import Path

from qbank.core.errors import Problem, UserError
from qbank.preflight.draws import satisfiability_problems
from qbank.preflight.labels import label_problems
from qbank.preflight.scenarios import scenario_problems
from qbank.preflight.templates import template_problems
from qbank.spec.bank import Bank, bank_location, read_bank
from qbank.spec.exam import Exam, read_exam
from qbank.spec.load import display_name
from qbank.spec.validate import Question


def question_problems(question: Question) -> list[Problem]:
    """A question's template and label problems; when it has none, its trial-draw problems."""
    problems = template_problems(question) + label_problems(question)
    return problems or satisfiability_problems(question)


def preflight(bank: Bank, questions: Iterable[Question] | None = None) -> None:
    """Preflight these questions of the bank (all of them when None); raise UserError with every problem."""
    chosen = bank.questions.values() if questions is None else questions
    problems = [problem for question in chosen for problem in question_problems(question)]
    if problems:
        raise UserError(sorted(problems))


def preflight_exam(exam: Exam, problems: Iterable[Problem] = ()) -> None:
    """Preflight what an exam uses: every question any of its papers can hold, then its scenarios (reported with
    `problems`, those its loading found in the scenarios)."""
    used = {part.question.id: part.question for part in exam.candidate_parts()}
    try:
        preflight(exam.bank, used.values())
    except UserError as exc:  # reported with what loading found (scenario draws would repeat the questions' faults)
        raise UserError([*exc.problems, *problems]) from None
    found = [*problems, *scenario_problems(exam)]
    if found:
        raise UserError(found)


def checked_bank(path: Path, only: Path | None = None) -> Bank:
    """Load a bank (or only one question file of it) and preflight every question; all problems raised together."""
    bank, problems, drafts = read_bank(path, only)
    problems += [problem for question in bank.questions.values() for problem in question_problems(question)]
    problems += [problem for draft in drafts for problem in template_problems(draft) + label_problems(draft)]
    if problems:
        raise UserError(sorted(problems))
    return bank


def checked_questions(path: Path) -> tuple[Bank, list[Question]]:
    """What a CLI PATH names (a bank folder, its bank.yaml or one question file), loaded and preflighted."""
    bank = checked_bank(*bank_location(path))
    return bank, list(bank.questions.values())


def checked_exam(path: Path, whole_bank: bool = False) -> Exam:
    """Load an exam file and preflight what it uses (the path `build` takes): only the bank's questions it uses
    are loaded unless `whole_bank`; each broken question file it does not use is named in a note on stderr."""
    exam, problems = read_exam(path, whole_bank)
    preflight_exam(exam, problems)
    for name in exam.skipped:
        print(f"qbank: note: {name}: not loaded: it has errors and the exam does not use it "
              f"(qbank check {display_name(exam.bank.root)} lists them)", file=sys.stderr)  # fmt: skip
    return exam
