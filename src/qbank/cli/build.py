"""`qbank build`: paper, answer key, practice sheet, key sidecar and manifest for one exam."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

HELP = "build an exam set (paper, key, practice sheet, manifest) into a new folder"
EXAMPLES = """example:
  qbank build exams/cs60010-endsem.yaml --seed 2026 --out out/
  qbank build exams/cs60010-endsem.yaml --seed 0 --canonical --out out/original --force"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Arguments of `qbank build`."""
    from . import seed_argument

    parser.add_argument("exam", type=Path, help="the exam YAML file")
    parser.add_argument("--seed", type=seed_argument, required=True, help="exam seed (a whole number >= 0)")
    parser.add_argument("--out", type=Path, required=True, help="output folder (must not exist unless --force)")
    parser.add_argument("--canonical", action="store_true", help="use each question's canonical (original) values")
    parser.add_argument("--force", action="store_true", help="replace an existing output folder")
    parser.add_argument(
        "--templates", type=Path, action="append", default=[], help="a folder of templates overriding the defaults"
    )


def run(args: argparse.Namespace, command: list[str]) -> int:
    """Build the set and print where it went."""
    from ..build import build_exam  # imports WeasyPrint: only the verbs that write PDFs pay for it

    result = build_exam(
        args.exam,
        args.seed,
        args.out,
        canonical=args.canonical,
        force=args.force,
        template_dirs=args.templates,
        command=command,
        progress=lambda message: print(f"qbank: {message}", file=sys.stderr),
    )
    for name, digest in result.files.items():
        print(f"{args.out / name}  sha256:{digest[:16]}")
    print(f"{args.out / 'manifest.json'}")
    return 0
