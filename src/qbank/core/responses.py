"""Reading typed responses as values of an answer's format, or saying why a cell cannot be read.

Numbers may use typographic minus signs, `×10⁻⁵` or `e-5` exponents, a percent sign (only where the answer
declares `percent: true`), the answer's declared unit after them (`134 J`) and, with `decimal_comma`, a comma
as the decimal mark and dots as thousands separators. Spaces between digits must group them in thousands as
commas do (`12 345`, not `12 34`). Nothing is guessed: `0,2323` without `decimal_comma` is unreadable, not 2323
or 0.2323, and a number too large for a float (`1e400`) is unreadable, not infinity.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Mapping, Sequence
from typing import Any

from qbank.core.reasons import Kind, Reason

#: Characters read as a minus sign: hyphen, non-breaking hyphen, figure dash, en dash, minus, small and
#: full-width hyphen-minus (word processors and spreadsheets turn '-' into these).
MINUS_SIGNS = "\u2010\u2011\u2012\u2013\u2212\ufe63\uff0d"
#: Spaces that may group digits (ordinary, no-break, thin, narrow no-break, punctuation, figure space).
DIGIT_SPACES = " \u00a0\u2009\u202f\u2008\u2007"
#: Bidirectional embeddings, overrides and isolates: they reorder what a reader sees.
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
#: Cell prefixes a spreadsheet runs as a formula (OWASP CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

_PLAIN = str.maketrans({**dict.fromkeys(MINUS_SIGNS, "-"), **dict.fromkeys(DIGIT_SPACES, " "),
                        **dict(zip("⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺", "0123456789-+", strict=True))})  # fmt: skip
_SPACED_DIGITS = re.compile(r"(?<!\d)\d++(?: ++\d++)+")
#: Characters a typed number is written with (after minus signs, spaces and superscripts are made plain).
_NUMBER_CHARS = frozenset("0123456789 +-.,%×xX*·⋅eE^()")
MAX_UNIT = 40  # characters of text after a number named as a unit in the reason
_EXPONENT = re.compile(r"(.+?)(?:[×xX*·⋅]10\^?\(?([+-]?\d+)\)?|[eE]([+-]?\d+))?")
_POINT = re.compile(r"[+-]?(?:[1-9]\d{0,2}(?:,\d{3})+|\d+)?(?:\.\d*)?")
_COMMA = re.compile(r"[+-]?(?:[1-9]\d{0,2}(?:\.\d{3})+|\d+)?(?:,\d*)?")


class Unreadable(ValueError):
    """A typed response that cannot be read as the answer's format: `why` says why (the message, to a teacher)."""

    def __init__(self, why: Reason) -> None:
        super().__init__(why.said())
        self.why = why


def unsafe_characters(text: str) -> list[str]:
    """Control, line-separator and bidirectional-override characters in a text, as code point names such as 'U+202E'."""
    found = []
    for char in text:
        if char in BIDI_CONTROLS or unicodedata.category(char) in ("Cc", "Zl", "Zp"):
            found.append(f"U+{ord(char):04X}")
    return list(dict.fromkeys(found))


def visible(text: str) -> str:
    """A text with its control and bidirectional characters shown as code points such as <U+202E>, for reports."""
    return "".join(f"<U+{ord(c):04X}>" if unsafe_characters(c) else c for c in text)


def read_number(text: str, *, percent: bool = False, decimal_comma: bool = False, unit: str = "") -> float:
    """Read one typed number ('2,359,296', '–9.85', '4.04×10⁻⁵', '50.7%' with percent, '0,2323' with
    decimal_comma, '134 J' when `unit` is 'J'); raise Unreadable with the reason."""
    s = without_unit(str(text).strip().translate(_PLAIN), unit)
    _check_spaces(s, decimal_comma)
    value = _value(s.replace(" ", ""), percent, decimal_comma)
    if value is None:
        raise Unreadable(
            _trailing_text(str(text), percent, decimal_comma, unit) or _why(s.replace(" ", ""), decimal_comma)
        )
    return value


def _value(s: str, percent: bool, decimal_comma: bool) -> float | None:
    """The number a plain text (no spaces) writes, None when it is not one; Unreadable for a percentage the
    answer does not declare and a number too large for a float."""
    scale = 0
    if s.endswith("%"):
        if not percent:
            raise Unreadable(Reason(Kind.UNDECLARED_PERCENT))
        s, scale = s[:-1], -2
    match = _EXPONENT.fullmatch(s)
    mantissa = match.group(1) if match else ""
    pattern = _COMMA if decimal_comma else _POINT
    if not match or not pattern.fullmatch(mantissa) or mantissa.strip("+-.,") == "":
        return None
    if decimal_comma:
        mantissa = mantissa.replace(".", "").replace(",", ".")
    exponent = int(match.group(2) or match.group(3) or "0") + scale
    value = float(f"{mantissa.replace(',', '')}e{exponent}")
    if not math.isfinite(value):
        raise Unreadable(Reason(Kind.TOO_LARGE))
    return value


