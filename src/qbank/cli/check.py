"""`qbank check`: validate specs and sweep K seeds per question; non-zero exit on any failure."""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

from ..bank import load_questions
from ..formats import format_number
from ..sweep import sweep_all

HELP = "validate a bank (or one question) and sweep K seeds per question for broken variants"
EXAMPLES = """example:
  qbank check banks/deep-learning
  qbank check banks/deep-learning/questions/cnn/vgg-params.yaml --seeds 200
Exit status: 0 all good, 1 some variant failed, 2 the specs themselves have errors."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Arguments of `qbank check`."""
    from . import positive_int

    parser.add_argument("path", type=Path, help="a bank folder, its bank.yaml, or one question file")
    parser.add_argument("--seeds", type=positive_int, default=1000, help="seeds per question (default 1000)")
    parser.add_argument(
        "--jobs", type=positive_int, default=os.cpu_count() or 1, help="worker processes (default: one per core)"
    )


def run(args: argparse.Namespace, command: list[str]) -> int:
    """Sweep every question and print a summary per question."""
    started = time.perf_counter()
    _, questions = load_questions(args.path)
    failed = 0
    total = 0
    reports = sweep_all(args.path, [q.id for q in questions], args.seeds, args.jobs)
    for question, report in zip(questions, reports, strict=True):
        total += report.seeds
        status = "ok  " if not report.failures else "FAIL"
        print(f"{status} {question.id}: {report.seeds}/{args.seeds} seeds, acceptance {report.acceptance:.1%}")
        for name, (low, high) in report.answer_ranges.items():
            print(f"       answer {name}: {format_number(low)} .. {format_number(high)}")
        for name, (seen, possible) in report.coverage.items():
            print(f"       param  {name}: {seen}/{possible} values seen")
        for failure in report.failures[:20]:
            print(f"       {failure}")
        if len(report.failures) > 20:
            print(f"       ... and {len(report.failures) - 20} more failures")
        failed += bool(report.failures)
    elapsed = time.perf_counter() - started
    print(f"{len(questions)} questions, {total} variants in {elapsed:.1f} s; {failed} question(s) failed")
    return 1 if failed else 0
