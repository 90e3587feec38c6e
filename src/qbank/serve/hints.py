"""What each input of a question page tells the student before they answer: what to type and the precision the
grader needs, derived from the answer's spec alone (never from the variant's key, so every seed of a question
shows the same hints); the precision is worded by `qbank.render.precision`, as the printed paper says it."""

from __future__ import annotations

from qbank.render.precision import precision
from qbank.spec.models import AnswerSpec

#: What to type, per format (a vector or matrix typed in one box when it is too large for a grid of cells).
TYPING = {"int": "a whole number (thousands separators allowed)", "fixed": "a number", "sig": "a number (e allowed)",
          "vector": "numbers separated by commas, in brackets or not", "matrix": "rows separated by semicolons",
          "text": "words"}  # fmt: skip
GRID = "one number per cell"


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
