"""CSV files qbank writes (answers.csv, marks.csv, the grading detail): spreadsheet-safe and readable.

Every file is UTF-8, with a byte-order mark unless asked otherwise (so spreadsheet programs do not read it as
their legacy code page). A cell a spreadsheet would run as a formula (starting with `=`, `+`, `-`, `@`, a tab
or a carriage return) gets a leading apostrophe, OWASP style, unless it is a number as qbank prints numbers
(`-3.5`, `-2,359,296`, `-4.1×10⁻⁷`), which stays a number.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence

from qbank.core.responses import FORMULA_STARTS

BOM = "\ufeff"
_NUMERIC = re.compile(r"[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)?(?:\.\d+)?(?:[eE][+-]?\d+|×10⁻?[⁰¹²³⁴⁵⁶⁷⁸⁹]+)?")


def is_number(cell: str) -> bool:
    """Whether a cell is a plain number (signs, digits, thousands commas, a decimal point, an exponent)."""
    return any(c.isdigit() for c in cell) and _NUMERIC.fullmatch(cell) is not None


def safe_cell(cell: object) -> str:
    """A cell as written: text a spreadsheet would run as a formula gets a leading apostrophe."""
    text = str(cell)
    if text.startswith(FORMULA_STARTS) and not is_number(text):
        return "'" + text
    return text


def csv_bytes(rows: Iterable[Sequence[object]], bom: bool = True) -> bytes:
    """The bytes of a CSV file: UTF-8 (with a BOM when `bom`), comma-separated, every cell made safe."""
    buffer = io.StringIO(newline="")
    if bom:
        buffer.write(BOM)
    writer = csv.writer(buffer, lineterminator="\n")
    for row in rows:
        writer.writerow([safe_cell(cell) for cell in row])
    return buffer.getvalue().encode("utf-8")


def header_delimiter(header_line: str) -> str | None:
    """The separator of a CSV file read from its header line: ',' if the header splits on commas, else ';'
    or a tab; None when more than one splits it (ambiguous)."""
    splitting = [d for d in (",", ";", "\t") if len(next(csv.reader([header_line], delimiter=d), [])) > 1]
    if len(splitting) > 1:
        return None
    return splitting[0] if splitting else ","
