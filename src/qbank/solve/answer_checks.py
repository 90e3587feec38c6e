"""Answer-format checks for `qbank check` and the self-tests: rounding boundaries, printing, generated responses."""

from __future__ import annotations

import math
from decimal import Decimal
from typing import Any

from qbank.solve.formats import (
    check,
    format_answer,
    format_element,
    format_int,
    parse_matrix,
    parse_number,
    parse_vector,
    tolerance_of,
)
from qbank.spec.models import AnswerSpec

#: An answer closer than this (in units of its last printed digit) to the half-way point between two printed
#: values sits on a rounding boundary: a student with a 10-digit calculator cannot tell which way it rounds.
BOUNDARY_EPSILON = Decimal("1e-6")
#: A printed number carries at most this many significant digits (what a binary float holds exactly).
MAX_SIGNIFICANT_DIGITS = 15
#: A printed answer is at most this long (a cell of the key's answer table, a line of the gradebook).
MAX_KEY_CHARACTERS = 300


def last_place(spec: AnswerSpec, value: float) -> int | None:
    """Decimal exponent of the last digit the key prints for one number (None: printed exactly)."""
    if spec.format in ("fixed", "vector", "matrix"):
        return -(spec.decimals or 0)
    if spec.format == "sig" and value != 0:
        return Decimal(repr(float(value))).adjusted() - (spec.sig or 3) + 1
    return None


def _scalars(spec: AnswerSpec, value: Any) -> list[float]:
    """The numbers of an answer value, in printed order (none for text)."""
    if spec.format == "text":
        return []
    if spec.format == "vector":
        return [float(v) for v in value]
    if spec.format == "matrix":
        return [float(v) for row in value for v in row]
    return [float(value)]


def _print_one(spec: AnswerSpec, value: float) -> str:
    """How the key prints one number of an answer (an element, for vectors and matrices)."""
    if spec.format in ("vector", "matrix"):
        return format_element(value, spec.decimals or 0)
    if spec.format == "int":
        return format_int(value)
    return format_answer(spec, value)


def rounding_boundaries(spec: AnswerSpec, value: Any) -> list[tuple[float, str, str]]:
    """Numbers of an answer sitting on a rounding boundary: (number, printed by the key, the other rounding)."""
    found = []
    for x in _scalars(spec, value):
        place = last_place(spec, x)
        if place is None or not math.isfinite(x):
            continue
        scaled = abs(Decimal(repr(x))).scaleb(-place)
        below = scaled.to_integral_value(rounding="ROUND_FLOOR")
        if abs(scaled - below - Decimal("0.5")) > BOUNDARY_EPSILON:
            continue
        sign = -1 if x < 0 else 1
        down, up = (float(sign * n * Decimal(1).scaleb(place)) for n in (below, below + 1))
        printed = _print_one(spec, x)
        other = _print_one(spec, up) if _print_one(spec, down) == printed else _print_one(spec, down)
        found.append((x, printed, other))
    return found


def print_problems(spec: AnswerSpec, value: Any, printed: str | None = None, reread: bool = True) -> list[str]:
    """Why the printed key of an answer is unsafe: too many digits, rejected by its own grader, or (`reread`)
    not reading back as itself. `printed` is the key's text when already formatted."""
    problems = []
    for x in _scalars(spec, value):
        if not math.isfinite(x):
            problems.append(f"{x!r} is not finite")
            continue
        place = last_place(spec, x)
        magnitude = math.floor(math.log10(abs(x))) if x else 0
        digits = magnitude + 1 - (place if place is not None else 0)
        if x and digits > MAX_SIGNIFICANT_DIGITS:
            problems.append(f"{_print_one(spec, x)} has {digits} significant digits (at most "
                            f"{MAX_SIGNIFICANT_DIGITS} print exactly)")  # fmt: skip
    if problems:
        return problems
    problems = _zero_problems(spec, value)
    if problems:
        return problems
    printed = format_answer(spec, value) if printed is None else printed
    if len(printed) > MAX_KEY_CHARACTERS:
        return [f"the key prints {len(printed)} characters (at most {MAX_KEY_CHARACTERS} fit): {printed[:40]}..."]
    if spec.format == "text":
        return [] if check(spec, value, printed) else [f"the key prints {printed!r}, which its grader rejects"]
    try:
        parsed = _reparse(spec, printed)
    except ValueError:
        return [f"the key {printed} cannot be read back as a number"]
    if not check(spec, value, parsed):
        problems.append(f"the key prints {printed}, which its own tolerance rejects")
    elif reread and format_answer(spec, parsed) != printed:
        problems.append(f"the key {printed} does not read back as itself")
    return problems


def _zero_problems(spec: AnswerSpec, value: Any) -> list[str]:
    """A non-zero answer whose every printed number is zero has lost all its significant digits."""
    numbers = _scalars(spec, value)
    if not any(numbers) or any(parse_number(_print_one(spec, x)) for x in numbers):
        return []
    shown = format_answer(spec, value)
    what = repr(numbers[0]) if len(numbers) == 1 else "a non-zero value"
    return [f"{what} prints as {shown}: every significant digit is lost (print more decimals, use "
            "format: sig, or keep such values out with a constraint)"]  # fmt: skip


