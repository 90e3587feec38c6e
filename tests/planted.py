"""A throwaway bank of planted faults for the tests of `qbank check` and of the PDF read-back."""

from __future__ import annotations

from pathlib import Path

SOLVERS = '''
from qbank.registry import Solution, figure, solver

CALLS = []


@solver("planted.broken")
def broken(p):
    """Divides by (x - 3): crashes whenever x is 3."""
    return Solution(answers={"ratio": 12 / (p["x"] - 3)})


@solver("planted.product")
def product(p):
    """Cells of a grid."""
    return Solution(answers={"cells": p["a"] * p["b"]}, steps={"rows": p["a"]})


@solver("planted.topk")
def topk(p):
    """Top-k renormalised weights in vocabulary order (a tie at the boundary makes the answer ambiguous)."""
    keep = sorted(range(len(p["weights"])), key=lambda i: -p["weights"][i])[: p["k"]]
    total = sum(p["weights"][i] for i in keep)
    return Solution(answers={"probs": [p["weights"][i] / total if i in keep else 0.0 for i in range(6)]})


@solver("planted.share")
def share(p):
    """An eighth of a: 0.125, 0.375, ... sit exactly half-way between two 2-decimal values."""
    return Solution(answers={"share": p["a"] / 8})


@figure("planted.bars")
def bars(p):
    """A bar chart scaled by 1 / (x - 3): crashes whenever x is 3."""
    height = 60 / (p["x"] - 3)
    return f'<svg xmlns="http://www.w3.org/2000/svg" width="40" height="60"><rect height="{abs(height)}"/></svg>'


@solver("planted.impure")
def impure(p):
    """Counts its calls: the same parameters give another answer each time."""
    CALLS.append(1)
    return Solution(answers={"n": p["x"] + len(CALLS)})
'''

QUESTIONS = {
    "broken-solver": """
id: planted/broken-solver
title: Broken solver
marks: 1
solver: planted.broken
params:
  x: {type: int, min: 1, max: 6}
canonical: {x: 5}
text: Divide 12 by ${{ x }} - 3$.
answers:
  ratio: {label: Ratio, format: fixed, decimals: 3}
""",
    "leak": """
id: planted/leak
title: Leaking template
marks: 1
solver: planted.product
params:
  a: {type: int, min: 12, max: 40}
  b: {type: int, min: 12, max: 40}
  total: {type: derived, expr: "a * b"}
canonical: {a: 12, b: 13}
text: |
  A grid has {{ a }} rows and {{ b }} columns ({{ total }} cells in all). How many cells does it have?
solution: |
  ${{ a }} \\times {{ b }} = {{ answers.cells }}$, with {{ steps.rows }} rows.
answers:
  cells: {label: Cells, format: int}
""",
    "tie": """
id: planted/tie
title: Top-k with a tie-allowing constraint
marks: 1
solver: planted.topk
params:
  weights: {type: int, min: 1, max: 9, shape: [6]}
  k: {type: int, min: 2, max: 4}
  ranked: {type: derived, expr: "sorted(weights, reverse=True)"}
constraints:
  - {expr: "ranked[k] != ranked[k + 1]", message: "no tie at the top-k boundary (checks the wrong pair)"}
distinct:
  - {expr: "ranked[k - 1:k + 1]", message: "the k-th and (k+1)-th weights differ"}
canonical: {weights: [9, 7, 5, 3, 2, 1], k: 2}
text: Weights {{ weights|join(', ') }}; keep the top {{ k }} and renormalise.
answers:
  probs: {label: Top-k distribution, format: vector, decimals: 3, tolerance: {abs: 0.005}}
""",
    "boundary": """
id: planted/boundary
title: Answer on a rounding boundary
marks: 1
solver: planted.share
params:
  a: {type: int, min: 1, max: 7}
canonical: {a: 2}
text: What is ${{ a }} / 8$ to two decimals?
answers:
  share: {label: Share, format: fixed, decimals: 2}
""",
    "impure": """
id: planted/impure
title: Impure solver
marks: 1
solver: planted.impure
params:
  x: {type: int, min: 1, max: 3}
text: Add ${{ x }}$ and the number of times you have been asked.
answers:
  n: {label: Count, format: int}
""",
}


def write_bank(root: Path, names: list[str] | None = None) -> Path:
    """A throwaway bank with the planted questions (or some of them) under root/planted."""
    bank = root / "planted"
    (bank / "questions").mkdir(parents=True)
    (bank / "bank.yaml").write_text("name: planted\ntitle: Planted faults\nmodules: [solvers.py]\n")
    (bank / "solvers.py").write_text(SOLVERS)
    for name in names or list(QUESTIONS):
        (bank / "questions" / f"{name}.yaml").write_text(QUESTIONS[name].lstrip())
    return bank


MATMUL_EXAM = """bank: ../banks/sample
institution: U
course: {code: QB101, name: ML}
exam: Quiz
sections:
  - title: A
    questions:
      - {id: basics/matmul}
"""  # an exam of one sample-bank question, written beside a copy of the bank (exams/NAME.yaml)
