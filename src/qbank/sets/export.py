"""LMS exports: check the output folder and the inputs, then produce K variants of every question in one LMS
format (qbank.output.lms.export_set)."""

from __future__ import annotations

from pathlib import Path

from qbank.core.errors import Problem, UserError
from qbank.output.lms.export_set import NOTES, export_file
from qbank.output.lms.source import is_exam_file
from qbank.output.outdir import bank_inputs, check_output
from qbank.output.produce import produce
from qbank.output.recipes import ExportRecipe
from qbank.preflight.checks import checked_exam
from qbank.sets.build import BuildResult
from qbank.sets.export_file import export_to_file, extension_problems, names_a_file
from qbank.spec.bank import bank_location

FORMAT_NAMES = ("moodle", "qti21", "canvas")


def export(path: Path, fmt: str, variants: int, seed: int, out_dir: Path, *, ask: str | None = None,
           force: bool = False, command: list[str] | None = None) -> tuple[BuildResult, str]:  # fmt: skip
    """Write the export, its notes and manifest atomically into the folder `out_dir`, or at `out_dir` and beside
    it when it names an export file (see qbank.sets.export_file); return what was written and the notes."""
    problems = []
    if fmt not in FORMAT_NAMES:
        problems.append(Problem("<command line>", 0, "--format", f"unknown format {fmt!r} (one of "
                                f"{', '.join(FORMAT_NAMES)})"))  # fmt: skip
    if variants < 1:
        problems.append(Problem("<command line>", 0, "--variants", f"must be at least 1, got {variants}"))
    exam_file = is_exam_file(path) if Path(path).exists() else False
    if exam_file and ask is not None:
        problems.append(Problem("<command line>", 0, "--ask", "an exam's entries say how each question is asked "
                                "(ask: free|choice); --ask is for a bank or a question file"))  # fmt: skip
    to_file = names_a_file(out_dir)
    if to_file and fmt in FORMAT_NAMES:
        problems.extend(extension_problems(out_dir, fmt))
    if problems:
        raise UserError(problems)
    exam = None
    file = Path(out_dir).name if to_file else None
    if exam_file:
        if not to_file:
            check_output(out_dir, force, [path])
        exam = checked_exam(path)
        inputs = [path, *bank_inputs(exam.bank.root, exam.bank.module_digests)]
        recipe = ExportRecipe(fmt, seed, variants, exam=str(Path(path).resolve()), file=file)
    else:
        root, _ = bank_location(path)
        inputs = [path, *bank_inputs(root)]
        recipe = ExportRecipe(fmt, seed, variants, bank=str(Path(path).resolve()), ask=ask or "free", file=file)
    if to_file:
        return export_to_file(recipe, Path(out_dir), force, inputs, command or [], exam)
    check_output(out_dir, force, inputs)
    made = produce(recipe, out_dir, force=force, inputs=inputs, command=command or [], exam=exam)
    notes = (Path(out_dir) / NOTES).read_text(encoding="utf-8")
    files = {**made.files, "manifest.json": made.manifest_sha256}
    return BuildResult(out_dir, {name: files[name] for name in (export_file(fmt), NOTES, "manifest.json")},
                       made.set_sha256), notes  # fmt: skip
