"""`qbank export`: K seeded variants of every question of an exam, a bank or one question file, for an LMS."""

from __future__ import annotations

import argparse
from pathlib import Path

HELP = "export K seeded variants per question for an LMS: Moodle XML, a QTI 2.1 package or a Canvas package"
EXAMPLES = """example:
  qbank export banks/deep-learning --format moodle --variants 20 --seed 1 --out exports/dl-quiz.xml
  qbank export exams/sample.yaml --format qti21 --variants 10 --seed 7 --out exports/sample-qti.zip
  qbank export exams/sample.yaml --format canvas --variants 10 --seed 7 --out exports/sample-canvas
Variant i uses exam seed SEED+i on paper 'main': the variants `qbank variants PATH --seed SEED --count K` prints.
--out FILE (.xml for moodle, .zip for qti21 and canvas) writes the export at FILE, with FILE.notes.txt and
FILE.manifest.json (for qbank audit FILE) beside it; any other --out is a folder holding the export (moodle.xml,
qti21.zip or canvas.zip), notes.txt and manifest.json."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Arguments of `qbank export`."""
    from qbank.cli.arguments import seed_argument

    parser.add_argument("path", type=Path, help="an exam file, a bank folder (or its bank.yaml) or a question file")
    parser.add_argument("--format", required=True, help="moodle, qti21 or canvas")
    parser.add_argument("--variants", type=int, required=True, help="variants per question (K >= 1)")
    parser.add_argument("--seed", type=seed_argument, required=True, help="first exam seed (a whole number >= 0)")
    parser.add_argument("--out", type=Path, required=True,
                        help="the export file (.xml for moodle, .zip for qti21 and canvas) or an output folder; "
                        "must not exist unless --force")  # fmt: skip
    parser.add_argument(
        "--ask",
        choices=("free", "choice"),
        default=None,
        help="a bank or question: ask answers with misconceptions as multiple choice (default free)",
    )
    parser.add_argument("--force", action="store_true", help="replace an export qbank wrote")


def run(args: argparse.Namespace, command: list[str]) -> int:
    """Write the export and print its files, notes and set digest."""
    from qbank.cli.build import SET_DIGEST_LINE
    from qbank.sets.export import export

    result, notes = export(args.path, args.format, args.variants, args.seed, args.out, ask=args.ask,
                           force=args.force, command=command)  # fmt: skip
    for name, digest in result.files.items():
        print(f"{result.out_dir / name}  sha256:{digest[:16]}")
    for line in notes.splitlines():
        print(f"note: {line}")
    print(SET_DIGEST_LINE.format(digest=result.set_sha256, out=args.out))
    return 0
