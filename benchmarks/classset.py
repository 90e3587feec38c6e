"""Benchmark: a class set (paper + key per student, key booklet, gradebook) using every core.

Prints wall time, seconds per student, CPU time, and peak memory per process (the parent and each recycled
worker) for one or more class sizes, so memory staying flat as the class grows can be read off directly. Then
merges the first class's keys, replicated, into key booklets for larger classes (--booklet-sizes) and prints
the merge's time per student and peak memory, which should stay flat too. Pages are counted in the built PDFs.

With --schedulers N (needs qbank[dask]), it instead builds N students of the exam (and with --quiz of a
10-question numeric quiz from the deep-learning bank) with `--jobs 1`, the local pool and `--cluster local:J`,
each --repeat times, and prints the machine's load, CPU seconds per student and per page (the minimum of the
repeats), the speed-up and efficiency from 1 to J workers, and what Dask adds per task (benchmarks/schedulers.py).
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
    from schedulers import pages

    from qbank.output.produce import produce

    folder = Path(tempfile.mkdtemp(prefix="qbank-bench-")) / "set"
    self_before = time.process_time()
    started = time.perf_counter()
    try:
        made = produce(recipe_for(exam, students, seed, key_style), folder, jobs=jobs)
        manifest, stats = made.manifest, made.stats
        wall = time.perf_counter() - started
        size = sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())
        paper_pages, key_pages = pages(folder)
        sent = {kind: sum(p.stat().st_size for p in folder.glob(f"{kind}/*.pdf")) for kind in ("papers", "keys")}
        sent["manifest"] = (folder / "manifest.json").stat().st_size
        if keep_keys is not None:
            shutil.move(folder / "keys", keep_keys)
    finally:
        shutil.rmtree(folder.parent, ignore_errors=True)
    workers = stats.worker_peak_rss_mb
    # CPU of the papers themselves (in the workers) plus this process (booklet, gradebook); not worker start-up
    return {"students": students, "wall": wall, "cpu": stats.worker_cpu_seconds + time.process_time() - self_before,
            "workers": len(workers), "worker_peak": max(workers.values()), "worker_low": min(workers.values()),
            "files": len(manifest["files"]), "bytes": size, "booklet": stats.booklet_peak_rss_mb,
            "booklet_s": stats.booklet_seconds, "paper_pages": paper_pages, "key_pages": key_pages,
            "sent": sent}  # fmt: skip


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


def booklet_size(text: str) -> int | None:
    """A `--booklet-sizes` value: a class size >= 1, or `none` (skip the booklet benchmark)."""
    if text == "none":
        return None
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"a whole number or none, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"a class size must be at least 1, got {value}")
    return value


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("exam", nargs="?", type=Path, default=REPO / "exams" / "cs60010-endsem.yaml")
    parser.add_argument("--students", type=int, nargs="+", default=[25, 100], help="class sizes (default 25 100)")
    parser.add_argument("--jobs", type=int, default=None, help="worker processes (default: one per core)")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--key", choices=("full", "compact", "answers"), default="compact",
                        help="answer key style (default compact, as `qbank build --roster` makes)")  # fmt: skip
    parser.add_argument("--booklet-sizes", type=booklet_size, nargs="+", default=[100, 400],
                        help="class sizes for merging the first class's keys, replicated, into a key booklet "
                             "(default 100 400; none to skip)")  # fmt: skip
    parser.add_argument("--schedulers", type=int, default=None, metavar="N",
                        help="compare --jobs 1, the pool and --cluster local:J on N students instead")  # fmt: skip
    parser.add_argument("--quiz", action="store_true",
                        help="with --schedulers: also a 10-question numeric quiz (deep-learning bank)")  # fmt: skip
    parser.add_argument("--repeat", type=int, default=3, metavar="R",
                        help="with --schedulers: builds per scheduler, minimum kept (default 3)")  # fmt: skip
    args = parser.parse_args(argv)
    if None in args.booklet_sizes:
        if len(args.booklet_sizes) > 1:
            parser.error("--booklet-sizes: none goes alone")
        args.booklet_sizes = []
    if args.repeat < 1:
        parser.error("--repeat: at least 1")
    return args


def compare_schedulers(args: argparse.Namespace, jobs: int) -> None:
    """The scheduler comparison (--schedulers N) for the exam and the numeric quiz."""
    from schedulers import numeric_quiz, scheduler_table

    folder = Path(tempfile.mkdtemp(prefix="qbank-bench-quiz-"))
    try:
        exams = [args.exam.resolve()]
        if args.quiz:
            exams.append(numeric_quiz(REPO / "banks" / "deep-learning", folder))
        for exam in exams:
            name = exam.relative_to(REPO) if exam.is_relative_to(REPO) else "10-question numeric quiz"
            print(f"{name}: {args.schedulers} students, paper + {args.key} key each, {jobs} workers, "
                  f"{args.repeat} build(s) per scheduler")  # fmt: skip
            recipe = recipe_for(exam, args.schedulers, args.seed, args.key)
            for line in scheduler_table(recipe, args.schedulers, jobs, args.repeat):
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
        print(f"         pages per student: paper {r['paper_pages'] / students:.1f} + key "
              f"{r['key_pages'] / students:.1f} (counted in the built PDFs); bytes per student: paper "
              f"{r['sent']['papers'] / students / 1e6:.2f} MB, key {r['sent']['keys'] / students / 1e6:.2f} MB, "
              f"manifest {r['sent']['manifest'] / students / 1e3:.0f} KB")  # fmt: skip
        print(f"         key-booklet merge {r['booklet_s']:.2f} s wall ({r['booklet_s'] / students:.3f} s/student, "
              f"after the papers), process peak {r['booklet']:.0f} MB (keys are read one at a time)")  # fmt: skip
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
