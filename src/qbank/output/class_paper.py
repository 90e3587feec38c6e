"""One class-set paper in a worker process: solve it for its student (or form), render its paper and key into
the staging folder, and hand back a typed result. Each worker loads the exam and the templates once."""

from __future__ import annotations

import dataclasses
import hashlib
import os
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from qbank.core.errors import Problem, UserError
from qbank.core.lifetime import guard_worker
from qbank.output.documents import Documents
from qbank.output.fontrecord import embedded_fonts
from qbank.output.manifest_stream import RecordBytes, RecordSpool, record_bytes
from qbank.output.pool import max_rss_mb, pool_results
from qbank.output.records import PaperRecord, paper_record
from qbank.output.writer import StagedFolder
from qbank.render.leaks import paper_leaks
from qbank.render.paper import SolvedPaper, solve_paper
from qbank.spec.exam import Exam, load_exam
from qbank.speedups import install_all

PlainProblem = tuple[str, int, str, str]


@dataclass(frozen=True)
class JobSpec:
    """What every worker needs: the exam (and its digest when the build loaded it), seed, key style and
    templates, and the staging folder it writes into."""

    exam_path: str
    exam_digest: str
    seed: int
    canonical: bool
    template_dirs: tuple[str, ...]
    folder: StagedFolder | None  # None on a Dask worker: the PDFs travel back in the result
    key_style: str


@dataclass(frozen=True)
class PaperResult:
    """What a worker hands back for one paper: its record (typed, or as `record_json`, the manifest's bytes, once
    `serialised`), the digests of the files it wrote (and their bytes when it has no staging folder), its
    gradebook cells and fonts, or the problems that stopped it; and the worker's pid, peak memory and CPU time."""

    paper_id: str
    record: PaperRecord | None = None
    files: Mapping[str, str] = field(default_factory=dict)
    answers: Mapping[str, str] = field(default_factory=dict)
    fonts: tuple[Mapping[str, Any], ...] = ()
    problems: tuple[PlainProblem, ...] = ()
    pid: int = 0
    max_rss_mb: float = 0.0
    cpu_seconds: float = 0.0
    data: Mapping[str, bytes] = field(default_factory=dict)
    record_json: RecordBytes | None = None


@dataclass(frozen=True)
class WorkerState:
    """A worker's exam and page templates, or the problems loading them gave."""

    spec: JobSpec
    exam: Exam | None
    documents: Documents | None
    problems: tuple[Problem, ...] = ()


_STATE: list[WorkerState] = []  # this process's state (one), set by `init_worker`


def answer_columns(paper: SolvedPaper) -> dict[str, str]:
    """A paper's asked answers as gradebook cells: column `placement:answer-name` -> formatted value, or the
    correct letters (`B`, `A, C`) of an answer asked as multiple choice (the placement is the question id, or
    `id#k` for its k-th placement)."""
    return {f"{s.part.key}:{name}": s.choices[name].key if name in s.choices else s.formatted[name]
            for s in paper.parts for name in s.graded}  # fmt: skip


def render_paper(state: WorkerState, paper_id: str, student: Mapping[str, str]) -> PaperResult:
    """Solve one paper, write its paper and key PDFs into the staging folder; return its record and digests."""
    started = time.process_time()
    assert state.exam is not None and state.documents is not None
    spec = state.spec
    paper = solve_paper(state.exam, spec.seed, paper_id, spec.canonical)
    leaks = paper_leaks(paper.parts, paper.seed)
    if leaks:
        raise UserError(leaks)
    files, pdfs = {}, {}
    for kind, folder in (("paper", "papers"), ("key", "keys")):
        data = state.documents.pdf(kind, state.documents.html(kind, paper, student))
        relative = f"{folder}/{paper_id}.pdf"
        files[relative] = spec.folder.write(relative, data) if spec.folder else hashlib.sha256(data).hexdigest()
        pdfs[relative] = data
    return PaperResult(paper_id, paper_record(paper, student), files, answer_columns(paper),
                       tuple(embedded_fonts(pdfs.values())), (), os.getpid(), max_rss_mb(),
                       time.process_time() - started, {} if spec.folder else pdfs)  # fmt: skip


