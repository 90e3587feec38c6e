"""Marking a submitted attempt with qbank's own grader: each answer read, judged at its declared tolerance (or
by its options' letters), with the misconception a wrong number or a chosen distractor encodes."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from qbank.render.paper import SolvedPart
from qbank.sets.choice_cells import LetterError, grade_choice_cell
from qbank.sets.verdicts import Cell, grade_cell
from qbank.solve.variant import mistakes_json

FIELD_PREFIX = "a."  # form fields are `a.<answer name>`; a `multi` sends one per ticked letter


class FormError(ValueError):
    """A form that is not an attempt at this question (unknown fields, repeated fields, bad letters)."""


@dataclass(frozen=True)
class Mark:
    """One answer of an attempt, graded: its name and the grader's cell (typed, read as, key, verdict, why)."""

    answer: str
    cell: Cell

    @property
    def right(self) -> bool:
        """Whether the answer earned full credit."""
        return self.cell.verdict == "right"


def field_names(solved: SolvedPart) -> tuple[str, ...]:
    """The form field of every answer the page asks, in declared order."""
    return tuple(FIELD_PREFIX + name for name in solved.graded)


def responses(solved: SolvedPart, fields: Sequence[tuple[str, str]]) -> dict[str, str]:
    """The typed response per asked answer from the form's (name, value) pairs (raises FormError)."""
    asked = set(field_names(solved))
    typed: dict[str, list[str]] = {}
    for name, value in fields:
        if name not in asked:
            raise FormError(f"unknown field {name[:40]!r}: this question asks {', '.join(sorted(asked))}")
        typed.setdefault(name[len(FIELD_PREFIX) :], []).append(value)
    out = {}
    for answer, values in typed.items():
        choice = solved.choices.get(answer)
        if len(values) > 1 and (choice is None or choice.kind != "multi"):
            raise FormError(f"field {FIELD_PREFIX + answer!r} is given {len(values)} times")
        if choice is not None:
            letters = {option.letter for option in choice.options}
            outside = sorted(set(values) - letters)
            if outside:
                raise FormError(f"{outside[0][:10]!r} is not one of the options of {answer!r}")
        out[answer] = ", ".join(values)
    return out


def mark(solved: SolvedPart, typed: Mapping[str, str]) -> tuple[Mark, ...]:
    """Grade every asked answer of one variant against what was typed (a missing answer is blank)."""
    spec_of = solved.part.question.spec.answers
    mistakes = mistakes_json(solved.variant.mistakes)
    marks = []
    for name in solved.graded:
        text = typed.get(name, "")
        choice = solved.choices.get(name)
        if choice is not None:
            try:
                cell = grade_choice_cell(spec_of[name], choice.to_json(), text, 0, name, 1.0)
            except LetterError as exc:
                raise FormError(str(exc)) from None
        else:
            cell = grade_cell(spec_of[name], solved.variant.answers[name], solved.formatted[name], text, 0, name,
                              1.0, mistakes=mistakes.get(name, []))  # fmt: skip
        marks.append(Mark(name, cell))
    return tuple(marks)
