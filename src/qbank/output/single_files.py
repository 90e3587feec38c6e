"""The files `qbank grade` writes beside a set (marks and grading detail CSVs): checked first (not an input,
not in the way, replaced with `--force` only if it is a file of its kind that qbank wrote), then written all or
none through the writer."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

from qbank.core.errors import Problem, UserError
from qbank.output.outdir import MARKS_COLUMNS, out_file_problems
from qbank.output.writer import write_files
from qbank.spec.load import display_name


def write_marks(marks: tuple[Path, bytes], detail: tuple[Path, bytes], detail_columns: Sequence[str], force: bool,
                inputs: Iterable[Path]) -> None:  # fmt: skip
    """Write the marks and detail files all or nothing, after checking that none is in the way, none is an
    input (the responses, the manifest or a file of the set) and, with `force`, that each existing one is a file
    of its kind that qbank wrote (a CSV whose header ends with its kind's columns)."""
    files = dict([marks, detail])
    problems = []
    if len({path.resolve() for path in files}) != 2:
        problems.append(Problem("<command line>", 0, "--detail", "the detail file must differ from the marks file"))
    protected = {path.resolve() for path in inputs}
    kinds = (("--out", "marks", tuple(MARKS_COLUMNS)), ("--detail", "grading detail", tuple(detail_columns)))
    for path, (option, kind, columns) in zip(files, kinds, strict=False):
        if path.resolve() in protected:
            message = f"{display_name(path)} is an input (the responses, the manifest or a file of the set)"
            problems.append(Problem("<command line>", 0, option, message + "; write the marks elsewhere"))
        else:
            problems.extend(out_file_problems(path, option, force, kind, columns))
    if problems:
        raise UserError(problems)
    write_files(files)
