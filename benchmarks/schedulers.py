"""The per-scheduler part of benchmarks/classset.py: one class set built with `--jobs 1`, the local pool and
`--cluster local:N`, with CPU seconds per student and per page, and what Dask adds per task."""

from __future__ import annotations

import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

NUMERIC_FORMATS = {"int", "fixed", "sig", "sci"}


def numeric_quiz(bank: Path, folder: Path, count: int = 10) -> Path:
    """An exam file in `folder` of the first `count` questions of `bank` whose answers are all plain numbers."""
    from qbank.spec.bank import load_bank

    loaded = load_bank(bank)
    ids = [qid for qid, q in sorted(loaded.questions.items())
           if q.spec.answers and all(a.format in NUMERIC_FORMATS for a in q.spec.answers.values())][:count]  # fmt: skip
    entries = "\n".join(f"      - {{id: {qid}}}" for qid in ids)
    exam = folder / "quiz.yaml"
    exam.write_text(f"bank: {bank.resolve()}\ninstitution: Benchmark\ncourse: {{code: B1, name: Benchmark}}\n"
                    f"exam: Numeric quiz\nsections:\n  - questions:\n{entries}\n")  # fmt: skip
    return exam


def pages(folder: Path) -> int:
    """Pages of every paper and key of a built set."""
    import pikepdf

    total = 0
    for pdf in [*folder.glob("papers/*.pdf"), *folder.glob("keys/*.pdf")]:
        with pikepdf.open(pdf) as document:
            total += len(document.pages)
    return total


def build_once(recipe: Any, jobs: int, cluster: str | None) -> dict[str, Any]:
    """Build `recipe` into a temporary folder with one scheduler; its wall, CPU (workers' papers + this
    process), pages and set digest."""
    from qbank.output.produce import produce

    folder = Path(tempfile.mkdtemp(prefix="qbank-bench-sched-")) / "set"
    client_before = time.process_time()
    started = time.perf_counter()
    try:
        made = produce(recipe, folder, jobs=jobs, cluster=cluster)
        wall = time.perf_counter() - started
        client = time.process_time() - client_before
        files = {k: v for k, v in made.files.items()}
        count = pages(folder)
    finally:
        shutil.rmtree(folder.parent, ignore_errors=True)
    tasks = made.stats.worker_cpu_seconds if jobs > 1 or cluster else 0.0
    return {"wall": wall, "client": client, "tasks": tasks, "cpu": client + tasks, "pages": count, "files": files}


def scheduler_table(recipe: Any, students: int, workers: int) -> list[str]:
    """Lines of the table: each scheduler's wall, CPU per student and per page; Dask's cost per task."""
    runs = {"--jobs 1": build_once(recipe, 1, None), f"pool --jobs {workers}": build_once(recipe, workers, None),
            f"--cluster local:{workers}": build_once(recipe, workers, f"local:{workers}")}  # fmt: skip
    lines = [f"{'scheduler':>20} {'wall s':>7} {'s/student':>10} {'CPU s':>7} {'CPU/student':>12} {'CPU/page':>9} "
             f"{'speed-up':>9} {'efficiency':>11}"]  # fmt: skip
    base = runs["--jobs 1"]["wall"]
    for name, r in runs.items():
        parallel = name != "--jobs 1"
        speedup = base / r["wall"]
        lines.append(f"{name:>20} {r['wall']:>7.1f} {r['wall'] / students:>10.2f} {r['cpu']:>7.1f} "
                     f"{r['cpu'] / students:>12.3f} {r['cpu'] / r['pages']:>9.3f} {speedup:>9.2f} "
                     f"{(speedup / workers if parallel else 1.0):>11.0%}")  # fmt: skip
    same = len({tuple(sorted(r["files"].items())) for r in runs.values()}) == 1
    pool, dask = runs[f"pool --jobs {workers}"], runs[f"--cluster local:{workers}"]
    lines.append(f"  files identical across the three: {'yes' if same else 'NO'}; pages per student "
                 f"{base and runs['--jobs 1']['pages'] / students:.1f}")  # fmt: skip
    lines.append(f"  Dask per task: client CPU {(dask['client'] - pool['client']) / students * 1000:+.0f} ms, worker "
                 f"CPU {(dask['tasks'] - pool['tasks']) / students * 1000:+.0f} ms, wall "
                 f"{(dask['wall'] - pool['wall']) / students * 1000:+.0f} ms against the pool (LocalCluster start "
                 f"included)")  # fmt: skip
    return lines
