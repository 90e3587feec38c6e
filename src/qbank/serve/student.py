"""What the practice server says to a student about an answer: the grader's reasons (written for a teacher
grading a CSV with the command line) rephrased as advice on what to type, never naming options, files or
columns."""

from __future__ import annotations

import re
from dataclasses import replace

from qbank.core.responses import MINUS_SIGNS
from qbank.sets.verdicts import Cell

_MINUS = str.maketrans(dict.fromkeys(MINUS_SIGNS, "-"))
_DECIMAL_COMMA = re.compile(r"([+-]?\d*),(\d+)")
#: The grader's reasons for a teacher and what a student reads instead (the typed text quoted where it helps).
_UNREADABLE = (
    (re.compile(r"not a number \(a decimal comma\? grade with --decimal-comma\)"), "{comma}"),
    (re.compile(r"not a number \(a decimal point, but grading with --decimal-comma\)"), "not a number"),
    (re.compile(r"a percentage, but this answer does not declare `percent: true`"),
     "this answer is not a percentage: write it as a number, without the % sign"),
    (re.compile(r"contains the control character\(s\) (.*)"),
     r"it contains invisible control characters (\1): type the answer again"),
    (re.compile(r"('[^']*') after the number, but this answer declares no unit"),
     r"\1 after the number: this answer has no unit, type the number alone"),
    (re.compile(r"commas inside the numbers and ';' between them \(decimal commas\? grade with --decimal-comma\)"),
     "commas inside the numbers: write each decimal point as a dot (1.5; 2.5)"),
    (re.compile(r" \(with --decimal-comma, put ';' or spaces between the numbers\)"), ""),
)  # fmt: skip
_NOTE = re.compile(r"'.*' read as (\S+) \(a thousands separator\); as a decimal (point|comma) it would be (\S+),.*")


def for_student(cell: Cell) -> Cell:
    """One marked answer with its reason (and note, when the grader adds one) said to the student."""
    reason = cell.reason
    for pattern, said in _UNREADABLE:
        reason = pattern.sub(lambda m, said=said: m.expand(said.replace("{comma}", _comma(cell.typed))), reason)
    if reason == cell.reason and not getattr(cell, "note", ""):
        return cell
    changes: dict[str, str] = {"reason": reason}
    if getattr(cell, "note", ""):
        changes["note"] = _note(cell.note)  # type: ignore[attr-defined]
    return replace(cell, **changes)


def _comma(typed: str) -> str:
    """What to type instead of a number written with a decimal comma ('19,8' -> 'write the decimal point as a
    dot: 19.8')."""
    plain = typed.strip().translate(_MINUS)
    found = _DECIMAL_COMMA.fullmatch(plain)
    if found is None:
        return "write the decimal point as a dot"
    return f"write the decimal point as a dot: {found.group(1)}.{found.group(2)}"


def _note(note: str) -> str:
    """The grader's note on a number a decimal comma would make right, said to the student."""
    found = _NOTE.fullmatch(note)
    if found is None or found.group(2) != "comma":
        return ""
    return (f"the comma was read as a thousands separator ({found.group(1)}); "
            f"write the decimal point as a dot: {found.group(3)}")  # fmt: skip
