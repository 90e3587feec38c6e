"""Marking a submitted attempt with qbank's own grader: each answer read, judged at its declared tolerance (or
by its options' letters), with the misconception a wrong number or a chosen distractor encodes."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from qbank.core.reasons import Kind, Reason
from qbank.render.paper import SolvedPart
from qbank.serve.cells import Index, assemble, cell_indices, grid_shape, parse_cell, read_cells
from qbank.sets.choice_cells import LetterError, grade_choice_cell
from qbank.sets.verdicts import Cell, grade_cell
from qbank.solve.variant import mistakes_json

_EXACT = re.compile(r"\[([^,\[\]]+), \1\]")  # an interval of one number: no tolerance
FIELD_PREFIX = "a."  # form fields are `a.<answer name>`; a `multi` sends one per ticked letter


class FormError(ValueError):
    """A form that is not an attempt at this question (unknown fields, repeated fields, bad letters)."""


@dataclass(frozen=True)
class Mark:
    """One answer of an attempt, graded: its name and the grader's cell (typed, read as, key, verdict, why), its
    reason and note said to the student."""

    answer: str
    cell: Cell

    @property
    def right(self) -> bool:
        """Whether the answer earned full credit."""
        return self.cell.verdict == "right"

    @property
    def accepted(self) -> str:
        """What the grader accepts, as the page says it: `exactly 1000` for the interval [1000, 1000]."""
        exact = _EXACT.fullmatch(self.cell.accepted)
        return f"exactly {exact.group(1)}" if exact else self.cell.accepted

    @property
    def note(self) -> str:
        """The grader's note on a number another decimal mark would make right, said to the student ('' if none)."""
        return self.cell.note


@dataclass(frozen=True)
class Attempt:
    """A submitted form read: the text the grader reads per answer (a grid's built from its cells, each read
    alone), the cells typed per grid answer, how many cells of a grid answer are left empty (an incomplete grid is
    marked blank), and why a grid's cell cannot be read (the grid is marked unreadable)."""

    typed: dict[str, str] = field(default_factory=dict)
    cells: dict[str, dict[Index, str]] = field(default_factory=dict)
    empty: dict[str, tuple[int, int]] = field(default_factory=dict)  # answer -> (cells empty, cells in all)
    unreadable: dict[str, Reason] = field(default_factory=dict)  # answer -> which cell cannot be read, and why


def grids(solved: SolvedPart) -> dict[str, Index]:
    """The shape of every asked vector or matrix answer typed cell by cell."""
    spec_of = solved.part.question.spec.answers
    shapes = {name: grid_shape(spec_of[name].format, solved.variant.answers[name]) for name in solved.graded
              if name not in solved.choices}  # fmt: skip
    return {name: shape for name, shape in shapes.items() if shape is not None}


def field_names(solved: SolvedPart, prefix: str = "") -> tuple[str, ...]:
    """The form field of every answer the page asks, in declared order (after `prefix` on a multi-part page)."""
    return tuple(prefix + FIELD_PREFIX + name for name in solved.graded)


