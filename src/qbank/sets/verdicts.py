"""One graded response cell: what was typed, how it was read, the key, what was accepted, the verdict and why."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from qbank.core.csvfiles import csv_bytes
from qbank.core.reasons import Audience, Kind, Reason
from qbank.core.responses import (
    Unreadable,
    accepted_texts,
    ambiguous_reading,
    read_response,
    strip_text_marker,
    visible,
)
from qbank.solve.formats import matches, tolerance_of
from qbank.spec.models import AnswerSpec

VERDICTS = ("right", "partial", "wrong", "blank", "unreadable")  # partial: some credit for a `multi`
DETAIL_COLUMNS = ("line", "paper", "name", "question", "answer", "column", "typed", "read_as", "key", "accepted",
                  "verdict", "reason", "marks", "max", "diagnosis", "note")  # fmt: skip
#: The headers of detail files older qbank versions wrote: before the note column, before the diagnosis column.
LEGACY_DETAIL_COLUMNS = (DETAIL_COLUMNS[:-1], DETAIL_COLUMNS[:-2])


@dataclass(frozen=True)
class Cell:
    """One student's response to one answer, graded; its reason and note said to a teacher unless said_to says
    otherwise."""

    line: int
    column: str
    typed: str
    read_as: str
    key: str
    accepted: str
    verdict: str  # one of VERDICTS
    why: Reason | None  # None when right
    marks: float
    max_marks: float
    diagnosis: str = ""  # the named mistake a wrong response matches (a misconception, a distractor's `why`)
    credit: float = 0.0  # the share of the answer's marks earned (1 when right)
    counted: tuple[str, ...] = ()  # what the misconception report counts it under (`key`, `misconception:NAME`, …)
    remark: Reason | None = None  # a wrong number the other decimal mark makes right ('3,355' read as 3355; 3.355 is)
    said_to: Audience = Audience.TEACHER

    @property
    def reason(self) -> str:
        """Why the cell scored what it did ('' when right), in its reader's words."""
        return self.why.said(self.said_to) if self.why else ""

    @property
    def note(self) -> str:
        """The remark on a number the other decimal mark would make right ('' if none), in its reader's words."""
        return self.remark.said(self.said_to) if self.remark else ""

    def for_student(self) -> Cell:
        """The same cell, its reason and note said to a student."""
        return replace(self, said_to=Audience.STUDENT)


def grade_cell(spec: AnswerSpec, answer: Any, key: str, typed: str, line: int, column: str, max_marks: float,
               decimal_comma: bool = False, mistakes: Sequence[Mapping[str, Any]] = ()) -> Cell:  # fmt: skip
    """Read and judge one typed response; a blank cell is wrong, an unreadable one is wrong and says why; a wrong
    number the grader would accept against a recorded misconception's value is diagnosed as that mistake."""
    accepted = accepted_range(spec, answer)
    text = strip_text_marker(typed)

    def cell(read_as: str, verdict: str, why: Reason | None, found: Sequence[Mapping[str, Any]] = (),
             remark: Reason | None = None) -> Cell:  # fmt: skip
        credit = 1.0 if verdict == "right" else 0.0
        diagnosis = " or ".join(f"{m['name']}: {m['description']}" for m in found)
        return Cell(
            line,
            column,
            typed,
            read_as,
            key,
            accepted,
            verdict,
            why,
            max_marks * credit,
            max_marks,
            diagnosis,
            credit,
            ("key",) if credit else tuple(f"misconception:{m['name']}" for m in found),
            remark,
        )

    if not text.strip():
        return cell("", "blank", Reason(Kind.NO_ANSWER))
    try:
        value = read_response(spec, text, decimal_comma)
    except Unreadable as exc:
        return cell("", "unreadable", Reason(Kind.CANNOT_READ, (visible(typed), _format_name(spec), exc.why)))
    shown = shown_value(spec, value)
    shape = _shape_problem(spec, answer, value)
    if shape:
        return cell(shown, "wrong", shape)
    if matches(spec, answer, value):
        return cell(shown, "right", None)
    if spec.format == "text":
        return cell(shown, "wrong", Reason(Kind.NOT_ACCEPTED_TEXT))
    found = [m for m in mistakes if matches(spec, m["value"], value)]
    remark = other_mark_note(spec, answer, text, decimal_comma)
    return cell(shown, "wrong", Reason(Kind.OUTSIDE_RANGE), found, remark)


