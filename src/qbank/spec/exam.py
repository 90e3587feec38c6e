"""Exam files: header fields, rules, instructions and numbered questions drawn from one bank."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError

from qbank.core.errors import Problem, UserError
from qbank.spec.bank import Bank, load_bank
from qbank.spec.exam_plan import Binding, Entry, Item, Part, Pool, plan_sections
from qbank.spec.exam_questions import exam_question_ids, read_exam_bank
from qbank.spec.exam_refs import bank_folder, missing_bank, reference_problems
from qbank.spec.exam_spec import (
    DEFAULT_FIELDS,
    DEFAULT_VIOLATION,
    PAPER_SIZES,
    Course,
    ExamItem,
    ExamSpec,
    FrontLabels,
    QuestionRef,
    Section,
)
from qbank.spec.load import display_name, load_yaml_bytes, read_bytes
from qbank.spec.scenario import compile_scenarios
from qbank.spec.schema_errors import pydantic_problems
from qbank.spec.validate import Question

__all__ = ["DEFAULT_FIELDS", "DEFAULT_VIOLATION", "PAPER_SIZES", "Binding", "Course", "Entry", "Exam", "ExamItem",
           "ExamSpec", "FrontLabels", "Item", "Part", "Pool", "QuestionRef", "Section", "load_exam"]  # fmt: skip


@dataclass(frozen=True)
class Exam:
    """A validated exam: its spec, bank, file digest, the plan per section (items and pools), and the
    undrawn layout `items` (pools show their first picks, nothing shuffled), and compiled scenarios with the parts
    bound to them."""

    spec: ExamSpec
    file: str
    digest: str
    bank: Bank
    items: tuple[Item, ...]
    plan: tuple[tuple[Entry, ...], ...] = ()
    scenarios: Mapping[str, Question] = field(default_factory=dict)
    path: Path | None = None
    lines: Mapping[tuple[str | int, ...], int] = field(default_factory=dict)  # line of each key path of the file
    bindings: tuple[Binding, ...] = ()  # each part soundly bound to a scenario, with where the binding is written
    notes: tuple[Problem, ...] = ()  # located remarks that are no error (`ask: choice` leaving answers unasked)
    skipped: tuple[str, ...] = ()  # broken question files of the bank that the exam does not use (not loaded)

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


def load_exam(path: Path, whole_bank: bool = False) -> Exam:
    """Load and validate an exam file and the questions of its bank it uses (all of them with `whole_bank`); report
    every problem located."""
    exam, problems = read_exam(path, whole_bank)
    if problems:
        raise UserError(problems)
    return exam


def read_exam(path: Path, whole_bank: bool = False) -> tuple[Exam, list[Problem]]:
    """An exam with the entries, scenarios and scenario bindings that validate, and the problems of the others
    (unknown ids, entries and scenarios: preflight can still check what did resolve); problems that leave no exam
    to check (the file, its schema, its bank) are raised, with the ids the schema left standing checked too. Only
    the bank's question files the exam may use are read unless `whole_bank` (see qbank.spec.exam_questions: a
    broken file it does not use is skipped and named in `Exam.skipped`)."""
    raw = read_bytes(path)
    document = load_yaml_bytes(raw, display_name(path))
    if not isinstance(document.data, dict):
        raise UserError([document.problem((), "an exam file must be a mapping of keys")])
    try:
        spec = ExamSpec.model_validate(document.data)
    except ValidationError as exc:
        found = pydantic_problems(exc, document)
        found += reference_problems(path, document, found)  # the ids the schema left standing, checked all the same
        raise UserError(sorted(found, key=lambda problem: (problem.file != document.file, problem.line))) from None
    bank_dir = bank_folder(path, spec.bank)
    if bank_dir is None:
        raise UserError([missing_bank(document, spec.bank)])
    if whole_bank:
        bank, skipped = load_bank(bank_dir), ()
    else:
        loaded = read_exam_bank(bank_dir, exam_question_ids(spec))
        if loaded.problems:
            raise UserError(sorted(loaded.problems))
        bank, skipped = loaded.bank, loaded.skipped
    planned = plan_sections(spec, bank, document)
    plan = planned.sections
    scenarios, sound, problems = compile_scenarios(spec.scenarios, planned.bindings, bank.registries, document,
                                                   planned.unresolved)  # fmt: skip
    problems = sorted([*planned.problems, *problems], key=lambda problem: problem.line)
    items = tuple(
        Item(number, s_index, parts)
        for number, (s_index, parts) in enumerate(
            ((s_index, parts) for s_index, section in enumerate(plan) for parts in _first_picks(section)), start=1
        )
    )
    digest = hashlib.sha256(raw).hexdigest()
    exam = Exam(spec, document.file, digest, bank, items, plan, scenarios, path.resolve(), document.lines,
                tuple(sound), tuple(planned.notes), skipped)  # fmt: skip
    return exam, problems


def _first_picks(section: tuple[Entry, ...]) -> list[tuple[Part, ...]]:
    """The parts of each numbered question of a section, taking each pool's first `pick` candidates."""
    groups: list[tuple[Part, ...]] = []
    for entry in section:
        if isinstance(entry, Pool):
            groups.extend((part,) for part in entry.candidates[: entry.pick])
        else:
            groups.append(entry.parts)
    return groups
