"""Benchmark: a class set (paper + key per student, key booklet, gradebook) using every core.

Prints wall time, seconds per student, CPU time, and peak memory per process (the parent and each recycled
worker) for one or more class sizes, so memory staying flat as the class grows can be read off directly. Then
merges the first class's keys, replicated, into key booklets for larger classes (--booklet-sizes) and prints
the merge's time and peak memory, which should stay flat too.

With --schedulers N (needs qbank[dask]), it instead builds N students of the exam and of a 10-question numeric
quiz from the deep-learning bank with `--jobs 1`, the local pool and `--cluster local:J`, and prints CPU
seconds per student and per page, the speed-up and efficiency from 1 to J workers, and what Dask adds per task
(benchmarks/schedulers.py).
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from qbank.output.recipes import ClassSetRecipe

REPO = Path(__file__).resolve().parents[1]
TARGET_SECONDS_PER_STUDENT = 0.3


def max_rss_mb(who: int = resource.RUSAGE_SELF) -> float:
    """Peak resident memory in MB (ru_maxrss is KB on Linux, bytes on macOS)."""
    peak = resource.getrusage(who).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def recipe_for(exam: Path, students: int, seed: int, key_style: str) -> ClassSetRecipe:
    """A class-set recipe for `students` synthetic students."""
    from qbank.output.recipes import ClassPaper, ClassSetRecipe

    papers = tuple(ClassPaper(f"26CS{i:04d}", {"roll": f"26CS{i:04d}", "name": f"Student {i}"})
                   for i in range(1, students + 1))  # fmt: skip
    return ClassSetRecipe(str(exam), seed, papers, ("roll", "name"), key=key_style, csv_bom=False)


def run(exam: Path, students: int, jobs: int, seed: int, key_style: str, keep_keys: Path | None = None) -> dict:
    """Build one class set into a temporary folder (moving its keys to `keep_keys` if given); return its figures."""
    from qbank.output.produce import produce

    folder = Path(tempfile.mkdtemp(prefix="qbank-bench-")) / "set"
    self_before = time.process_time()
    started = time.perf_counter()
    try:
        made = produce(recipe_for(exam, students, seed, key_style), folder, jobs=jobs)
        manifest, stats = made.manifest, made.stats
        wall = time.perf_counter() - started
        size = sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())
        if keep_keys is not None:
            shutil.move(folder / "keys", keep_keys)
    finally:
        shutil.rmtree(folder.parent, ignore_errors=True)
    workers = stats.worker_peak_rss_mb
    # CPU of the papers themselves (in the workers) plus this process (booklet, gradebook); not worker start-up
    return {"students": students, "wall": wall, "cpu": stats.worker_cpu_seconds + time.process_time() - self_before,
            "workers": len(workers), "worker_peak": max(workers.values()), "worker_low": min(workers.values()),
            "files": len(manifest["files"]), "bytes": size, "booklet": stats.booklet_peak_rss_mb,
            "booklet_s": stats.booklet_seconds}  # fmt: skip


def booklet_run(keys: Path, students: int) -> dict:
    """Merge `keys` (replicated round-robin as symbolic links) into the key booklet of a class of `students`
    (split into files of the default `--booklet-students`), in its own process as a parallel build does; return
    its figures."""
    from qbank.output.booklet_files import BOOKLET_STUDENTS
    from qbank.output.class_set import merge_booklet
    from qbank.output.recipes import ClassPaper
    from qbank.output.writer import StagedFolder

    sources = sorted(keys.glob("*.pdf"))
    folder = Path(tempfile.mkdtemp(prefix="qbank-booklet-"))
    try:
        (folder / "keys").mkdir()
        papers = []
        for i in range(students):
            roll = f"26CS{i + 1:04d}"
            (folder / "keys" / f"{roll}.pdf").symlink_to(sources[i % len(sources)])
            papers.append(ClassPaper(roll, {"roll": roll, "name": f"Student {i + 1}"}))
        started = time.perf_counter()
        booklets, peak = merge_booklet(StagedFolder(folder), papers, jobs=2, per=BOOKLET_STUDENTS)
        wall = time.perf_counter() - started
        size = sum((folder / name).stat().st_size for name in booklets)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return {"students": students, "wall": wall, "peak": peak, "bytes": size, "files": len(booklets)}


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("exam", nargs="?", type=Path, default=REPO / "exams" / "cs60010-endsem.yaml")
    parser.add_argument("--students", type=int, nargs="+", default=[25, 100], help="class sizes (default 25 100)")
    parser.add_argument("--jobs", type=int, default=None, help="worker processes (default: one per core)")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--key", choices=("full", "compact", "answers"), default="compact",
                        help="answer key style (default compact, as `qbank build --roster` makes)")  # fmt: skip
    parser.add_argument("--booklet-sizes", type=int, nargs="*", default=[100, 400],
                        help="class sizes for merging the first class's keys, replicated, into a key booklet "
                             "(default 100 400; none to skip)")  # fmt: skip
    parser.add_argument("--schedulers", type=int, default=None, metavar="N",
                        help="compare --jobs 1, the pool and --cluster local:J on N students instead")  # fmt: skip
    return parser.parse_args(argv)


def compare_schedulers(args: argparse.Namespace, jobs: int) -> None:
    """The scheduler comparison (--schedulers N) for the exam and the numeric quiz."""
    from schedulers import numeric_quiz, scheduler_table

    folder = Path(tempfile.mkdtemp(prefix="qbank-bench-quiz-"))
    try:
        quiz = numeric_quiz(REPO / "banks" / "deep-learning", folder)
        for exam in (args.exam.resolve(), quiz):
            name = exam.relative_to(REPO) if exam.is_relative_to(REPO) else "10-question numeric quiz"
            print(f"{name}: {args.schedulers} students, paper + {args.key} key each, {jobs} workers")
            for line in scheduler_table(recipe_for(exam, args.schedulers, args.seed, args.key), args.schedulers, jobs):
                print(line)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark and print its figures."""
    args = parse_args(argv)
    from qbank.output.pool import TASKS_PER_CHILD
    from qbank.sets.classset import default_jobs
    from qbank.speedups import install_all

    install_all()  # as the CLI does (workers install them too)

    jobs = args.jobs or default_jobs()
    if args.schedulers:
        compare_schedulers(args, jobs)
        return 0
    shown = args.exam.resolve().relative_to(REPO) if args.exam.resolve().is_relative_to(REPO) else args.exam
    print(f"qbank class-set benchmark — {shown}: paper + {args.key} key per student, key booklet and gradebook")
    print(f"Python {sys.version.split()[0]}, {jobs} worker process(es) on {os.cpu_count()} CPUs, workers recycled "
          f"every {TASKS_PER_CHILD} papers; load {os.getloadavg()[0]:.2f} at start")  # fmt: skip
    print("CPU s: papers and keys in the workers + booklet and gradebook here (worker start-up not included)")
    print(f"{'students':>8} {'wall s':>8} {'s/student':>10} {'CPU s':>8} {'CPU s/student':>14} {'workers':>8} "
          f"{'worker peak MB':>15} {'output MB':>10}")  # fmt: skip
    kept = Path(tempfile.mkdtemp(prefix="qbank-bench-keys-")) / "keys"
    for i, students in enumerate(args.students):
        r = run(args.exam.resolve(), students, jobs, args.seed, args.key, kept if i == 0 else None)
        print(f"{r['students']:>8} {r['wall']:>8.1f} {r['wall'] / students:>10.3f} {r['cpu']:>8.1f} "
              f"{r['cpu'] / students:>14.3f} {r['workers']:>8} {r['worker_low']:>7.0f}-{r['worker_peak']:<7.0f} "
              f"{r['bytes'] / 1e6:>10.1f}")  # fmt: skip
        print(f"         key-booklet merge {r['booklet_s']:.1f} s, process peak {r['booklet']:.0f} MB "
              "(keys are read one at a time)")  # fmt: skip
        verdict = "meets" if r["wall"] / students < TARGET_SECONDS_PER_STUDENT else "MISSES"
        print(f"         target under {TARGET_SECONDS_PER_STUDENT} s per student: {verdict}")
    if args.booklet_sizes and kept.is_dir():
        print(f"key booklet alone, from the {args.students[0]} keys above replicated (in its own process):")
        print(f"{'students':>8} {'merge s':>8} {'s/student':>10} {'peak MB':>8} {'booklet MB':>11} {'files':>6}")
        for students in args.booklet_sizes:
            b = booklet_run(kept, students)
            print(f"{b['students']:>8} {b['wall']:>8.1f} {b['wall'] / students:>10.3f} {b['peak']:>8.0f} "
                  f"{b['bytes'] / 1e6:>11.1f} {b['files']:>6}")  # fmt: skip
    shutil.rmtree(kept.parent, ignore_errors=True)
    print(f"parent process peak memory (ru_maxrss): {max_rss_mb():.0f} MB (the client: paper records are spooled to "
          f"disk, not held); load {os.getloadavg()[0]:.2f} at end")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