def without_unit(s: str, unit: str) -> str:
    """A typed number without the answer's declared unit after it ('134 J' -> '134' for unit 'J'; the unit as
    declared, case-sensitive, with or without a space before it)."""
    unit = unit.translate(_PLAIN).strip()
    if unit and s.endswith(unit) and s[: -len(unit)].strip():
        return s[: -len(unit)].rstrip()
    return s


def _check_spaces(s: str, decimal_comma: bool) -> None:
    """Raise Unreadable when spaces between digits do not group them in thousands: before the decimal mark a
    first group of 1-3 digits then groups of 3, after it groups of 3 and a last group of 1-3."""
    mark = "," if decimal_comma else "."
    for run in _SPACED_DIGITS.finditer(s):
        groups = run.group().split()
        if run.start() > 0 and s[run.start() - 1] == mark:
            good = all(len(g) == 3 for g in groups[:-1]) and len(groups[-1]) <= 3
        else:
            good = len(groups[0]) <= 3 and all(len(g) == 3 for g in groups[1:])
        if not good:
            raise Unreadable(Reason(Kind.DIGIT_SPACES, (run.group(),)))


def _trailing_text(text: str, percent: bool, decimal_comma: bool, unit: str) -> Reason | None:
    """Why a number followed by a word is unreadable ("'kJ' is not the answer's unit J"), or None when the text is
    not a number followed by a short word (the word starts at the first character no number is written with)."""
    s = str(text).strip().translate(_PLAIN)
    end = next((i for i, char in enumerate(s) if char not in _NUMBER_CHARS), len(s))
    start = next((i + 1 for i in range(end - 1, -1, -1) if s[i].isdigit()), 0)
    suffix = s[start:].strip()
    if start == 0 or end == len(s) or len(suffix) > MAX_UNIT or not any(c.isalpha() for c in suffix):
        return None
    try:
        readable = _value(s[:start].replace(" ", ""), percent, decimal_comma) is not None
    except Unreadable:
        return None
    return _unit_reason(suffix, unit) if readable else None


def _unit_reason(suffix: str, unit: str) -> Reason:
    """Why text after a number is not accepted."""
    if unit.strip():
        return Reason(Kind.OTHER_UNIT, (suffix, unit.strip()))
    return Reason(Kind.NO_UNIT, (suffix,))


def ambiguous_reading(text: str, *, percent: bool = False, decimal_comma: bool = False, unit: str = "") -> float | None:
    """The other reading of a number whose only separator is one comma (with decimal_comma: one dot) followed by
    exactly three digits ('3,355': 3355 read, 3.355 the other reading), or None when the text is not such a
    number."""
    s = without_unit(str(text).strip().translate(_PLAIN), unit).replace(" ", "").removesuffix("%")
    match = _EXPONENT.fullmatch(s)
    separator = r"\." if decimal_comma else ","
    if not match or not re.fullmatch(rf"[+-]?[1-9]\d{{0,2}}{separator}\d{{3}}", match.group(1)):
        return None
    try:
        return read_number(text, percent=percent, decimal_comma=not decimal_comma, unit=unit)
    except Unreadable:
        return None


def _why(s: str, decimal_comma: bool) -> Reason:
    """Why a text is not a number, with a hint at the likely cause."""
    if not s:
        return Reason(Kind.EMPTY)
    if not decimal_comma and re.fullmatch(r"[+-]?\d*,\d+", s):
        return Reason(Kind.DECIMAL_COMMA, (s,))
    if decimal_comma and re.fullmatch(r"[+-]?\d*\.\d+", s):
        return Reason(Kind.DECIMAL_POINT)
    return Reason(Kind.NOT_A_NUMBER)


def _split(inner: str, decimal_comma: bool) -> list[str]:
    """Elements of a vector: separated by commas, semicolons or spaces (semicolons or spaces with a
    decimal comma)."""
    return [p for p in re.split(r"[;\s]+" if decimal_comma else r"[,;\s]+", inner) if p]


def _without_bracket_unit(text: str, unit: str) -> str:
    """A typed vector or matrix without the answer's declared unit after its closing bracket ('[3, 4] m/s');
    raise Unreadable for any other text there."""
    s = str(text).translate(_PLAIN_SPACES).strip()
    end = max(s.rfind("]"), s.rfind(")"))
    suffix = s[end + 1 :].strip() if end >= 0 else ""
    if not suffix:
        return s
    if suffix.replace(" ", "") != unit.translate(_PLAIN_SPACES).replace(" ", ""):
        raise Unreadable(_unit_reason(suffix, unit))
    return s[: end + 1]


