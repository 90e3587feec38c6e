"""Class sets: check the roster, the exam and the output, then produce one paper and key per student (or per
form), a key booklet, a gradebook and the manifest (qbank.output.class_set)."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from qbank.core.progress import Progress
from qbank.output.booklet_files import BOOKLET_STUDENTS
from qbank.output.outdir import check_output
from qbank.output.produce import produce
from qbank.output.recipes import ClassPaper, ClassSetRecipe
from qbank.sets.build import BuildResult
from qbank.sets.inputs import checked_inputs
from qbank.spec.roster import Student, form_ids


def roster_papers(roster: Path, students: Sequence[Student]) -> tuple[list[ClassPaper], dict[str, Any]]:
    """Papers for every student of a roster (validated), and the roster's record for the manifest."""
    record = {"file": str(roster), "sha256": hashlib.sha256(roster.read_bytes()).hexdigest(), "students": len(students)}
    return [ClassPaper(s.roll, s.fields()) for s in students], record


def form_papers(count: int) -> list[ClassPaper]:
    """Papers for forms A, B, C, ..."""
    return [ClassPaper(letter, {"form": letter}) for letter in form_ids(count)]


def default_jobs() -> int:
    """One worker per core this process may use."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def build_class(
    exam_path: Path,
    seed: int,
    out_dir: Path,
    *,
    roster: Path | None = None,
    forms: int | None = None,
    canonical: bool = False,
    key_style: str = "compact",
    force: bool = False,
    template_dirs: Sequence[Path] = (),
    jobs: int | None = None,
    command: list[str] | None = None,
    progress: bool = True,
    csv_bom: bool = True,
    cluster: str | None = None,
    booklet_students: int = BOOKLET_STUDENTS,
) -> BuildResult:
    """Validate the roster and the exam, then build the whole class set atomically into `out_dir` (its papers on
    the Dask cluster `cluster` when given; its key booklet split into files of `booklet_students` students)."""
    given = [exam_path, *([roster] if roster is not None else []), *template_dirs]
    check_output(out_dir, force, given, template_dirs)
    exam, inputs, students = checked_inputs(exam_path, out_dir, force, given, roster)  # before any render
    papers, roster_record = roster_papers(roster, students) if roster is not None else (form_papers(forms or 1), None)
    if forms is not None and roster is None and exam.spec.forms_differ:
        from qbank.check.exam_sweep import require_distinct_forms  # the sweep's modules (0.15 s): only when used

        require_distinct_forms(exam, seed, forms, canonical)  # `forms_differ: true`: no two forms share numbers
    recipe = ClassSetRecipe(
        str(exam_path.resolve()), seed, tuple(papers), tuple(dict.fromkeys(k for p in papers for k in p.student)),
        canonical, key_style, tuple(str(Path(d).resolve()) for d in template_dirs), roster_record,
        forms if roster is None else None, csv_bom, booklet_students,
    )  # fmt: skip
    with Progress(len(papers), "papers", enabled=progress) as bar:
        made = produce(recipe, out_dir, force=force, inputs=inputs, command=command or [],
                       jobs=jobs or default_jobs(), progress=bar, exam=exam, cluster=cluster)  # fmt: skip
    return BuildResult(out_dir, made.files, made.set_sha256, tuple(str(note) for note in exam.notes))
