"""`qbank schema`: print the JSON Schema of question, bank or exam files, for editors and CI."""

from __future__ import annotations

import argparse
import sys

KINDS = ("question", "bank", "exam")  # qbank.spec.json_schema.KINDS (a test checks they agree; not imported: pydantic)

SPEEDUPS = False  # draws and renders nothing: no speed-up is installed (each would load its library)
HELP = "print the JSON Schema (draft 2020-12) of question, bank or exam files"
EXAMPLES = """example:
  qbank schema question > schemas/question.schema.json
  qbank schema bank > schemas/bank.schema.json
  qbank schema exam > schemas/exam.schema.json
The schema is generated from the models qbank loads specs with: unknown keys and wrong types are refused
by both. It checks each file's shape only; `qbank check` still validates expressions, templates and solvers."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Arguments of `qbank schema`."""
    parser.add_argument("kind", choices=list(KINDS), help="which kind of spec file: question, bank or exam")


def run(args: argparse.Namespace, command: list[str]) -> int:
    """Print the schema on stdout."""
    from qbank.spec.json_schema import schema_text

    sys.stdout.write(schema_text(args.kind))
    return 0
