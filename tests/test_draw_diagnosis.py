"""Constraints that reject every draw say which constraints reject jointly (counts per constraint and per
combination), tell an impossible set of constraints from a merely rare one, and a question may raise its
attempt limit (`max_attempts`, capped)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from qbank.core.errors import UserError
from qbank.draw.params import draw_params
from qbank.preflight.checks import checked_bank
from qbank.spec.bank import load_bank

from .planted import write_bank

QUESTION = """id: planted/draws
title: Draws
marks: 1
params:
{params}
constraints:
{constraints}
text: Take ${{{{ x }}}}$.
"""


def _bank(root: Path, params: str, constraints: list[str], extra: str = "") -> Path:
    bank = write_bank(root, [])
    body = "\n".join(f'  - "{c}"' for c in constraints)
    (bank / "questions" / "draws.yaml").write_text(QUESTION.format(params=params, constraints=body) + extra)
    return bank


def _load_error(bank: Path) -> str:
    with pytest.raises(UserError) as caught:
        checked_bank(bank)
    (problem,) = caught.value.problems
    return str(problem)


def test_jointly_impossible_constraints_are_reported_together_with_counts(tmp_path):
    bank = _bank(tmp_path, "  x: {type: int, min: 1, max: 10}", ["x > 7", "x < 4"])
    message = _load_error(bank)
    # located at the `constraints` key (line 6), not blamed on the first constraint
    assert message.startswith(f"{bank}/questions/draws.yaml:6: constraints: unsatisfiable together: "), message
    assert "impossible: each of [0] and [1] holds for some of the 10 possible parameter sets, but none " \
           "satisfies them together" in message  # fmt: skip
    first = int(re.search(r"\[0\] 'x > 7' rejected ([\d,]+)", message).group(1).replace(",", ""))
    second = int(re.search(r"\[1\] 'x < 4' rejected ([\d,]+)", message).group(1).replace(",", ""))
    both = int(re.search(r"\[0\] and \[1\]: ([\d,]+)", message).group(1).replace(",", ""))
    only_first = int(re.search(r"only \[0\]: ([\d,]+)", message).group(1).replace(",", ""))
    only_second = int(re.search(r"only \[1\]: ([\d,]+)", message).group(1).replace(",", ""))
    assert only_first + only_second + both == 1000  # every draw was rejected by one or both
    assert (first, second) == (only_first + both, only_second + both)
    assert 600 < first < 800 and 600 < second < 800 and 300 < both < 500  # x <= 7: 70%, x >= 4: 70%, 4..7: 40%


def test_one_impossible_constraint_is_blamed_alone(tmp_path):
    bank = _bank(tmp_path, "  x: {type: int, min: 1, max: 10}\n  y: {type: int, min: 1, max: 3}", ["y < 3", "x > 10"])
    message = _load_error(bank)
    assert re.match(r".*draws\.yaml:9: constraints\[1\]: unsatisfiable: 'x > 10' rejected 1,000 of 1,000 draws "
                    r"\(100\.0%\) for seed 0, paper 'qbank-validate'; impossible: none of the 30 possible parameter "
                    r"sets satisfies it$", message), message  # fmt: skip


def test_rare_constraints_are_told_from_impossible_ones_and_max_attempts_draws_them(tmp_path):
    params = "  x: {type: int, min: 1, max: 300}\n  y: {type: int, min: 1, max: 30}"
    bank = _bank(tmp_path, params, ["x == 7 and y == 7"])
    message = _load_error(bank)
    assert "draws.yaml:8: constraints[0]: unsatisfiable: no draw of 1,000 for seed 0" in message, message
    assert "rare, not impossible: 1 of the 9,000 possible parameter sets (0.011%) satisfy every constraint: raise " \
           "`max_attempts` (now 1,000, at most 100,000)" in message  # fmt: skip
    question_file = bank / "questions" / "draws.yaml"
    question_file.write_text(question_file.read_text() + "max_attempts: 100000\n")
    question = load_bank(bank).question("planted/draws")
    draws = [draw_params(question, seed, "main") for seed in range(5)]
    assert all(dict(d.params) == {"x": 7, "y": 7} for d in draws)
    assert max(d.attempts for d in draws) > 1000


def test_a_space_too_large_to_enumerate_says_so(tmp_path):
    params = "  x: {type: int, min: 1, max: 1000}\n  y: {type: int, min: 1, max: 1000}"
    message = _load_error(_bank(tmp_path, params, ["x == 7 and y == 7"]))
    assert "the 1,000,000 possible parameter sets are more than the 100,000 that can be enumerated to tell an " \
           "impossible constraint from a rare one" in message  # fmt: skip


@pytest.mark.parametrize(("value", "problem"), [("100001", "less than or equal to 100000"),
                                                 ("0", "greater than or equal to 1")])  # fmt: skip
def test_max_attempts_is_capped(tmp_path, value, problem):
    bank = _bank(tmp_path, "  x: {type: int, min: 1, max: 10}", ["x > 1"], f"max_attempts: {value}\n")
    message = _load_error(bank)
    assert re.search(rf"draws\.yaml:\d+: max_attempts: .*{problem}", message), message
