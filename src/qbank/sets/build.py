"""Build an exam set: check the output and the exam, then produce paper, key, practice sheet, key sidecar and
manifest (qbank.output.produce)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from qbank.core.progress import Progress
from qbank.output.outdir import bank_inputs, check_output
from qbank.output.produce import produce
from qbank.output.recipes import ExamSetRecipe
from qbank.preflight.checks import checked_exam
from qbank.preflight.fontcover import check_printable


@dataclass(frozen=True)
class BuildResult:
    """What a build wrote and where."""

    out_dir: Path
    files: dict[str, str]
    set_sha256: str = ""  # the set digest recorded in the manifest (see qbank.output.manifest_read.set_digest)
    notes: tuple[str, ...] = ()  # the exam's located remarks that are no error, for the command to print


def build_exam(
    exam_path: Path,
    seed: int,
    out_dir: Path,
    *,
    canonical: bool = False,
    key_style: str = "full",
    force: bool = False,
    template_dirs: Sequence[Path] = (),
    command: list[str] | None = None,
    progress: Progress | None = None,
) -> BuildResult:
    """Validate, draw, solve, render and write one exam set atomically into `out_dir`."""
    check_output(out_dir, force, [exam_path, *template_dirs], template_dirs)
    exam = checked_exam(exam_path)
    inputs = [exam_path, *template_dirs, *bank_inputs(exam.bank.root, exam.bank.module_digests)]
    check_output(out_dir, force, inputs)
    check_printable(exam)  # a header field no pinned font covers is an error before anything is drawn
    recipe = ExamSetRecipe(str(exam_path.resolve()), seed, canonical, key_style,
                           tuple(str(Path(d).resolve()) for d in template_dirs))  # fmt: skip
    made = produce(recipe, out_dir, force=force, inputs=inputs, command=command or [], progress=progress, exam=exam)
    return BuildResult(out_dir, made.files, made.set_sha256, tuple(str(note) for note in exam.notes))
