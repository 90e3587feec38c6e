"""Worker processes of a class-set build: each loads the exam once, then renders papers and keys.

Workers start from a fork server that has already imported qbank and WeasyPrint, and are recycled
after `TASKS_PER_CHILD` papers, so memory stays flat however large the class is.
"""

from __future__ import annotations

import contextlib
import hashlib
import multiprocessing
import os
import resource
import sys
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from qbank.core.errors import Problem, UserError
from qbank.core.lifetime import guard_worker
from qbank.output.fontrecord import embedded_fonts
from qbank.output.manifest import paper_record
from qbank.output.pdf import PdfError, write_pdf
from qbank.output.writer import write_durable
from qbank.render.leaks import paper_leaks
from qbank.render.paper import SolvedPaper, page_context, solve_paper
from qbank.render.question import PageRenderer, formatted_answers
from qbank.spec.exam import Exam, load_exam
from qbank.speedups import install_all

TASKS_PER_CHILD = 25
_STATE: dict[str, Any] = {}


@dataclass(frozen=True)
class JobSpec:
    """What every worker needs: the exam, seed and templates, and the folder it writes into."""

    exam_path: str
    exam_digest: str
    seed: int
    canonical: bool
    template_dirs: tuple[str, ...]
    out_root: str
    key_style: str


def answer_columns(paper: SolvedPaper) -> dict[str, str]:
    """A paper's answers as gradebook cells: column `placement:answer-name` -> formatted value (the placement is
    the question id, or `id#k` for its k-th placement)."""
    cells = {}
    for solved in paper.parts:
        formatted = formatted_answers(solved.part.question, solved.variant)
        for name in solved.part.question.spec.answers:
            cells[f"{solved.part.key}:{name}"] = formatted[name]
    return cells


def render_one(exam: Exam, renderer: PageRenderer, spec: JobSpec, paper_id: str, student: Mapping[str, str]) -> dict:
    """Solve one paper, write its paper and key PDFs under `spec.out_root`; return its record and digests."""
    started = time.process_time()
    paper = solve_paper(exam, spec.seed, paper_id, spec.canonical)
    leaks = paper_leaks(paper.parts, paper.seed)
    if leaks:
        raise UserError(leaks)
    roots = [exam.bank.root, *renderer.template_dirs]
    files = {}
    pdfs = []
    for kind, folder in (("paper", "papers"), ("key", "keys")):
        html = renderer.render(kind, page_context(paper, kind, student))
        data = write_pdf(html, base_dir=renderer.template_dirs[0], allowed_roots=roots)
        relative = f"{folder}/{paper_id}.pdf"
        write_durable(Path(spec.out_root) / relative, data)
        files[relative] = hashlib.sha256(data).hexdigest()
        pdfs.append(data)
    record = paper_record(paper, student)
    return {"paper_id": paper_id, "record": record, "files": files, "answers": answer_columns(paper),
            "fonts": embedded_fonts(pdfs),
            "problems": [], "pid": os.getpid(), "max_rss_mb": max_rss_mb(),
            "cpu_seconds": time.process_time() - started}  # fmt: skip


def max_rss_mb() -> float:
    """This process's peak resident memory in MB."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def init_worker(spec: JobSpec, build_pid: int | None = None) -> None:
    """Load the exam and the page templates once per worker process (which ends with the build `build_pid`)."""
    _STATE.clear()
    install_all()
    if build_pid is not None:
        guard_worker(build_pid)
    try:
        exam = load_exam(Path(spec.exam_path))
    except UserError as exc:
        _STATE["problems"] = list(exc.problems)
        return
    if exam.digest != spec.exam_digest:
        _STATE["problems"] = [Problem(exam.file, 0, "", "the exam file changed while the set was being built")]
        return
    renderer = PageRenderer([Path(d) for d in spec.template_dirs], spec.key_style)
    _STATE.update(spec=spec, exam=exam, renderer=renderer, problems=[])


def run_job(paper_id: str, student: Mapping[str, str]) -> dict:
    """Render one paper and key in a worker; user errors come back as plain data (they do not pickle)."""
    if _STATE.get("problems"):
        return {"paper_id": paper_id, "problems": [_plain(p) for p in _STATE["problems"]]}
    try:
        return render_one(_STATE["exam"], _STATE["renderer"], _STATE["spec"], paper_id, student)
    except UserError as exc:
        return {"paper_id": paper_id, "problems": [_plain(p) for p in exc.problems]}
    except PdfError as exc:
        return {"paper_id": paper_id, "problems": [_plain(Problem("<render>", 0, f"paper {paper_id}", str(exc)))]}


def _plain(problem: Problem) -> tuple[str, int, str, str]:
    """A problem as a picklable tuple."""
    return (problem.file, problem.line, problem.path, problem.message)


def run_jobs(
    spec: JobSpec, papers: Sequence[tuple[str, Mapping[str, str]]], jobs: int, done: Callable[[dict], None]
) -> list[dict]:
    """Render every (paper id, student) in `jobs` recycled worker processes (in this process when jobs is 1);
    call `done` with each result as it finishes; return the results in the order given."""
    results: dict[str, dict] = {}
    for result in _results(spec, papers, jobs):
        results[result["paper_id"]] = result
        done(result)
    problems = [Problem(*p) for pid, _ in papers for p in results[pid].get("problems", [])]
    if problems:
        raise UserError(sorted(set(problems), key=problems.index))
    return [results[pid] for pid, _ in papers]


def _results(spec: JobSpec, papers: Sequence[tuple[str, Mapping[str, str]]], jobs: int) -> Iterator[dict]:
    """Yield job results as they finish, from generations of worker processes.

    Each generation is a fresh pool that renders at most TASKS_PER_CHILD papers per worker and is then shut
    down, so every worker is recycled. (ProcessPoolExecutor's own `max_tasks_per_child` can deadlock on
    Python 3.11 when workers retire while all tasks are queued: CPython gh-115634.)
    """
    if jobs <= 1 or len(papers) <= 1:
        init_worker(spec)
        for paper_id, student in papers:
            yield run_job(paper_id, student)
        return
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["qbank.sets.workers"])
    workers = min(jobs, len(papers))
    per_generation = workers * TASKS_PER_CHILD
    for start in range(0, len(papers), per_generation):
        batch = papers[start : start + per_generation]
        pool = ProcessPoolExecutor(max_workers=min(workers, len(batch)), mp_context=context,
                                   initializer=init_worker, initargs=(spec, os.getpid()))  # fmt: skip
        try:
            pending: set[Future] = {pool.submit(run_job, paper_id, dict(student)) for paper_id, student in batch}
            while pending:
                finished, pending = wait(pending, return_when=FIRST_COMPLETED)
                for future in finished:
                    yield future.result()
        except BaseException:  # an error, Ctrl-C or SIGTERM: stop the workers now rather than after their paper
            stop_workers(pool)
            raise
        finally:
            pool.shutdown(wait=True, cancel_futures=True)


def stop_workers(pool: ProcessPoolExecutor) -> None:
    """Kill a pool's worker processes (the executor keeps them in `_processes`)."""
    for process in list((getattr(pool, "_processes", None) or {}).values()):
        with contextlib.suppress(OSError, ValueError):
            process.kill()
