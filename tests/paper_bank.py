"""A throwaway physics bank like a new user's: a free fall asking time and speed (only time has misconceptions,
so `ask: choice` leaves speed unasked), and a units question whose text answer sits beside a written choice and a
multi-select; with an exam asking the fall as choice and as free response, and the units question."""

from __future__ import annotations

from pathlib import Path

SOLVERS = '''
import math

from qbank.registry import Solution, misconception, solver


@solver("phys.fall")
def fall(p):
    """Time and speed of a dropped ball."""
    t = math.sqrt(2 * p["h"] / p["g"])
    return Solution(answers={"time": t, "speed": p["g"] * t})


@misconception("phys.no_two", "forgot the factor 2 in h = g t^2 / 2")
def no_two(p):
    return math.sqrt(p["h"] / p["g"])


@misconception("phys.no_sqrt", "forgot the square root")
def no_sqrt(p):
    return 2 * p["h"] / p["g"]


@misconception("phys.times_g", "multiplied by g instead of dividing")
def times_g(p):
    return math.sqrt(2 * p["h"] * p["g"])


@solver("phys.units")
def units(p):
    """The SI unit of a quantity."""
    return Solution(answers={"unit": {"force": "newton", "energy": "joule"}[p["q"]]})
'''

FALL = """id: fall
title: Free fall
marks: 4
solver: phys.fall
params:
  h: {type: int, min: 5, max: 80, step: 5}
  g: {type: fixed, value: 9.81}
text: A ball is dropped from a height of {{ h }} m. How long does it take to land, and how fast is it then?
solution: "t = {{ answers.time }} s, v = {{ answers.speed }} m/s."
answers:
  time:
    label: Time
    format: fixed
    decimals: 2
    unit: s
    misconceptions: [phys.no_two, phys.no_sqrt, phys.times_g]
  speed: {label: Speed, format: sig, sig: 3, unit: m/s}
rubric:
  - {points: 2, text: Time worked out}
  - {points: 2, text: Speed worked out}
"""

UNITS = """id: units
title: SI units
marks: 3
solver: phys.units
params:
  q: {type: choice, choices: [force, energy]}
text: Name the SI unit of {{ q }}. Then answer the two questions below.
answers:
  unit:
    label: Unit
    format: text
  vector_q:
    label: Which is a vector quantity?
    format: choice
    options:
      - {text: velocity, correct: true}
      - {text: speed, why: confused speed with velocity}
      - {text: mass}
      - {text: energy}
  base:
    label: Which are SI base units?
    format: multi
    options:
      - {text: metre, correct: true}
      - {text: newton}
      - {text: second, correct: true}
"""

EXAM = """bank: bank
institution: Test
course: {code: P1, name: Physics}
exam: Mid
sections:
  - questions:
      - {id: fall, ask: choice, marks: 2}
      - {id: fall}
      - {id: units}
"""


def write_paper_bank(root: Path, units: str = UNITS, exam: str = EXAM, fall: str = FALL) -> Path:
    """Write the bank (bank/, questions fall and units) and exam.yaml under `root`; return the exam file."""
    questions = root / "bank" / "questions"
    questions.mkdir(parents=True)
    (root / "bank" / "bank.yaml").write_text("name: phys\ntitle: Physics test\nmodules: [solvers.py]\n")
    (root / "bank" / "solvers.py").write_text(SOLVERS)
    (questions / "fall.yaml").write_text(fall)
    (questions / "units.yaml").write_text(units)
    (root / "exam.yaml").write_text(exam)
    return root / "exam.yaml"