def other_mark_note(spec: AnswerSpec, answer: Any, text: str, decimal_comma: bool) -> Reason | None:
    """For a wrong number like '3,355' (one separator, three digits after it): what the other decimal mark would
    read and that the key accepts it (None when it is not such a number or that reading is wrong too)."""
    if spec.format not in ("int", "fixed", "sig"):
        return None
    other = ambiguous_reading(text, percent=bool(spec.percent), decimal_comma=decimal_comma, unit=spec.unit or "")
    if other is None or not matches(spec, answer, other):
        return None
    read = float(read_response(spec, text, decimal_comma))
    kind = Kind.POINT_AS_THOUSANDS if decimal_comma else Kind.COMMA_AS_THOUSANDS
    return Reason(kind, (visible(text), read, float(other)))


def _format_name(spec: AnswerSpec) -> str:
    """The answer's format in words."""
    names = {"int": "a whole number", "fixed": "a number", "sig": "a number", "vector": "a vector",
             "matrix": "a matrix", "text": "text"}  # fmt: skip
    return names[spec.format] + (" or a percentage" if spec.percent and spec.format != "text" else "")


def _shape_problem(spec: AnswerSpec, answer: Any, value: Any) -> Reason | None:
    """Why a vector or matrix response has the wrong shape (None when it has the key's shape)."""
    if spec.format == "vector" and len(value) != len(answer):
        return Reason(Kind.WRONG_LENGTH, (len(value), len(answer)))
    if spec.format == "matrix":
        given = tuple(len(row) for row in value)
        wanted = tuple(len(row) for row in answer)
        if given != wanted:
            return Reason(Kind.WRONG_ROW_LENGTHS, (given, wanted))
    return None


def _number(x: float) -> str:
    """A number as shown in the detail rows (up to 12 significant digits, no float noise)."""
    return format(float(x), ".12g")


def shown_value(spec: AnswerSpec, value: Any) -> str:
    """How a response was read: a number, a vector, a matrix, or the normalised text."""
    if spec.format == "text":
        return str(value)
    if spec.format == "vector":
        return "[" + ", ".join(_number(v) for v in value) + "]"
    if spec.format == "matrix":
        return "[" + "; ".join(", ".join(_number(v) for v in row) for row in value) + "]"
    return _number(value)


def accepted_range(spec: AnswerSpec, answer: Any) -> str:
    """What the grader accepts: an interval per number, or the key and its declared synonyms."""
    if spec.format == "text":
        return " | ".join(accepted_texts(str(answer), spec.accept))

    def interval(x: Any) -> str:
        tol = tolerance_of(spec, float(x))
        return f"[{_number(float(x) - tol)}, {_number(float(x) + tol)}]"

    if spec.format == "vector":
        return "; ".join(interval(x) for x in answer)
    if spec.format == "matrix":
        return " / ".join("; ".join(interval(x) for x in row) for row in answer)
    return interval(answer)


def detail_csv(rows: Sequence[tuple[str, Mapping[str, str], str, str, Cell]], bom: bool = True) -> bytes:
    """The grading detail: one row per (student, answer): (paper, identity, question id, answer name, cell)."""
    lines: list[list[object]] = [list(DETAIL_COLUMNS)]
    for paper, identity, question, name, c in rows:
        lines.append([c.line, paper, identity.get("name", ""), question, name, c.column, visible(c.typed), c.read_as,
                      c.key, c.accepted, c.verdict, c.reason, _marks(c.marks), _marks(c.max_marks),
                      c.diagnosis, c.note])  # fmt: skip
    return csv_bytes(lines, bom)


def _marks(value: float) -> str:
    """Marks as printed: no trailing zeros."""
    return f"{value:.4f}".rstrip("0").rstrip(".")
