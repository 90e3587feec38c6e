"""Grading helper: check each student's responses against their own paper's answers and tolerances.

Responses come as a CSV shaped like the set's `answers.csv`: identity columns (`roll` for a roster set,
`form` for a forms set) and one column per answer, `question-id:answer-name`. Each question earns its
marks in proportion to the answers it got right; questions without declared answers, or without columns in
the responses file, are left to the grader (and out of `auto_max`). Every graded cell is kept with how it was
read and why it scored what it did (`verdicts.Cell`); a cell that cannot be read scores 0 and is listed. An
answer the paper asks as multiple choice is read as option letters and scored by its rule (`choice_cells`); a
`multi` may earn part of its share.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from qbank.core.csvfiles import csv_bytes
from qbank.core.errors import Problem, UserError
from qbank.sets.choice_cells import LetterError, grade_choice_cell
from qbank.sets.roster_names import name_problems
from qbank.sets.verdicts import Cell, detail_csv, grade_cell
from qbank.spec.models import AnswerSpec
from qbank.spec.roster import Table, field_problems, reserved_column


@dataclass(frozen=True)
class Graded:
    """One response row graded: who, which paper, marks per question id, and totals."""

    line: int
    identity: dict[str, str]
    paper_id: str
    marks: dict[str, float]
    total: float
    auto_max: float
    paper_max: float
    cells: tuple[tuple[str, str, Cell], ...] = ()  # (question id, answer name, graded cell), in paper order

    def unreadable(self) -> list[Cell]:
        """Cells that could not be read as their answer's format."""
        return [cell for _, _, cell in self.cells if cell.verdict == "unreadable"]

    def noted(self) -> list[Cell]:
        """Wrong cells the other decimal mark would make right ('3,355' read as 3355 where 3.355 is the key)."""
        return [cell for _, _, cell in self.cells if cell.note]


def _id_column(manifest: Mapping[str, Any]) -> str | None:
    """The response column naming each row's paper: roll (roster sets), form (form sets), none (one paper)."""
    recipe = manifest.get("recipe") or {}
    if manifest.get("kind") == "class":
        return "form" if recipe.get("forms") else "roll"
    if manifest.get("kind") == "exam":
        return None
    raise UserError([Problem("<manifest>", 0, "kind", f"a {manifest.get('kind')!r} set has no papers to grade")])


def grade(manifest: Mapping[str, Any], table: Table, decimal_comma: bool = False) -> list[Graded]:
    """Grade every response row; report every problem with its line and column (an unreadable cell is no
    problem here: it is graded wrong and listed in its row's cells)."""
    papers = {p["paper_id"].lower(): p for p in manifest["papers"]}
    id_column = _id_column(manifest)
    columns = {c.lower(): c for c in table.header}
    known = {f"{q['id']}:{name}" for p in manifest["papers"] for q in p["questions"] for name in q["answer_specs"]}
    # answers.csv has a column for every question a paper may get: one no paper got is fine while it is empty
    filled = {column for _, row in table.rows for column, cell in row.items() if cell.strip()}
    problems = [Problem(table.file, 1, column, "not an answer of any paper in this set")
                for column in table.header if ":" in column and column not in known and column in filled]  # fmt: skip
    problems += _computed_collisions(manifest, table)
    if id_column and id_column not in columns:
        problems.append(Problem(table.file, 1, "", f"the header needs a {id_column!r} column naming each paper"))
    if problems:
        raise UserError(problems)
    graded: list[Graded] = []
    first_line: dict[str, int] = {}
    reported_missing: set[str] = set()
    for line, row in table.rows:
        paper_id = row[columns[id_column]] if id_column else "main"
        paper = papers.get(paper_id.lower())
        if paper is None:
            problems.append(Problem(table.file, line, id_column or "", f"no paper {paper_id!r} in this set"))
            continue
        if id_column == "roll" and paper_id.lower() in first_line:
            message = f"duplicate responses for {paper_id!r} (first at line {first_line[paper_id.lower()]})"
            problems.append(Problem(table.file, line, id_column, message))
            continue
        first_line[paper_id.lower()] = line
        identity = {c: v for c, v in row.items() if ":" not in c}
        problems.extend(field_problems(table.file, line, identity))
        problems.extend(name_problems(manifest, table.file, line, identity, paper))
        graded.append(_grade_row(table, line, row, paper, known, reported_missing, problems, decimal_comma))
    if problems:
        raise UserError(problems)
    return graded


def _computed_collisions(manifest: Mapping[str, Any], table: Table) -> list[Problem]:
    """Identity columns named like a column marks.csv computes (paper, a question id, total, ...)."""
    question_ids = {q["id"].lower() for p in manifest["papers"] for q in p["questions"]}
    problems = []
    for column in table.header:
        if ":" in column:
            continue
        if column.lower() in question_ids:
            message = f"{column!r} is a question id: marks.csv has a column of its marks; rename this column"
            problems.append(Problem(table.file, 1, column, message))
        elif reserved_column(column):
            problems.append(Problem(table.file, 1, column, reserved_column(column)))
    return problems


