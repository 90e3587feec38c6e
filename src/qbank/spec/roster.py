"""Class rosters and other CSV inputs: read strictly, report every problem as `file:line: column: problem`."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from qbank.core.csvfiles import header_delimiter
from qbank.core.errors import Problem, UserError
from qbank.core.limits import MAX_CSV_BYTES, MAX_CSV_CELL, MAX_CSV_COLUMNS, MAX_CSV_ROWS
from qbank.core.responses import BIDI_CONTROLS, unsafe_characters
from qbank.spec.load import decode_utf8, display_name, read_bytes

ROLL = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
REQUIRED = ("roll", "name")
#: Names Windows reserves for devices, whatever the extension (`CON.pdf` is the console too).
WINDOWS_DEVICES = frozenset({"CON", "PRN", "AUX", "NUL", *(f"{d}{i}" for d in ("COM", "LPT") for i in range(10))})
#: Columns qbank computes in marks.csv; a roster or responses column may not take these names.
COMPUTED_COLUMNS = ("paper", "submission", "total", "auto_max", "paper_max")
FORM_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
MAX_FORMS = 26 + 26 * 26  # A..Z, then AA..ZZ


@dataclass(frozen=True)
class Table:
    """A CSV file: its display name, header, and rows (each with its 1-based line number)."""

    file: str
    header: tuple[str, ...]
    rows: tuple[tuple[int, dict[str, str]], ...]


@dataclass(frozen=True)
class Student:
    """One roster row: roll number (the paper id), name, and every other column (kept for the gradebook)."""

    roll: str
    name: str
    line: int
    extra: tuple[tuple[str, str], ...] = ()

    def fields(self) -> dict[str, str]:
        """Roll, name and the other columns, as printed and recorded."""
        return {"roll": self.roll, "name": self.name, **dict(self.extra)}


def read_table(path: Path, what: str = "CSV file", vectors: bool = False) -> Table:
    """Read a UTF-8 CSV with a header row; every row must have as many fields as the header (a longer row's
    problem says a separator inside a cell split it; with `vectors`, how to type a vector's numbers instead)."""
    name = display_name(path)
    text = decode_utf8(read_bytes(path, what, (MAX_CSV_BYTES, "MAX_CSV_BYTES")), name, what, "; save it as UTF-8 CSV")
    delimiter = header_delimiter(text.split("\n", 1)[0].rstrip("\r"))
    if delimiter is None:
        message = "the header has both ',' and ';' (or tabs) between names: cannot tell which separates columns"
        raise UserError([Problem(name, 1, "", message)])
    reader = csv.reader(io.StringIO(text, newline=""), strict=True, delimiter=delimiter)
    problems: list[Problem] = []
    header: tuple[str, ...] = ()
    rows: list[tuple[int, dict[str, str]]] = []
    try:
        for fields in reader:
            line = reader.line_num
            bound = _bound_problem(name, line, fields, len(rows))
            if bound is not None:
                problems.append(bound)
                break
            if not header:
                header = tuple(field.strip() for field in fields)
                problems.extend(_header_problems(name, line, header))
                continue
            if not any(field.strip() for field in fields):
                continue
            if len(fields) != len(header):
                hint = split_hint(delimiter, vectors) if len(fields) > len(header) else ""
                message = f"{len(fields)} fields, but the header has {len(header)}{hint}"
                problems.append(Problem(name, line, "", message))
                continue
            rows.append((line, {key: value.strip() for key, value in zip(header, fields, strict=True)}))
    except csv.Error as exc:
        problems.append(Problem(name, reader.line_num, "", f"CSV syntax error: {exc}"))
    if not header:
        problems.append(Problem(name, 1, "", f"{what} is empty (it needs a header row)"))
    if problems:
        raise UserError(problems)
    return Table(name, header, tuple(rows))


def split_hint(delimiter: str, vectors: bool) -> str:
    """What to do about a row with more fields than the header: a separator typed inside a cell split it."""
    shown = {",": "','", ";": "';'"}.get(delimiter, "tab")
    hint = f" (a {shown} typed inside a cell splits it: put that cell in double quotes"
    if vectors and delimiter == ",":
        hint += ', as "1,5; 2,5" for a vector with decimal commas, or type its numbers as 1.5; 2.5'
    elif vectors and delimiter == ";":
        hint += ', as "1,5; 2,5" for a vector, or put spaces between its numbers: 1,5 2,5'
    return hint + ")"


def _bound_problem(name: str, line: int, fields: Sequence[str], rows: int) -> Problem | None:
    """A row past MAX_CSV_ROWS, with more than MAX_CSV_COLUMNS fields or a cell over MAX_CSV_CELL characters."""
    if rows >= MAX_CSV_ROWS:
        return Problem(name, line, "", f"more than {MAX_CSV_ROWS:,} rows (limits.MAX_CSV_ROWS)")
    if len(fields) > MAX_CSV_COLUMNS:
        return Problem(
            name, line, "", f"{len(fields):,} fields, more than {MAX_CSV_COLUMNS:,} (limits.MAX_CSV_COLUMNS)"
        )
    for index, field in enumerate(fields):
        if len(field) > MAX_CSV_CELL:
            message = f"{len(field):,} characters, more than {MAX_CSV_CELL:,} (limits.MAX_CSV_CELL)"
            return Problem(name, line, f"column {index + 1}", message)
    return None


def _header_problems(name: str, line: int, header: Sequence[str]) -> list[Problem]:
    """Empty and repeated column names, and names with control characters."""
    problems = []
    seen: set[str] = set()
    for index, column in enumerate(header):
        if not column:
            problems.append(Problem(name, line, f"column {index + 1}", "empty column name in the header"))
        elif unsafe_characters(column):
            problems.append(Problem(name, line, f"column {index + 1}", unsafe_message(column)))
        elif column.lower() in seen:
            problems.append(Problem(name, line, column, "column name repeated in the header"))
        seen.add(column.lower())
    return problems


def read_roster(path: Path) -> list[Student]:
    """Read a roster: columns `roll` and `name` at least; rolls unique and usable as file names, names non-empty."""
    students, problems = roster_rows(path)
    if problems:
        raise UserError(problems)
    return students


def roster_rows(path: Path) -> tuple[list[Student], list[Problem]]:
    """A roster's students as written and the problems of its header and rows, so that later checks can run on
    the fields without a problem (a file that cannot be read as a roster at all is raised)."""
    table = read_table(path, "roster")
    columns = {column.lower(): column for column in table.header}
    missing = [column for column in REQUIRED if column not in columns]
    if missing:
        listed = ", ".join(repr(c) for c in table.header)
        message = f"the header needs the columns {' and '.join(repr(m) for m in missing)} (it has {listed})"
        raise UserError([Problem(table.file, 1, "", message)])
    problems = [Problem(table.file, 1, column, reserved_column(column)) for column in table.header
                if reserved_column(column)]  # fmt: skip
    students: list[Student] = []
    first: dict[str, int] = {}
    for line, row in table.rows:
        roll, name = row[columns["roll"]], row[columns["name"]]
        problems.extend(field_problems(table.file, line, row))
        if not roll:
            problems.append(Problem(table.file, line, "roll", "empty roll number"))
        elif roll_problem(roll):
            problems.append(Problem(table.file, line, "roll", roll_problem(roll)))
        elif roll.lower() in first:
            problems.append(Problem(table.file, line, "roll", f"duplicate roll number {roll!r} "
                                    f"(first at line {first[roll.lower()]})"))  # fmt: skip
        else:
            first[roll.lower()] = line
        if not name:
            problems.append(Problem(table.file, line, "name", f"empty name for roll number {roll!r}"))
        extra = tuple((c, row[c]) for c in table.header if c.lower() not in REQUIRED)
        students.append(Student(roll, name, line, extra))
    if not students and not problems:
        problems.append(Problem(table.file, 2, "", "the roster has no students"))
    return students, problems


def roll_problem(roll: str) -> str:
    """Why a roll number cannot name a paper's file on Linux, Windows and macOS ('' when it can)."""
    if not ROLL.match(roll):
        return (f"roll number {roll!r} must be 1-64 letters, digits, '.', '_' or '-' (starting with a letter or "
                "digit): it names the paper's file")  # fmt: skip
    device = roll.split(".", 1)[0].upper()
    if device in WINDOWS_DEVICES:
        return f"roll number {roll!r} is the Windows device name {device}: it cannot name the paper's file"
    if roll.endswith("."):
        return f"roll number {roll!r} ends with '.', which Windows drops from file names"
    return ""


def reserved_column(column: str) -> str:
    """Why a roster or responses column name is taken by a column qbank computes ('' when it is free)."""
    if column.lower() in COMPUTED_COLUMNS:
        return f"{column!r} is a column qbank computes in marks.csv; rename this column"
    if ":" in column:
        return "a ':' marks an answer column (question-id:answer-name); rename this column"
    return ""


def unsafe_message(text: str) -> str:
    """The problem with a field holding control or bidirectional-override characters."""
    found = unsafe_characters(text)
    bidi = [c for c in found if chr(int(c[2:], 16)) in BIDI_CONTROLS]
    kind = "bidirectional override or isolate" if bidi else "control character"
    return f"contains the {kind} {', '.join(found)}; remove it (it hides or reorders what a reader sees)"


def field_problems(file: str, line: int, row: Mapping[str, str]) -> list[Problem]:
    """Fields of a row holding control or bidirectional-override characters (right-to-left letters are fine)."""
    return [Problem(file, line, column, unsafe_message(value)) for column, value in row.items()
            if unsafe_characters(value)]  # fmt: skip


def form_ids(count: int) -> list[str]:
    """Paper ids of `count` forms: A, B, ..., Z, then AA, AB, ..., ZZ (as spreadsheet columns are named)."""
    if not 1 <= count <= MAX_FORMS:
        raise UserError([Problem("<command line>", 0, "--forms", f"must be between 1 and {MAX_FORMS}, got {count}")])
    singles = list(FORM_LETTERS)
    return (singles + [first + second for first in singles for second in singles])[:count]
