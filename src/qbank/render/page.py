"""Page contexts: what the paper, key and practice-sheet templates see of one solved paper (typed values)."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup

from qbank import __version__
from qbank.render.answer_blocks import AnswerLines, answer_name, default_lines, paper_blocks, scoring_note
from qbank.render.options import (
    ChoiceKey,
    MistakeLine,
    OptionList,
    choice_key,
    display_minus,
    mistake_line,
)
from qbank.render.paper import EXAM_PRACTICE_PAPER, SolvedPaper, SolvedPart
from qbank.render.precision import WHOLE, needed, needs_line
from qbank.render.question import AnswerLine
from qbank.spec.exam import FrontLabels
from qbank.spec.models import AnswerSpec

PAPER_FIELD_VALUES = {"subject number": "code", "subject name": "name", "course code": "code", "course": "name"}


@dataclass(frozen=True)
class AnswerContext:
    """One answer as the key prints it: `display` is the value with true minus signs (for an answer asked as
    multiple choice: the correct letters, then the values), `needs` the precision the paper asked for."""

    name: str
    label: Markup
    value: str
    display: str | Markup
    unit: Markup
    needs: str = ""  # the precision the grader needs ('to 2 decimal places'); '' for text or options


@dataclass(frozen=True)
class PartContext:
    """What a page template sees of one part; the paper's parts carry no answers, solution, rubric, option keys
    or mistakes (None): their `options` hold only letters and texts. A part with options has `blocks` (its asked
    answers in declared order: options, or a free answer's labelled lines) and no `space` of its own."""

    label: str
    marks: float
    title: str
    text: Markup
    figure: Markup | None
    space: int
    answers: tuple[AnswerContext, ...] | None = None
    solution: Markup | None = None
    rubric: tuple[tuple[float, Markup], ...] | None = None
    options: tuple[OptionList, ...] = ()
    choice_keys: tuple[ChoiceKey, ...] | None = None
    mistakes: tuple[MistakeLine, ...] | None = None
    blocks: tuple[OptionList | AnswerLines, ...] = ()  # a part with options: its asked answers in declared order
    scoring: Markup | None = None  # the key of a placement asked with `ask: choice`: scored by its options
    needs: Markup | None = None  # a part without options: the precision each answer needs, under its text

    @property
    def blocks_with_text(self) -> tuple[OptionList | AnswerLines, ...]:
        """The leading option blocks, kept on a page with the question's text (up to the first free answer)."""
        return self.blocks[: self._first_lines()]

    @property
    def blocks_after(self) -> tuple[OptionList | AnswerLines, ...]:
        """The blocks from the first free answer's lines on: they may go on to the next page, as answer space does."""
        return self.blocks[self._first_lines() :]

    def _first_lines(self) -> int:
        """The index of the first free answer's lines among the blocks (their count if none)."""
        return next((i for i, block in enumerate(self.blocks) if block.kind == "lines"), len(self.blocks))


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
    has_choices: bool = False  # some part prints options: the page adds the options' style sheet

    def variables(self) -> dict[str, Any]:
        """The template's top-level names."""
        return {field.name: getattr(self, field.name) for field in dataclasses.fields(self)}


def part_context(solved: SolvedPart, with_solution: bool) -> PartContext:
    """What a page template sees of one part; the paper never receives answers, solutions or which option is
    correct. A part with options prints its asked answers in declared order, each named when the question declares
    several; a placement asked with `ask: choice` is keyed as scored by its options, not by the rubric. The
    precision each free numeric answer needs (from its spec) goes under a part's text, after a free answer's label
    beside options, and after the key's values."""
    spec = solved.part.question.spec
    rendered = solved.rendered
    labels = {a.name: a.label for a in rendered.answers}
    names = {a.name: answer_name(spec.answers[a.name].label, a.label, a.unit) for a in rendered.answers}
    space = spec.answer_space if spec.answer_space is not None else default_lines(solved.part.marks)
    blocks = paper_blocks(spec, solved.graded, solved.choices, names, solved.part.marks) if solved.choices else ()
    options = tuple(block for block in blocks if isinstance(block, OptionList))
    named = [(names[a.name].label, needed(spec.answers[a.name])) for a in rendered.answers]
    needs = None if solved.choices else needs_line(named, len(rendered.answers)) or None
    context = PartContext(solved.part.label, solved.part.marks, spec.title, rendered.text, rendered.figure,
                          0 if solved.choices else space, options=options, blocks=blocks, needs=needs)  # fmt: skip
    if not with_solution:
        return context
    described = {m.name: m.description for found in solved.variant.mistakes.values() for m in found}
    keys = {name: choice_key(choice, labels[name], described) for name, choice in solved.choices.items()}
    answers = tuple(_answer(a, keys.get(a.name), _key_needs(spec.answers[a.name])) for a in rendered.answers
                    if a.name in solved.graded)  # fmt: skip
    mistakes = tuple(
        mistake_line(spec.answers[name], labels[name], solved.formatted[name],
                     [(m.description, m.value) for m in solved.variant.mistakes[name]])
        for name in solved.graded if name not in solved.choices and solved.variant.mistakes.get(name)
    )  # fmt: skip
    by_options = solved.part.ask == "choice"
    scoring = scoring_note(spec, solved.choices, labels, solved.part.marks) if by_options else None
    return dataclasses.replace(context, answers=answers, solution=rendered.solution,
                               rubric=() if by_options else rendered.rubric, choice_keys=tuple(keys.values()),
                               mistakes=tuple(line for line in mistakes if line.mistakes), scoring=scoring)  # fmt: skip


def _key_needs(spec: AnswerSpec) -> str:
    """The precision the key prints after an answer's value: as the paper says it, except for a whole number graded
    exactly (its value says it)."""
    words = needed(spec)
    return "" if words == WHOLE else words


def _answer(line: AnswerLine, key: ChoiceKey | None, needs: str) -> AnswerContext:
    """One answer as the key's tables print it: the value (with the precision the paper asked for), or the correct
    letters and their values."""
    if key is None:
        return AnswerContext(line.name, line.label, line.value, display_minus(line.value), line.unit, needs)
    if line.unit:  # the unit goes with the values: `A (2.86 s)`
        display = Markup('{}\u2002({} <span class="unit">{}</span>)').format(key.letters, key.values, line.unit)
        return AnswerContext(line.name, line.label, key.letters, display, Markup(""))
    display = Markup("{}\u2002({})").format(key.letters, key.values)
    return AnswerContext(line.name, line.label, key.letters, display, line.unit)


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
        has_choices=any(s.choices for s in paper.parts),
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
