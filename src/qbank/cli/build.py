"""`qbank build`: one exam set (paper, key, practice sheet, manifest), or a class set per student or form."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

KEY_STYLES = ("full", "compact", "answers")  # qbank.render.question.KEY_STYLES (not imported: it loads the renderer)
SET_DIGEST_LINE = "set digest sha256:{digest} (keep it: qbank audit {out} --expect DIGEST checks it)"

HELP = "build an exam set, or a class set with one paper per student (--roster) or per form (--forms)"
EXAMPLES = """example:
  qbank build exams/cs60010-endsem.yaml --seed 2026 --out out/
  qbank build exams/cs60010-endsem.yaml --seed 0 --canonical --out sets/original --force
  qbank build exams/sample.yaml --roster exams/roster-example.csv --seed 7 --out sets/class7
  qbank build exams/sample.yaml --forms 4 --seed 7 --out sets/forms"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Arguments of `qbank build`."""
    from qbank.cli.arguments import cluster_argument, positive_int, seed_argument

    parser.add_argument("exam", type=Path, help="the exam YAML file")
    parser.add_argument("--seed", type=seed_argument, required=True, help="exam seed (a whole number >= 0)")
    parser.add_argument("--out", type=Path, required=True, help="output folder (must not exist unless --force)")
    who = parser.add_mutually_exclusive_group()
    who.add_argument("--roster", type=Path, help="a CSV with columns roll and name: one paper per student")
    who.add_argument(
        "--forms",
        type=positive_int,
        help="K forms A, B, ..., Z, then AA, AB, ..., ZZ (one variant per form), at most 702",
    )
    parser.add_argument("--jobs", type=positive_int, default=None, help="worker processes (default: one per core)")
    parser.add_argument("--cluster", type=cluster_argument, default=None,
                        help="render a class set's papers on a Dask cluster: a scheduler address (tcp://host:8786) "
                        "or local:N (N worker processes on this machine); needs qbank[dask]")  # fmt: skip
    parser.add_argument("--canonical", action="store_true", help="use each question's canonical (original) values")
    parser.add_argument(
        "--key",
        choices=KEY_STYLES,
        default=None,
        help="what the answer keys hold: full (question restated, answers, worked solution, marking scheme), "
        "compact (worked solution and marking scheme only; the table at the top lists every answer) or answers "
        "(the answer table only); "
        "default full for one exam set, compact for a class set (the grader has the student's paper)",
    )
    parser.add_argument("--force", action="store_true", help="replace an existing output folder")
    parser.add_argument("--no-bom", action="store_true", help="write answers.csv without the UTF-8 byte-order mark")
    parser.add_argument("--booklet-students", type=positive_int, default=None, metavar="N",
                        help="a class set's key booklet holds at most N students a file; more are split into "
                        "key-booklet-001-100.pdf, ... (default 100)")  # fmt: skip
    parser.add_argument(
        "--templates", type=Path, action="append", default=[], help="a folder of templates overriding the defaults"
    )


def print_notes(notes: Sequence[object]) -> None:
    """Print located remarks that are no error (an exam's `ask: choice` leaving answers unasked) on stderr."""
    for note in notes:
        print(f"qbank: note: {note}", file=sys.stderr)


def _usage(option: str, message: str) -> Exception:
    """A command-line error about `option`."""
    from qbank.core.errors import Problem, UserError

    return UserError([Problem("<command line>", 0, option, message)])


def run(args: argparse.Namespace, command: list[str]) -> int:
    """Build the set and print where it went."""
    if args.cluster is not None and args.jobs is not None:
        message = "sets the worker processes of this machine; with --cluster the cluster's workers render the papers"
        raise _usage("--jobs", message)
    if args.roster is not None or args.forms is not None:
        from qbank.output.booklet_files import BOOKLET_STUDENTS
        from qbank.sets.classset import build_class  # imports WeasyPrint: only the verbs that write PDFs pay for it

        result = build_class(args.exam, args.seed, args.out, roster=args.roster, forms=args.forms,
                             canonical=args.canonical, key_style=args.key or "compact", force=args.force,
                             template_dirs=args.templates, jobs=args.jobs, command=command,
                             csv_bom=not args.no_bom, cluster=args.cluster,
                             booklet_students=args.booklet_students or BOOKLET_STUDENTS)  # fmt: skip
        print_notes(result.notes)
        papers = sum(1 for name in result.files if name.startswith("papers/"))
        made = f"{papers} paper{'s' if papers != 1 else ''} and key{'s' if papers != 1 else ''}"
        booklets = sorted(name for name in result.files if name.startswith("key-booklet"))
        shown = str(args.out / booklets[0]) + (
            f" … {booklets[-1]} ({len(booklets)} files)" if len(booklets) > 1 else ""
        )
        print(f"{args.out}: {made}, {shown}, {args.out / 'answers.csv'}")
        print(f"{args.out / 'manifest.json'}")
        print(SET_DIGEST_LINE.format(digest=result.set_sha256, out=args.out))
        return 0
    if args.booklet_students is not None:
        raise _usage("--booklet-students", "a key booklet is made only for a class set (--roster or --forms)")
    if args.cluster is not None:
        raise _usage("--cluster", "renders a class set's papers (--roster or --forms); one exam set is built here")
    from qbank.core.progress import Progress
    from qbank.sets.build import build_exam

    result = build_exam(
        args.exam,
        args.seed,
        args.out,
        canonical=args.canonical,
        key_style=args.key or "full",
        force=args.force,
        template_dirs=args.templates,
        command=command,
        progress=Progress(0, "files", bar=False),
    )
    print_notes(result.notes)
    for name, digest in result.files.items():
        print(f"{args.out / name}  sha256:{digest[:16]}")
    print(f"{args.out / 'manifest.json'}")
    print(SET_DIGEST_LINE.format(digest=result.set_sha256, out=args.out))
    return 0
