"""Numbers as an LMS reads them: the key written exactly, and the interval qbank's grader accepts around it
(`qbank.solve.formats.accepted_radius`) written as a tolerance or as two bounds, rounded outward to 17
significant digits so that the declared interval never excludes a response the grader accepts."""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, Context, Decimal
from typing import Any

from qbank.solve.formats import accepted_radius
from qbank.spec.models import AnswerSpec

DIGITS = 17  # enough to tell any two doubles apart


def exact(value: float) -> str:
    """A float (or int) as the shortest decimal that reads back as the same double; ints as they are."""
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    number = float(value)
    if not math.isfinite(number):
        raise ValueError(f"{number!r} is not a finite number")
    return _plain(Decimal(repr(number)))


def rounded(value: Decimal, rounding: str) -> str:
    """A decimal rounded to DIGITS significant digits in the given direction, written without an exponent."""
    return _plain(Context(prec=DIGITS, rounding=rounding).plus(value))


def _plain(value: Decimal) -> str:
    """Positional notation (no exponent; Moodle misreads some forms), without trailing zeros."""
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


@dataclass(frozen=True)
class Interval:
    """One number's key and the interval qbank accepts around it, as an LMS should declare them."""

    key: str  # the key, exactly
    tolerance: str  # the half-width, rounded up
    low: str  # key - half-width, rounded down
    high: str  # key + half-width, rounded up


def interval(spec: AnswerSpec, value: Any) -> Interval:
    """The interval qbank's grader accepts around one number of an answer (`value`: the key or one element)."""
    key = float(value)
    radius = Decimal(accepted_radius(spec, key))
    centre = Decimal(key)
    return Interval(exact(value), rounded(radius, ROUND_CEILING), rounded(centre - radius, ROUND_FLOOR),
                    rounded(centre + radius, ROUND_CEILING))  # fmt: skip


def numbers_of(spec: AnswerSpec, value: Any) -> list[tuple[str, Any]]:
    """The numbers of an answer with their cell names: one for a scalar, `[i]` per element of a vector and
    `[i,j]` per cell of a matrix (1-based)."""
    if spec.format == "vector":
        return [(f"[{i}]", v) for i, v in enumerate(value, start=1)]
    if spec.format == "matrix":
        return [(f"[{i},{j}]", v) for i, row in enumerate(value, start=1) for j, v in enumerate(row, start=1)]
    return [("", value)]
