"""Exam files: header fields, rules, instructions and numbered questions drawn from one bank."""

from __future__ import annotations

import dataclasses
import datetime
import hashlib
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import Field, ValidationError, field_validator

from qbank.core.errors import Problem, UserError
from qbank.spec.bank import Bank, load_bank
from qbank.spec.load import Document, display_name, load_yaml_bytes, read_bytes
from qbank.spec.models import Name, Strict
from qbank.spec.scenario import compile_scenarios
from qbank.spec.schema_errors import pydantic_problems
from qbank.spec.validate import Question

DEFAULT_FIELDS = ["Roll Number", "Name", "Section"]
DEFAULT_VIOLATION = "Violation of any of the above instructions may lead to severe punishment."
PAPER_SIZES = ("A4", "Letter")
Marks = Annotated[float, Field(gt=0)]


class Course(Strict):
    """Course code and name."""

    code: Annotated[str, Field(min_length=1)]
    name: Annotated[str, Field(min_length=1)]


class FrontLabels(Strict):
    """The fixed words of the front page, for exams set in another language (defaults: the seed paper's)."""

    semester: str = "SEMESTER"
    date: str = "DATE"
    form: str = "FORM"
    stamp: str = "Stamp / Signature of the Invigilator"
    rules_title: str = "Important Instructions and Guidelines for Students"


class QuestionRef(Strict):
    """A question (or a part) by id, with optional marks overriding the question's own."""

    id: str
    marks: Marks | None = None
    scenario: Name | None = None


class ExamItem(Strict):
    """One numbered question (an id, or parts (a), (b), ...), or a pool: `pick` questions drawn per paper."""

    id: str | None = None
    marks: Marks | None = None
    parts: Annotated[list[QuestionRef], Field(min_length=1)] | None = None
    pool: Annotated[list[str], Field(min_length=1)] | None = None
    pick: Annotated[int, Field(ge=1)] | None = None
    scenario: Name | None = None
    repeat: Annotated[int, Field(ge=1, le=100)] | None = None


class Section(Strict):
    """A group of numbered questions with an optional heading and note; `shuffle` reorders them per paper."""

    title: str = ""
    note: str = ""
    shuffle: bool = False
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
    date: str | datetime.date = ""  # printed as written (an unquoted YAML date as 2026-05-12)
    student_fields: list[str] = DEFAULT_FIELDS
    rules: list[str] = []
    violation_note: str = DEFAULT_VIOLATION
    exam_label: str = "EXAMINATION"
    paper_size: Literal["A4", "Letter"] = "A4"
    labels: FrontLabels = FrontLabels()
    forms_differ: bool = False
    instructions: list[str] = []
    scenarios: dict[Name, dict[str, Any]] = {}
    sections: Annotated[list[Section], Field(min_length=1)]

    @field_validator("paper_size", mode="before")
    @classmethod
    def _paper_size_any_case(cls, value: Any) -> Any:
        """`a4`, `LETTER`: the paper size's name in any case."""
        if isinstance(value, str):
            return {"a4": "A4", "letter": "Letter"}.get(value.strip().casefold(), value)
        return value


@dataclass(frozen=True)
class Part:
    """One question on the paper with its marks, its label within its number ('a', 'b', or ''), the
    shared scenario it reads (if any) and its placement key (see `key`)."""

    label: str
    question: Question
    marks: float
    scenario: str | None = None
    placement: str = ""

    @property
    def key(self) -> str:
        """This placement's name and random stream: the question id, then `id#2`, `id#3`, ... for repeats."""
        return self.placement or self.question.id


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
class Pool:
    """`pick` questions drawn per paper from `candidates`; each becomes its own numbered question."""

    section: int
    entry: int
    candidates: tuple[Part, ...]
    pick: int

    @property
    def stream(self) -> str:
        """The name of the random stream that picks this pool's questions."""
        return f"pool:{self.section}:{self.entry}"


Entry = Item | Pool


