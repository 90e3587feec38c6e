"""The LMS-export producer: K solved variants of every question written in one LMS format (Moodle XML, a QTI 2.1
content package or a Canvas QTI 1.2 package), a notes file saying what each question became where the format
cannot grade as qbank does, and the manifest (one paper record per variant)."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence

from qbank.output.exam_set import refuse_leaks
from qbank.output.lms.canvas import FILE as CANVAS_FILE
from qbank.output.lms.canvas import canvas_notes, canvas_package
from qbank.output.lms.moodle import FILE as MOODLE_FILE
from qbank.output.lms.moodle import moodle_notes, moodle_xml
from qbank.output.lms.qti_package import FILE as QTI_FILE
from qbank.output.lms.qti_package import qti_notes, qti_package
from qbank.output.lms.shapes import Note
from qbank.output.lms.source import ExportQuestion, ExportSource, solve_export
from qbank.output.manifest import Manifest, inputs_record, set_record
from qbank.output.recipes import ExportRecipe
from qbank.output.records import paper_record
from qbank.output.run import Run, RunStats
from qbank.render.question import PACKAGE_TEMPLATES

NOTES = "notes.txt"
Writer = Callable[[ExportSource, Sequence[ExportQuestion]], bytes]
Notes = Callable[[ExportQuestion], list[Note]]
FORMATS: dict[str, tuple[str, Writer, Notes]] = {
    "moodle": (MOODLE_FILE, moodle_xml, moodle_notes),
    "qti21": (QTI_FILE, qti_package, qti_notes),
    "canvas": (CANVAS_FILE, canvas_package, canvas_notes),
}


def export_file(fmt: str) -> str:
    """The name of the file an export in `fmt` writes."""
    return FORMATS[fmt][0]


def file_names(recipe: ExportRecipe) -> tuple[str, str]:
    """The names of the export file and its notes: the format's names, or FILE and FILE.notes.txt when `--out`
    named the export file."""
    if recipe.file is None:
        return export_file(recipe.format), NOTES
    return recipe.file, f"{recipe.file}.{NOTES}"


def notes_text(notes: Sequence[Note]) -> bytes:
    """The notes file: one line per question whose export differs from qbank's grading (or a line saying none)."""
    lines = [str(note) for note in notes] or ["every question is exported as qbank grades it"]
    return ("\n".join(lines) + "\n").encode("utf-8")


def produce_export(recipe: ExportRecipe, run: Run) -> tuple[Manifest, RunStats]:
    """Solve the variants, refuse any whose text shows an answer, and write the export and its notes."""
    source = solve_export(recipe, run.exam)
    for paper in source.papers:
        refuse_leaks(paper)
    questions = source.questions()
    _, write, notes_of = FORMATS[recipe.format]
    name, notes_name = file_names(recipe)
    run.message(f"writing {name}")
    notes = notes_text([n for q in questions for n in notes_of(q)])
    digests = {name: run.folder.write(name, write(source, questions)), notes_name: run.folder.write(notes_name, notes)}
    records = [dataclasses.replace(paper_record(paper), paper_id=f"seed-{paper.seed}") for paper in source.papers]
    record = set_record(source.bank, source.exam, records, recipe.seed, False)
    manifest = Manifest("export", recipe, record, run.command, (), digests, inputs_record([PACKAGE_TEMPLATES]))
    return manifest, RunStats()
