"""Assemble a paper: draw and solve every question of an exam, render fragments, build page contexts."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from . import __version__
from .errors import LocatedError, Problem, UserError
from .exam import Exam, Item, Part
from .render import RenderedPart, render_part
from .solve import Variant, make_variant

PAPER_FIELD_VALUES = {"subject number": "code", "subject name": "name", "course code": "code", "course": "name"}


@dataclass(frozen=True)
class SolvedPart:
    """One part of a paper: its place, marks, variant and rendered fragments."""

    item: Item
    part: Part
    variant: Variant
    rendered: RenderedPart


@dataclass(frozen=True)
class SolvedPaper:
    """Every question of one paper, drawn, solved and rendered."""

    exam: Exam
    seed: int
    paper_id: str
    canonical: bool
    parts: tuple[SolvedPart, ...]


def solve_paper(exam: Exam, seed: int, paper_id: str = "main", canonical: bool = False) -> SolvedPaper:
    """Draw, solve and render every question; report all failures together."""
    problems: list[Problem] = []
    solved: list[SolvedPart] = []
    for item, part in exam.parts():
        try:
            variant = make_variant(part.question, seed, paper_id, canonical)
            rendered = render_part(part.question, variant)
        except LocatedError as exc:
            problems.append(exc.problem())
            continue
        except UserError as exc:
            problems.extend(exc.problems)
            continue
        solved.append(SolvedPart(item, part, variant, rendered))
    if problems:
        raise UserError(problems)
    return SolvedPaper(exam, seed, paper_id, canonical, tuple(solved))


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
        context.update(answers=solved.rendered.answers, solution=solved.rendered.solution,
                       rubric=solved.rendered.rubric)  # fmt: skip
    return context


def page_context(paper: SolvedPaper, kind: str, student: Mapping[str, str] | None = None,
                 inline_solutions: bool = False) -> dict[str, Any]:  # fmt: skip
    """The full context of a page template of `kind` ('paper', 'key' or 'practice')."""
    spec = paper.exam.spec
    with_solution = kind != "paper"
    sections = []
    for index, section in enumerate(spec.sections):
        items = []
        for item in paper.exam.items:
            if item.section != index:
                continue
            parts = [_part_context(s, with_solution) for s in paper.parts if s.item.number == item.number]
            items.append({"number": item.number, "marks": item.marks, "parts": parts})
        sections.append({"title": section.title, "note": section.note, "entries": items})
    exam = {
        "institution": spec.institution, "course_code": spec.course.code, "course_name": spec.course.name,
        "exam": spec.exam, "semester": spec.semester, "year": spec.year, "duration": spec.duration,
        "date": spec.date, "rules": spec.rules, "instructions": spec.instructions,
        "total_marks": paper.exam.total_marks,
    }  # fmt: skip
    student = dict(student or {})
    which = "canonical variant" if paper.canonical else f"seed {paper.seed}, paper {paper.paper_id}"
    titles = {"paper": spec.exam, "key": f"Answer key — {spec.exam}", "practice": f"Practice sheet — {spec.exam}"}
    roll = student.get("roll", "")
    return {
        "kind": kind,
        "qbank_version": __version__,
        "doc_title": f"{spec.course.code} {spec.course.name} — {titles[kind]}",
        "running_left": f"{spec.course.code} {spec.course.name} · {spec.exam}",
        "running_right": f"Roll No. {roll}" if roll else ("Roll No. ______________" if kind == "paper" else which),
        "exam": exam,
        "sections": sections,
        "marks_table": [{"number": item.number, "marks": item.marks} for item in paper.exam.items],
        "field_rows": _field_rows(spec.student_fields, spec.course.code, spec.course.name, student),
        "provenance": f"qbank {__version__} · {which}",
        "inline_solutions": inline_solutions,
    }


def _field_rows(fields: list[str], code: str, name: str, student: Mapping[str, str]) -> list[list[dict[str, str]]]:
    """Front-page student fields, two per row, prefilled where the value is known."""
    known = {"code": code, "name": name}
    values = {"roll number": student.get("roll", ""), "roll no": student.get("roll", ""),
              "name": student.get("name", "")}  # fmt: skip
    cells = []
    for field in fields:
        key = field.strip().lower()
        value = values.get(key) or known.get(PAPER_FIELD_VALUES.get(key, ""), "")
        cells.append({"name": field, "value": value})
    return [cells[i : i + 2] for i in range(0, len(cells), 2)]
