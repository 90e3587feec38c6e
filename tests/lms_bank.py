"""A small bank for the LMS export tests: every shape an export meets (a number with misconceptions, written
single and multi choice, a sig answer with a relative tolerance, a text answer with synonyms, a vector with a
figure, a question without answers) and an exam asking one placement as multiple choice."""

from __future__ import annotations

from pathlib import Path

SOLVERS = """
from qbank.registry import Solution, figure, misconception, solver

@solver("lin.params")
def lin(p):
    return Solution(answers={"total": p["i"] * p["o"] + p["o"]})

@misconception("lin.no_bias", "counted the weights but not the biases")
def no_bias(p):
    return p["i"] * p["o"]

@misconception("lin.bias_in", "counted one bias per input instead of per output")
def bias_in(p):
    return p["i"] * p["o"] + p["i"]

@misconception("lin.sum", "added the sizes instead of multiplying them")
def summed(p):
    return p["i"] + p["o"]

@solver("growth.ratio")
def ratio(p):
    return Solution(answers={"ratio": (p["n"] / p["m"]) ** 1.5})

@solver("word.pick")
def pick(p):
    return Solution(answers={"winner": "do not reject" if p["z"] < 20 else "reject"})

@solver("vec.scale")
def scale(p):
    return Solution(answers={"scaled": [p["s"] * x / 7 for x in (1, 2, 3)]})

@figure("vec.bars")
def bars(p):
    height = 10 * p["s"]
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="60" height="{height + 10}">'
            f'<rect x="10" y="5" width="20" height="{height}" fill="#4477aa"/></svg>')
"""

QUESTIONS = {
    "lin": """id: lin
title: Linear layer
marks: 2
solver: lin.params
params:
  i: {type: int, min: 2, max: 9}
  o: {type: int, min: 2, max: 9}
text: A linear layer maps {{ i }} inputs to {{ o }} outputs. How many parameters?
solution: The layer has ${{ i }} \\\\times {{ o }} + {{ o }} = {{ answers.total }}$ parameters.
answers:
  total:
    label: Parameters
    format: int
    misconceptions: [lin.no_bias, lin.bias_in, lin.sum]
  act:
    label: Activation
    format: choice
    options:
      - {text: none, correct: true}
      - {text: ReLU, why: 'assumed every layer has one (max(0, x) < & co)'}
      - {text: $\\\\sigma$}
""",
    "pick": """id: pick
title: Pick the layers
marks: 3
params:
  d: {type: int, min: 2, max: 5}
text: Which of these layers of a width-{{ d }} network have trainable parameters?
answers:
  layers:
    label: Layers with parameters
    format: multi
    options:
      - {text: linear, correct: true}
      - {text: convolution, correct: true}
      - {text: max pooling, why: pooling has no weights}
      - {text: ReLU, why: an activation has no weights}
      - {text: batch norm (affine), correct: true}
      - {text: dropout, why: dropout only masks}
      - {text: flatten}
""",
    "strict": """id: strict
title: All or nothing
marks: 1
params:
  k: {type: int, min: 2, max: 4}
text: Which of these are multiples of {{ k }}?
answers:
  multiples:
    label: Multiples
    format: multi
    scoring: all-or-nothing
    options:
      - {text: "0", correct: true}
      - {text: "1"}
""",
    "growth": """id: growth
title: Growth ratio
marks: 1
solver: growth.ratio
params:
  n: {type: int, min: 11, max: 40}
  m: {type: int, min: 2, max: 9}
text: A cost grows as $N^{1.5}$. By what factor does it grow from $N = {{ m }}$ to $N = {{ n }}$?
answers:
  ratio: {label: Factor, format: sig, sig: 3, tolerance: {rel: 0.01}}
""",
    "word": """id: word
title: Test decision
marks: 1
solver: word.pick
params:
  z: {type: int, min: 1, max: 40}
text: The statistic is {{ z }} against a critical value of 20. What do you decide about H0?
answers:
  winner:
    label: Decision
    format: text
    accept: {do not reject: [fail to reject, retain H0], reject: [reject H0]}
""",
    "vec": """id: vec
title: Scaled vector
marks: 2
solver: vec.scale
figure: vec.bars
params:
  s: {type: int, min: 2, max: 9}
text: Scale $v = (1, 2, 3) / 7$ by $s = {{ s }}$ (the bar shows $s$).
answers:
  scaled: {label: $s v$, format: vector, decimals: 3}
""",
    "essay": """id: essay
title: Explain dropout
marks: 4
params:
  p: {type: int, min: 1, max: 5}
text: Explain why dropout with rate 0.{{ p }} regularises a network.
solution: Dropout trains an ensemble of thinned networks.
rubric:
  - {points: 2, text: names the ensemble view}
  - {points: 2, text: says the weights are scaled at test time}
""",
}

EXAM = """bank: ../bank
institution: Test
course: {code: T1, name: Test}
exam: Quiz
sections:
  - questions:
      - {id: lin, ask: choice}
      - {id: lin}
      - {id: growth}
"""


def write_lms_bank(root: Path) -> Path:
    """Write the bank under root/bank and the exam as root/exams/quiz.yaml; return the bank folder."""
    bank = root / "bank"
    (bank / "questions").mkdir(parents=True)
    (bank / "bank.yaml").write_text("name: lms\ntitle: LMS test bank\nmodules: [solvers.py]\n")
    (bank / "solvers.py").write_text(SOLVERS)
    for name, text in QUESTIONS.items():
        (bank / "questions" / f"{name}.yaml").write_text(text)
    (root / "exams").mkdir()
    (root / "exams" / "quiz.yaml").write_text(EXAM)
    return bank
