"""Before a build draws anything: the roster, the exam, `--out` against the bank's files and the fonts' coverage of
what the pages print, checked together so that one run reports every problem they have."""

from __future__ import annotations

from pathlib import Path

from qbank.core.errors import UserError
from qbank.output.outdir import bank_inputs, check_output
from qbank.preflight.checks import checked_exam
from qbank.preflight.fontcover import printable_problems
from qbank.spec.exam import Exam
from qbank.spec.load import display_name
from qbank.spec.roster import Student, roster_rows


def checked_inputs(exam_path: Path, out_dir: Path, force: bool, given: list[Path], roster: Path | None = None
                   ) -> tuple[Exam, list[Path], list[Student]]:  # fmt: skip
    """The exam (loaded and preflighted), the run's inputs (`given` and the bank's files) and the roster's
    students; or one UserError with the problems of the roster's rows, of the exam, of `--out` against the bank,
    and the characters no pinned font covers in the exam's printed fields (when it passed) and in the roster's
    fields without a problem (a field with one is not checked again)."""
    try:
        students, problems = roster_rows(roster) if roster is not None else ([], [])
    except UserError as exc:  # not a roster at all (no roll or name column, not UTF-8): the exam is checked still
        students, problems = [], list(exc.problems)
    skip = {(problem.line, problem.path) for problem in problems}
    exam: Exam | None = None
    inputs = given
    try:
        exam = checked_exam(exam_path)  # every exam error is reported before a worker starts
        inputs = [*given, *bank_inputs(exam.bank.root, exam.bank.module_digests)]
        check_output(out_dir, force, inputs)
    except UserError as exc:
        problems += exc.problems
    problems += printable_problems(exam, students, display_name(roster) if roster is not None else None, skip)
    if problems or exam is None:
        raise UserError(sorted(problems, key=lambda problem: (problem.file, problem.line)))  # file by file
    return exam, inputs, students
