"""Vector and matrix answers typed cell by cell: the grid's shape from the variant's key, the form field of each
cell (`a.<answer>.<i>` or `a.<answer>.<row>.<column>`, from 0), and the cells assembled into the text the grader
reads."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from itertools import product
from typing import Any

MAX_CELLS = 48  # beyond this a vector or matrix keeps one text box (the form is bounded to MAX_FIELDS fields)
_INDEX = re.compile(r"0|[1-9][0-9]{0,3}")

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
