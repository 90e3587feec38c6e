"""Banks: a folder with bank.yaml, question files and the Python modules that solve them."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
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


def read_bank(path: Path, only: Path | None = None) -> tuple[Bank, list[Problem], list[Draft]]:
    """A bank with the questions that validate, the problems of those that do not, and the drafts of those among
    them whose keys parsed (problems of bank.yaml and its modules are raised)."""
    root = path if path.is_dir() else path.parent
    bank_file = root / BANK_FILE
    document = load_yaml_file(bank_file)
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
    files = [only] if only is not None else sorted((root / "questions").rglob("*.yaml"))
    if not files:
        raise UserError([Problem(display_name(root), 0, "", "bank has no question files under questions/")])
    questions: dict[str, Question] = {}
    drafts: list[Draft] = []
    for file in files:
        try:
            raw = read_bytes(file)
            document = load_yaml_bytes(raw, display_name(file))
            loaded = validate_question(document, raw, registries)
        except UserError as exc:
            problems.extend(exc.problems)
            continue
        if isinstance(loaded, list):
            problems.extend(loaded)
            drafts.extend(filter(None, [draft_of(document)]))
        elif loaded.id in questions:
            first = questions[loaded.id]
            problems.append(
                loaded.document.problem(
                    ("id",),
                    f"duplicate question id {loaded.id!r} (first in {first.file}:{first.document.line(('id',))})",
                )
            )
        else:
            questions[loaded.id] = loaded
    return Bank(spec, root.resolve(), questions, digests, registries), problems, drafts


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
