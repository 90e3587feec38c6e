"""`qbank check` counts: a solver that raises for one parameter value fails every seed that draws it; the
summary's numbers add up and agree with the failure lines printed (one per failing parameter set)."""

from __future__ import annotations

import re
from pathlib import Path

from qbank.draw.params import draw_params
from qbank.spec.bank import load_bank

SOLVERS = '''
import math

from qbank.registry import Solution, misconception, solver


@solver("drop.fall")
def fall(p):
    """Time and speed of a dropped ball; divides by zero for h = 35."""
    t = math.sqrt(2 * p["h"] / (9.81 - 9.81 * (p["h"] == 35)))
    return Solution(answers={"time": t})


@misconception("drop.no_two", "forgot the factor 2")
def no_two(p):
    return math.sqrt(p["h"] / 9.81)


@misconception("drop.no_sqrt", "forgot the square root")
def no_sqrt(p):
    return 2 * p["h"] / 9.81


@misconception("drop.times_g", "multiplied by g")
def times_g(p):
    return math.sqrt(2 * p["h"] * 9.81)
'''

QUESTION = """id: fall
title: Free fall
marks: 2
solver: drop.fall
params:
  h: {type: int, min: 5, max: 80, step: 5}
text: A ball falls ${{ h }}$ m. How long does it take?
solution: $t = {{ answers.time }}$ s.
answers:
  time: {label: Time, format: fixed, decimals: 2, unit: s, misconceptions: [drop.no_two, drop.no_sqrt, drop.times_g]}
"""

SEEDS = 100


def write_bank(root: Path) -> Path:
    """The bank under root/bank."""
    bank = root / "bank"
    (bank / "questions").mkdir(parents=True)
    (bank / "bank.yaml").write_text("name: drop\ntitle: Drop\nmodules: [solvers.py]\n", encoding="utf-8")
    (bank / "solvers.py").write_text(SOLVERS, encoding="utf-8")
    (bank / "questions" / "fall.yaml").write_text(QUESTION, encoding="utf-8")
    return bank


def test_the_counts_of_a_sweep_with_a_raising_solver_add_up(tmp_path, run_cli, monkeypatch):
    monkeypatch.chdir(tmp_path)
    bank = write_bank(tmp_path)
    question = load_bank(bank).questions["fall"]
    heights = [draw_params(question, seed, "main").params["h"] for seed in range(SEEDS)]
    failing = [seed for seed, h in enumerate(heights) if h == 35]
    assert len(failing) >= 2  # the sweep must meet h = 35 more than once
    status, out, err = run_cli("check", "bank", "--seeds", SEEDS, "--jobs", "1")
    assert status == 1, out + err
    lines = [line.strip() for line in out.splitlines()]
    passed, repeats = SEEDS - len(failing), len(failing) - 1
    header = next(line for line in lines if line.startswith("FAIL fall:"))
    assert header.startswith(f"FAIL fall: {passed}/{SEEDS} seeds passed, {len(failing)} failing ({repeats} of them "
                             "repeat the parameters of an earlier failing seed"), header  # fmt: skip
    assert "acceptance 100.0%" in header  # no constraint: every draw is accepted, whatever the solver does
    assert f", {len(set(heights) - {35})} distinct variants" in header
    shown = [line for line in lines if "— reproduce:" in line]
    assert len(shown) == 1 and f"seed {failing[0]}," in shown[0] and "ZeroDivisionError" in shown[0]
    assert f"choice time: 4 options, built in {passed}/{SEEDS} seeds" in lines
    assert re.search(rf"^1 question, {SEEDS} variants \(seeds 0..{SEEDS - 1}\) .*; 1 question\(s\) failed "
                     rf"\({len(failing)} failing seeds\)$", out, flags=re.M), out  # fmt: skip


def test_the_counts_of_an_exam_sweep_with_a_raising_solver_add_up(tmp_path, run_cli, monkeypatch):
    monkeypatch.chdir(tmp_path)
    bank = write_bank(tmp_path)
    exam = "bank: bank\ninstitution: T\ncourse: {code: T1, name: T}\nexam: E\nsections:\n  - questions: [{id: fall}]\n"
    (tmp_path / "exam.yaml").write_text(exam, encoding="utf-8")
    question = load_bank(bank).questions["fall"]
    failing = [seed for seed in range(SEEDS) if draw_params(question, seed, "main").params["h"] == 35]
    status, out, err = run_cli("check", "exam.yaml", "--seeds", SEEDS, "--jobs", "1")
    assert status == 1, out + err
    assert re.search(rf"^FAIL fall: on {SEEDS} papers, {len(failing)} failing, ", out, flags=re.M), out
    shown = [line for line in out.splitlines() if "— reproduce:" in line]
    assert [int(re.search(r"--seed (\d+) --seeds 1$", line)[1]) for line in shown] == failing[:10]
    assert f", {SEEDS} placements checked ({len(failing)} failing) in " in out.splitlines()[-1]
