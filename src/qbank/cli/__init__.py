"""The `qbank` command line: one module per verb; user errors print located messages and exit 2."""

from __future__ import annotations

import argparse
import os
import signal
import sys
from collections.abc import Sequence

from qbank import __version__
from qbank.cli import audit, build, check, export, grade, new, practice, schema, serve, variants
from qbank.cli.arguments import form_count, positive_int, seed_argument
from qbank.core.errors import Problem, UserError
from qbank.core.lifetime import Terminated, sigterm_raises
from qbank.speedups import install_all

__all__ = ["ArgumentError", "Parser", "entry", "form_count", "main", "make_parser", "positive_int", "print_problems",
           "seed_argument"]  # fmt: skip

VERBS = {"build": build, "variants": variants, "check": check, "practice": practice, "grade": grade,
         "audit": audit, "export": export, "new": new, "schema": schema, "serve": serve}  # fmt: skip
EPILOG = """examples:
  qbank build exams/cs60010-endsem.yaml --seed 2026 --out out/
  qbank build exams/cs60010-endsem.yaml --seed 1 --canonical --out sets/canonical
  qbank build exams/sample.yaml --roster exams/roster-example.csv --seed 7 --out sets/class7
  qbank build exams/sample.yaml --forms 4 --seed 7 --out sets/forms
  qbank variants banks/deep-learning/questions/cnn/vgg-params.yaml --seed 0 --count 5
  qbank check banks/deep-learning --seeds 1000
  qbank practice banks/deep-learning --topics cnn,transformer --count 8 --seed 1 --out sets/practice
  qbank grade sets/class7 responses.csv
  qbank audit sets/class7 --paper 24CS1007
  qbank serve banks/deep-learning

Every user error is printed as `file:line: key.path: problem` and exits with status 2."""


class ArgumentError(Exception):
    """A bad command-line argument."""


class Parser(argparse.ArgumentParser):
    """argparse that raises instead of printing usage and exiting."""

    def error(self, message: str) -> None:  # type: ignore[override]
        """Turn argparse's complaint into a located command-line problem."""
        raise ArgumentError(f"{self.prog}: {message}")


def make_parser() -> Parser:
    """The full argument parser with one sub-command per verb."""
    parser = Parser(
        prog="qbank",
        description="Seeded exam papers, answer keys and practice sheets from YAML question banks.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"qbank {__version__}")
    sub = parser.add_subparsers(dest="verb", metavar="COMMAND", parser_class=Parser)
    for name, module in VERBS.items():
        verb = sub.add_parser(
            name,
            help=module.HELP,
            description=module.HELP,
            epilog=module.EXAMPLES,
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        module.add_arguments(verb)
        verb.set_defaults(run=module.run, speedups=getattr(module, "SPEEDUPS", True))
    return parser


def print_problems(problems: Sequence[Problem]) -> None:
    """Print every problem on stderr, one per line."""
    for problem in problems:
        print(str(problem), file=sys.stderr)
    count = len(problems)
    print(f"qbank: {count} error{'s' if count != 1 else ''}", file=sys.stderr)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; return the exit status (0 ok, 1 check failures, 2 user errors)."""
    args_list = list(sys.argv[1:] if argv is None else argv)
    parser = make_parser()
    try:
        with sigterm_raises():
            args = parser.parse_args(args_list)
            if not getattr(args, "verb", None):
                parser.print_help(sys.stderr)
                raise ArgumentError(f"qbank: a COMMAND is required ({', '.join(VERBS)})")
            if args.speedups:  # verbs that draw or render; grade, new and schema load neither WeasyPrint nor ziamath
                install_all(deferred=True)  # each behind its version guard and off switch (QBANK_SPEEDUPS=off),
                # installed when its library is first imported: a command that renders nothing loads no WeasyPrint
            return int(args.run(args, ["qbank", *args_list]) or 0)
    except ArgumentError as exc:
        print_problems([Problem("<command line>", 0, "", str(exc))])
        return 2
    except UserError as exc:
        print_problems(exc.problems)
        return 2
    except KeyboardInterrupt:
        print("qbank: interrupted; nothing was written", file=sys.stderr)
        return 130
    except Terminated:
        print("qbank: terminated; nothing was written", file=sys.stderr)
        return 128 + signal.SIGTERM
    except BrokenPipeError:  # `qbank check ... | head`: the reader left; stop quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


def entry() -> None:
    """Console-script entry point."""
    sys.exit(main())
