"""A small physics bank for the LMS export tests of what an exam links and mixes: a question asking a text answer,
a written choice and a multi (as a stranger's `units/si` does); two parts bound to one scenario (the cart's
mass), one with a figure that names itself (`<title>`); and a number with a unit asked as multiple choice, with a
figure that does not name itself."""

from __future__ import annotations

from pathlib import Path

SOLVERS = """
from qbank.registry import Solution, figure, misconception, solver

@solver("si.units")
def units(p):
    return Solution(answers={"unit": {"force": "newton", "energy": "joule", "power": "watt"}[p["q"]]})

@solver("cart.momentum")
def momentum(p):
    return Solution(answers={"p": p["m"] * p["v"]})

@solver("cart.weight")
def weight(p):
    return Solution(answers={"w": p["m"] * 9.81})

@solver("fall.time")
def fall(p):
    return Solution(answers={"t": (2 * p["h"] / 9.81) ** 0.5})

@misconception("fall.no_two", "forgot the factor 2")
def no_two(p):
    return (p["h"] / 9.81) ** 0.5

@misconception("fall.no_sqrt", "forgot the square root")
def no_sqrt(p):
    return 2 * p["h"] / 9.81

@figure("cart.sketch")
def sketch(p):
    return ('<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20"><title>A cart on a  level track</title>'
            '<rect x="5" y="5" width="30" height="10"/></svg>')

@figure("fall.drop")
def drop(p):
    return f'<svg xmlns="http://www.w3.org/2000/svg" width="20" height="{p["h"]}"><rect width="2" height="9"/></svg>'
"""

QUESTIONS = {
    "si": """id: si
title: SI units
marks: 3
solver: si.units
params:
  q: {type: choice, choices: [force, energy, power]}
text: Name the SI unit of {{ q }}. Then answer the two questions below.
answers:
  unit:
    label: Unit
    format: text
    accept: {newton: [N], joule: [J], watt: [W]}
  vector_q:
    label: Which is a vector quantity?
    format: choice
    options:
      - {text: velocity, correct: true}
      - {text: speed, why: confused speed with velocity}
      - {text: mass, why: thought mass has a direction}
  base:
    label: Which are SI base units?
    format: multi
    options:
      - {text: metre, correct: true}
      - {text: kilogram, correct: true}
      - {text: newton, why: the newton is derived}
      - {text: joule, why: the joule is derived}
""",
    "momentum": """id: momentum
title: Momentum of the cart
marks: 2
solver: cart.momentum
figure: cart.sketch
params:
  m: {type: int, min: 1, max: 40, shared: true}
  v: {type: int, min: 1, max: 9}
text: The cart of mass {{ m }} kg moves at {{ v }} m/s. What is its momentum?
answers:
  p: {label: Momentum, format: int, unit: kg m/s}
""",
    "weight": """id: weight
title: Weight of the cart
marks: 1
solver: cart.weight
params:
  m: {type: int, min: 1, max: 40, shared: true}
text: What is the weight of the cart of mass {{ m }} kg?
answers:
  w: {label: Weight, format: fixed, decimals: 2, unit: N}
""",
    "fall": """id: fall
title: Free fall
marks: 2
solver: fall.time
figure: fall.drop
params:
  h: {type: int, min: 5, max: 80, step: 5}
text: A ball is dropped from {{ h }} m. How long does it fall?
answers:
  t: {label: Time, format: fixed, decimals: 2, unit: s, misconceptions: [fall.no_two, fall.no_sqrt]}
""",
}

EXAM = """bank: ../bank
institution: Test
course: {code: P1, name: Physics}
exam: Linked quiz
scenarios:
  cart:
    params:
      m: {type: int, min: 2, max: 40, step: 2}
sections:
  - questions:
      - {id: fall, ask: choice}
      - parts:
          - {id: momentum, scenario: cart}
          - {id: weight, scenario: cart}
      - {id: si}
"""


def write_linked_bank(root: Path) -> Path:
    """Write the bank under root/bank and the exam as root/exams/linked.yaml; return the exam file."""
    bank = root / "bank"
    (bank / "questions").mkdir(parents=True)
    (bank / "bank.yaml").write_text("name: linked\ntitle: Linked test bank\nmodules: [solvers.py]\n")
    (bank / "solvers.py").write_text(SOLVERS)
    for name, text in QUESTIONS.items():
        (bank / "questions" / f"{name}.yaml").write_text(text)
    (root / "exams").mkdir()
    (root / "exams" / "linked.yaml").write_text(EXAM)
    return root / "exams" / "linked.yaml"