def responses(solved: SolvedPart, fields: Sequence[tuple[str, str]], prefix: str = "") -> Attempt:
    """The typed response per asked answer from the form's (name, value) pairs, grid cells assembled (raises
    FormError); on a multi-part page every field of this part starts with `prefix`."""
    asked = set(field_names(solved, prefix))
    start = len(prefix + FIELD_PREFIX)
    shapes = grids(solved)
    typed: dict[str, list[str]] = {}
    cells: dict[str, dict[Index, str]] = {}
    for name, value in fields:
        if name in asked:
            typed.setdefault(name[start:], []).append(value)
        elif (found := _cell_of(name, shapes, prefix)) is not None:
            answer, index = found
            if index in cells.setdefault(answer, {}):
                raise FormError(f"field {name[:60]!r} is given twice")
            cells[answer][index] = value
        else:
            raise FormError(f"unknown field {name[:40]!r}: this question asks {', '.join(sorted(asked))}")
    out = {}
    for answer, values in typed.items():
        choice = solved.choices.get(answer)
        if len(values) > 1 and (choice is None or choice.kind != "multi"):
            raise FormError(f"field {prefix + FIELD_PREFIX + answer!r} is given {len(values)} times")
        if answer in cells:
            raise FormError(f"{answer!r} is given both whole and cell by cell")
        if choice is not None:
            letters = {option.letter for option in choice.options}
            outside = sorted(set(values) - letters)
            if outside:
                raise FormError(f"{outside[0][:10]!r} is not one of the options of {answer!r}")
        out[answer] = ", ".join(values)
    empty, unreadable = {}, {}
    spec_of = solved.part.question.spec.answers
    for answer, values in cells.items():
        out[answer], missing = assemble(values, shapes[answer])
        if missing:
            empty[answer] = (missing, len(cell_indices(shapes[answer])))
            continue
        spec = spec_of[answer]
        out[answer], why = read_cells(values, shapes[answer], bool(spec.percent), spec.unit or "")
        if why:
            unreadable[answer] = why
    return Attempt(out, cells, empty, unreadable)


def part_prefix(solved: SolvedPart) -> str:
    """What the form fields of one part of a multi-part page start with: its label and a dot (`b.a.total`)."""
    return f"{solved.part.label}."


def item_responses(parts: Sequence[SolvedPart], fields: Sequence[tuple[str, str]]) -> tuple[Attempt, ...]:
    """The attempt at each part of a multi-part question from one form: each field goes to the part its prefix
    names (raises FormError)."""
    by_prefix: dict[str, list[tuple[str, str]]] = {part_prefix(solved): [] for solved in parts}
    for name, value in fields:
        prefix = name.split(".", 1)[0] + "."
        if prefix not in by_prefix:
            known = ", ".join(f"{p}{FIELD_PREFIX}<answer>" for p in by_prefix)
            raise FormError(f"unknown field {name[:40]!r}: the fields of this question are {known}")
        by_prefix[prefix].append((name, value))
    return tuple(responses(solved, by_prefix[part_prefix(solved)], part_prefix(solved)) for solved in parts)


def _cell_of(name: str, shapes: dict[str, Index], prefix: str = "") -> tuple[str, Index] | None:
    """The grid answer and cell index a form field names (`a.probs.2`, `b.a.probs.2`), or None."""
    for answer, shape in shapes.items():
        start = f"{prefix}{FIELD_PREFIX}{answer}."
        if name.startswith(start) and (index := parse_cell(name[len(start) :], shape)) is not None:
            return answer, index
    return None


def mark(solved: SolvedPart, attempt: Attempt) -> tuple[Mark, ...]:
    """Grade every asked answer of one variant against what was typed (a missing answer is blank, and so is a grid
    with some cells empty: fill every cell)."""
    spec_of = solved.part.question.spec.answers
    mistakes = mistakes_json(solved.variant.mistakes)
    marks = []
    for name in solved.graded:
        text = attempt.typed.get(name, "")
        choice = solved.choices.get(name)
        if choice is not None:
            try:
                cell = grade_choice_cell(spec_of[name], choice.to_json(), text, 0, name, 1.0)
            except LetterError as exc:
                raise FormError(str(exc)) from None
        else:
            cell = grade_cell(spec_of[name], solved.variant.answers[name], solved.formatted[name], text, 0, name,
                              1.0, mistakes=mistakes.get(name, []))  # fmt: skip
            if name in attempt.empty:
                empty, cells = attempt.empty[name]
                why = Reason(Kind.GRID_INCOMPLETE, (empty, cells))
                cell = replace(cell, read_as="", verdict="blank", why=why, marks=0.0, diagnosis="", credit=0.0,
                               counted=(), remark=None)  # fmt: skip
            elif name in attempt.unreadable:
                cell = replace(cell, read_as="", verdict="unreadable", why=attempt.unreadable[name], marks=0.0,
                               diagnosis="", credit=0.0, counted=(), remark=None)  # fmt: skip
        marks.append(Mark(name, cell.for_student()))
    return tuple(marks)
