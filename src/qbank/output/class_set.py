"""The class-set producer: a paper and key per student (or per form) made in worker processes, a key booklet,
a gradebook and the manifest.

Each paper's id (roll number or form letter) enters the seed of every stream, so a student's paper depends
only on (exam, seed, roll), not on the roster's size or order.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from pathlib import Path

from qbank.core.csvfiles import csv_bytes
from qbank.core.lifetime import guard_worker
from qbank.output.booklet import BOOKLET, booklet_label, merge_pdfs
from qbank.output.class_paper import JobSpec, PaperResult, run_jobs
from qbank.output.documents import template_folders
from qbank.output.fontrecord import merge_records
from qbank.output.manifest import Manifest, inputs_record, set_record
from qbank.output.manifest_stream import RecordSpool
from qbank.output.pool import max_rss_mb, pool_results
from qbank.output.recipes import ClassPaper, ClassSetRecipe
from qbank.output.run import Run, RunStats
from qbank.output.writer import StagedFolder
from qbank.preflight.checks import checked_exam
from qbank.solve.choices import asked_as_choice
from qbank.spec.exam import Exam, Part

GRADEBOOK = "answers.csv"


def answer_header(exam: Exam) -> list[str]:
    """Gradebook answer columns, `question-id:answer-name`, for every answer any paper may ask (a placement with
    `ask: choice` asks only its answers asked as multiple choice, as its records' `answer_specs` hold)."""
    return [f"{part.key}:{name}" for part in exam.candidate_parts() for name in asked_answers(part)]


def asked_answers(part: Part) -> tuple[str, ...]:
    """The answers a placement asks and grading reads (SolvedPart.graded, known before any paper is drawn)."""
    if part.ask == "choice":
        return asked_as_choice(part.question, "choice")
    return tuple(part.question.spec.answers)


def gradebook(exam: Exam, papers: Sequence[ClassPaper], results: Sequence[PaperResult], identity: Sequence[str],
              bom: bool = True) -> bytes:  # fmt: skip
    """answers.csv: one row per student (or form), its identity columns, then its formatted answers."""
    identity = list(identity)
    columns = answer_header(exam)
    rows = [
        [paper.student.get(k, "") for k in identity] + [result.answers.get(c, "") for c in columns]
        for paper, result in zip(papers, results, strict=True)
    ]
    return csv_bytes([identity + columns, *rows], bom)


def key_booklet(folder: StagedFolder, papers: Sequence[ClassPaper]) -> tuple[str, float]:
    """Write every paper's key, in roster order, as one PDF with a bookmark per student (or form); return its
    digest and this process's peak memory."""
    parts = [(folder.file(f"keys/{paper.id}.pdf"), booklet_label(paper.id, paper.student)) for paper in papers]
    return merge_pdfs(parts, folder.file(BOOKLET)), max_rss_mb()


def merge_booklet(folder: StagedFolder, papers: Sequence[ClassPaper], jobs: int) -> tuple[str, float]:
    """The key booklet, merged in a short-lived worker process when building in parallel (its peak memory is
    then the merge's own)."""
    if jobs <= 1 or len(papers) <= 1:
        return key_booklet(folder, papers)
    return next(pool_results(key_booklet, [(folder, list(papers))], 1, guard_worker))


def produce_class_set(recipe: ClassSetRecipe, run: Run) -> tuple[Manifest, RunStats]:
    """Render the class set of `recipe` (or only the papers `run.only`) into the staging folder."""
    exam = run.exam or checked_exam(Path(recipe.exam))
    papers = [p for p in recipe.papers if run.only is None or p.id in run.only]
    spec = JobSpec(recipe.exam, exam.digest, recipe.seed, recipe.canonical, recipe.templates, run.folder,
                   recipe.key_style)  # fmt: skip
    count, workers = len(papers), min(run.jobs, len(papers))
    made = f"{count} paper{'s' if count != 1 else ''} and key{'s' if count != 1 else ''}"
    jobs = [(p.id, p.student) for p in papers]
    finished = None
    if run.cluster is not None:
        from qbank.output.bundle import make_bundle
        from qbank.output.class_cluster import cluster_papers

        run.message(f"{made} on the Dask cluster {run.cluster}")
        finished = cluster_papers(run.cluster, spec, make_bundle(Path(recipe.exam), exam, recipe.templates), jobs,
                                  run.folder)  # fmt: skip
    else:
        run.message(f"{made} in {workers} worker process{'es' if workers != 1 else ''}")
    fonts: list = []  # the fonts of the papers so far, each once (qbank.output.fontrecord.merge_records)

    def arrived(result: PaperResult) -> None:
        fonts[:] = merge_records([fonts, result.fonts])
        run.advance(result.paper_id)

    spool = RecordSpool(run.folder, [paper.id for paper in papers])  # records leave memory on arrival
    results = run_jobs(spec, jobs, run.jobs, arrived, finished, exam, spool)
    digests = {name: digest for result in results for name, digest in result.files.items()}
    merger_rss = merger_seconds = 0.0
    if run.only is None:
        started = time.perf_counter()
        digests[BOOKLET], merger_rss = merge_booklet(run.folder, papers, run.jobs)
        merger_seconds = time.perf_counter() - started
        data = gradebook(exam, papers, results, recipe.columns, bool(recipe.csv_bom))
        digests[GRADEBOOK] = run.folder.write(GRADEBOOK, data)
    record = set_record(exam.bank, exam, [], recipe.seed, recipe.canonical)  # the papers' records: in the spool
    manifest = Manifest("class", recipe, record, run.command, tuple(fonts), digests,  # the booklet: keys' fonts only
                        inputs_record(template_folders(recipe.templates)), spool=spool)  # fmt: skip
    stats = RunStats({r.pid: r.max_rss_mb for r in results}, sum(r.cpu_seconds for r in results), merger_rss,
                     merger_seconds)  # fmt: skip
    return manifest, stats
