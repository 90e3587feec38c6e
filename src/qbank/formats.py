"""Answer formats: one declaration drives the printed rounding and the grading tolerance."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from .models import AnswerSpec

_SUPERSCRIPT = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")
_FROM_SUPERSCRIPT = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻", "0123456789-")
_NUMBER = re.compile(r"^[+-]?(\d{1,3}(,\d{3})+|\d+)?(\.\d*)?$")


def format_int(value: Any) -> str:
    """Integer with thousands separators: 2359296 -> '2,359,296'."""
    if isinstance(value, float):
        if not value.is_integer():
            raise ValueError(f"{value!r} is not a whole number")
        value = int(value)
    return f"{int(value):,}"


def _round_half_up(value: Any, decimals: int) -> Decimal:
    """Round the shortest decimal form of a number half away from zero (2.25 -> 2.3, as taught)."""
    return Decimal(repr(float(value))).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def format_fixed(value: Any, decimals: int) -> str:
    """Fixed decimals (rounded half up) with thousands separators; never prints '-0.00'."""
    text = f"{_round_half_up(value, decimals):,.{decimals}f}"
    if text.startswith("-") and float(text.replace(",", "")) == 0:
        text = text[1:]
    return text


def format_sig(value: Any, sig: int) -> str:
    """Significant figures: positional for 1e-4 <= |x| < 1e15, else 'm×10ⁿ'."""
    x = float(value)
    if x == 0:
        return "0"
    if not math.isfinite(x):
        raise ValueError(f"{x!r} is not finite")
    rounded = Decimal(format(x, f".{sig - 1}e"))
    if 1e-4 <= abs(rounded) < 1e15:
        text = format(rounded, ",f")
        return text
    mantissa, exponent = format(x, f".{sig - 1}e").split("e")
    return f"{mantissa}×10{str(int(exponent)).translate(_SUPERSCRIPT)}"


def format_number(value: Any) -> str:
    """A readable number: ints with separators, floats with up to 6 significant figures."""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int) or (isinstance(value, float) and value.is_integer() and abs(value) < 1e15):
        return format_int(value)
    return format_sig(value, 6).rstrip("0").rstrip(".") if "." in format_sig(value, 6) else format_sig(value, 6)


def format_answer(spec: AnswerSpec, value: Any) -> str:
    """Format an answer value exactly as the key prints it."""
    if spec.format == "int":
        return format_int(value)
    if spec.format == "fixed":
        return format_fixed(value, spec.decimals or 0)
    if spec.format == "sig":
        return format_sig(value, spec.sig or 3)
    if spec.format == "vector":
        return "[" + ", ".join(format_element(v, spec.decimals or 0) for v in value) + "]"
    if spec.format == "matrix":
        return "[" + "; ".join(", ".join(format_element(v, spec.decimals or 0) for v in row) for row in value) + "]"
    return str(value)


def format_element(value: Any, decimals: int) -> str:
    """One vector/matrix element as the key prints it."""
    return format_int(round(value)) if decimals == 0 else format_fixed(value, decimals)


def parse_number(text: Any) -> float:
    """Parse a typed number: '2,359,296', '−0.5', '4.04e-5', '4.04×10⁻⁵', '4.04 x 10^-5'."""
    if isinstance(text, bool):
        raise ValueError("not a number")
    if isinstance(text, int | float):
        return float(text)
    s = str(text).strip().replace("−", "-").replace(" ", "").translate(_FROM_SUPERSCRIPT)
    match = re.fullmatch(r"(.+?)(?:[×xX\*]10\^?\(?([+-]?\d+)\)?|[eE]([+-]?\d+))?", s)
    if not match or not _NUMBER.match(match.group(1)) or match.group(1) in ("", "+", "-", "."):
        raise ValueError(f"{text!r} is not a number")
    exponent = match.group(2) or match.group(3) or "0"
    return float(f"{match.group(1).replace(',', '')}e{int(exponent)}")


def parse_vector(text: Any) -> list[float]:
    """Parse '[0.1, 0.2]', '0.1, 0.2' or '0.1 0.2' (numbers may not use thousands separators here)."""
    if isinstance(text, list | tuple):
        return [parse_number(v) for v in text]
    inner = str(text).strip().strip("[]()")
    parts = [p for p in re.split(r"[,\s;]+", inner) if p]
    return [parse_number(p) for p in parts]


def parse_matrix(text: Any) -> list[list[float]]:
    """Parse '[1, 2; 3, 4]' or nested lists."""
    if isinstance(text, list | tuple):
        return [parse_vector(row) for row in text]
    inner = str(text).strip()
    if inner.startswith("[[") or inner.startswith("[ ["):
        rows = re.findall(r"\[([^\[\]]*)\]", inner)
    else:
        rows = inner.strip("[]").split(";")
    return [parse_vector(row) for row in rows if row.strip()]


def tolerance_of(spec: AnswerSpec, true: float) -> float:
    """The largest accepted |given - true| for one number under this declaration."""
    tol = spec.tolerance
    if tol is not None and tol.abs is not None:
        return tol.abs
    if tol is not None and tol.rel is not None:
        return tol.rel * abs(true)
    sig = tol.sig if tol is not None and tol.sig is not None else (spec.sig if spec.format == "sig" else None)
    if sig is not None:
        if true == 0:
            return 0.0
        return 0.5 * 10 ** (math.floor(math.log10(abs(true))) - sig + 1)
    if spec.format in ("fixed", "vector", "matrix"):
        return 0.5 * 10 ** -(spec.decimals or 0)
    return 0.0


def _close(spec: AnswerSpec, true: float, given: float) -> bool:
    """Compare one number, allowing for binary floating-point noise at the boundary."""
    limit = tolerance_of(spec, true)
    return abs(given - true) <= limit + 1e-9 * max(1.0, abs(true), limit)


def check(spec: AnswerSpec, answer: Any, given: Any) -> bool:
    """Whether a given response matches the true answer under the declared tolerance."""
    try:
        if spec.format == "text":
            return _normalise(str(given)) == _normalise(str(answer))
        if spec.format in ("int", "fixed", "sig"):
            return _close(spec, float(answer), parse_number(given))
        if spec.format == "vector":
            values = parse_vector(given)
            return len(values) == len(answer) and all(
                _close(spec, float(a), g) for a, g in zip(answer, values, strict=True)
            )
        rows = parse_matrix(given)
        return _same_shape(rows, answer) and all(
            _close(spec, float(a), g)
            for row_a, row_g in zip(answer, rows, strict=True)
            for a, g in zip(row_a, row_g, strict=True)
        )
    except (ValueError, TypeError):
        return False


def _same_shape(rows: Sequence[Sequence[Any]], answer: Sequence[Sequence[Any]]) -> bool:
    """Whether two matrices have the same shape."""
    return len(rows) == len(answer) and all(len(a) == len(b) for a, b in zip(rows, answer, strict=True))


def _normalise(text: str) -> str:
    """Case-fold and collapse whitespace for text answers."""
    return " ".join(text.split()).casefold()
