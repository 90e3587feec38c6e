"""Page contexts: what the paper, key and practice-sheet templates see of one solved paper (typed values)."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup

from qbank import __version__
from qbank.render.paper import EXAM_PRACTICE_PAPER, SolvedPaper, SolvedPart
from qbank.spec.exam import FrontLabels

PAPER_FIELD_VALUES = {"subject number": "code", "subject name": "name", "course code": "code", "course": "name"}
# a hyphen-minus that is a number's sign: at the start, or after a bracket, comma, semicolon or space, before a
# digit ('-0.25', '[-1, 2]', '[1, -2; -3, 4]'); never a hyphen inside a word ('top-k', 'indices 0-3')
_SIGN = re.compile(r"(?<![^\s\[(,;])-(?=\.?\d)")


@dataclass(frozen=True)
class AnswerContext:
    """One answer as the key prints it: `display` is the value with true minus signs."""

    name: str
    label: Markup
    value: str
    display: str
    unit: Markup


@dataclass(frozen=True)
class PartContext:
    """What a page template sees of one part; the paper's parts carry no answers, solution or rubric (None)."""

    label: str
    marks: float
    title: str
    text: Markup
    figure: Markup | None
    space: int
    answers: tuple[AnswerContext, ...] | None = None
    solution: Markup | None = None
    rubric: tuple[tuple[float, Markup], ...] | None = None


@dataclass(frozen=True)
class EntryContext:
    """One numbered question: its number, marks and parts."""

    number: int
    marks: float
    parts: tuple[PartContext, ...]


@dataclass(frozen=True)
class SectionContext:
    """One section: heading, note and numbered questions."""

    title: str
    note: str
    entries: tuple[EntryContext, ...]


@dataclass(frozen=True)
class ExamContext:
    """The exam's words (the template's `exam`), with the paper's total marks."""

    institution: str
    course_code: str
    course_name: str
    exam: str
    semester: str
    year: int | None
    duration: str
    date: str
    rules: tuple[str, ...]
    instructions: tuple[str, ...]
    violation_note: str
    exam_label: str
    labels: FrontLabels
    total_marks: float


@dataclass(frozen=True)
class FieldCell:
    """A front-page student field, prefilled where known."""

    name: str
    value: str


@dataclass(frozen=True)
class MarksCell:
    """A column of the examiner's marks table."""

    number: int
    marks: float


@dataclass(frozen=True)
class PageContext:
    """The full context of a page template of one kind ('paper', 'key' or 'practice')."""

    kind: str
    qbank_version: str
    doc_title: str
    running_left: str
    running_right: str
    first_page_header: bool
    student_line: str
    form_label: str
    exam: ExamContext
    sections: tuple[SectionContext, ...]
    marks_table: tuple[MarksCell, ...]
    field_rows: tuple[tuple[FieldCell, ...], ...]
    page_size: str
    provenance: str
    inline_solutions: bool

    def variables(self) -> dict[str, Any]:
        """The template's top-level names."""
        return {field.name: getattr(self, field.name) for field in dataclasses.fields(self)}


def default_lines(marks: float) -> int:
    """Ruled answer lines for a question without `answer_space`: grows with the marks."""
    return max(4, min(20, round(3 + 2 * marks)))


def part_context(solved: SolvedPart, with_solution: bool) -> PartContext:
    """What a page template sees of one part; the paper never receives answers or solutions."""
    spec = solved.part.question.spec
    rendered = solved.rendered
    space = spec.answer_space if spec.answer_space is not None else default_lines(solved.part.marks)
    context = PartContext(solved.part.label, solved.part.marks, spec.title, rendered.text, rendered.figure, space)
    if not with_solution:
        return context
    answers = tuple(AnswerContext(a.name, a.label, a.value, display_minus(a.value), a.unit) for a in rendered.answers)
    return dataclasses.replace(context, answers=answers, solution=rendered.solution, rubric=rendered.rubric)


def display_minus(value: str) -> str:
    """A formatted answer as the key prints it: each number's sign a true minus (U+2212), as in typeset math.

    Only the printed pages use it; the formatted value itself (answers.csv, key.json, grading) keeps ASCII '-'."""
    return _SIGN.sub("\u2212", value)


