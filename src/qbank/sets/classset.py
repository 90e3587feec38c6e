"""Class sets: one paper and key per student (or per form), a key booklet, a gradebook and the manifest.

Each paper's id (roll number or form letter) enters the seed of every stream, so a student's paper depends
only on (exam, seed, roll), not on the roster's size or order.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import time
from collections.abc import Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from qbank.check.exam_sweep import require_distinct_forms
from qbank.core.csvfiles import csv_bytes
from qbank.core.lifetime import guard_worker
from qbank.core.progress import Progress
from qbank.output.booklet import BOOKLET, booklet_label, merge_pdfs
from qbank.output.fontrecord import merge_records
from qbank.output.manifest import assemble_manifest, inputs_record, manifest_bytes, seal
from qbank.output.outdir import bank_inputs, check_output
from qbank.output.writer import Staging, write_durable
from qbank.preflight.checks import checked_exam
from qbank.preflight.fontcover import check_printable
from qbank.render.question import PageRenderer
from qbank.sets.build import BuildResult
from qbank.sets.workers import JobSpec, run_jobs
from qbank.spec.exam import Exam
from qbank.spec.load import display_name
from qbank.spec.roster import Student, form_ids, read_roster

GRADEBOOK = "answers.csv"


@dataclass(frozen=True)
class ClassPaper:
    """One paper of a class set: its id (roll number or form letter) and who it is for."""

    id: str
    student: Mapping[str, str]


def roster_papers(roster: Path) -> tuple[list[ClassPaper], dict[str, Any], list[Student]]:
    """Papers for every student of a roster (validated first), the roster's record for the manifest, and the
    students as read (with their lines, for the font coverage check)."""
    students = read_roster(roster)
    record = {"file": str(roster), "sha256": hashlib.sha256(roster.read_bytes()).hexdigest(), "students": len(students)}
    return [ClassPaper(s.roll, s.fields()) for s in students], record, students


def form_papers(count: int) -> list[ClassPaper]:
    """Papers for forms A, B, C, ..."""
    return [ClassPaper(letter, {"form": letter}) for letter in form_ids(count)]


def default_jobs() -> int:
    """One worker per core this process may use."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def answer_header(exam: Exam) -> list[str]:
    """Gradebook answer columns, `question-id:answer-name`, for every question any paper may get."""
    return [f"{part.key}:{name}" for part in exam.candidate_parts() for name in part.question.spec.answers]


def gradebook(
    exam: Exam,
    papers: Sequence[ClassPaper],
    results: Sequence[Mapping[str, Any]],
    identity: Sequence[str],
    bom: bool = True,
) -> bytes:
    """answers.csv: one row per student (or form), its identity columns, then its formatted answers."""
    identity = list(identity)
    columns = answer_header(exam)
    rows = [
        [paper.student.get(k, "") for k in identity] + [result["answers"].get(c, "") for c in columns]
        for paper, result in zip(papers, results, strict=True)
    ]
    return csv_bytes([identity + columns, *rows], bom)


def key_booklet(root: Path, papers: Sequence[ClassPaper]) -> tuple[str, float]:
    """Write every paper's key, in roster order, as one PDF with a bookmark per student (or form); return its
    digest and this process's peak memory."""
    from qbank.sets.workers import max_rss_mb

    parts = [(root / "keys" / f"{paper.id}.pdf", booklet_label(paper.id, paper.student)) for paper in papers]
    return merge_pdfs(parts, root / BOOKLET), max_rss_mb()


def merge_booklet(root: Path, papers: Sequence[ClassPaper], jobs: int) -> tuple[str, float]:
    """The key booklet, merged in a short-lived process when building in parallel (its peak memory is then
    the merge's own)."""
    if jobs <= 1 or len(papers) <= 1:
        return key_booklet(root, papers)
    context = multiprocessing.get_context("forkserver")
    with ProcessPoolExecutor(max_workers=1, mp_context=context, initializer=guard_worker,
                             initargs=(os.getpid(),)) as pool:  # fmt: skip
        return pool.submit(key_booklet, root, list(papers)).result()


