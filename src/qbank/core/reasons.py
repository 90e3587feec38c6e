"""Why a response was marked as it was, as a value: a kind from a closed set and its parameters, said in a
teacher's words (the grading detail and stderr, which name options and columns) or a student's (the practice
server: what to type instead, never an option, a file or a column)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum


class Audience(Enum):
    """Who reads a reason."""

    TEACHER = "teacher"
    STUDENT = "student"


class Kind(Enum):
    """Every reason the grader (and the practice server's grid of cells) gives; the parameters each takes."""

    NO_ANSWER = "no answer"  # ()
    CANNOT_READ = "cannot read"  # (the typed text with control characters shown, what it was read as, why)
    ELEMENT = "element"  # (its position: '2' or '(2, 1)', the element's text, why)
    EMPTY = "empty"  # ()
    NOT_A_NUMBER = "not a number"  # ()
    DECIMAL_COMMA = "decimal comma"  # (the number with its decimal comma: '-0,25')
    DECIMAL_POINT = "decimal point"  # () a decimal point while grading with decimal commas
    UNDECLARED_PERCENT = "undeclared percent"  # ()
    TOO_LARGE = "too large"  # ()
    DIGIT_SPACES = "digit spaces"  # (the digits the spaces do not group in thousands: '12 34')
    OTHER_UNIT = "other unit"  # (the text after the number, the answer's unit)
    NO_UNIT = "no unit"  # (the text after the number)
    NO_NUMBERS = "no numbers"  # ()
    DECIMAL_COMMAS_IN_LIST = "decimal commas in a list"  # ()
    CONTROL_CHARACTERS = "control characters"  # (the code points: ('U+202E',))
    NOT_LETTERS = "not letters"  # (the first option's letter, the last one's)
    WRONG_LENGTH = "wrong length"  # (the elements typed, the elements of the key)
    WRONG_ROW_LENGTHS = "wrong row lengths"  # (the row lengths typed, the key's)
    NOT_ACCEPTED_TEXT = "not an accepted text"  # ()
    OUTSIDE_RANGE = "outside the accepted range"  # ()
    KEY_IS = "the key is"  # (the key's letters)
    PARTIAL_CREDIT = "partial credit"  # (the key's letters, the share of the marks earned)
    COMMA_AS_THOUSANDS = "comma as thousands"  # (the typed text, the number read, the decimal comma reading)
    POINT_AS_THOUSANDS = "point as thousands"  # (the typed text, the number read, the decimal point reading)
    GRID_INCOMPLETE = "grid incomplete"  # (the cells left empty, the cells of the grid)
    GRID_CELL = "grid cell"  # (the cell: 'element 2' or 'row 1, column 2', its text, why)
    CELL_COMMA = "comma in a cell"  # (the cell's number with its decimal comma: '21,3')
    CELL_NUMBERS = "numbers in a cell"  # ()


@dataclass(frozen=True)
class Reason:
    """One reason: its kind and its parameters (a nested reason is said to the same reader)."""

    kind: Kind
    params: tuple[Param, ...] = ()

    def said(self, audience: Audience = Audience.TEACHER) -> str:
        """The reason in the words of `audience`."""
        words = (TEACHER if audience is Audience.TEACHER else STUDENT)[self.kind]
        params = tuple(p.said(audience) if isinstance(p, Reason) else p for p in self.params)
        return words(*params) if callable(words) else words.format(*params)


Param = str | int | float | tuple[str, ...] | tuple[int, ...] | Reason


def _dot(number: object) -> str:
    """A number written with a decimal comma written with a decimal point instead ('-0,25' -> '-0.25')."""
    return str(number).replace(",", ".")


def _element(where: str, part: str, why: str) -> str:
    """Why an element of a vector or matrix cannot be read, for a teacher (how to grade several decimal commas)."""
    hint = " (with --decimal-comma, put ';' or spaces between the numbers)" if part.count(",") > 1 else ""
    return f"element {where} {part!r}: {why}{hint}"


def _other_mark(mark: str, flag: str) -> Callable[[str, float, float], str]:
    """The teacher's note on a number read with a thousands separator that the other decimal mark makes right."""

    def said(typed: str, read: float, other: float) -> str:
        return (f"{typed!r} read as {read:.12g} (a thousands separator); as a decimal {mark} it would be "
                f"{other:.12g}, which the key accepts: if this class writes decimal {mark}s, grade {flag} "
                "--decimal-comma")  # fmt: skip

    return said


def _rows(given: tuple[int, ...], wanted: tuple[int, ...]) -> str:
    """Why a matrix has the wrong shape."""
    return f"row lengths {list(given)}, the key has {list(wanted)}"


def _empty_cells(empty: int, cells: int) -> str:
    """Why a grid with empty cells is blank."""
    return f"fill every cell: {empty} of {cells} {'is' if empty == 1 else 'are'} empty"


Words = str | Callable[..., str]
_SAME: dict[Kind, Words] = {
    Kind.NO_ANSWER: "no answer",
    Kind.CANNOT_READ: "cannot read {0!r} as {1}: {2}",
    Kind.EMPTY: "empty",
    Kind.NOT_A_NUMBER: "not a number",
    Kind.TOO_LARGE: "too large to be a number",
    Kind.DIGIT_SPACES: "the spaces in {0!r} do not group its digits in thousands (as 12 345)",
    Kind.OTHER_UNIT: "{0!r} is not the answer's unit {1}",
    Kind.NO_NUMBERS: "no numbers",
    Kind.WRONG_LENGTH: "{0} elements, the key has {1}",
    Kind.WRONG_ROW_LENGTHS: _rows,
    Kind.NOT_ACCEPTED_TEXT: "not an accepted text",
    Kind.OUTSIDE_RANGE: "outside the accepted range",
    Kind.KEY_IS: "the key is {0}",
    Kind.PARTIAL_CREDIT: "the key is {0}; per-option credit {1:.4g}",
    Kind.GRID_INCOMPLETE: _empty_cells,
    Kind.GRID_CELL: "cannot read {0} {1!r}: {2}",
    Kind.CELL_COMMA: lambda number: f"a comma inside a number: use a decimal point: {_dot(number)}",
    Kind.CELL_NUMBERS: "one number per cell: type each element in its own cell",
}
#: The teacher's words: the grading detail's reason and note columns, and the lines `qbank grade` prints.
TEACHER: dict[Kind, Words] = {
    **_SAME,
    Kind.ELEMENT: _element,
    Kind.DECIMAL_COMMA: "not a number (a decimal comma? grade with --decimal-comma)",
    Kind.DECIMAL_POINT: "not a number (a decimal point, but grading with --decimal-comma)",
    Kind.UNDECLARED_PERCENT: "a percentage, but this answer does not declare `percent: true`",
    Kind.NO_UNIT: "{0!r} after the number, but this answer declares no unit",
    Kind.DECIMAL_COMMAS_IN_LIST: "commas inside the numbers and ';' between them (decimal commas? grade with "
    "--decimal-comma)",
    Kind.CONTROL_CHARACTERS: lambda codes: f"contains the control character(s) {', '.join(codes)}",
    Kind.NOT_LETTERS: "not letters of this paper's options ({0}-{1}) nor one option's text",
    Kind.COMMA_AS_THOUSANDS: _other_mark("comma", "with"),
    Kind.POINT_AS_THOUSANDS: _other_mark("point", "without"),
}
#: The student's words: advice on what to type, never naming an option, a file, a column or a spec key.
STUDENT: dict[Kind, Words] = {
    **_SAME,
    Kind.ELEMENT: "element {0} {1!r}: {2}",
    Kind.DECIMAL_COMMA: lambda number: f"write the decimal point as a dot: {_dot(number)}",
    Kind.DECIMAL_POINT: "not a number",
    Kind.UNDECLARED_PERCENT: "this answer is not a percentage: write it as a number, without the % sign",
    Kind.NO_UNIT: "{0!r} after the number: this answer has no unit, type the number alone",
    Kind.DECIMAL_COMMAS_IN_LIST: "commas inside the numbers: write each decimal point as a dot (1.5; 2.5)",
    Kind.CONTROL_CHARACTERS: lambda codes: (
        f"it contains invisible control characters ({', '.join(codes)}): type the answer again"
    ),
    Kind.NOT_LETTERS: "not letters of the options ({0}-{1}) nor one option's text",
    Kind.COMMA_AS_THOUSANDS: "the comma was read as a thousands separator ({1:.12g}); write the decimal point as a "
    "dot: {2:.12g}",
    Kind.POINT_AS_THOUSANDS: "the point was read as a thousands separator ({1:.12g}); read as a decimal point, "
    "{2:.12g} would be right",
}
