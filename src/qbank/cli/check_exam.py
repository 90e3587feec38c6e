"""`qbank check EXAM`: sweep whole papers of an exam file over many seeds and print what broke."""

from __future__ import annotations

import argparse
import time
from pathlib import Path
from typing import TYPE_CHECKING

from qbank.cli.build import print_notes
from qbank.core.errors import Problem, UserError
from qbank.spec.load import load_yaml_bytes

if TYPE_CHECKING:
    from qbank.check.exam_sweep import ExamReport

SHOWN_FAILURES = 10
EXAM_KEYS = {"bank", "sections"}


def is_exam_file(path: Path) -> bool:
    """Whether `path` is an exam file (a YAML mapping with `bank` and `sections`) rather than a bank or question."""
    if not path.is_file() or path.name == "bank.yaml":
        return False
    try:
        data = load_yaml_bytes(path.read_bytes(), str(path)).data
    except (OSError, UserError):
        return False  # the bank path reports what is wrong with it
    return isinstance(data, dict) and data.keys() >= EXAM_KEYS


def run_exam(args: argparse.Namespace) -> int:
    """Sweep the exam's papers; print one line per placement, every failure with its replay command, a summary."""
    from qbank.check.exam_sweep import paper_ids, sweep_exam

    started = time.perf_counter()
    if args.canonical:
        raise UserError([Problem("<command line>", 0, "--canonical", "checks questions: give a bank, not an exam")])
    forms = args.forms
    exam, report = sweep_exam(args.path, args.seeds, args.seed, forms, args.jobs)
    print_notes(exam.notes)
    replay = f"qbank check {args.path}{f' --forms {forms}' if forms else ''}"
    papers = len(paper_ids(forms))
    order = {part.key: index for index, part in enumerate(exam.candidate_parts())}
    for placement in sorted(report.placements.values(), key=lambda p: order.get(p.key, len(order))):
        status = "FAIL" if placement.failed else "ok  "
        broken = f", {placement.failed} failing" if placement.failed else ""
        print(f"{status} {placement.key}: on {placement.papers:,} papers{broken}, {len(placement.distinct):,} distinct")
    for seed, problem in report.failures[:SHOWN_FAILURES]:
        print(f"       {problem} — reproduce: {replay} --seed {seed} --seeds 1")
    if len(report.failures) > SHOWN_FAILURES:
        print(f"       ... and {len(report.failures) - SHOWN_FAILURES} more failures")
    clash_seeds = sorted({clash.seed for clash in report.clashes})
    if exam.spec.forms_differ and papers > 1:
        status = "FAIL" if clash_seeds else "ok  "
        print(f"{status} forms_differ: {len(clash_seeds)} of {args.seeds} seeds give two of the {papers} forms the "
              "same numbers for a question")  # fmt: skip
        for clash in report.clashes[:SHOWN_FAILURES]:
            print(f"       seed {clash.seed}: forms {clash.forms[0]} and {clash.forms[1]}, {clash.question()} "
                  f"({clash.key}) — reproduce: {replay} --seed {clash.seed} --seeds 1")  # fmt: skip
    elif exam.spec.forms_differ:
        print("note forms_differ: give --forms K to check that K forms differ in every question")
    elapsed = time.perf_counter() - started
    failed = bool(report.failures) or bool(clash_seeds)
    print(f"{report.papers:,} papers (seeds {args.seed}..{args.seed + args.seeds - 1}, {papers} per seed), "
          f"{len(report.layouts):,} distinct layouts, {_variants(report)} in {elapsed:.1f} s "
          f"with {args.jobs} job(s); {'FAILED' if failed else 'all ok'}")  # fmt: skip
    return 1 if failed else 0


def _variants(report: ExamReport) -> str:
    """Placements checked over all papers, and how many of them failed (as the placement lines count them)."""
    checked = sum(placement.papers for placement in report.placements.values())
    failing = sum(placement.failed for placement in report.placements.values())
    return f"{checked:,} placements checked" + (f" ({failing:,} failing)" if failing else "")
