"""Assemble a paper: draw and solve every question of an exam, render fragments, build page contexts."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from qbank import __version__
from qbank.core.errors import LocatedError, Problem, UserError
from qbank.draw.layout import paper_layout
from qbank.draw.params import Draw
from qbank.draw.scenarios import draw_scenarios
from qbank.render.question import RenderedPart, render_part
from qbank.solve.variant import Variant, make_variant
from qbank.spec.exam import Exam, Item, Part
from qbank.spec.scenario import given_problems

PAPER_FIELD_VALUES = {"subject number": "code", "subject name": "name", "course code": "code", "course": "name"}
# The paper id whose streams draw an exam set's practice sheet: other variants than the students' paper ("main").
EXAM_PRACTICE_PAPER = "exam-practice"
# a hyphen-minus that is a number's sign: at the start, or after a bracket, comma, semicolon or space, before a
# digit ('-0.25', '[-1, 2]', '[1, -2; -3, 4]'); never a hyphen inside a word ('top-k', 'indices 0-3')
_SIGN = re.compile(r"(?<![^\s\[(,;])-(?=\.?\d)")


@dataclass(frozen=True)
class SolvedPart:
    """One part of a paper: its place, marks, variant and rendered fragments."""

    item: Item
    part: Part
    variant: Variant
    rendered: RenderedPart | None


@dataclass(frozen=True)
class SolvedPaper:
    """Every question of one paper (its numbered `items`), drawn, solved and rendered; with the seeds of its
    layout streams (pools, shuffles) and its drawn scenarios."""

    exam: Exam
    seed: int
    paper_id: str
    canonical: bool
    parts: tuple[SolvedPart, ...]
    items: tuple[Item, ...] = ()
    streams: Mapping[str, int] = dataclasses.field(default_factory=dict)
    scenarios: Mapping[str, Draw] = dataclasses.field(default_factory=dict)

    @property
    def total_marks(self) -> float:
        """Sum of the marks of this paper's questions."""
        return sum(item.marks for item in self.items)


def solve_paper(
    exam: Exam, seed: int, paper_id: str = "main", canonical: bool = False, render: bool = True
) -> SolvedPaper:
    """Lay out, draw, solve and render every question of one paper; report all failures together. With
    `render=False` the parts carry no rendered fragments (enough for the manifest's records)."""
    problems: list[Problem] = []
    solved: list[SolvedPart] = []
    layout = paper_layout(exam, seed, paper_id, canonical)
    names = {part.scenario for item in layout.items for part in item.parts if part.scenario}
    try:
        scenarios = {} if canonical else draw_scenarios(exam.scenarios, names, seed, paper_id)
    except LocatedError as exc:
        raise UserError([exc.problem()]) from None
    for item in layout.items:
        for part in item.parts:
            given = scenarios[part.scenario].params if part.scenario in scenarios else None
            if given is not None and part.scenario is not None:
                outside = given_problems(part.question, part.scenario, given, f"seed {seed}, paper {paper_id!r}")
                if outside:
                    problems.extend(outside)
                    continue
            try:
                variant = make_variant(part.question, seed, paper_id, canonical, given, part.placement or None)
                rendered = render_part(part.question, variant) if render else None
            except LocatedError as exc:
                problems.append(exc.problem())
                continue
            except UserError as exc:
                problems.extend(exc.problems)
                continue
            solved.append(SolvedPart(item, part, variant, rendered))
    if problems:
        raise UserError(problems)
    return SolvedPaper(exam, seed, paper_id, canonical, tuple(solved), layout.items, layout.streams, scenarios)


def default_lines(marks: float) -> int:
    """Ruled answer lines for a question without `answer_space`: grows with the marks."""
    return max(4, min(20, round(3 + 2 * marks)))


def _part_context(solved: SolvedPart, with_solution: bool) -> dict[str, Any]:
    """What a page template sees of one part; the paper never receives answers or solutions."""
    spec = solved.part.question.spec
    context: dict[str, Any] = {
        "label": solved.part.label,
        "marks": solved.part.marks,
        "title": spec.title,
        "text": solved.rendered.text,
        "figure": solved.rendered.figure,
        "space": spec.answer_space if spec.answer_space is not None else default_lines(solved.part.marks),
    }
    if with_solution:
        answers = [{"name": a.name, "label": a.label, "value": a.value, "display": display_minus(a.value),
                    "unit": a.unit} for a in solved.rendered.answers]  # fmt: skip
        context.update(answers=answers, solution=solved.rendered.solution, rubric=solved.rendered.rubric)
    return context


