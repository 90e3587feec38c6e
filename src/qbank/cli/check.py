"""`qbank check`: validate specs and sweep K seeds per question; non-zero exit on any failure."""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

from qbank.core.errors import Problem, UserError

HELP = "validate a bank (or one question) and sweep K seeds per question, or an exam and sweep K seeds of papers"
EXAMPLES = """example:
  qbank check banks/deep-learning
  qbank check banks/deep-learning/questions/cnn/vgg-params.yaml --seeds 200
  qbank check banks/deep-learning/questions/cnn/vgg-params.yaml --seed 17 --seeds 1   (replay one seed)
  qbank check banks/deep-learning/questions/cnn/vgg-params.yaml --canonical           (only the canonical variant)
  qbank check exams/sample-classset.yaml --seeds 500 --forms 3                       (whole papers of an exam)
Every failure is printed with the command that reproduces it.
Exit status: 0 all good, 1 some variant failed, 2 the specs themselves have errors."""
SHOWN_FAILURES = 10


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Arguments of `qbank check`."""
    from qbank.cli.arguments import cluster_argument, form_count, positive_int, seed_argument

    parser.add_argument("path", type=Path, help="a bank folder, its bank.yaml, one question file, or an exam file")
    parser.add_argument("--seeds", type=positive_int, default=1000, help="seeds per question (default 1000)")
    parser.add_argument("--seed", type=seed_argument, default=0, help="first exam seed of the sweep (default 0)")
    parser.add_argument("--canonical", action="store_true", help="check only each question's canonical variant")
    parser.add_argument(
        "--forms", type=form_count, default=None, help="an exam: sweep forms A, B, ... of each seed (as build --forms)"
    )
    parser.add_argument("--jobs", type=positive_int, default=None, help="worker processes (default: one per core)")
    parser.add_argument("--cluster", type=cluster_argument, default=None,
                        help="a bank folder, its bank.yaml or one question file only: sweep its questions on a Dask "
                        "cluster (a scheduler address or local:N); an exam file is swept with --jobs")  # fmt: skip


def run(args: argparse.Namespace, command: list[str]) -> int:
    """Sweep every question and print a summary per question; the last line gives the time taken."""
    from qbank.check.choice_report import choice_lines, choice_summary  # the sweep's modules: loaded to run it
    from qbank.check.sweep import load, sweep_all
    from qbank.check.sweep_report import coverage_lines, seed_counts
    from qbank.cli.check_exam import is_exam_file, run_exam
    from qbank.solve.formats import format_number

    if args.cluster is not None and args.jobs is not None:
        message = "sets the worker processes of this machine; with --cluster the cluster's workers sweep the questions"
        raise UserError([Problem("<command line>", 0, "--jobs", message)])
    args.jobs = args.jobs if args.jobs is not None else os.cpu_count() or 1
    if is_exam_file(args.path):
        if args.cluster is not None:
            message = "sweeps a bank or question on a cluster; an exam file is swept with --jobs"
            raise UserError([Problem("<command line>", 0, "--cluster", message)])
        return run_exam(args)
    if args.forms is not None:
        raise UserError([Problem("<command line>", 0, "--forms", "goes with an exam file, not a bank or question")])
    started = time.perf_counter()
    questions = load(args.path)
    seeds = 0 if args.canonical else args.seeds
    failed = total = broken_seeds = canonicals = 0
    reports = list(sweep_all(args.path, [q.id for q in questions], seeds, args.jobs, first_seed=args.seed,
                             cluster=args.cluster))  # fmt: skip
    for question, report in zip(questions, reports, strict=True):
        total += report.requested
        canonicals += report.canonical != "none"
        broken_seeds += report.failed_seeds
        status = "ok  " if report.ok else "FAIL"
        canonical = {"ok": ", canonical ok", "failed": ", canonical FAILED", "none": ""}[report.canonical]
        if args.canonical:
            state = "no canonical variant" if report.canonical == "none" else f"canonical variant {report.canonical}"
            print(f"{status} {question.id}: {state.replace('failed', 'FAILED')}")
        else:
            print(f"{status} {question.id}: {seed_counts(report)}{canonical}, acceptance {report.acceptance:.1%}, "
                  f"{report.distinct:,} distinct variants")  # fmt: skip
        for name, (low, high) in report.answer_ranges.items():
            print(f"       answer {name}: {format_number(low)} .. {format_number(high)}")
        if not args.canonical:
            for line in coverage_lines(question, report):
                print(f"       param  {line}")
            for line in choice_lines(question, report):
                print(f"       {line}")
        for failure in report.failures[:SHOWN_FAILURES]:
            print(f"       {failure}")
        if len(report.failures) > SHOWN_FAILURES:
            print(f"       ... and {len(report.failures) - SHOWN_FAILURES} more failures")
        failed += not report.ok
    elapsed = time.perf_counter() - started
    what = "canonical" if args.canonical else f"seeds {args.seed}..{args.seed + seeds - 1}"
    what += f", {canonicals} canonical" if canonicals and not args.canonical else ""
    total += canonicals
    broken = f" ({broken_seeds} failing seeds)" if broken_seeds else ""
    summary = choice_summary(questions, reports)
    if summary and not args.canonical:
        print(summary)
    counted = f"{len(questions)} question" + ("" if len(questions) == 1 else "s")
    where = f"on the Dask cluster {args.cluster}" if args.cluster else f"with {args.jobs} job(s)"
    print(f"{counted}, {total:,} variants ({what}) in {elapsed:.1f} s {where}; {failed} question(s) "
          f"failed{broken}")  # fmt: skip
    return 1 if failed else 0
