"""The class-set producer: a paper and key per student (or per form) made in worker processes, a key booklet,
a gradebook and the manifest.

Each paper's id (roll number or form letter) enters the seed of every stream, so a student's paper depends
only on (exam, seed, roll), not on the roster's size or order.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Iterable, Mapping, Sequence
from itertools import chain
from pathlib import Path

from qbank.core.csvfiles import csv_bytes
from qbank.core.lifetime import guard_worker
from qbank.output.booklet import BOOKLET, booklet_label, merge_pdfs
from qbank.output.booklet_files import booklet_files
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


def gradebook_row(student: Mapping[str, str], answers: Mapping[str, str], identity: Sequence[str],
                  columns: Sequence[str]) -> bytes:  # fmt: skip
    """One student's (or form's) gradebook row as CSV bytes: its identity columns, then its formatted answers."""
    return csv_bytes([[student.get(k, "") for k in identity] + [answers.get(c, "") for c in columns]], bom=False)


def write_gradebook(folder: StagedFolder, header: Sequence[str], rows: Iterable[bytes], bom: bool) -> str:
    """answers.csv: the header row, then every paper's row (as spooled, in roster order), streamed into the
    staging folder; return its digest (the bytes are those of the whole table written at once)."""
    digest = hashlib.sha256()
    with folder.stream(GRADEBOOK) as handle:
        for chunk in chain([csv_bytes([list(header)], bom)], rows):
            handle.write(chunk)
            digest.update(chunk)
    return digest.hexdigest()


def key_booklet(folder: StagedFolder, papers: Sequence[ClassPaper], name: str = BOOKLET) -> tuple[str, float]:
    """Write every paper's key, in roster order, as one PDF `name` with a bookmark per student (or form);
    return its digest and this process's peak memory."""
    parts = [(folder.file(f"keys/{paper.id}.pdf"), booklet_label(paper.id, paper.student)) for paper in papers]
    return merge_pdfs(parts, folder.file(name)), max_rss_mb()


def key_booklets(folder: StagedFolder, papers: Sequence[ClassPaper], per: int | None) -> tuple[dict[str, str], float]:
    """The key booklet, split into files of at most `per` students (qbank.output.booklet_files); return each
    file's digest and this process's peak memory."""
    digests = {name: key_booklet(folder, papers[first - 1 : last], name)[0]
               for name, first, last in booklet_files(len(papers), per)}  # fmt: skip
    return digests, max_rss_mb()


def merge_booklet(folder: StagedFolder, papers: Sequence[ClassPaper], jobs: int,
                  per: int | None = None) -> tuple[dict[str, str], float]:  # fmt: skip
    """The key booklet's files, merged in a short-lived worker process when building in parallel (its peak
    memory is then the merge's own)."""
    if jobs <= 1 or len(papers) <= 1:
        return key_booklets(folder, papers, per)
    return next(pool_results(key_booklets, [(folder, list(papers), per)], 1, guard_worker))


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

        def connected(count: int) -> None:
            run.message(f"{made} on the Dask cluster {run.cluster} ({count} worker{'s' if count != 1 else ''})")

        finished = cluster_papers(run.cluster, spec, make_bundle(Path(recipe.exam), exam, recipe.templates), jobs,
                                  run.folder, connected)  # fmt: skip
    else:
        run.message(f"{made} in {workers} worker process{'es' if workers != 1 else ''}")
    fonts: list = []  # the fonts of the papers so far, each once (qbank.output.fontrecord.merge_records)

    identity, columns = list(recipe.columns), answer_header(exam)
    students = {paper.id: paper.student for paper in papers}

    def arrived(result: PaperResult) -> None:
        fonts[:] = merge_records([fonts, result.fonts])
        spool.add_row(result.paper_id, gradebook_row(students[result.paper_id], result.answers, identity, columns))
        run.advance(result.paper_id)

    spool = RecordSpool(run.folder, [paper.id for paper in papers])  # records and rows leave memory on arrival
    results = run_jobs(spec, jobs, run.jobs, arrived, finished, exam, spool)
    digests = {name: digest for result in results for name, digest in result.files.items()}
    merger_rss = merger_seconds = 0.0
    if run.only is None:
        started = time.perf_counter()
        run.message(f"key booklet: merging {count} key{'s' if count != 1 else ''}")
        booklets, merger_rss = merge_booklet(run.folder, papers, run.jobs, recipe.booklet_students)
        digests.update(booklets)
        merger_seconds = time.perf_counter() - started
        digests[GRADEBOOK] = write_gradebook(run.folder, identity + columns, spool.rows(), bool(recipe.csv_bom))
    record = set_record(exam.bank, exam, [], recipe.seed, recipe.canonical)  # the papers' records: in the spool
    manifest = Manifest("class", recipe, record, run.command, tuple(fonts), digests,  # the booklet: keys' fonts only
                        inputs_record(template_folders(recipe.templates)), spool=spool)  # fmt: skip
    stats = RunStats({r.pid: r.max_rss_mb for r in results}, sum(r.cpu_seconds for r in results), merger_rss,
                     merger_seconds)  # fmt: skip
    return manifest, stats
