"""The class-set task on a Dask worker: the local pool's task (qbank.output.class_paper.run_job), after the
worker has checked that its environment matches the client's (qbank.output.fingerprint) and loaded the shipped
exam, bank and templates (qbank.output.bundle) once. Paths in what comes back are the client's again, so the
manifest is the same as a local build's; the PDFs travel back as bytes and the client writes them into its
staging folder on arrival."""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from qbank.core.errors import Problem, UserError
from qbank.output import class_paper
from qbank.output.bundle import Bundle, materialise
from qbank.output.class_paper import JobSpec, PaperResult, PlainProblem, _plain
from qbank.output.cluster import cluster_problem, is_cluster_problem
from qbank.output.fingerprint import differences, fingerprint
from qbank.output.writer import StagedFolder

_READY: dict[str, Path] = {}  # the shipment this worker's state was loaded from -> where its files are
# One paper at a time per worker process: a worker started with several threads (Dask's default) would otherwise
# render concurrently in one process, and WeasyPrint's and qbank's per-process state do not give the same bytes
# then (14 of 30 papers differed with `dask worker --nthreads 3`); its threads take turns instead.
_LOCK = threading.Lock()


@dataclass(frozen=True)
class Shipment:
    """What every worker gets once: the job (paths the client's), the bundle, the client's fingerprint and
    working folder (to name files as the client would)."""

    spec: JobSpec
    bundle: Bundle
    fingerprint: Mapping[str, Any]
    cwd: str

    @property
    def key(self) -> str:
        """The shipment's identity: its bundle and job."""
        spec = self.spec
        return f"{self.bundle.digest}:{spec.exam_digest}:{spec.seed}:{spec.canonical}:{spec.key_style}"


def shipment(spec: JobSpec, bundle: Bundle) -> Shipment:
    """The shipment of a job: its spec without a staging folder (the worker has none), the bundle, this
    machine's fingerprint and working folder."""
    return Shipment(dataclasses.replace(spec, folder=None), bundle, fingerprint(), str(Path.cwd().resolve()))


def shipped_job(shipped: Shipment, paper_id: str, student: Mapping[str, str]) -> PaperResult:
    """One paper on a Dask worker (one at a time per process): refuse if this worker's environment differs from
    the client's, load the shipment once, run the local pool's task, and put the client's paths back in its record
    before it is serialised. A failure on the worker comes back as a `--cluster` problem naming it."""
    with _LOCK:
        try:
            return _job(shipped, paper_id, student)
        except UserError as exc:
            return PaperResult(paper_id, problems=tuple(_plain(p) for p in exc.problems))
        except Exception as exc:
            message = f"worker {_address()} failed on paper {paper_id}: {type(exc).__name__}: {exc}"
            return PaperResult(paper_id, problems=(cluster_problem(message),))


def _job(shipped: Shipment, paper_id: str, student: Mapping[str, str]) -> PaperResult:
    """`shipped_job` under its lock."""
    if shipped.key not in _READY:
        refusal = differences(shipped.fingerprint, fingerprint())
        if refusal:
            return PaperResult(paper_id, problems=(_refused(refusal),))
        root = materialise(shipped.bundle)
        templates = tuple(str(root / t) for t in shipped.bundle.templates)
        local = dataclasses.replace(shipped.spec, exam_path=str(root / shipped.bundle.exam), template_dirs=templates)
        class_paper.init_worker(local)
        _READY.clear()
        _READY[shipped.key] = root
    root = _READY[shipped.key]
    result = class_paper.made_paper(paper_id, student)
    return class_paper.serialised(relocated(result, root, Path(shipped.bundle.root), Path(shipped.cwd)))


def _address() -> str:
    """This worker's address (or "in this process" outside a Dask worker)."""
    from distributed import get_worker

    try:
        return str(get_worker().address)
    except ValueError:
        return "in this process"


def _refused(refusal: Sequence[str]) -> PlainProblem:
    """The problem of a worker that refuses: its address and each difference."""
    message = (f"worker {_address()} refuses the task: its environment differs from the client's "
               f"(byte-identical PDFs need the same): {'; '.join(refusal)}")  # fmt: skip
    return cluster_problem(message)


def relocated(result: PaperResult, here: Path, client_root: Path, client_cwd: Path) -> PaperResult:
    """A result with the worker's paths under `here` (the shipped files) replaced by the client's."""

    def path(text: str) -> str:
        candidate = Path(text)
        if not candidate.is_relative_to(here):
            return text
        return str(client_root / candidate.relative_to(here))

    def shown(text: str) -> str:
        moved = Path(path(text))
        return str(moved.relative_to(client_cwd)) if moved.is_relative_to(client_cwd) else str(moved)

    record = result.record
    if record is not None:
        questions = tuple(dataclasses.replace(q, file=shown(q.path), path=path(q.path)) for q in record.questions)
        record = dataclasses.replace(record, questions=questions)
    problems = tuple((shown(f), line, key, message) for f, line, key, message in result.problems)
    return dataclasses.replace(result, record=record, problems=problems)


def cluster_papers(address: str, spec: JobSpec, bundle: Bundle, papers: Sequence[tuple[str, Mapping[str, str]]],
                   folder: StagedFolder, connected: Callable[[int], None] = lambda count: None,
                   ) -> Iterator[PaperResult]:  # fmt: skip
    """Every paper's result from the Dask cluster at `address` (or `local:N`), each paper's PDFs written into
    `folder` as it arrives (the result handed on without them); `connected` is told the number of workers once
    the cluster is reached. The first `--cluster` problem (a worker that refuses or fails) stops the build."""
    from qbank.output.cluster import WINDOW_PER_WORKER, cluster_results, connect, workers

    with connect(address) as client:
        tasks = [(paper_id, dict(student)) for paper_id, student in papers]
        count = workers(client)
        connected(count)
        for result in cluster_results(client, shipped_job, shipment(spec, bundle), tasks, WINDOW_PER_WORKER * count):
            stop = [Problem(*p) for p in result.problems if is_cluster_problem(p)]
            if stop:
                raise UserError(stop)
            for relative, data in sorted(result.data.items()):
                folder.write(relative, data)
            yield dataclasses.replace(result, data={})
