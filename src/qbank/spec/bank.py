"""Banks: a folder with bank.yaml, question files and the Python modules that solve them."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

from pydantic import Field, ValidationError

from qbank.core.errors import Problem, UserError
from qbank.spec.load import display_name, load_yaml_bytes, load_yaml_file, read_bytes
from qbank.spec.models import Strict
from qbank.spec.modules import import_problem, load_module
from qbank.spec.registry import DuplicateNameError, Registries, collecting
from qbank.spec.schema_errors import pydantic_problems
from qbank.spec.validate import Draft, Question, draft_of, validate_question

BANK_FILE = "bank.yaml"


class BankSpec(Strict):
    """The bank.yaml file: a name, a title and the Python modules to import."""

    name: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]*$")]
    title: Annotated[str, Field(min_length=1)]
    description: str = ""
    modules: list[str] = []


@dataclass(frozen=True)
class Bank:
    """A loaded bank: its spec, folder, questions by id and module source digests."""

    spec: BankSpec
    root: Path
    questions: Mapping[str, Question]
    module_digests: Mapping[str, str]
    registries: Registries

    def question(self, question_id: str) -> Question:
        """The question with this id (KeyError if absent)."""
        return self.questions[question_id]


def find_bank_root(path: Path) -> Path | None:
    """The nearest folder at or above `path` that holds a bank.yaml."""
    start = path if path.is_dir() else path.parent
    for folder in (start, *start.parents):
        if (folder / BANK_FILE).is_file():
            return folder
    return None


def load_bank(path: Path, only: Path | None = None) -> Bank:
    """Load a bank folder (or the bank holding `only`, a single question file); report every problem."""
    bank, problems, _ = read_bank(path, only)
    if problems:
        raise UserError(sorted(problems))
    return bank


@dataclass(frozen=True)
class Opened:
    """A bank's folder, spec and module digests, its modules imported into `registries`: all but its questions."""

    root: Path
    spec: BankSpec
    digests: dict[str, str]
    registries: Registries

    def bank(self, questions: Mapping[str, Question]) -> Bank:
        """The bank holding these questions."""
        return Bank(self.spec, self.root.resolve(), questions, self.digests, self.registries)

    def question_files(self) -> list[Path]:
        """Every question file, in name order (a bank without any is a UserError)."""
        files = sorted((self.root / "questions").rglob("*.yaml"))
        if not files:
            raise UserError([Problem(display_name(self.root), 0, "", "bank has no question files under questions/")])
        return files


@dataclass(frozen=True)
class QuestionFile:
    """One question file as loaded: its question, or its problems (and its draft, when its keys parsed)."""

    file: Path
    question: Question | None
    problems: list[Problem]
    draft: Draft | None = None


def open_bank(path: Path) -> Opened:
    """Read bank.yaml and import the bank's modules (their problems, and those of bank.yaml, are raised)."""
    root = path if path.is_dir() else path.parent
    document = load_yaml_file(root / BANK_FILE)
    if not isinstance(document.data, dict):
        raise UserError([document.problem((), "bank.yaml must be a mapping of keys")])
    try:
        spec = BankSpec.model_validate(document.data)
    except ValidationError as exc:
        raise UserError(pydantic_problems(exc, document)) from None
    problems: list[Problem] = []
    registries = Registries()
    with collecting(registries):
        digests = _import_modules(root, spec, document, problems)
    if problems:
        raise UserError(problems)
    return Opened(root, spec, digests, registries)


def load_question_file(file: Path, registries: Registries, raw: bytes | None = None) -> QuestionFile:
    """Read (unless its bytes are given), parse and validate one question file."""
    try:
        raw = read_bytes(file) if raw is None else raw
        document = load_yaml_bytes(raw, display_name(file))
        loaded = validate_question(document, raw, registries)
    except UserError as exc:
        return QuestionFile(file, None, list(exc.problems))
    if isinstance(loaded, list):
        return QuestionFile(file, None, loaded, draft_of(document))
    return QuestionFile(file, loaded, [])


def by_id(loaded: Iterable[QuestionFile]) -> tuple[dict[str, Question], list[Problem]]:
    """The questions of the files that validated, by id, and a problem for each id declared a second time."""
    questions: dict[str, Question] = {}
    problems: list[Problem] = []
    for question in (entry.question for entry in loaded if entry.question is not None):
        first = questions.setdefault(question.id, question)
        if first is not question:
            where = f"{first.file}:{first.document.line(('id',))}"
            problems.append(
                question.document.problem(("id",), f"duplicate question id {question.id!r} (first in {where})")
            )
    return questions, problems


def read_bank(path: Path, only: Path | None = None) -> tuple[Bank, list[Problem], list[Draft]]:
    """A bank with the questions that validate, the problems of those that do not, and the drafts of those among
    them whose keys parsed (problems of bank.yaml and its modules are raised)."""
    opened = open_bank(path)
    files = [only] if only is not None else opened.question_files()
    loaded = [load_question_file(file, opened.registries) for file in files]
    questions, duplicates = by_id(loaded)
    problems = [problem for entry in loaded for problem in entry.problems] + duplicates
    drafts = [entry.draft for entry in loaded if entry.draft is not None]
    return opened.bank(questions), problems, drafts


def _import_modules(root: Path, spec: BankSpec, document, problems: list[Problem]) -> dict[str, str]:
    """Import each listed module once; turn import failures into located problems."""
    digests: dict[str, str] = {}
    for index, relative in enumerate(spec.modules):
        module_path = (root / relative).resolve()
        if not module_path.is_file() or module_path.suffix != ".py":
            problems.append(document.problem(("modules", index), f"no Python file at {relative!r}"))
            continue
        digests[relative] = hashlib.sha256(module_path.read_bytes()).hexdigest()
        try:
            load_module(module_path)
        except DuplicateNameError as exc:
            problems.append(document.problem(("modules", index), str(exc)))
        except Exception as exc:
            problems.append(import_problem(exc, module_path, root, document.problem(("modules", index), "")))
    return digests


def load_questions(path: Path) -> tuple[Bank, list[Question]]:
    """Load what a CLI PATH names: a bank folder, its bank.yaml, or one question file in a bank."""
    bank = load_bank(*bank_location(path))
    return bank, list(bank.questions.values())


def bank_location(path: Path) -> tuple[Path, Path | None]:
    """The bank folder a CLI PATH names, and the single question file when it names one."""
    path = Path(path)
    if not path.exists():
        raise UserError([Problem(display_name(path), 0, "", "no such file or folder")])
    root = find_bank_root(path)
    if root is None:
        raise UserError([Problem(display_name(path), 0, "", f"not inside a bank (no {BANK_FILE} here or above)")])
    single_question = path.is_file() and path.name != BANK_FILE
    return root, path if single_question else None
