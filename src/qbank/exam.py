"""Exam files: header fields, rules, instructions and numbered questions drawn from one bank."""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

from pydantic import Field, ValidationError

from .bank import Bank, load_bank
from .errors import Problem, UserError
from .load import Document, load_yaml_file
from .models import Strict
from .validate import Question, pydantic_problems

DEFAULT_FIELDS = ["Roll Number", "Name", "Section"]
Marks = Annotated[float, Field(gt=0)]


class Course(Strict):
    """Course code and name."""

    code: Annotated[str, Field(min_length=1)]
    name: Annotated[str, Field(min_length=1)]


class QuestionRef(Strict):
    """A question (or a part) by id, with optional marks overriding the question's own."""

    id: str
    marks: Marks | None = None


class ExamItem(Strict):
    """One numbered question: a single question id, or parts (a), (b), ..."""

    id: str | None = None
    marks: Marks | None = None
    parts: Annotated[list[QuestionRef], Field(min_length=1)] | None = None


class Section(Strict):
    """A group of numbered questions with an optional heading and note."""

    title: str = ""
    note: str = ""
    questions: Annotated[list[ExamItem], Field(min_length=1)]


class ExamSpec(Strict):
    """The exam file."""

    bank: Annotated[str, Field(min_length=1)]
    institution: Annotated[str, Field(min_length=1)]
    course: Course
    exam: Annotated[str, Field(min_length=1)]
    semester: str = ""
    year: int | None = None
    duration: str = ""
    date: str = ""
    student_fields: list[str] = DEFAULT_FIELDS
    rules: list[str] = []
    instructions: list[str] = []
    sections: Annotated[list[Section], Field(min_length=1)]


@dataclass(frozen=True)
class Part:
    """One question on the paper with its marks and its label within its number ('a', 'b', or '')."""

    label: str
    question: Question
    marks: float


@dataclass(frozen=True)
class Item:
    """One numbered question of the paper."""

    number: int
    section: int
    parts: tuple[Part, ...]

    @property
    def marks(self) -> float:
        """Total marks of the numbered question."""
        return sum(p.marks for p in self.parts)


@dataclass(frozen=True)
class Exam:
    """A validated exam: its spec, bank, numbered items and file digest."""

    spec: ExamSpec
    file: str
    digest: str
    bank: Bank
    items: tuple[Item, ...]

    @property
    def total_marks(self) -> float:
        """Sum of all marks."""
        return sum(item.marks for item in self.items)

    def parts(self) -> list[tuple[Item, Part]]:
        """Every (item, part) in paper order."""
        return [(item, part) for item in self.items for part in item.parts]


def load_exam(path: Path) -> Exam:
    """Load and validate an exam file and its bank; report every problem located."""
    document = load_yaml_file(path)
    if not isinstance(document.data, dict):
        raise UserError([document.problem((), "an exam file must be a mapping of keys")])
    try:
        spec = ExamSpec.model_validate(document.data)
    except ValidationError as exc:
        raise UserError(pydantic_problems(exc, document)) from None
    bank_dir = (path.parent / spec.bank).resolve()
    if not (bank_dir / "bank.yaml").is_file():
        raise UserError([document.problem(("bank",), f"no bank.yaml in {spec.bank!r} (relative to the exam file)")])
    bank = load_bank(bank_dir)
    items = _number_items(spec, bank, document)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    return Exam(spec, document.file, digest, bank, items)


def _number_items(spec: ExamSpec, bank: Bank, doc: Document) -> tuple[Item, ...]:
    """Resolve question ids into numbered items; every unknown or repeated id is reported."""
    problems: list[Problem] = []
    seen: dict[str, str] = {}
    items: list[Item] = []
    number = 0
    for s_index, section in enumerate(spec.sections):
        for q_index, entry in enumerate(section.questions):
            where = ("sections", s_index, "questions", q_index)
            number += 1
            if (entry.id is None) == (entry.parts is None):
                problems.append(doc.problem(where, "give either `id` or `parts`"))
                continue
            if entry.parts is not None and entry.marks is not None:
                problems.append(doc.problem((*where, "marks"), "marks go on each part"))
            refs = [QuestionRef(id=entry.id, marks=entry.marks)] if entry.id else list(entry.parts or [])
            parts = []
            for p_index, ref in enumerate(refs):
                ref_path = (*where, "id") if entry.id else (*where, "parts", p_index, "id")
                question = bank.questions.get(ref.id)
                if question is None:
                    problems.append(doc.problem(ref_path, f"no question {ref.id!r} in bank {bank.spec.name!r}"))
                    continue
                if ref.id in seen:
                    problems.append(doc.problem(ref_path, f"question {ref.id!r} is already used as {seen[ref.id]}"))
                label = chr(ord("a") + p_index) if entry.parts else ""
                seen[ref.id] = f"{number}{f'({label})' if label else ''}"
                marks = ref.marks if ref.marks is not None else question.spec.marks
                if question.spec.rubric and not math.isclose(marks, question.spec.marks):
                    problems.append(doc.problem(ref_path, f"marks {marks:g} differ from the {question.spec.marks:g} "
                                                "its rubric adds up to"))  # fmt: skip
                parts.append(Part(label, question, marks))
            items.append(Item(number, s_index, tuple(parts)))
    if problems:
        raise UserError(problems)
    return tuple(items)
