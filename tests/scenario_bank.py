"""A copy of the sample bank with three questions about one shared transformer configuration."""

from __future__ import annotations

from pathlib import Path

SOLVERS = '''

@solver("sample.head_dim")
def head_dim(p):
    """Width of one attention head."""
    return Solution(answers={"dim": p["d_model"] // p["heads"]})


@solver("sample.block_params")
def block_params(p):
    """Weights of the attention projections of all layers (no biases)."""
    return Solution(answers={"weights": 4 * p["layers"] * p["d_model"] ** 2})


@solver("sample.ffn_params")
def ffn_params(p):
    """Weights of the feed-forward layers of all layers (no biases)."""
    return Solution(answers={"weights": 2 * p["layers"] * p["d_model"] * p["ratio"] * p["d_model"]})
'''

QUESTIONS = {
    "head-dim.yaml": """id: xf/head-dim
title: Head width
topics: [attention]
marks: 1
solver: sample.head_dim
params:
  d_model: {type: choice, choices: [256, 512, 768], shared: true}
  heads: {type: choice, choices: [4, 8], shared: true}
text: |
  A transformer has $d = {{ d_model }}$ and ${{ heads }}$ heads. How wide is one head?
answers:
  dim: {label: Head width, format: int}
""",
    "block-params.yaml": """id: xf/block-params
title: Attention weights
topics: [attention]
marks: 2
solver: sample.block_params
params:
  d_model: {type: choice, choices: [256, 512, 768], shared: true}
  layers: {type: int, min: 2, max: 24, step: 2, shared: true}
text: |
  How many weights do the attention projections of ${{ layers }}$ layers of width ${{ d_model }}$ have?
answers:
  weights: {label: Weights, format: int}
""",
    "ffn-params.yaml": """id: xf/ffn-params
title: Feed-forward weights
topics: [attention]
marks: 2
solver: sample.ffn_params
params:
  d_model: {type: choice, choices: [256, 512, 768], shared: true}
  layers: {type: int, min: 2, max: 24, step: 2, shared: true}
  ratio: {type: choice, choices: [2, 4]}
text: |
  ${{ layers }}$ layers of width ${{ d_model }}$ have feed-forward blocks ${{ ratio }}$ times wider. How many
  weights do they have?
answers:
  weights: {label: Weights, format: int}
""",
}

EXAM = """bank: ../banks/sample
institution: qbank University
course: {code: QB102, name: Transformers}
exam: Quiz 2
scenarios:
  model:
    params:
      d_model: {type: choice, choices: [256, 512, 768]}
      heads: {type: choice, choices: [4, 8]}
      layers: {type: int, min: 2, max: 24, step: 2}
    constraints:
      - {expr: "d_model % heads == 0", message: "heads must divide the width"}
sections:
  - title: One model
    note: Questions 1-3 are about the same model.
    shuffle: true
    questions:
      - {id: xf/head-dim, scenario: model}
      - {id: xf/block-params, scenario: model}
      - {id: xf/ffn-params, scenario: model}
  - title: Other
    questions:
      - {pool: [basics/dense-params, basics/matmul, basics/softmax], pick: 2, marks: 3}
      - {id: basics/compute-scaling}
"""


def make_scenario_bank(root: Path) -> Path:
    """Add the transformer questions to a copy of the sample bank under `root`; return the exam path."""
    bank = root / "banks" / "sample"
    (bank / "solvers.py").write_text((bank / "solvers.py").read_text() + SOLVERS)
    folder = bank / "questions" / "xf"
    folder.mkdir(exist_ok=True)
    for name, text in QUESTIONS.items():
        (folder / name).write_text(text)
    exam = root / "exams" / "scenario.yaml"
    exam.write_text(EXAM)
    return exam
