"""`qbank new`: scaffold a bank folder, or a question file in a bank; never overwrites anything."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

from qbank.core.errors import Problem, UserError
from qbank.spec.load import display_name, load_yaml_file

BANK_FILE = "bank.yaml"  # qbank.spec.bank.BANK_FILE (not imported: it loads the validators every command would pay)

SPEEDUPS = False  # draws and renders nothing: no speed-up is installed (each would load its library)
HELP = "make a new bank folder that passes `qbank check`, or add a question file to a bank"
EXAMPLES = """example:
  qbank new bank banks/mine --title "Signals and systems"
  qbank new question filters/fir-taps --bank banks/mine --topic filters
A new bank holds bank.yaml, an example question, solvers.py, tests/ and a README; a new question needs no new
solver, so `qbank check` passes as soon as it is created. Nothing existing is ever replaced."""
BANK_NAME = r"^[a-z0-9][a-z0-9-]*$"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Arguments of `qbank new bank` and `qbank new question`."""
    what = parser.add_subparsers(dest="what", metavar="WHAT", required=True, parser_class=type(parser))
    bank = what.add_parser("bank", help="a new bank folder", description="make a new bank folder DIR")
    bank.add_argument("dir", type=Path, metavar="DIR", help="the new bank's folder (must not exist, or be empty)")
    bank.add_argument("--name", help="the bank's name, [a-z0-9-]+ (default: from DIR)")
    bank.add_argument("--title", help="the bank's title (default: from the name)")
    question = what.add_parser("question", help="a new question file", description="add a question file to a bank")
    question.add_argument("id", metavar="ID", help="the question id, e.g. topic/my-question")
    question.add_argument("--bank", type=Path, help="the bank folder (default: the bank holding the current folder)")
    question.add_argument("--topic", help="a topic tag for the question, [a-z0-9-]+")


def run(args: argparse.Namespace, command: list[str]) -> int:
    """Write the new bank or question, then say what was written."""
    return new_bank(args) if args.what == "bank" else new_question(args)


def new_bank(args: argparse.Namespace) -> int:
    """Write a bank folder, all files at once (staged beside it, then renamed into place)."""
    from qbank.cli.scaffold import bank_files
    from qbank.output.writer import write_set

    target: Path = args.dir
    name = args.name if args.name is not None else re.sub(r"[\s_]+", "-", target.resolve().name.lower())
    problems = _folder_problems(target)
    if not re.match(BANK_NAME, name):
        option = "--name" if args.name is not None else "DIR"
        problems.append(_problem(option, f"{name!r} is not a bank name ([a-z0-9-]+); give --name"))
    title = args.title if args.title is not None else name.replace("-", " ").capitalize()
    if not title.strip():
        problems.append(_problem("--title", "must not be empty"))
    if problems:
        raise UserError(problems)
    write_set(target, bank_files(name, title, display_name(target)), force=False)
    shown = display_name(target)
    print(f"wrote bank {name!r} in {shown}: bank.yaml, questions/, solvers.py, tests/, README.md")
    print(f"next: qbank check {shown}   (and python -m pytest {shown}/tests)")
    return 0


def new_question(args: argparse.Namespace) -> int:
    """Write one question file under the bank's questions/ folder (refusing an id or file that exists)."""
    from qbank.cli.scaffold import question_file
    from qbank.output.writer import write_files
    from qbank.spec.models import QUESTION_ID

    problems = []
    if not re.match(QUESTION_ID, args.id):
        problems.append(_problem("ID", f"{args.id!r} is not a question id ([a-z0-9-]+ segments joined by /)"))
    if args.topic is not None and not re.match(BANK_NAME, args.topic):
        problems.append(_problem("--topic", f"{args.topic!r} is not a topic ([a-z0-9-]+)"))
    bank_root = _bank_root(args.bank)
    if problems:
        raise UserError(problems)
    target = bank_root / "questions" / f"{args.id}.yaml"
    if target.exists() or target.is_symlink():
        raise UserError([_problem("ID", f"{display_name(target)} already exists; qbank never replaces it")])
    for file in sorted((bank_root / "questions").rglob("*.yaml")):
        if _question_id(file) == args.id:
            raise UserError([_problem("ID", f"question {args.id!r} already exists in {display_name(file)}")])
    bank = load_yaml_file(bank_root / BANK_FILE).data
    bank_name = str(bank.get("name", "")) if isinstance(bank, dict) else ""
    write_files({target: question_file(args.id, bank_name, args.topic)})
    print(f"wrote {display_name(target)}; next: qbank check {display_name(target)}")
    return 0


def _folder_problems(target: Path) -> list[Problem]:
    """Why `target` cannot become a new bank: a file, the current folder, or a folder with files in it."""
    shown = display_name(target)
    resolved = target.resolve()
    blocker = next((p for p in resolved.parents if p.exists() and not p.is_dir()), None)
    if blocker is not None:
        return [_problem("DIR", f"{shown} is inside {display_name(blocker)}, which is a file, not a folder")]
    if resolved == Path.cwd().resolve() or resolved in Path.cwd().resolve().parents:
        return [_problem("DIR", f"{shown} holds the current folder; make the bank in a new folder")]
    if target.is_symlink() or (target.exists() and not target.is_dir()):
        return [_problem("DIR", f"{shown} exists and is not a folder")]
    if target.exists() and any(target.iterdir()):
        return [_problem("DIR", f"{shown} is not empty; qbank new bank writes only a new or empty folder")]
    return []


def _bank_root(given: Path | None) -> Path:
    """The bank folder `--bank` names, or the one holding the current folder."""
    from qbank.spec.bank import find_bank_root

    if given is not None:
        if not (given / BANK_FILE).is_file():
            raise UserError([_problem("--bank", f"no {BANK_FILE} in {display_name(given)}")])
        return given
    found = find_bank_root(Path.cwd())
    if found is None:
        raise UserError([_problem("--bank", f"no {BANK_FILE} in the current folder or above; give --bank DIR")])
    return found


def _question_id(file: Path) -> object:
    """The `id` a question file declares (None when the file cannot be read as a mapping)."""
    try:
        data = load_yaml_file(file).data
    except UserError:
        return None
    return data.get("id") if isinstance(data, dict) else None


def _problem(where: str, message: str) -> Problem:
    """A command-line problem, printed as `<command line>: WHERE: message`."""
    return Problem("<command line>", 0, where, message)
