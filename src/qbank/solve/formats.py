"""Answer formats: one declaration drives the printed rounding and the grading tolerance."""

from __future__ import annotations

import math
from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from qbank.core.responses import accepted_texts, normal_answer, read_matrix, read_number, read_response, read_vector
from qbank.spec.models import AnswerSpec

_SUPERSCRIPT = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")


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


def _round_sig_half_up(x: float, sig: int) -> Decimal:
    """Round the shortest decimal form of a number to `sig` significant digits, half away from zero."""
    exact = Decimal(repr(x))
    place = exact.adjusted() - sig + 1
    rounded = exact.quantize(Decimal(1).scaleb(place), rounding=ROUND_HALF_UP)
    if rounded.adjusted() > exact.adjusted():  # 9.996 -> 10.00: one digit more, so drop the last one
        rounded = rounded.quantize(Decimal(1).scaleb(place + 1), rounding=ROUND_HALF_UP)
    return rounded


def format_sig(value: Any, sig: int) -> str:
    """Significant figures (rounded half up): positional for 1e-4 <= |x| < 1e15, else 'm×10ⁿ'."""
    x = float(value)
    if x == 0:
        return "0"
    if not math.isfinite(x):
        raise ValueError(f"{x!r} is not finite")
    rounded = _round_sig_half_up(x, sig)
    if 1e-4 <= abs(rounded) < 1e15:
        return format(rounded, ",f")
    mantissa, exponent = format(rounded, f".{sig - 1}e").split("e")
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
    if spec.format in ("choice", "multi"):
        return "; ".join(str(v) for v in value)
    return str(value)


def format_element(value: Any, decimals: int) -> str:
    """One vector/matrix element as the key prints it (rounded half up; ints exactly)."""
    if decimals == 0 and isinstance(value, int) and not isinstance(value, bool):
        return format_int(value)
    return format_fixed(value, decimals)


def parse_number(text: Any) -> float:
    """Parse a typed number: '2,359,296', '−0.5', '4.04e-5', '4.04×10⁻⁵', '4.04 x 10^-5'."""
    if isinstance(text, bool):
        raise ValueError("not a number")
    if isinstance(text, int | float):
        return float(text)
    return read_number(text)


def parse_vector(text: Any) -> list[float]:
    """Parse '[0.1, 0.2]', '0.1, 0.2' or '0.1 0.2' (numbers may not use thousands separators here)."""
    if isinstance(text, list | tuple):
        return [parse_number(v) for v in text]
    return read_vector(text)


def parse_matrix(text: Any) -> list[list[float]]:
    """Parse '[1, 2; 3, 4]' or nested lists."""
    if isinstance(text, list | tuple):
        return [parse_vector(row) for row in text]
    return read_matrix(text)


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


def accepted_radius(spec: AnswerSpec, true: float) -> float:
    """The largest |given - true| the grader accepts: the tolerance plus an allowance for binary floating-point
    noise at the boundary (1e-9 relative, at least 1e-9). An LMS export declares exactly this interval."""
    limit = tolerance_of(spec, true)
    return limit + 1e-9 * max(1.0, abs(true), limit)


def _close(spec: AnswerSpec, true: float, given: float) -> bool:
    """Compare one number within `accepted_radius`."""
    return abs(given - true) <= accepted_radius(spec, true)


def check(spec: AnswerSpec, answer: Any, given: Any, decimal_comma: bool = False) -> bool:
    """Whether a given response matches the true answer under the declared tolerance (and, for text, the
    declared synonyms); an unreadable response is wrong."""
    try:
        if isinstance(given, str):
            given = read_response(spec, given, decimal_comma)
        return matches(spec, answer, given)
    except (ValueError, TypeError):
        return False


def matches(spec: AnswerSpec, answer: Any, value: Any) -> bool:
    """Whether a response already read (a number, a list, or normalised text) matches the true answer."""
    if spec.format == "text":
        return normal_answer(value) in {normal_answer(t) for t in accepted_texts(str(answer), spec.accept)}
    if spec.format in ("int", "fixed", "sig"):
        return _close(spec, float(answer), parse_number(value))
    if spec.format == "vector":
        values = parse_vector(value)
        return len(values) == len(answer) and all(
            _close(spec, float(a), g) for a, g in zip(answer, values, strict=True)
        )
    rows = parse_matrix(value)
    return _same_shape(rows, answer) and all(
        _close(spec, float(a), g)
        for row_a, row_g in zip(answer, rows, strict=True)
        for a, g in zip(row_a, row_g, strict=True)
    )


def _same_shape(rows: Sequence[Sequence[Any]], answer: Sequence[Sequence[Any]]) -> bool:
    """Whether two matrices have the same shape."""
    return len(rows) == len(answer) and all(len(a) == len(b) for a, b in zip(rows, answer, strict=True))
