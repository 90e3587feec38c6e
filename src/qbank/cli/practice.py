"""`qbank practice`: a practice sheet of fresh variants on chosen topics, with solutions."""

from __future__ import annotations

import argparse
from pathlib import Path

HELP = "build a practice sheet (PDF and self-contained HTML) of fresh variants on chosen topics"
EXAMPLES = """example:
  qbank practice banks/deep-learning --topics cnn,transformer --count 8 --seed 1 --out sets/practice
  qbank practice banks/sample --count 4 --seed 2 --inline-solutions --out sets/drill"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Arguments of `qbank practice`."""
    from qbank.cli.arguments import positive_int, seed_argument

    parser.add_argument("bank", type=Path, help="a bank folder (or its bank.yaml)")
    parser.add_argument("--topics", default="", help="comma-separated topics (default: every topic)")
    parser.add_argument("--count", type=positive_int, default=8, help="how many questions (default 8)")
    parser.add_argument("--seed", type=seed_argument, required=True, help="seed (a whole number >= 0)")
    parser.add_argument("--out", type=Path, required=True, help="output folder (must not exist unless --force)")
    parser.add_argument("--inline-solutions", action="store_true", help="each solution right after its question")
    parser.add_argument("--force", action="store_true", help="replace an existing output folder")
    parser.add_argument(
        "--templates", type=Path, action="append", default=[], help="a folder of templates overriding the defaults"
    )


def run(args: argparse.Namespace, command: list[str]) -> int:
    """Build the sheet and print where it went."""
    from qbank.cli.build import SET_DIGEST_LINE
    from qbank.draw.sheet import parse_topics
    from qbank.sets.practice import build_practice  # imports WeasyPrint

    result = build_practice(args.bank, args.seed, args.out, topics=parse_topics(args.topics), count=args.count,
                            inline_solutions=args.inline_solutions, force=args.force, template_dirs=args.templates,
                            command=command)  # fmt: skip
    for name, digest in result.files.items():
        print(f"{args.out / name}  sha256:{digest[:16]}")
    print(SET_DIGEST_LINE.format(digest=result.set_sha256, out=args.out))
    return 0
