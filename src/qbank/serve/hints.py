"""What each input of a question page tells the student before they answer: what to type and the precision the
grader needs, derived from the answer's spec alone (never from the variant's key, so every seed of a question
shows the same hints)."""

from __future__ import annotations

from qbank.spec.models import AnswerSpec

#: What to type, per format (a vector or matrix typed in one box when it is too large for a grid of cells).
TYPING = {"int": "a whole number (thousands separators allowed)", "fixed": "a number", "sig": "a number (e allowed)",
          "vector": "numbers separated by commas, in brackets or not", "matrix": "rows separated by semicolons",
          "text": "words"}  # fmt: skip
GRID = "one number per cell"


def _number(x: float) -> str:
    """A tolerance as the hint prints it (no float noise)."""
    return format(x, ".12g")


def precision(spec: AnswerSpec) -> str:
    """The precision the grader needs for one number of this answer ('to 2 decimal places', 'to 3 significant
    figures', 'a whole number'), with its tolerance when that is not the format's natural half-unit; '' for text."""
    tol = spec.tolerance
    if spec.format == "text":
        return ""
    if spec.format == "int":
        said, natural = "a whole number", (tol is None or (tol.abs == 0 and tol.rel is None and tol.sig is None))
    elif spec.format == "sig":
        said = f"to {spec.sig} significant figures" if spec.sig else "a number"
        natural = tol is None or tol.sig == spec.sig
    else:
        decimals = spec.decimals or 0
        said = f"to {decimals} decimal place{'s' if decimals != 1 else ''}" if decimals else "rounded to a whole number"
        natural = tol is None or (tol.abs is not None and tol.abs == 0.5 * 10**-decimals)
    if natural or tol is None:
        return said
    if tol.abs is not None:
        return f"{said}, within ±{_number(tol.abs)}"
    if tol.rel is not None:
        return f"{said}, within {_number(tol.rel * 100)}% of the exact value"
    return f"to {tol.sig} significant figures"


def hint(spec: AnswerSpec, grid: bool = False) -> str:
    """The hint of one number or text input ('a number, to 2 decimal places'), or of a grid of cells ('one number
    per cell, each to 3 decimal places')."""
    needed = precision(spec)
    if spec.format in ("vector", "matrix"):
        return f"{GRID if grid else TYPING[spec.format]}, each {needed}"
    if spec.format == "int":
        extra = needed.removeprefix("a whole number").removeprefix(", ")
        return f"{TYPING['int']}, {extra}" if extra else TYPING["int"]
    return f"{TYPING[spec.format]}, {needed}" if needed else TYPING[spec.format]
