"""`forms_differ` with more forms than some question has variants: the error names each such question and its
count of distinct variants (exact from its declaration, or as seen when it reads a scenario)."""

from __future__ import annotations

from pathlib import Path

SOLVERS = '''
from qbank.registry import Solution, solver


@solver("few.double")
def double(p):
    """Twice a number."""
    return Solution(answers={"x": 2 * p["n"]})
'''


def question(qid: str, low: int, high: int, shared: bool = False) -> str:
    """A question drawing n from low..high (or reading it from a scenario)."""
    share = ", shared: true" if shared else ""
    return (f"id: {qid}\ntitle: Double {qid}\nmarks: 1\nsolver: few.double\n"
            f"params:\n  n: {{type: int, min: {low}, max: {high}{share}}}\n"
            "text: Double ${{ n }}$.\nanswers:\n  x: {label: x, format: int}\n")  # fmt: skip


EXAM = """bank: bank
institution: Test
course: {code: T1, name: Test}
exam: Forms
forms_differ: true
scenarios:
  pair:
    params:
      n: {type: int, min: 1, max: 2}
sections:
  - questions:
      - {id: three}
      - {id: many}
      - {id: two, scenario: pair}
"""


def write(root: Path) -> Path:
    """A bank whose question `three` has 3 variants, `many` 500 and `two` (bound to a 2-value scenario) 2."""
    bank = root / "bank"
    (bank / "questions").mkdir(parents=True)
    (bank / "bank.yaml").write_text("name: few\ntitle: Few\nmodules: [solvers.py]\n", encoding="utf-8")
    (bank / "solvers.py").write_text(SOLVERS, encoding="utf-8")
    for qid, low, high, shared in (("three", 1, 3, False), ("many", 1, 500, False), ("two", 1, 9, True)):
        (bank / "questions" / f"{qid}.yaml").write_text(question(qid, low, high, shared), encoding="utf-8")
    exam = root / "exam.yaml"
    exam.write_text(EXAM, encoding="utf-8")
    return exam


def test_too_many_forms_name_the_questions_with_too_few_variants(tmp_path, run_cli, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write(tmp_path)
    status, out, err = run_cli("build", "exam.yaml", "--forms", "4", "--seed", "1", "--jobs", "1", "--out", "forms")
    assert status == 2 and "Traceback" not in err, err
    assert not (tmp_path / "forms").exists()
    (line,) = [line for line in err.splitlines() if "forms_differ" in line]
    assert line.startswith("exam.yaml:5: forms_differ: with seed 1, "), line
    assert line.endswith(
        "no seed of the next 500 has 4 forms that all differ: too few distinct variants for 4 "
        "forms: two has 2 distinct variants (seen in 2,000 draws); three has 3 distinct variants"
    )