def read_vector(text: str, *, percent: bool = False, decimal_comma: bool = False, unit: str = "") -> list[float]:
    """Read '[0.1, 0.9]', '0.1 0.9' or, with decimal_comma, '[0,1; 0,9]' (with `unit`, '[0.1, 0.9] m/s')."""
    inner = _without_bracket_unit(text, unit).strip("[]()")
    parts = _split(inner, decimal_comma)
    if not parts:
        raise Unreadable(Reason(Kind.NO_NUMBERS))
    if not decimal_comma and ";" in inner and re.search(r"\d,\d", inner):
        raise Unreadable(Reason(Kind.DECIMAL_COMMAS_IN_LIST))
    return [_element(p, str(i + 1), percent, decimal_comma) for i, p in enumerate(parts)]


def read_matrix(text: str, *, percent: bool = False, decimal_comma: bool = False, unit: str = "") -> list[list[float]]:
    """Read '[1, 2; 3, 4]' or '[[1, 2], [3, 4]]' (with decimal_comma: '[1,5 2; 3 4]' or '[[1,5 2] [3 4]]'; with
    `unit`, '[1, 2; 3, 4] N')."""
    inner = _without_bracket_unit(text, unit)
    if inner.startswith("[[") or inner.startswith("[ ["):
        rows = re.findall(r"\[([^\[\]]*)\]", inner)
    else:
        rows = inner.strip("[]").split(";")
    rows = [row for row in rows if row.strip()]
    if not rows:
        raise Unreadable(Reason(Kind.NO_NUMBERS))
    matrix = []
    for r, row in enumerate(rows):
        parts = _split(row, decimal_comma)
        matrix.append([_element(p, f"({r + 1}, {c + 1})", percent, decimal_comma) for c, p in enumerate(parts)])
    return matrix


_PLAIN_SPACES = str.maketrans(dict.fromkeys(DIGIT_SPACES, " "))


def _element(part: str, where: str, percent: bool, decimal_comma: bool) -> float:
    """One element of a vector or matrix, its position named when it cannot be read."""
    try:
        return read_number(part, percent=percent, decimal_comma=decimal_comma)
    except Unreadable as exc:
        raise Unreadable(Reason(Kind.ELEMENT, (where, part, exc.why))) from None


_HYPHENS = str.maketrans(dict.fromkeys(MINUS_SIGNS, "-"))


def normal_text(text: str) -> str:
    """A text answer as compared: Unicode-normalised (NFC), case-folded, whitespace collapsed, every hyphen or
    minus variant a plain '-' ('top‑k' typed with a non-breaking hyphen is 'top-k')."""
    return " ".join(unicodedata.normalize("NFC", str(text)).translate(_HYPHENS).split()).casefold()


#: Sentence punctuation a typed text answer may end with: ignored there, with the white space around it.
SENTENCE_END = ".,;:!?\u2026\u3002\uff01\uff1f"


def normal_answer(text: str) -> str:
    """A text answer as graded: `normal_text` without the sentence punctuation it ends with ('ReLU.' is 'relu');
    punctuation inside ('e.g. relu', 'i.i.d') is kept."""
    return normal_text(text).rstrip(SENTENCE_END).rstrip()


def accepted_texts(answer: str, accept: Mapping[str, Sequence[str]] | None) -> list[str]:
    """The key of a text answer and the synonyms its spec declares for that key, as written."""
    key = normal_text(answer)
    synonyms = [s for written, group in (accept or {}).items() if normal_text(written) == key for s in group]
    return [str(answer), *synonyms]


def strip_text_marker(cell: str) -> str:
    """A cell without the apostrophe a spreadsheet (or qbank's CSV writer) puts before a formula-like text."""
    if cell.startswith("'") and cell[1:].startswith(FORMULA_STARTS):
        return cell[1:]
    return cell


def read_response(spec: Any, typed: str, decimal_comma: bool = False) -> Any:
    """A typed response as a value of the answer's format (text: normalised); raise Unreadable."""
    bad = unsafe_characters(typed.replace("\t", " ").replace("\n", " ").replace("\r", " "))
    if bad:
        raise Unreadable(Reason(Kind.CONTROL_CHARACTERS, (tuple(bad),)))
    unit = getattr(spec, "unit", "") or ""
    options = {"percent": bool(getattr(spec, "percent", None)), "decimal_comma": decimal_comma, "unit": unit}
    if spec.format == "text":
        return normal_answer(typed)
    if spec.format == "vector":
        return read_vector(typed, **options)
    if spec.format == "matrix":
        return read_matrix(typed, **options)
    return read_number(typed, **options)