def _reparse(spec: AnswerSpec, printed: str) -> Any:
    """A printed key read back as a value of its format."""
    if spec.format == "vector":
        return parse_vector(printed)
    if spec.format == "matrix":
        return parse_matrix(printed)
    return parse_number(printed)


def _plain(x: float) -> str:
    """A number typed plainly, with every digit a float holds ('0.1', '2359296', '-3.5e-05')."""
    if float(x).is_integer() and abs(x) < 1e15:
        return str(int(x))
    return repr(float(x))


def _typed(spec: AnswerSpec, numbers: list[float], shape: Any) -> str:
    """Numbers typed back in an answer's layout (one number, a vector or a matrix)."""
    if spec.format == "vector":
        return "[" + ", ".join(_plain(n) for n in numbers) + "]"
    if spec.format == "matrix":
        rows, width = len(shape), len(shape[0])
        return "[" + "; ".join(", ".join(_plain(n) for n in numbers[r * width : (r + 1) * width])
                               for r in range(rows)) + "]"  # fmt: skip
    return _plain(numbers[0])


def self_test(spec: AnswerSpec, value: Any) -> list[tuple[str, bool, str]]:
    """Responses with the grade `check` must give them: (response, accepted?, what it is).

    Correct responses: the printed key, the exact value, other notations and a value inside the tolerance.
    Wrong responses: typical slips that land outside the tolerance (off by a few tolerances, a factor of
    ten, a sign, a dropped element, an unnormalized distribution, a transposed matrix, ...). A slip that
    happens to fall inside the tolerance for this value (a sign flip of 0) is left out.
    """
    if spec.format == "text":
        text = str(value)
        cases = [(text, True, "the key"), (f"  {text.upper()} ", True, "other case and spacing"),
                 (text + " x", False, "an extra word"), ("", False, "no answer")]  # fmt: skip
        if len(text.strip()) > 1:
            cases.append((text.strip()[:-1], False, "truncated"))
        return cases
    numbers = _scalars(spec, value)
    tolerances = [tolerance_of(spec, x) for x in numbers]
    key = format_answer(spec, value)
    cases: list[tuple[str, bool, str]] = [(key, True, "the key"), (_typed(spec, numbers, value), True, "exact")]
    if spec.format in ("int", "fixed", "sig") and numbers[0] < 0:
        cases.append((key.replace("-", "−", 1), True, "typographic minus"))
    if spec.format in ("int", "fixed", "sig") and numbers[0] != 0:
        cases.append((f"{numbers[0]:.12e}", True, "scientific notation"))
    if spec.format in ("int", "fixed"):
        cases.append((key.replace(",", ""), True, "no thousands separators"))
    if spec.format == "vector":
        cases.append((" ".join(_plain(n) for n in numbers), True, "space-separated, no brackets"))
    if any(t > 0 for t in tolerances):
        inside = [x + 0.5 * t for x, t in zip(numbers, tolerances, strict=True)]
        cases.append((_typed(spec, inside, value), True, "half a tolerance off"))

    def wrong(candidate: list[float], what: str) -> None:
        far = len(candidate) == len(numbers) and any(
            abs(c - x) > t + 1e-9 * max(1.0, abs(x), t) + 1e-12
            for c, x, t in zip(candidate, numbers, tolerances, strict=True)
        )
        if far:
            cases.append((_typed(spec, candidate, value), False, what))

    slip = [
        x + 3 * t + max(abs(x) * 1e-3, 10.0 ** (last_place(spec, x) or 0))
        for x, t in zip(numbers, tolerances, strict=True)
    ]
    wrong(slip, "off by more than the tolerance")
    wrong([10 * x for x in numbers], "a factor of ten")
    wrong([-x for x in numbers], "the wrong sign")
    if spec.format in ("vector", "matrix") and len(numbers) > 1:
        wrong(numbers[::-1], "elements in reverse order")
    if spec.format == "vector":
        total = sum(numbers)
        if len(numbers) > 1 and all(x >= 0 for x in numbers) and math.isclose(total, 1.0, abs_tol=0.02):
            biggest = max(numbers)
            wrong([x / biggest for x in numbers], "an unnormalized distribution (divided by the largest)")
            wrong([100 * x for x in numbers], "percentages instead of probabilities")
        if len(numbers) > 1:
            cases.append(("[" + ", ".join(_plain(n) for n in numbers[:-1]) + "]", False, "an element missing"))
    if spec.format == "matrix":
        rows, width = len(value), len(value[0])
        transposed = [float(value[r][c]) for c in range(width) for r in range(rows)]
        if rows == width:
            wrong(transposed, "transposed")
        if rows > 1:
            cases.append(("[" + "; ".join(", ".join(_plain(float(v)) for v in row) for row in value[:-1]) + "]",
                          False, "a row missing"))  # fmt: skip
    cases.append(("", False, "no answer"))
    return cases
