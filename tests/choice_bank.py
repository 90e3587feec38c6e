"""A throwaway bank with multiple-choice answers for the tests of the choice core and of `qbank check`: a linear
layer's parameter count with three misconceptions (one coincides with the key when i == o, another with the
first when i == o == 2), a written choice, and misconceptions that misbehave."""

from __future__ import annotations

from pathlib import Path

SOLVERS = '''
from qbank.registry import Solution, misconception, solver


@solver("lin.params")
def lin(p):
    """Weights and biases of a linear layer, the layer's kind and its shape."""
    return Solution(answers={"total": p["i"] * p["o"] + p["o"], "name": "dense", "shape": [p["i"], p["o"]]})


@solver("plain.product")
def product(p):
    """A product, with no misconception."""
    return Solution(answers={"cells": p["a"] * p["b"]})


@misconception("lin.no_bias", "counted the weights but not the biases")
def no_bias(p):
    return p["i"] * p["o"]


@misconception("lin.bias_in", "counted one bias per input instead of per output")
def bias_in(p):
    return p["i"] * p["o"] + p["i"]


@misconception("lin.sum", "added the sizes instead of multiplying them")
def summed(p):
    return p["i"] + p["o"]


@misconception("lin.raises", "divided by the wrong size")
def raises(p):
    return p["i"] // (p["o"] - p["o"])


@misconception("lin.nan", "took the logarithm of a negative size")
def nan(p):
    return float("nan")


@misconception("lin.huge", "multiplied by ten to the sixteenth")
def huge(p):
    return 10**16 + p["i"]


@misconception("lin.half", "counted half a bias")
def half(p):
    return 2.5
'''

QUESTION = """id: lin
title: Linear layer
marks: 2
solver: lin.params
params:
  i: {type: int, min: 2, max: 9}
  o: {type: int, min: 2, max: 9}
text: A linear layer maps {{ i }} inputs to {{ o }} outputs. How many parameters?
answers:
  total:
    label: Parameters
    format: int
    misconceptions: [lin.no_bias, lin.bias_in, lin.sum]
  name:
    label: Kind
    format: text
  shape:
    label: Weight shape
    format: vector
    decimals: 0
  act:
    label: Activation
    format: choice
    options:
      - {text: none, correct: true}
      - {text: ReLU, why: assumed every layer has one}
      - {text: sigmoid}
"""

PLAIN = """id: plain
title: Grid
marks: 1
solver: plain.product
params:
  a: {type: int, min: 2, max: 9}
  b: {type: int, min: 11, max: 19}
text: A grid has {{ a }} rows and {{ b }} columns. How many cells?
answers:
  cells: {label: Cells, format: int}
"""

EXAM = """bank: bank
institution: Test
course: {code: T1, name: Test}
exam: Quiz
sections:
  - questions:
      - {id: lin, ask: choice}
      - {id: lin}
"""


def write_bank(root: Path, question: str = QUESTION, exam: str = EXAM) -> Path:
    """Write the bank (bank/, with questions lin and plain) and exam.yaml under `root`; return the question file."""
    questions = root / "bank" / "questions"
    questions.mkdir(parents=True)
    (root / "bank" / "bank.yaml").write_text("name: mc\ntitle: MC test\nmodules: [solvers.py]\n")
    (root / "bank" / "solvers.py").write_text(SOLVERS)
    (questions / "lin.yaml").write_text(question)
    (questions / "plain.yaml").write_text(PLAIN)
    (root / "exam.yaml").write_text(exam)
    return questions / "lin.yaml"


def edited(old: str, new: str, text: str = QUESTION) -> str:
    """`text` with `old` (which must occur exactly once) replaced by `new`."""
    assert text.count(old) == 1, old
    return text.replace(old, new)


def line_of(text: str, needle: str, occurrence: int = 1) -> int:
    """The 1-based line of the `occurrence`-th line of `text` containing `needle`."""
    lines = [number for number, line in enumerate(text.splitlines(), 1) if needle in line]
    return lines[occurrence - 1]