def page_context(paper: SolvedPaper, kind: str, student: Mapping[str, str] | None = None,
                 inline_solutions: bool = False) -> PageContext:  # fmt: skip
    """The full context of a page template of `kind` ('paper', 'key' or 'practice')."""
    heading = paper.heading
    with_solution = kind != "paper"
    sections = []
    for index, section in enumerate(heading.sections):
        entries = tuple(
            EntryContext(item.number, item.marks,
                         tuple(part_context(s, with_solution) for s in paper.parts if s.item.number == item.number))
            for item in paper.items if item.section == index
        )  # fmt: skip
        sections.append(SectionContext(section.title, section.note, entries))
    exam = ExamContext(
        heading.institution, heading.course_code, heading.course_name, heading.exam, heading.semester, heading.year,
        heading.duration, heading.date, heading.rules, heading.instructions, heading.violation_note,
        heading.exam_label, heading.labels, sum(item.marks for item in paper.items),
    )  # fmt: skip
    student = dict(student or {})
    which = "canonical variant" if paper.canonical else f"seed {paper.seed}, paper {paper.paper_id}"
    if kind == "practice" and not paper.canonical:
        which = f"seed {paper.seed}"  # a practice sheet is not one of an exam's papers
    if paper.paper_id == EXAM_PRACTICE_PAPER:
        which = f"seed {paper.seed}, practice variants (not the exam paper's)"
    titles = {"paper": heading.exam, "key": f"Answer key — {heading.exam}",
              "practice": f"Practice sheet — {heading.exam}"}  # fmt: skip
    form = student.get("form")
    form_label = f"{heading.labels.form} ( {form} )" if form and not student.get("roll") else ""
    line = student_line(student)
    if line:
        running_right = f"Answer key · {line}" if kind == "key" else line
    else:
        running_right = {"paper": "Roll No. ______________", "key": f"Answer key · {which}"}.get(kind, which)
    return PageContext(
        kind=kind, qbank_version=__version__, doc_title=f"{heading.course} — {titles[kind]}",
        running_left=f"{heading.course} · {heading.exam}", running_right=running_right,
        first_page_header=bool(line), student_line=line, form_label=form_label, exam=exam, sections=tuple(sections),
        marks_table=tuple(MarksCell(item.number, item.marks) for item in paper.items),
        field_rows=_field_rows(heading.student_fields, heading.course_code, heading.course_name, student),
        page_size="" if heading.paper_size == "A4" else heading.paper_size,  # A4 is the style sheet's own size
        provenance=f"qbank {__version__} · {which}", inline_solutions=inline_solutions,
    )  # fmt: skip


def student_line(student: Mapping[str, str]) -> str:
    """Who a paper is for, as printed in every page header: 'Name · Roll No. R', 'Form A', or ''."""
    roll, name, form = student.get("roll", ""), student.get("name", ""), student.get("form", "")
    if roll:
        return f"{name} · Roll No. {roll}" if name else f"Roll No. {roll}"
    return f"Form {form}" if form else ""


def _field_key(name: str) -> str:
    """A field or column name compared loosely: case, spaces, '_' and '-' do not matter ('Roll_No' = 'roll no')."""
    return " ".join(re.split(r"[\s_-]+", name.strip().lower())).strip()


def _field_rows(fields: tuple[str, ...], code: str, name: str,
                student: Mapping[str, str]) -> tuple[tuple[FieldCell, ...], ...]:  # fmt: skip
    """Front-page student fields, two per row, prefilled where the value is known: roll number and name, any
    other roster column of the same name (`section` fills Section), the course code and name."""
    known = {"code": code, "name": name}
    values = {_field_key(column): value for column, value in student.items() if column != "form"}
    values.update({"roll number": student.get("roll", ""), "roll no": student.get("roll", "")})
    cells = []
    for field in fields:
        key = _field_key(field)
        value = values.get(key) or known.get(PAPER_FIELD_VALUES.get(key, ""), "")
        cells.append(FieldCell(field, value))
    return tuple(tuple(cells[i : i + 2]) for i in range(0, len(cells), 2))
