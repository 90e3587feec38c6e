"""Collapsed randomization fails `qbank check`: one distinct variant, or a value the constraints never let
through, unless the question says so (`min_distinct`, `unreachable`)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from .planted import write_bank

# The README tutorial's question as it was: `size` on a step of 4 is even, the kernel odd, so
# (size + 2 * padding - kernel) is always odd and `stride: 2` can never pass the constraint.
CONV = """id: basics/conv-output
title: Output size of a convolution
marks: 2
params:
  size: {type: int, min: 16, max: 64, step: 4}
  kernel: {type: choice, choices: [3, 5, 7]}
  padding: {type: int, min: 0, max: 3}
  stride: {type: choice, choices: [1, 2]}
constraints:
  - {expr: "(size + 2 * padding - kernel) % stride == 0", message: "the kernel must tile the input exactly"}
text: A ${{ kernel }}$ kernel, stride ${{ stride }}$, padding ${{ padding }}$ on a ${{ size }}$ input.
"""

COLLAPSED = """id: planted/collapsed
title: Collapsed
marks: 1
params:
  a: {type: int, min: 1, max: 6}
  b: {type: int, min: 1, max: 6}
constraints:
  - "a + b == 12"
text: Add ${{ a }}$ and ${{ b }}$.
"""


@pytest.fixture
def bank(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return write_bank(tmp_path, [])


def _check(run_cli, bank: Path, name: str, text: str, seeds: str = "200") -> tuple[int, str]:
    (bank / "questions" / f"{name}.yaml").write_text(text)
    status, out, err = run_cli("check", f"planted/questions/{name}.yaml", "--seeds", seeds, "--jobs", "1")
    assert status in (0, 1), out + err
    return status, out


def test_one_distinct_variant_fails_unless_min_distinct_says_so(bank, run_cli):
    status, out = _check(run_cli, bank, "collapsed", COLLAPSED)
    assert status == 1, out
    assert "FAIL planted/collapsed: 200/200 seeds passed, acceptance" in out and ", 1 distinct" in out
    assert re.search(r"collapsed\.yaml:4: params: the constraints leave 1 distinct variant\(s\) of the 36 possible "
                     r"parameter sets, fewer than 2 \(min_distinct\).* — reproduce: qbank check "
                     r"planted/questions/collapsed\.yaml --seed 0 --seeds 200", out), out  # fmt: skip
    assert "collapsed.yaml:5: params.a: never drawn: 1, 2, 3, 4, 5: no parameter set with these values" in out
    explicit = COLLAPSED.replace("max: 6}", "max: 6, unreachable: [1, 2, 3, 4, 5]}") + "min_distinct: 1\n"
    status, out = _check(run_cli, bank, "collapsed", explicit)
    assert status == 0, out
    status, out = _check(run_cli, bank, "collapsed", COLLAPSED.replace("== 12", ">= 11") + "min_distinct: 4\n")
    assert "collapsed.yaml:10: min_distinct: the constraints leave 3 distinct variant(s) of the 36" in out, out


def test_a_value_the_constraints_exclude_fails_unless_declared(bank, run_cli):
    status, out = _check(run_cli, bank, "conv", CONV)
    assert status == 1, out
    assert "param  stride: 1/2 values seen; never drawn: 2" in out
    assert re.search(r"conv\.yaml:8: params\.stride: never drawn: 2: no parameter set with this value satisfies "
                     r"every constraint \(of the 312 possible\): .*`unreachable: \[2\]`", out), out  # fmt: skip
    declared = CONV.replace("choices: [1, 2]}", "choices: [1, 2], unreachable: [2]}")
    status, out = _check(run_cli, bank, "conv", declared)
    assert status == 0, out
    assert "never drawn: 2 (declared unreachable)" in out
    fixed = CONV.replace("max: 64, step: 4}", "max: 64}")  # the README's tutorial now: odd sizes allow stride 2
    status, out = _check(run_cli, bank, "conv", fixed)
    assert status == 0, out
    assert "param  stride: 2/2 values seen" in out


def test_a_declared_unreachable_value_must_be_unreachable(bank, run_cli):
    drawn = CONV.replace("choices: [3, 5, 7]}", "choices: [3, 5, 7], unreachable: [5]}")
    status, out = _check(run_cli, bank, "conv", drawn.replace("choices: [1, 2]}", "choices: [1, 2], unreachable: [2]}"))
    assert status == 1
    assert "conv.yaml:6: params.kernel.unreachable: 5 is declared unreachable but was drawn" in out, out
    rare = CONV.replace("max: 64, step: 4}", "max: 64, step: 4, unreachable: [64]}")
    rare = rare.replace('== 0"', '== 0 and (size < 64 or padding == 3 and kernel == 7)"')
    status, out = _check(run_cli, bank, "conv", rare.replace("choices: [1, 2]}", "choices: [1, 2], unreachable: [2]}"),
                         seeds="20")  # fmt: skip
    assert status == 1, out
    assert "params.size.unreachable: 64 is declared unreachable, but 1 of the " in out, out


@pytest.mark.parametrize(
    ("declaration", "problem"),
    [("{type: int, min: 1, max: 9, step: 2, unreachable: [4]}", r"unreachable\[0\]: 4 is not a value"),
     ("{type: choice, choices: [1, 2], unreachable: ['2']}", r"unreachable\[0\]: '2' is not a value"),
     ("{type: int, min: 1, max: 9, shape: [2], unreachable: [3]}", r"unreachable: only a scalar parameter")],
)  # fmt: skip
def test_unreachable_values_must_be_values_of_the_parameter(bank, run_cli, declaration, problem):
    text = COLLAPSED.replace("{type: int, min: 1, max: 6}\n  b:", f"{declaration}\n  b:").replace("a + b", "b + 6")
    (bank / "questions" / "collapsed.yaml").write_text(text)
    status, out, err = run_cli("check", "planted/questions/collapsed.yaml", "--seeds", "20", "--jobs", "1")
    assert status == 2, out + err
    assert re.search(r"collapsed\.yaml:5: params\.a\." + problem, err), err


def test_without_enumeration_a_value_missed_in_many_seeds_fails(bank, run_cli):
    big = COLLAPSED.replace("max: 6}\n  b: {type: int, min: 1, max: 6}", "max: 10}\n  b: {type: int, min: 1, max: "
                            "20000}").replace('"a + b == 12"', '"a != 5"')  # fmt: skip
    status, out = _check(run_cli, bank, "collapsed", big, seeds="300")
    assert status == 1, out
    assert re.search(r"params\.a: never drawn in 300 variants: 5 \(about 30 each if the constraints let every "
                     r"value through alike\)", out), out  # fmt: skip
    status, out = _check(run_cli, bank, "collapsed", big, seeds="100")  # about 10 expected: not enough to tell
    assert status == 0, out
