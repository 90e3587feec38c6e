"""A small bank with every kind of multiple choice (generated from misconceptions, written `choice`, `multi`
per-option and all-or-nothing), an exam asking its numeric answer as choice once and free once, and helpers."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

SOLVERS = """from qbank.registry import Solution, misconception, solver


@solver("gmc.layer")
def layer(p):
    return Solution(answers={"total": p["i"] * p["o"] + p["o"]})


@misconception("gmc.no_bias", "counted the weights but not the biases")
def no_bias(p):
    return p["i"] * p["o"]


@misconception("gmc.bias_in", "counted one bias per input instead of per output")
def bias_in(p):
    return p["i"] * p["o"] + p["i"]


@misconception("gmc.sum", "added the sizes instead of multiplying them")
def summed(p):
    return p["i"] + p["o"]
"""

QUESTION = r"""id: layer
title: Linear layer
marks: 8
solver: gmc.layer
params:
  i: {type: int, min: 2, max: 9}
  o: {type: int, min: 2, max: 9}
constraints: ["i != o"]
text: A linear layer maps {{ i }} inputs to {{ o }} outputs.
answers:
  total:
    label: Parameters
    format: int
    misconceptions: [gmc.no_bias, gmc.bias_in, gmc.sum]
  act:
    label: Activation
    format: choice
    options:
      - {text: none, correct: true}
      - {text: ReLU, why: assumed every layer has one}
      - {text: $\sigma$}
  trained:
    label: Trained
    format: multi
    options:
      - {text: weights, correct: true}
      - {text: biases, correct: true}
      - {text: inputs, why: took the data for parameters}
      - {text: learning rate, why: took a hyperparameter for a parameter}
  strict:
    label: Shapes
    format: multi
    scoring: all-or-nothing
    options:
      - {text: weight is o by i, correct: true}
      - {text: bias has o entries, correct: true}
      - {text: bias has i entries, why: matched the bias to the input}
"""

EXAM = """bank: bank
institution: Test
course: {code: T1, name: Test}
exam: Quiz
sections:
  - questions:
      - {id: layer, ask: choice}
      - {id: layer}
"""


def write_choice_bank(root: Path) -> Path:
    """Write the bank and exam under `root`; return the exam file."""
    (root / "bank" / "questions").mkdir(parents=True)
    (root / "bank" / "bank.yaml").write_text("name: gmc\ntitle: Choice grading\nmodules: [solvers.py]\n")
    (root / "bank" / "solvers.py").write_text(SOLVERS)
    (root / "bank" / "questions" / "layer.yaml").write_text(QUESTION)
    (root / "exam.yaml").write_text(EXAM)
    return root / "exam.yaml"


def papers(folder: Path) -> dict[str, dict[str, Any]]:
    """Question records per paper id, by question id."""
    manifest = json.loads((folder / "manifest.json").read_text())
    return {p["paper_id"]: {q["id"]: q for q in p["questions"]} for p in manifest["papers"]}


def letter_of(choice: dict[str, Any], **match: Any) -> str | None:
    """The letter of the option with these fields (None when the paper has no such option)."""
    found = [o["letter"] for o in choice["options"] if all(o.get(k) == v for k, v in match.items())]
    return found[0] if found else None


def write_csv(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    """A responses file."""
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def read_csv(path: Path) -> list[dict[str, str]]:
    """The rows of a CSV qbank wrote (BOM or not)."""
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