def init_worker(spec: JobSpec, build_pid: int | None = None, loaded: Exam | None = None) -> None:
    """Load the exam and the page templates once per worker process (which ends with the build `build_pid`);
    in the build's own process, take the exam it has `loaded` already."""
    _STATE.clear()
    install_all()
    if build_pid is not None:
        guard_worker(build_pid)
    try:
        exam = loaded or load_exam(Path(spec.exam_path))
    except UserError as exc:
        _STATE.append(WorkerState(spec, None, None, tuple(exc.problems)))
        return
    if exam.digest != spec.exam_digest:
        changed = Problem(exam.file, 0, "", "the exam file changed while the set was being built")
        _STATE.append(WorkerState(spec, None, None, (changed,)))
        return
    _STATE.append(WorkerState(spec, exam, Documents(exam.bank.root, spec.template_dirs, spec.key_style)))


def run_job(paper_id: str, student: Mapping[str, str]) -> PaperResult:
    """Render one paper and key in a worker; its record comes back serialised, user errors as plain data."""
    return serialised(made_paper(paper_id, student))


def serialised(result: PaperResult) -> PaperResult:
    """The result with its record as the manifest's bytes (the client spools them without parsing)."""
    if result.record is None:
        return result
    return dataclasses.replace(result, record=None, record_json=record_bytes(result.record.to_json()))


def made_paper(paper_id: str, student: Mapping[str, str]) -> PaperResult:
    """Render one paper and key in a worker, its record typed; user errors come back as plain data (they do
    not pickle)."""
    state = _STATE[0]
    if state.problems:
        return PaperResult(paper_id, problems=tuple(_plain(p) for p in state.problems))
    try:
        return render_paper(state, paper_id, student)
    except UserError as exc:
        return PaperResult(paper_id, problems=tuple(_plain(p) for p in exc.problems))


def _plain(problem: Problem) -> PlainProblem:
    """A problem as a picklable tuple."""
    return (problem.file, problem.line, problem.path, problem.message)


def run_jobs(spec: JobSpec, papers: Sequence[tuple[str, Mapping[str, str]]], jobs: int,
             done: Callable[[PaperResult], None] | None = None, finished: Iterable[PaperResult] | None = None,
             exam: Exam | None = None, spool: RecordSpool | None = None) -> list[PaperResult]:  # fmt: skip
    """Render every (paper id, student) in `jobs` recycled worker processes (in this process when jobs is 1,
    with `exam` when the build has loaded it), or take the results `finished` another scheduler yields
    (qbank.output.class_cluster); call `done` with each result as it finishes; return the results in order.
    With a `spool`, each record goes to it as its paper arrives, and the results returned hold none (nor fonts
    or answers: `done` sees them)."""
    if finished is None and (jobs <= 1 or len(papers) <= 1):
        init_worker(spec, loaded=exam)
        finished = (run_job(paper_id, student) for paper_id, student in papers)
    elif finished is None:
        tasks = [(paper_id, dict(student)) for paper_id, student in papers]
        finished = pool_results(run_job, tasks, jobs, init_worker, (spec,))
    results: dict[str, PaperResult] = {}
    for result in finished:
        if done is not None:
            done(result)
        if spool is not None and result.record_json is not None:
            spool.add(result.paper_id, result.record_json)
            result = dataclasses.replace(result, record_json=None, fonts=(), answers={})
        results[result.paper_id] = result
    problems = [Problem(*p) for pid, _ in papers for p in results[pid].problems]
    if problems:
        raise UserError(sorted(set(problems), key=problems.index))
    return [results[pid] for pid, _ in papers]