@dataclass(frozen=True)
class Exam:
    """A validated exam: its spec, bank, file digest, the plan per section (items and pools), and the
    undrawn layout `items` (pools show their first picks, nothing shuffled), and compiled scenarios."""

    spec: ExamSpec
    file: str
    digest: str
    bank: Bank
    items: tuple[Item, ...]
    plan: tuple[tuple[Entry, ...], ...] = ()
    scenarios: Mapping[str, Question] = field(default_factory=dict)
    path: Path | None = None
    lines: Mapping[tuple[str | int, ...], int] = field(default_factory=dict)  # line of each key path of the file

    @property
    def static(self) -> bool:
        """Whether every paper has the same questions in the same order (no pools, no shuffled section)."""
        pools = any(isinstance(entry, Pool) for section in self.plan for entry in section)
        return not pools and not any(section.shuffle for section in self.spec.sections)

    @property
    def total_marks(self) -> float:
        """Sum of all marks (the same on every paper: questions of a pool carry equal marks)."""
        return sum(item.marks for item in self.items)

    def parts(self) -> list[tuple[Item, Part]]:
        """Every (item, part) of the undrawn layout, in paper order."""
        return [(item, part) for item in self.items for part in item.parts]

    def candidate_parts(self) -> list[Part]:
        """Every part any paper may contain, in plan order (each pool's candidates in listed order)."""
        parts: list[Part] = []
        for section in self.plan:
            for entry in section:
                parts.extend(entry.candidates if isinstance(entry, Pool) else entry.parts)
        return parts


def load_exam(path: Path) -> Exam:
    """Load and validate an exam file and its bank; report every problem located."""
    raw = read_bytes(path)
    document = load_yaml_bytes(raw, display_name(path))
    if not isinstance(document.data, dict):
        raise UserError([document.problem((), "an exam file must be a mapping of keys")])
    try:
        spec = ExamSpec.model_validate(document.data)
    except ValidationError as exc:
        raise UserError(pydantic_problems(exc, document)) from None
    try:
        bank_dir = (path.parent / spec.bank).resolve()
        found = (bank_dir / "bank.yaml").is_file()
    except (OSError, ValueError):  # a name the OS refuses: too long, or with a NUL byte
        found = False
    if not found:
        raise UserError([document.problem(("bank",), f"no bank.yaml in {spec.bank!r} (relative to the exam file)")])
    bank = load_bank(bank_dir)
    plan, bindings = _plan(spec, bank, document)
    scenarios = compile_scenarios(spec.scenarios, bindings, bank.registries, document)
    items = tuple(
        Item(number, s_index, parts)
        for number, (s_index, parts) in enumerate(
            ((s_index, parts) for s_index, section in enumerate(plan) for parts in _first_picks(section)), start=1
        )
    )
    digest = hashlib.sha256(raw).hexdigest()
    return Exam(spec, document.file, digest, bank, items, plan, scenarios, path.resolve(), document.lines)


def _first_picks(section: tuple[Entry, ...]) -> list[tuple[Part, ...]]:
    """The parts of each numbered question of a section, taking each pool's first `pick` candidates."""
    groups: list[tuple[Part, ...]] = []
    for entry in section:
        if isinstance(entry, Pool):
            groups.extend((part,) for part in entry.candidates[: entry.pick])
        else:
            groups.append(entry.parts)
    return groups


Binding = tuple[Part, tuple[str | int, ...]]


