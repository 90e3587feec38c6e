"""The files `qbank new` writes: a bank that passes `qbank check` as created, and new question files.

The texts below are written as they appear on disk; `fill` replaces their `<name>`-style placeholders."""

from __future__ import annotations

import json
import re

EXAMPLE_ID = "example/rectangle"

BANK_YAML = """\
name: <name>
title: <title>
description: ""
modules: [solvers.py]   # relative to this file, imported in this order
"""

EXAMPLE_QUESTION = r"""id: example/rectangle
title: Area and perimeter of a rectangle
topics: [geometry]
difficulty: easy
marks: 2
solver: <module>.rectangle
params:
  width: {type: int, min: 2, max: 40}
  height: {type: int, min: 2, max: 40}
constraints:
  - {expr: "width != height", message: "a rectangle, not a square"}
canonical: {width: 12, height: 5}
text: |
  A rectangle is ${{ width }}$ cm wide and ${{ height }}$ cm high. What are its area and its perimeter?
solution: |
  Area: ${{ width }} \times {{ height }} = {{ answers.area }}$ cm$^2$.

  Perimeter: $2 \times ({{ width }} + {{ height }}) = 2 \times {{ steps.half }} = {{ answers.perimeter }}$ cm.
answers:
  area: {label: Area, format: int, unit: 'cm$^2$'}
  perimeter: {label: Perimeter, format: int, unit: cm}
rubric:
  - {points: 1, text: Area}
  - {points: 1, text: Perimeter}
"""

SOLVERS = '''\
"""Solvers of the <name> bank: pure functions of the parameters (no I/O, no randomness, no global state)."""

from qbank.registry import Solution, solver


@solver("<module>.rectangle")
def rectangle(p):
    """Area and perimeter of a width x height rectangle."""
    half = p["width"] + p["height"]
    return Solution(answers={"area": p["width"] * p["height"], "perimeter": 2 * half}, steps={"half": half})
'''

BANK_TEST = '''\
"""Checks of the <name> bank: its answers recomputed without the solvers, and `qbank check` over it."""

from pathlib import Path

from qbank.cli import main
from qbank.testing import bank_variants

BANK = Path(__file__).resolve().parents[1]


def test_rectangle_answers_match_counted_unit_squares():
    """Area by counting unit squares, perimeter by adding up the four sides: no code shared with the solver."""
    variants = list(bank_variants(BANK, "example/rectangle", count=200))
    assert len(variants) == 201 and variants[-1].canonical
    for variant in variants:
        width, height = variant.params["width"], variant.params["height"]
        assert variant.answers["area"] == sum(1 for _row in range(height) for _column in range(width))
        assert variant.answers["perimeter"] == sum([width, height, width, height])


def test_canonical_rectangle_by_hand():
    """The canonical 12 x 5 rectangle: area 60, perimeter 34."""
    canonical = list(bank_variants(BANK, "example/rectangle", count=0))[-1]
    assert dict(canonical.answers) == {"area": 60, "perimeter": 34}


def test_bank_passes_qbank_check():
    """Every question of the bank validates and passes a sweep of 200 seeds."""
    assert main(["check", str(BANK), "--seeds", "200", "--jobs", "1"]) == 0
'''

BANK_README = """\
# <title>

A qbank question bank (`<name>`), made by `qbank new bank`.

- `bank.yaml`: the bank's name, title and the Python modules to import (`solvers.py`).
- `questions/`: one question per YAML file (`example/rectangle` is an example to replace).
- `solvers.py`: the solvers that compute every answer and worked step.
- `tests/`: pytest checks that recompute the answers independently and run `qbank check`.

```sh
qbank new question topic/my-question --bank <folder>   # add a question file
qbank check <folder>                                   # validate and sweep 1,000 seeds per question
python -m pytest <folder>/tests                        # the bank's own tests
```
"""

NEW_QUESTION = """\
id: <id>
title: <title>
<topics>marks: 2
params:
  a: {type: int, min: 2, max: 9}
  b: {type: int, min: 2, max: 9}
  total: {type: derived, expr: "a + b"}
text: |
  Replace this text with the question. Parameters print as ${{ a }}$ and ${{ b }}$.
solution: |
  ${{ a }} + {{ b }} = {{ total }}$
# A computed key: register a solver in one of the bank's modules (see the README's tutorial), then add
#   solver: <module>.my_solver
#   answers:
#     total: {label: Total, format: int}
"""


def fill(text: str, **values: str) -> bytes:
    """The text with each `<key>` replaced by its value, as UTF-8."""
    return re.sub(r"<(\w+)>", lambda m: values.get(m.group(1), m.group(0)), text).encode()


def module_name(bank_name: str) -> str:
    """The prefix of the bank's registered names: its name as a Python identifier."""
    name = bank_name.replace("-", "_")
    return name if re.match(r"[A-Za-z_]", name) else f"bank_{name}"


def bank_files(name: str, title: str, folder: str) -> dict[str, bytes]:
    """The files of a new bank (relative path -> bytes)."""
    module = module_name(name)
    return {
        "bank.yaml": fill(BANK_YAML, name=name, title=json.dumps(title, ensure_ascii=False)),
        f"questions/{EXAMPLE_ID}.yaml": fill(EXAMPLE_QUESTION, module=module),
        "solvers.py": fill(SOLVERS, name=name, module=module),
        f"tests/test_{module}.py": fill(BANK_TEST, name=name),
        "README.md": fill(BANK_README, name=name, title=title, folder=folder),
    }


def question_file(question_id: str, bank_name: str, topic: str | None) -> bytes:
    """A new question that passes `qbank check` as created and needs no new solver."""
    title = question_id.rsplit("/", 1)[-1].replace("-", " ").capitalize()
    topics = f"topics: [{topic}]\n" if topic else ""
    return fill(NEW_QUESTION, id=question_id, title=title, topics=topics, module=module_name(bank_name))
