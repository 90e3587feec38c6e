"""`qbank check --cluster`: a bank's seed ranges swept on Dask workers by the local pool's task
(qbank.check.sweep._task), the bank shipped to them (qbank.output.bundle) so they need no shared file system;
file names in the failures come back as the client would print them."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from qbank.check.sweep_report import Failure, QuestionReport
from qbank.output.bundle import Bundle, bank_files, bundle_of, materialise
from qbank.spec.bank import Bank

SeedRange = tuple[int, int, bool]
_LOCK = threading.Lock()


@dataclass(frozen=True)
class SweepShipment:
    """What every worker gets once: the bank's bundle, how the client names files (`prefix` for the bundle
    root: empty when it is the client's working folder) and the pool's task (qbank.check.sweep._task)."""

    bundle: Bundle
    prefix: str
    task: Callable[[str, str, int, int, bool, int], QuestionReport]


def client_prefix(root: Path, cwd: Path) -> str:
    """How the client's display names begin for files under `root` (see qbank.spec.load.display_name)."""
    if root == cwd:
        return ""
    return f"{root.relative_to(cwd)}/" if root.is_relative_to(cwd) else f"{root}/"


def shipped_sweep(shipped: SweepShipment, question_id: str, start: int, stop: int, canonical: bool,
                  full_until: int) -> tuple[str, int, QuestionReport]:  # fmt: skip
    """On a worker: sweep one seed range of one question of the shipped bank (one range at a time per process, as
    papers are: qbank.output.class_cluster); failures name the client's files."""
    with _LOCK:
        root = materialise(shipped.bundle)
        report = shipped.task(str(root / shipped.bundle.exam), question_id, start, stop, canonical, full_until)
    here = f"{root}/"
    report.failures = [Failure(f.seed, f.problem.replace(here, shipped.prefix), f.command.replace(here, shipped.prefix))
                       for f in report.failures]  # fmt: skip
    return question_id, start, report


Reports = dict[str, list[QuestionReport]]


def cluster_sweep(address: str, path: Path, bank: Bank, question_ids: Sequence[str],
                  split: Callable[[int], list[SeedRange]], full_until: int,
                  task: Callable[[str, str, int, int, bool, int], QuestionReport]) -> Reports:  # fmt: skip
    """Each question's reports, one per seed range (`split` of the number of workers), in seed order; `task`
    sweeps one range on a worker."""
    from qbank.output.cluster import WINDOW_PER_WORKER, cluster_results, connect, workers

    bundle = bundle_of(path, bank_files(bank))
    shipped = SweepShipment(bundle, client_prefix(Path(bundle.root), Path.cwd().resolve()), task)
    with connect(address) as client:
        count = workers(client)
        ranges = split(count)
        tasks = [(qid, a, b, c, full_until) for qid in question_ids for a, b, c in ranges]
        found = {(qid, start): report for qid, start, report in
                 cluster_results(client, shipped_sweep, shipped, tasks, WINDOW_PER_WORKER * count)}  # fmt: skip
    return {qid: [found[(qid, a)] for a, _, _ in ranges] for qid in question_ids}