def _plan(spec: ExamSpec, bank: Bank, doc: Document) -> tuple[tuple[tuple[Entry, ...], ...], list[Binding]]:
    """Resolve question ids into items and pools per section (a question placed again, or `repeat`ed, is a new
    placement with its own stream), and list the parts bound to a scenario (with where the binding is written);
    every unknown id is reported."""
    problems: list[Problem] = []
    bindings: list[Binding] = []
    seen: dict[str, int] = {}
    plan: list[tuple[Entry, ...]] = []
    for s_index, section in enumerate(spec.sections):
        entries: list[Entry] = []
        for q_index, entry in enumerate(section.questions):
            where = ("sections", s_index, "questions", q_index)
            given = [key for key in ("id", "parts", "pool") if getattr(entry, key) is not None]
            if len(given) != 1:
                problems.append(doc.problem(where, "give either `id` or `parts` or `pool` (exactly one)"))
                continue
            if entry.pick is not None and entry.pool is None:
                problems.append(doc.problem((*where, "pick"), "`pick` goes with `pool`"))
            if entry.parts is not None:
                if entry.marks is not None:
                    problems.append(doc.problem((*where, "marks"), "marks go on each part"))
                refs = [(r, (*where, "parts", i), r.scenario or entry.scenario) for i, r in enumerate(entry.parts)]
            elif entry.pool is not None:
                refs = [(QuestionRef(id=qid, marks=entry.marks), (*where, "pool", i), entry.scenario)
                        for i, qid in enumerate(entry.pool)]  # fmt: skip
            else:
                refs = [(QuestionRef(id=entry.id or "", marks=entry.marks), where, entry.scenario)]
            if entry.repeat is not None and entry.id is None:
                problems.append(doc.problem((*where, "repeat"), "`repeat` goes with `id`"))
            label_of = (lambda i: chr(ord("a") + i)) if entry.parts is not None else (lambda i: "")
            parts = [_part(ref, path, scenario, label_of(i), bank, doc, problems)
                     for i, (ref, path, scenario) in enumerate(refs)]  # fmt: skip
            for part, (ref, path, _) in zip(parts, refs, strict=True):
                if part is not None and part.scenario is not None:
                    scenario_path = (*path, "scenario") if ref.scenario or path == where else (*where, "scenario")
                    bindings.append((part, scenario_path))
            resolved = tuple(part for part in parts if part is not None)
            if len(resolved) != len(parts):
                continue
            if entry.pool is None and entry.id is not None:
                entries.extend(Item(0, s_index, (_placed(resolved[0], seen),)) for _ in range(entry.repeat or 1))
                continue
            resolved = tuple(_placed(part, seen) for part in resolved)
            if entry.pool is None:
                entries.append(Item(0, s_index, resolved))
                continue
            pick = entry.pick if entry.pick is not None else 0
            if entry.pick is None:
                problems.append(doc.problem(where, "a pool needs `pick` (how many of its questions each paper gets)"))
            elif pick > len(resolved):
                size = f"{len(resolved)} question{'s' if len(resolved) != 1 else ''}"
                problems.append(doc.problem((*where, "pick"), f"pick {pick} is larger than the pool of {size}"))
            marks = sorted({part.marks for part in resolved})
            if len(marks) > 1:
                listed = ", ".join(f"{p.question.id} {p.marks:g}" for p in resolved)
                problems.append(doc.problem((*where, "pool"), f"pool questions carry different marks ({listed}); "
                                            "give `marks` on the pool"))  # fmt: skip
            entries.append(Pool(s_index, q_index, resolved, pick))
        plan.append(tuple(entries))
    if problems:
        raise UserError(problems)
    return tuple(plan), bindings


def _placed(part: Part, seen: dict[str, int]) -> Part:
    """The part as the next placement of its question: the first keeps the question id (its stream, so seeds of
    exams without repeats never change), the k-th is named `id#k`."""
    count = seen[part.question.id] = seen.get(part.question.id, 0) + 1
    return part if count == 1 else dataclasses.replace(part, placement=f"{part.question.id}#{count}")


def _part(ref: QuestionRef, path: tuple[str | int, ...], scenario: str | None, label: str, bank: Bank,
          doc: Document, problems: list[Problem]) -> Part | None:  # fmt: skip
    """Resolve one question reference into a Part (None, with a problem recorded, if the id is unknown)."""
    id_path = (*path, "id") if path[-2:-1] != ("pool",) else path
    question = bank.questions.get(ref.id)
    if question is None:
        problems.append(doc.problem(id_path, f"no question {ref.id!r} in bank {bank.spec.name!r}"))
        return None
    marks = ref.marks if ref.marks is not None else question.spec.marks
    if question.spec.rubric and not math.isclose(marks, question.spec.marks):
        problems.append(doc.problem(id_path, f"marks {marks:g} differ from the {question.spec.marks:g} "
                                    "its rubric adds up to"))  # fmt: skip
    return Part(label, question, marks, scenario)