def make_class_set(
    recipe: Mapping[str, Any],
    root: Path,
    jobs: int,
    progress: Progress,
    only: Sequence[str] | None = None,
    command: Sequence[str] = (),
    exam: Exam | None = None,
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Render the class set described by `recipe` (or only the papers `only`) into the folder `root`; return
    its manifest (not written) and run statistics (peak memory of the workers and the booklet merge, its time)."""
    exam_path = Path(recipe["exam"])
    exam = exam or checked_exam(exam_path)
    papers = [ClassPaper(p["id"], p["student"]) for p in recipe["papers"] if only is None or p["id"] in only]
    template_dirs = tuple(recipe.get("templates", []))
    renderer = PageRenderer([Path(d) for d in template_dirs])
    key_style = recipe.get("key", "full")  # sets built before key styles existed had full keys
    spec = JobSpec(
        str(exam_path), exam.digest, recipe["seed"], recipe["canonical"], template_dirs, str(root), key_style
    )
    (root / "papers").mkdir(parents=True, exist_ok=True)
    (root / "keys").mkdir(exist_ok=True)
    progress.message(f"{len(papers)} papers and keys in {min(jobs, len(papers))} worker process(es)")
    results = run_jobs(spec, [(p.id, p.student) for p in papers], jobs, lambda r: progress.advance(r["paper_id"]))
    digests = {name: digest for result in results for name, digest in result["files"].items()}
    merger_rss = merger_seconds = 0.0
    if only is None:
        started = time.perf_counter()
        digests[BOOKLET], merger_rss = merge_booklet(root, papers, jobs)
        merger_seconds = time.perf_counter() - started
        data = gradebook(exam, papers, results, recipe["columns"], recipe.get("csv_bom", False))
        write_durable(root / GRADEBOOK, data)
        digests[GRADEBOOK] = hashlib.sha256(data).hexdigest()
    extra = {"kind": "class", "recipe": dict(recipe), "inputs": inputs_record(renderer.template_dirs)}
    records = [r["record"] for r in results]
    fonts = merge_records(r["fonts"] for r in results)  # the booklet holds the keys: no other fonts
    manifest = assemble_manifest(
        exam, records, recipe["seed"], recipe["canonical"], digests, list(command), extra, fonts=fonts
    )
    stats = {
        "worker_peak_rss_mb": {r["pid"]: r["max_rss_mb"] for r in results},
        "worker_cpu_seconds": sum(r["cpu_seconds"] for r in results),
        "booklet_peak_rss_mb": merger_rss,
        "booklet_seconds": merger_seconds,
    }
    return manifest, stats


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
) -> BuildResult:
    """Validate the roster and the exam, then build the whole class set atomically into `out_dir`."""
    given = [exam_path, *([roster] if roster is not None else []), *template_dirs]
    check_output(out_dir, force, given, template_dirs)
    papers, roster_record, students = (
        roster_papers(roster) if roster is not None else (form_papers(forms or 1), None, [])
    )
    exam = checked_exam(exam_path)  # every exam error is reported before a worker starts
    inputs = [*given, *bank_inputs(exam.bank.root, exam.bank.module_digests)]
    check_output(out_dir, force, inputs)
    check_printable(exam, students, display_name(roster) if roster is not None else None)  # before any render
    if forms is not None and roster is None:
        require_distinct_forms(exam, seed, forms, canonical)  # `forms_differ: true`: no two forms share numbers
    recipe = {
        "kind": "class", "exam": str(exam_path.resolve()), "seed": seed, "canonical": canonical, "key": key_style,
        "templates": [str(Path(d).resolve()) for d in template_dirs], "roster": roster_record,
        "forms": forms if roster is None else None, "csv_bom": csv_bom,
        "columns": list(dict.fromkeys(key for paper in papers for key in paper.student)),
        "papers": [{"id": p.id, "student": dict(p.student)} for p in papers],
    }  # fmt: skip
    with Staging(out_dir, force, inputs) as staging, Progress(len(papers), "papers", enabled=progress) as bar:
        manifest, _ = make_class_set(
            recipe, staging.path, jobs or default_jobs(), bar, command=command or [], exam=exam
        )
        manifest["built_in"] = str(Path(out_dir).resolve())  # lets an audit find inputs that moved with the set
        digest = seal(manifest)
        staging.write("manifest.json", manifest_bytes(manifest))
        staging.commit()
    return BuildResult(out_dir, manifest["files"], digest)
