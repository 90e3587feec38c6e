"""`qbank serve`: practice online; a read-only web server of seeded variants marked by qbank's grader."""

from __future__ import annotations

import argparse
from pathlib import Path

HELP = "serve a bank (or an exam's questions) for practice online: seeded variants, marked on the server"
EXAMPLES = """example:
  qbank serve banks/deep-learning                      (http://127.0.0.1:8000/)
  qbank serve exams/sample.yaml --port 8080
  qbank serve banks/deep-learning --ask choice         (numbers with misconceptions asked as multiple choice)
The server reads the bank once at start and never writes; it binds 127.0.0.1 unless --host says otherwise."""
SPEEDUPS = True


def port_number(text: str) -> int:
    """A TCP port 1..65535."""
    try:
        value = int(text, 10)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a port number, got {text!r}") from None
    if not 1 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"a port is 1 to 65535, got {value}")
    return value


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Arguments of `qbank serve`."""
    parser.add_argument("path", type=Path, help="a bank folder, its bank.yaml, one question file, or an exam file")
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1: this machine only)")
    parser.add_argument("--port", type=port_number, default=8000, help="port (default 8000)")
    parser.add_argument(
        "--ask",
        choices=("free", "choice"),
        default="free",
        help="a bank's numbers with misconceptions: typed (free, the default) or asked as multiple choice",
    )


def run(args: argparse.Namespace, command: list[str]) -> int:
    """Load and preflight the bank once, then serve until interrupted."""
    import uvicorn

    from qbank.serve.app import create_app
    from qbank.serve.catalog import load_catalog

    catalog = load_catalog(args.path, args.ask)
    print(f"qbank serve: {len(catalog.entries)} questions of {catalog.title!r} on http://{args.host}:{args.port}/")
    uvicorn.run(create_app(catalog), host=args.host, port=args.port, log_level="warning")
    return 0
