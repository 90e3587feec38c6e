"""The files `qbank grade` writes beside a set (marks, grading detail, misconception report): checked first (not
an input, not in the way, replaced with `--force` only if it is a file of its kind that qbank wrote), then written
all or none through the writer."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from qbank.core.errors import Problem, UserError
from qbank.output.outdir import MARKS_COLUMNS, out_file_problems, written_by_qbank
from qbank.output.writer import write_files
from qbank.spec.load import display_name


@dataclass(frozen=True)
class GradeFile:
    """One file grading writes: where, its bytes, the option that names it, its kind and how to tell that an
    existing file is one of its kind qbank wrote."""

    path: Path
    data: bytes
    option: str
    kind: str
    ours: Callable[[Path], bool]


def csv_kind(*headers: Sequence[str]) -> Callable[[Path], bool]:
    """A CSV qbank wrote: its header ends with one of `headers` (the current one, then older ones)."""
    return lambda path: any(written_by_qbank(path, header) for header in headers)


def marks_file(path: Path, data: bytes) -> GradeFile:
    """marks.csv (`--out`)."""
    return GradeFile(path, data, "--out", "marks", csv_kind(MARKS_COLUMNS))


def write_marks(files: Sequence[GradeFile], force: bool, inputs: Iterable[Path]) -> None:
    """Write the grading files all or nothing, after checking that they are different files, that none is in the
    way, none is an input (the responses, the manifest or a file of the set) and, with `force`, that each existing
    one is a file of its kind that qbank wrote."""
    problems = []
    seen: dict[Path, GradeFile] = {}
    for file in files:
        first = seen.setdefault(file.path.resolve(), file)
        if first is not file:
            message = f"the {file.kind.removeprefix('grading ')} file must differ from the {first.kind} file"
            problems.append(Problem("<command line>", 0, file.option, f"{message} ({display_name(file.path)})"))
    protected = {path.resolve() for path in inputs}
    for file in files:
        if file.path.resolve() in protected:
            message = f"{display_name(file.path)} is an input (the responses, the manifest or a file of the set)"
            problems.append(Problem("<command line>", 0, file.option, message + "; write the marks elsewhere"))
        else:
            problems.extend(out_file_problems(file.path, file.option, force, file.kind, (), file.ours))
    if problems:
        raise UserError(problems)
    write_files({file.path: file.data for file in files})
