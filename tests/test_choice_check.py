"""`qbank check` sweeps multiple choice: every answer some exam can ask as a choice is built per seed, a seed
whose options cannot be made honest fails with its replay command, the honesty rules are checked again apart from
the builder, and the rates at which misconceptions are dropped are reported."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest

import qbank.solve.choices as choices_module
from qbank.draw.params import draw_params
from qbank.solve.honesty import Distractors, honest_distractors
from qbank.spec.bank import load_bank

from .mc_bank import DENSE, edited, write_bank

LISTED = "misconceptions: [lin.no_bias, lin.bias_in, lin.sum]"
REPRO = re.compile(r"— reproduce: (qbank check \S+ --seed (\d+) --seeds 1)$")


def drawn(root: Path, seeds: range, paper: str = "main") -> list[dict]:
    """The parameters question `dense` draws for each seed (computed apart from the sweep)."""
    question = load_bank(root / "bank").questions["dense"]
    return [dict(draw_params(question, seed, paper).params) for seed in seeds]


def failures(out: str) -> list[tuple[str, str, int]]:
    """(problem, replay command, seed) of every failure line."""
    found = []
    for line in out.splitlines():
        match = REPRO.search(line)
        if match:
            found.append((line.strip().split(" — reproduce:")[0], match.group(1), int(match.group(2))))
    return found


def test_a_bank_with_written_choices_and_misconceptions_checks_clean(tmp_path, run_cli, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write_bank(tmp_path, edited("{text: none, correct: true}", "{text: none of its 128 units, correct: true}"))
    status, out, err = run_cli("check", "bank", "--seeds", "50", "--jobs", "1")
    assert status == 0, out + err
    assert "ok   dense: 50/50 seeds passed" in out and "0 question(s) failed" in out


def test_the_rates_of_dropped_misconceptions_are_reported_per_question_and_summed_up(tmp_path, run_cli, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write_bank(tmp_path)
    params = drawn(tmp_path, range(300))
    equal = sum(p["i"] == p["o"] for p in params)  # one bias per input is the key exactly when i == o
    twos = sum(p["i"] == p["o"] == 2 for p in params)  # i + o == i * o (the weights) only at 2, 2
    assert equal > twos > 0
    status, out, err = run_cli("check", "bank", "--seeds", "300", "--jobs", "2")
    assert status == 0, out + err
    lines = [line.strip() for line in out.splitlines()]
    assert "choice total: 2 to 4 options, built in 300/300 seeds" in lines
    assert "choice act: 3 options, built in 300/300 seeds" in lines
    assert f"misconception lin.bias_in (answer total): dropped in {equal}/300 seeds (coincides with the key)" in lines
    assert f"misconception lin.sum (answer total): dropped in {twos}/300 seeds (coincides with another option)" in lines
    assert not any(line.startswith("misconception lin.no_bias") for line in lines)
    assert (f"choices: 2 answer(s) built as multiple choice in 600 option sets; 2 of 3 misconception(s) dropped in "
            f"some seeds, most often lin.bias_in (dense: {equal}/300 seeds)") in lines  # fmt: skip


def test_a_count_that_cannot_be_reached_fails_those_seeds_with_their_replay(tmp_path, run_cli, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write_bank(tmp_path, edited(LISTED, LISTED + "\n    choices: {count: 4}"))
    equal = {seed for seed, p in enumerate(drawn(tmp_path, range(100))) if p["i"] == p["o"]}
    status, out, err = run_cli("check", "bank/questions/dense.yaml", "--seeds", "100", "--jobs", "1")
    assert status == 1, out + err
    assert f"FAIL dense: {100 - len(equal)}/100 seeds passed, {len(equal)} failing" in out
    found = failures(out)
    assert found and {seed for _, _, seed in found} <= equal
    problem, command, seed = found[0]
    expected = (
        r"bank/questions/dense\.yaml:14: answers\.total\.choices: answer 'total' cannot make 4 options: 2 "
        r"honest distractor\(s\) remain \(lin\.bias_in: coincides with the key"
    )
    assert re.match(expected, problem), problem
    status, replay, _ = run_cli(*command.split()[1:])
    assert status == 1 and problem in replay


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("lin.raises", r"answers\.total\.misconceptions\[1\]: 'lin\.raises' raised ZeroDivisionError"),
        (
            "lin.nan",
            r"answers\.total\.misconceptions\[1\]: 'lin\.nan' gives a value that must be a finite whole number",
        ),
        (
            "lin.half",
            r"answers\.total\.misconceptions\[1\]: 'lin\.half' gives a value that must be a whole number, "
            r"got 2\.5",
        ),
    ],
)
def test_a_misbehaving_misconception_fails_every_seed_with_its_replay(tmp_path, run_cli, monkeypatch, name, expected):
    monkeypatch.chdir(tmp_path)
    write_bank(tmp_path, edited(LISTED, f"misconceptions: [lin.no_bias, {name}]"))
    status, out, err = run_cli("check", "bank", "--seeds", "20", "--jobs", "1")
    assert status == 1, out + err
    assert re.search(r"^FAIL dense: 0/20 seeds passed, 20 failing", out, flags=re.M) and "Traceback" not in err
    problem, command, _ = failures(out)[0]
    assert re.search(expected, problem), problem
    status, replay, _ = run_cli(*command.split()[1:])
    assert status == 1 and problem in replay


def test_a_distractor_that_cannot_be_printed_exactly_fails_its_seeds(tmp_path, run_cli, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write_bank(tmp_path, edited(LISTED, "misconceptions: [lin.no_bias, lin.huge]"))
    status, out, err = run_cli("check", "bank/questions/dense.yaml", "--seeds", "20", "--jobs", "1")
    assert status == 1, out + err
    assert "FAIL dense: 0/20 seeds passed, 20 failing" in out
    problem, command, seed = failures(out)[0]
    value = f"{10**16 + drawn(tmp_path, range(seed, seed + 1))[0]['i']:,}"  # ints print with thousands separators
    expected = rf"bank/questions/dense\.yaml:10: answers\.total: option [A-C] \({value}\): {value} has 17 significant "
    assert re.fullmatch(expected + r"digits \(at most 15 print exactly\)", problem), problem


def keep_everything(question, answer, key, misconceptions, fills, params, wanted):
    """A broken builder: every misconception becomes an option, even one that prints as the key."""
    found = honest_distractors(question, answer, key, misconceptions, fills, params, wanted)
    kept = tuple(dataclasses.replace(c, text=str(c.value)) for c in misconceptions)
    return Distractors(found.key_text, kept, ())


def misreport_values(question, answer, key, misconceptions, fills, params, wanted):
    """A broken builder: the first distractor's value is off by one from its misconception's."""
    found = honest_distractors(question, answer, key, misconceptions, fills, params, wanted)
    first = dataclasses.replace(found.kept[0], value=found.kept[0].value + 1, text=str(found.kept[0].value + 1))
    return dataclasses.replace(found, kept=(first, *found.kept[1:]))


def fills_first(question, answer, key, misconceptions, fills, params, wanted):
    """A broken builder: the fallbacks come before the named mistakes."""
    return honest_distractors(question, answer, key, [], [*fills, *misconceptions], params, wanted)


FILLED = "\n    choices: {count: 4, fill: [key * 2, key * 3, key * 4]}"


@pytest.mark.parametrize(
    ("broken", "settings", "expected"),
    [
        (keep_everything, "", r"answers\.total: options [A-D] and [A-D] both print '\d+'"),
        (
            misreport_values,
            "",
            r"answers\.total: option [A-D] \(\d+\) is not what 'lin\.no_bias' gives \(\d+: counted the "
            r"weights but not the biases\)",
        ),
        (
            fills_first,
            FILLED,
            r"answers\.total: fallback \d+ is an option though lin\.no_bias, lin\.bias_in, lin\.sum could have "
            r"been one",
        ),
    ],
)
def test_the_sweep_checks_the_honesty_rules_again_apart_from_the_builder(
    tmp_path, run_cli, monkeypatch, broken, settings, expected
):
    monkeypatch.chdir(tmp_path)
    write_bank(tmp_path, edited(LISTED, LISTED + settings))
    monkeypatch.setattr(choices_module, "honest_distractors", broken)
    status, out, err = run_cli("check", "bank/questions/dense.yaml", "--seeds", "40", "--jobs", "1")
    assert status == 1, out + err
    assert any(re.search(expected, problem) for problem, _, _ in failures(out)), out
    monkeypatch.undo()
    monkeypatch.chdir(tmp_path)
    status, out, err = run_cli("check", "bank/questions/dense.yaml", "--seeds", "40", "--jobs", "1")
    assert status == 0, out  # the real builder keeps the rules


def test_the_exam_sweep_builds_the_choices_a_paper_asks_and_replays_a_failure(tmp_path, run_cli, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write_bank(tmp_path, edited(LISTED, LISTED + "\n    choices: {count: 4}"))
    status, out, err = run_cli("check", "exam.yaml", "--seeds", "60", "--jobs", "1")
    assert status == 1, out + err
    assert re.search(r"^FAIL dense: on 60 papers, \d+ failing", out, flags=re.M)
    assert re.search(r"^ok   dense#2: on 60 papers", out, flags=re.M)  # asked as free response: no options to make
    lines = [line for line in out.splitlines() if "cannot make 4 options" in line]
    assert lines, out
    match = re.search(r"\(question 1, dense, seed (\d+), paper 'main'\) — reproduce: (qbank check exam\.yaml --seed "
                      r"(\d+) --seeds 1)$", lines[0])  # fmt: skip
    assert match and match.group(1) == match.group(3), lines[0]
    status, replay, _ = run_cli(*match.group(2).split()[1:])
    assert status == 1 and lines[0].split(" — reproduce:")[0].strip() in replay


def test_a_question_sweep_with_no_choosable_answer_prints_no_choice_lines(tmp_path, run_cli, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write_bank(tmp_path, DENSE)
    status, out, _ = run_cli("check", "bank/questions/plain.yaml", "--seeds", "20", "--jobs", "1")
    assert status == 0 and "choice" not in out and "misconception" not in out
