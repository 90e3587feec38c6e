"""`qbank audit`: regenerate a set in a temporary folder and compare it, file by file, with its manifest."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

HELP = "regenerate a set (or one student's paper) and compare parameters, answers and PDF digests"
EXAMPLES = """example:
  qbank audit sets/class7
  qbank audit sets/class7/manifest.json --paper 24CS1007
  qbank audit sets/class7 --expect sha256:9f2c...   (the set digest the build printed)
Exit status: 0 identical, 1 something differs (each difference says why), 2 user error."""


def set_digest_argument(text: str) -> str:
    """A set digest: 64 hex digits, optionally after `sha256:`."""
    digest = text.strip().lower().removeprefix("sha256:")
    if not re.fullmatch(r"[0-9a-f]{64}", digest):
        raise argparse.ArgumentTypeError(f"expected a set digest (sha256: and 64 hex digits), got {text!r}")
    return digest


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Arguments of `qbank audit`."""
    from qbank.cli.arguments import cluster_argument, positive_int

    parser.add_argument("set", type=Path, help="a set folder or its manifest.json")
    parser.add_argument("--paper", default=None, help="rebuild only this paper (a roll number or form letter)")
    parser.add_argument("--jobs", type=positive_int, default=None, help="worker processes (default: one per core)")
    parser.add_argument("--cluster", type=cluster_argument, default=None,
                        help="regenerate a class set's papers on a Dask cluster: a scheduler address or "
                        "local:N")  # fmt: skip
    parser.add_argument("--expect", type=set_digest_argument, default=None, metavar="DIGEST",
                        help="the set digest the build printed (kept elsewhere): fail unless the set has it",
                        )  # fmt: skip


def run(args: argparse.Namespace, command: list[str]) -> int:
    """Audit and print the report."""
    from qbank.audit.regenerate import audit, print_report
    from qbank.core.errors import Problem, UserError
    from qbank.sets.classset import default_jobs

    if args.cluster is not None and args.jobs is not None:
        message = "sets this machine's worker processes; with --cluster the cluster's workers regenerate the papers"
        raise UserError([Problem("<command line>", 0, "--jobs", message)])
    report = audit(args.set, args.paper, args.jobs or default_jobs(), show_progress=True, expect=args.expect,
                   cluster=args.cluster)  # fmt: skip
    print_report(report)
    return 0 if report.identical else 1
