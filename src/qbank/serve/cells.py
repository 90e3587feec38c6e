"""Vector and matrix answers typed cell by cell: the grid's shape from the variant's key, the form field of each
cell (`a.<answer>.<i>` or `a.<answer>.<row>.<column>`, from 0), each cell read alone as one number, and the
numbers read assembled into the text the grader reads (so its elements are exactly the cells)."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from itertools import product
from typing import Any

from qbank.core.reasons import Kind, Reason
from qbank.core.responses import DIGIT_SPACES, Unreadable, read_number

MAX_CELLS = 48  # beyond this a vector or matrix keeps one text box (the form is bounded to MAX_FIELDS fields)
_INDEX = re.compile(r"0|[1-9][0-9]{0,3}")
_SPACES = str.maketrans(dict.fromkeys(DIGIT_SPACES, " "))
_DECIMAL_COMMA = re.compile(r"([+-]?\d*),(\d+)")  # `21,3`: one number written with a decimal comma
_NUMBER_START = re.compile(r"[+\-\u2212\u2013]?\.?\d")  # a token that starts a number
_GROUPED = re.compile(r"[+-]?\d{1,3}(?: \d{3})+(?:\.\d*)?")  # `12 345.6`: spaces grouping thousands

Index = tuple[int, ...]


def grid_shape(fmt: str, key: Any) -> Index | None:
    """The shape of a vector (n,) or matrix (rows, columns) answer from its key; None for one text box."""
    if fmt == "vector" and isinstance(key, Sequence) and not isinstance(key, str):
        shape: Index = (len(key),)
    elif fmt == "matrix" and isinstance(key, Sequence) and key and isinstance(key[0], Sequence):
        if any(not isinstance(row, Sequence) or len(row) != len(key[0]) for row in key):
            return None
        shape = (len(key), len(key[0]))
    else:
        return None
    count = 1
    for size in shape:
        count *= size
    return shape if 0 < count <= MAX_CELLS else None


def cell_indices(shape: Index) -> list[Index]:
    """Every cell of a grid in reading order (row by row)."""
    return list(product(*(range(size) for size in shape)))


def cell_field(field: str, index: Index) -> str:
    """The form field of one cell of an answer's field."""
    return field + "".join(f".{i}" for i in index)


def cell_label(label: str, index: Index, shape: Index) -> str:
    """What a screen reader says for one cell: `Probabilities, element 2 of 4`, `AB, row 2, column 1`."""
    if len(shape) == 1:
        return f"{label}, element {index[0] + 1} of {shape[0]}"
    return f"{label}, row {index[0] + 1}, column {index[1] + 1}"


def parse_cell(rest: str, shape: Index) -> Index | None:
    """The index a cell field's suffix (`2` or `1.0`) names inside `shape`; None when it names no cell."""
    parts = rest.split(".")
    if len(parts) != len(shape) or not all(_INDEX.fullmatch(p) for p in parts):
        return None
    index = tuple(int(p) for p in parts)
    return index if all(i < size for i, size in zip(index, shape, strict=True)) else None


def assemble(values: Mapping[Index, str], shape: Index) -> tuple[str, int]:
    """The grader's text for typed cells (`1, 2; 3, 4`) and how many cells are empty or missing."""
    typed = {index: values.get(index, "").strip() for index in cell_indices(shape)}
    empty = sum(1 for value in typed.values() if not value)
    if len(shape) == 1:
        return ", ".join(typed[(i,)] for i in range(shape[0])), empty
    rows = (", ".join(typed[(r, c)] for c in range(shape[1])) for r in range(shape[0]))
    return "; ".join(rows), empty


def where(index: Index) -> str:
    """How a message names one cell: `element 2`, `row 1, column 2`."""
    if len(index) == 1:
        return f"element {index[0] + 1}"
    return f"row {index[0] + 1}, column {index[1] + 1}"


def read_cell(typed: str, percent: bool = False, unit: str = "") -> float:
    """One cell read alone as one number (raise Unreadable, saying why to the student): a comma or a second number
    inside a cell is unreadable, never split into more elements; the answer's unit may follow the number."""
    text = typed.translate(_SPACES).strip()
    comma = _DECIMAL_COMMA.fullmatch(text)
    if comma:
        raise Unreadable(Reason(Kind.CELL_COMMA, (text,)))
    numbers = [token for token in re.split(r"[\s;,]+", text) if _NUMBER_START.match(token)]
    if "," in text or ";" in text or (len(numbers) > 1 and not _GROUPED.fullmatch(" ".join(numbers))):
        raise Unreadable(Reason(Kind.CELL_NUMBERS))
    return read_number(text, percent=percent, unit=unit)


def read_cells(values: Mapping[Index, str], shape: Index, percent: bool = False,
               unit: str = "") -> tuple[str, Reason | None]:  # fmt: skip
    """The grader's text for a full grid, built from each cell read alone (`[21.3, 14.91]`), or '' and why the
    first unreadable cell cannot be read."""
    read: dict[Index, float] = {}
    for index in cell_indices(shape):
        typed = values.get(index, "")
        try:
            read[index] = read_cell(typed, percent, unit)
        except Unreadable as exc:
            return "", Reason(Kind.GRID_CELL, (where(index), typed.strip()[:40], exc.why))
    if len(shape) == 1:
        return "[" + ", ".join(repr(read[(i,)]) for i in range(shape[0])) + "]", None
    rows = (", ".join(repr(read[(r, c)]) for c in range(shape[1])) for r in range(shape[0]))
    return "[" + "; ".join(rows) + "]", None
