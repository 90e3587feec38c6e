"""`qbank grade`: mark each student's numeric responses against their own paper's answers."""

from __future__ import annotations

import argparse
from pathlib import Path

HELP = "grade a responses CSV against each student's own answers (declared tolerances); write marks.csv"
EXAMPLES = """example:
  qbank grade out/quiz1 responses.csv
  qbank grade out/quiz1/manifest.json responses.csv --out marks/quiz1.csv --force
The responses CSV is shaped like the set's answers.csv: a roll (or form) column, one column per answer."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Arguments of `qbank grade`."""
    parser.add_argument("manifest", type=Path, help="a set folder or its manifest.json")
    parser.add_argument("responses", type=Path, help="responses CSV (columns as in answers.csv)")
    parser.add_argument("--out", type=Path, default=None, help="marks CSV to write (default: marks.csv beside it)")
    parser.add_argument("--force", action="store_true", help="replace an existing marks file")


def run(args: argparse.Namespace, command: list[str]) -> int:
    """Grade, write the marks file and print one line per student."""
    from ..errors import Problem, UserError
    from ..grade import grade, marks_csv
    from ..load import display_name
    from ..manifest import read_manifest
    from ..roster import read_table
    from ..writer import write_durable

    manifest, _ = read_manifest(args.manifest)
    table = read_table(args.responses, "responses file")
    graded = grade(manifest, table)
    out = args.out or args.responses.with_name("marks.csv")
    if out.exists() and not args.force:
        raise UserError([Problem("<command line>", 0, "--out", f"{display_name(out)} already exists "
                                 "(use --force to replace it)")])  # fmt: skip
    partial = out.with_name(f".{out.name}.partial")
    write_durable(partial, marks_csv(manifest, graded, table))
    partial.replace(out)
    for g in graded:
        who = " ".join(v for v in (g.identity.get("roll") or g.identity.get("form"), g.identity.get("name")) if v)
        print(f"{who or g.paper_id}: {g.total:g} of {g.auto_max:g} auto-graded marks (paper total {g.paper_max:g})")
    print(f"{out}: {len(graded)} rows")
    return 0