def display_minus(value: str) -> str:
    """A formatted answer as the key prints it: each number's sign a true minus (U+2212), as in typeset math.

    Only the printed pages use it; the formatted value itself (answers.csv, key.json, grading) keeps ASCII '-'."""
    return _SIGN.sub("\u2212", value)


def page_context(paper: SolvedPaper, kind: str, student: Mapping[str, str] | None = None,
                 inline_solutions: bool = False) -> dict[str, Any]:  # fmt: skip
    """The full context of a page template of `kind` ('paper', 'key' or 'practice')."""
    spec = paper.exam.spec
    with_solution = kind != "paper"
    paper_items = paper.items or paper.exam.items
    sections = []
    for index, section in enumerate(spec.sections):
        items = []
        for item in paper_items:
            if item.section != index:
                continue
            parts = [_part_context(s, with_solution) for s in paper.parts if s.item.number == item.number]
            items.append({"number": item.number, "marks": item.marks, "parts": parts})
        sections.append({"title": section.title, "note": section.note, "entries": items})
    exam = {
        "institution": spec.institution, "course_code": spec.course.code, "course_name": spec.course.name,
        "exam": spec.exam, "semester": spec.semester, "year": spec.year, "duration": spec.duration,
        "date": str(spec.date), "rules": spec.rules, "instructions": spec.instructions,
        "violation_note": spec.violation_note, "exam_label": spec.exam_label, "labels": spec.labels.model_dump(),
        "total_marks": sum(item.marks for item in paper_items),
    }  # fmt: skip
    student = dict(student or {})
    which = "canonical variant" if paper.canonical else f"seed {paper.seed}, paper {paper.paper_id}"
    if kind == "practice" and not paper.canonical:
        which = f"seed {paper.seed}"  # a practice sheet is not one of an exam's papers
    if paper.paper_id == EXAM_PRACTICE_PAPER:
        which = f"seed {paper.seed}, practice variants (not the exam paper's)"
    titles = {"paper": spec.exam, "key": f"Answer key — {spec.exam}", "practice": f"Practice sheet — {spec.exam}"}
    course = " ".join(part for part in (spec.course.code, spec.course.name) if part)
    form_label = f"{spec.labels.form} ( {student['form']} )" if student.get("form") and not student.get("roll") else ""
    line = student_line(student)
    if line:
        running_right = f"Answer key · {line}" if kind == "key" else line
    else:
        running_right = {"paper": "Roll No. ______________", "key": f"Answer key · {which}"}.get(kind, which)
    return {
        "kind": kind,
        "qbank_version": __version__,
        "doc_title": f"{course} — {titles[kind]}",
        "running_left": f"{course} · {spec.exam}",
        "running_right": running_right,
        "first_page_header": bool(line),
        "student_line": line,
        "form_label": form_label,
        "exam": exam,
        "sections": sections,
        "marks_table": [{"number": item.number, "marks": item.marks} for item in paper_items],
        "field_rows": _field_rows(spec.student_fields, spec.course.code, spec.course.name, student),
        "page_size": "" if spec.paper_size == "A4" else spec.paper_size,  # A4 is the style sheet's own size
        "provenance": f"qbank {__version__} · {which}",
        "inline_solutions": inline_solutions,
    }


def student_line(student: Mapping[str, str]) -> str:
    """Who a paper is for, as printed in every page header: 'Name · Roll No. R', 'Form A', or ''."""
    roll, name, form = student.get("roll", ""), student.get("name", ""), student.get("form", "")
    if roll:
        return f"{name} · Roll No. {roll}" if name else f"Roll No. {roll}"
    return f"Form {form}" if form else ""


def _field_key(name: str) -> str:
    """A field or column name compared loosely: case, spaces, '_' and '-' do not matter ('Roll_No' = 'roll no')."""
    return " ".join(re.split(r"[\s_-]+", name.strip().lower())).strip()


def _field_rows(fields: list[str], code: str, name: str, student: Mapping[str, str]) -> list[list[dict[str, str]]]:
    """Front-page student fields, two per row, prefilled where the value is known: roll number and name, any
    other roster column of the same name (`section` fills Section), the course code and name."""
    known = {"code": code, "name": name}
    values = {_field_key(column): value for column, value in student.items() if column != "form"}
    values.update({"roll number": student.get("roll", ""), "roll no": student.get("roll", "")})
    cells = []
    for field in fields:
        key = _field_key(field)
        value = values.get(key) or known.get(PAPER_FIELD_VALUES.get(key, ""), "")
        cells.append({"name": field, "value": value})
    return [cells[i : i + 2] for i in range(0, len(cells), 2)]
