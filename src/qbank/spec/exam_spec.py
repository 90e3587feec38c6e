"""Exam files as written: header fields, rules, instructions, sections and their question references."""

from __future__ import annotations

import datetime
from typing import Annotated, Any, Literal

from pydantic import Field, field_validator

from qbank.spec.models import Name, Strict

DEFAULT_FIELDS = ["Roll Number", "Name", "Section"]
DEFAULT_VIOLATION = "Violation of any of the above instructions may lead to severe punishment."
PAPER_SIZES = ("A4", "Letter")
Marks = Annotated[float, Field(gt=0)]
Ask = Literal["free", "choice"]


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
    ask: Ask | None = None


class ExamItem(Strict):
    """One numbered question (an id, or parts (a), (b), ...), or a pool: `pick` questions drawn per paper."""

    id: str | None = None
    marks: Marks | None = None
    parts: Annotated[list[QuestionRef], Field(min_length=1)] | None = None
    pool: Annotated[list[str], Field(min_length=1)] | None = None
    pick: Annotated[int, Field(ge=1)] | None = None
    scenario: Name | None = None
    repeat: Annotated[int, Field(ge=1, le=100)] | None = None
    ask: Ask | None = None


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
