"""The per-scheduler part of benchmarks/classset.py: one class set built with `--jobs 1`, the local pool and
`--cluster local:N`, each `repeat` times, with the machine's load, CPU seconds per student and per page, and
what Dask adds per task.

CPU and wall are the minimum of the repeats: on a shared machine other work only ever adds time, so the least
is the closest to the build's own cost. A difference of two such figures below the spread of the repeats (or
below zero) is printed as noise, never as a figure."""

from __future__ import annotations

import os
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


def pages(folder: Path) -> tuple[int, int]:
    """Pages of every paper and of every key of a built set, counted in the PDFs."""
    import pikepdf

    counts = []
    for kind in ("papers", "keys"):
        total = 0
        for pdf in sorted(folder.glob(f"{kind}/*.pdf")):
            with pikepdf.open(pdf) as document:
                total += len(document.pages)
        counts.append(total)
    return counts[0], counts[1]


def build_once(recipe: Any, jobs: int, cluster: str | None) -> dict[str, Any]:
    """Build `recipe` into a temporary folder with one scheduler; its wall, CPU (workers' papers + this
    process), pages and files."""
    from qbank.output.produce import produce

    folder = Path(tempfile.mkdtemp(prefix="qbank-bench-sched-")) / "set"
    client_before = time.process_time()
    started = time.perf_counter()
    try:
        made = produce(recipe, folder, jobs=jobs, cluster=cluster)
        wall = time.perf_counter() - started
        client = time.process_time() - client_before
        files = dict(made.files)
        paper_pages, key_pages = pages(folder)
    finally:
        shutil.rmtree(folder.parent, ignore_errors=True)
    tasks = made.stats.worker_cpu_seconds if jobs > 1 or cluster else 0.0
    return {"wall": wall, "client": client, "tasks": tasks, "cpu": client + tasks, "pages": paper_pages + key_pages,
            "paper_pages": paper_pages, "key_pages": key_pages, "files": files}  # fmt: skip


def least(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """The minimum of each timed figure over repeated builds, with its spread (max - min) as `<name>_spread`."""
    out = dict(runs[0])
    for name in ("wall", "client", "tasks", "cpu"):
        values = [r[name] for r in runs]
        out[name], out[f"{name}_spread"] = min(values), max(values) - min(values)
    return out


def per_task(difference: float, noise: float, students: int) -> str:
    """A per-task difference in ms, or `noise` when it is not above the repeats' spread (never a negative figure)."""
    if difference <= noise or difference <= 0:
        return f"under the noise (spread {noise / students * 1000:.0f} ms)"
    return f"+{difference / students * 1000:.0f} ms"


def scheduler_table(recipe: Any, students: int, workers: int, repeat: int = 3) -> list[str]:
    """Lines of the table: each scheduler's wall, CPU per student and per page; Dask's cost per task."""
    schedulers = {"--jobs 1": (1, None), f"pool --jobs {workers}": (workers, None),
                  f"--cluster local:{workers}": (workers, f"local:{workers}")}  # fmt: skip
    load_before = os.getloadavg()[0]
    builds: dict[str, list[dict[str, Any]]] = {name: [] for name in schedulers}
    for _ in range(repeat):  # interleaved, so a burst of load on the machine does not fall on one scheduler only
        for name, (jobs, cluster) in schedulers.items():
            builds[name].append(build_once(recipe, jobs, cluster))
    runs = {name: least(done) for name, done in builds.items()}
    lines = [f"  load {load_before:.2f} at start, {os.getloadavg()[0]:.2f} at end (1-minute average; "
             f"{os.cpu_count()} CPUs); wall and CPU: minimum of {repeat} build(s)",
             f"{'scheduler':>20} {'wall s':>7} {'s/student':>10} {'CPU s':>7} {'CPU/student':>12} {'CPU/page':>9} "
             f"{'speed-up':>9} {'efficiency':>11}"]  # fmt: skip
    base = runs["--jobs 1"]
    for name, r in runs.items():
        parallel = name != "--jobs 1"
        speedup = base["wall"] / r["wall"]
        lines.append(f"{name:>20} {r['wall']:>7.1f} {r['wall'] / students:>10.2f} {r['cpu']:>7.1f} "
                     f"{r['cpu'] / students:>12.3f} {r['cpu'] / r['pages']:>9.3f} {speedup:>9.2f} "
                     f"{(speedup / workers if parallel else 1.0):>11.0%}")  # fmt: skip
    same = len({tuple(sorted(r["files"].items())) for done in builds.values() for r in done}) == 1
    pool, dask = runs[f"pool --jobs {workers}"], runs[f"--cluster local:{workers}"]
    lines.append(f"  files identical across all {repeat * 3} builds: {'yes' if same else 'NO'}; pages per student: "
                 f"paper {base['paper_pages'] / students:.1f} + key {base['key_pages'] / students:.1f}")  # fmt: skip
    figures = [f"{what} {per_task(dask[key] - pool[key], max(dask[key + '_spread'], pool[key + '_spread']), students)}"
               for what, key in (("client CPU", "client"), ("worker CPU", "tasks"), ("wall", "wall"))]  # fmt: skip
    lines.append(f"  Dask per task against the pool (LocalCluster start included): {'; '.join(figures)}")
    return lines