def _grade_row(table: Table, line: int, row: Mapping[str, str], paper: Mapping[str, Any], known: set[str],
               reported_missing: set[str], problems: list[Problem], decimal_comma: bool) -> Graded:  # fmt: skip
    """Marks per question of one response row (problems for cells that cannot belong to this paper)."""
    mine = {f"{q['id']}:{name}" for q in paper["questions"] for name in q["answer_specs"]}
    for column in table.header:
        if column in known and column not in mine and row[column]:
            problems.append(Problem(table.file, line, column, f"paper {paper['paper_id']!r} has no such question; "
                                    "leave this cell empty"))  # fmt: skip
    marks: dict[str, float] = {}
    cells: list[tuple[str, str, Cell]] = []
    auto_max = 0.0
    for question in paper["questions"]:
        specs = question["answer_specs"]
        present = [f"{question['id']}:{name}" in row for name in specs]
        if not any(present):
            continue  # not graded from this file (no column for any of its answers)
        credit = 0.0
        each = question["marks"] / len(specs)
        for name, spec in specs.items():
            column = f"{question['id']}:{name}"
            if column not in row:
                if column not in reported_missing:
                    reported_missing.add(column)
                    problems.append(Problem(table.file, 1, "", f"no column {column!r} (paper {paper['paper_id']!r} "
                                            f"at line {line} has that answer)"))  # fmt: skip
                continue
            try:
                cell = _grade_answer(question, name, spec, row[column], line, column, each, decimal_comma)
            except LetterError as exc:
                problems.append(Problem(table.file, line, column, str(exc)))
                continue
            cells.append((question["id"], name, cell))
            credit += cell.credit
        marks[question["id"]] = round(question["marks"] * credit / len(specs), 4)
        auto_max += question["marks"]
    identity = {c: row[c] for c in table.header if ":" not in c}
    paper_max = sum(q["marks"] for q in paper["questions"])
    total = round(sum(marks.values()), 4)
    return Graded(line, identity, paper["paper_id"], marks, total, auto_max, paper_max, tuple(cells))


def _grade_answer(question: Mapping[str, Any], name: str, spec: Mapping[str, Any], typed: str, line: int,
                  column: str, each: float, decimal_comma: bool) -> Cell:  # fmt: skip
    """One answer's cell: letters for an answer asked as choice, else the typed value (diagnosed by the
    question's recorded misconception values)."""
    declared = AnswerSpec.model_validate(spec)
    choice = question.get("choices", {}).get(name)
    if choice is not None:
        return grade_choice_cell(declared, choice, typed, line, column, each, decimal_comma)
    key = question.get("answers_formatted", {}).get(name, "")
    mistakes = question.get("misconceptions", {}).get(name, ())
    return grade_cell(declared, question["answers"][name], key, typed, line, column, each, decimal_comma, mistakes)


def absent_papers(manifest: Mapping[str, Any], graded: Sequence[Graded]) -> list[Mapping[str, Any]]:
    """The papers of a roster set's students without a responses row, in roster order (none for a forms set or
    one exam: a form not answered is no student missing)."""
    if _id_column(manifest) != "roll":
        return []
    answered = {g.paper_id.lower() for g in graded}
    return [p for p in manifest["papers"] if p["paper_id"].lower() not in answered]


def marks_csv(manifest: Mapping[str, Any], graded: Sequence[Graded], table: Table, bom: bool = True,
              absent: Sequence[Mapping[str, Any]] = ()) -> bytes:  # fmt: skip
    """marks.csv: identity columns, paper id, marks per question (empty if not on the paper), `submission` (graded
    or absent), totals; an absent student's row has the roster's identity, blank marks and `paper_max`."""
    identity = [column for column in table.header if ":" not in column]
    in_header = [column.split(":", 1)[0] for column in table.header if ":" in column]
    recorded = [q["id"] for p in manifest["papers"] for q in p["questions"] if q["answer_specs"]]
    question_ids = list(dict.fromkeys(in_header + recorded))
    rows: list[list[str]] = [[*identity, "paper", *question_ids, "submission", "total", "auto_max", "paper_max"]]
    for g in graded:
        cells = [_number(g.marks[q]) if q in g.marks else "" for q in question_ids]
        rows.append([*(g.identity.get(k, "") for k in identity), g.paper_id, *cells, "graded", _number(g.total),
                     _number(g.auto_max), _number(g.paper_max)])  # fmt: skip
    for paper in absent:
        student = paper.get("student") if isinstance(paper.get("student"), dict) else {}
        known = {str(k).lower(): str(v) for k, v in student.items()}
        paper_max = sum(q["marks"] for q in paper["questions"])
        rows.append([*(known.get(k.lower(), "") for k in identity), paper["paper_id"], *([""] * len(question_ids)),
                     "absent", "", "", _number(paper_max)])  # fmt: skip
    return csv_bytes(rows, bom)


def absent_note(absent: Sequence[Mapping[str, Any]], papers: int, shown: int = 20) -> str:
    """One line naming the students without responses (the first `shown`, then how many more)."""
    names = []
    for paper in absent[:shown]:
        student = paper.get("student") if isinstance(paper.get("student"), dict) else {}
        names.append(" ".join(str(v) for v in (paper["paper_id"], student.get("name")) if v))
    more = f" and {len(absent) - shown} more" if len(absent) > shown else ""
    return (f"qbank: note: {len(absent)} of {papers} students have no responses row (marked absent in the "
            f"submission column of the marks file): {', '.join(names)}{more}")  # fmt: skip


def grading_detail(graded: Sequence[Graded], bom: bool = True) -> bytes:
    """The grading detail: one row per student and graded answer (what was typed, how it was read, why)."""
    return detail_csv([(g.paper_id, g.identity, q, name, cell) for g in graded for q, name, cell in g.cells], bom)


def _number(value: float) -> str:
    """Marks as printed: no trailing zeros."""
    return f"{value:.4f}".rstrip("0").rstrip(".")
