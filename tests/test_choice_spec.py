"""Bad multiple-choice declarations are located errors (`file:line: key.path: problem`, exit 2, no traceback,
nothing written): misconceptions, choices settings, written options, and `ask: choice` in an exam file."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from .mc_bank import CHOICE_EXAM, DENSE, edited, line_of, write_bank

LISTED = "misconceptions: [lin.no_bias, lin.bias_in, lin.sum]"
WRITTEN = ("      - {text: none, correct: true}\n      - {text: ReLU, why: assumed every layer has one}\n"
           "      - {text: sigmoid}\n")  # fmt: skip
ELEVEN = "".join(f"      - {{text: option {k}{', correct: true' if k == 0 else ''}}}\n" for k in range(11))

# (case, text replaced, replacement, the line's marker in the edited file, expected `key.path: problem`)
CASES = [
    (
        "unregistered",
        LISTED,
        "misconceptions: [lin.no_bias, lin.nope]",
        "lin.nope",
        r"answers\.total\.misconceptions\[1\]: unknown misconception 'lin\.nope' \(registered: .*lin\.no_bias",
    ),
    (
        "listed-twice",
        LISTED,
        "misconceptions:\n      - lin.no_bias\n      - lin.sum\n      - lin.no_bias",
        "- lin.no_bias#2",
        r"answers\.total\.misconceptions\[2\]: 'lin\.no_bias' is listed twice",
    ),
    (
        "on-text",
        "    format: text\n",
        "    format: text\n    misconceptions: [lin.no_bias]\n",
        "[lin.no_bias]",
        r"answers\.name\.misconceptions: only for numbers \(int, fixed, sig\), not format 'text'",
    ),
    (
        "on-vector",
        "    decimals: 0\n",
        "    decimals: 0\n    misconceptions: [lin.no_bias]\n",
        "[lin.no_bias]",
        r"answers\.shape\.misconceptions: only for numbers \(int, fixed, sig\), not format 'vector'",
    ),
    (
        "options-on-number",
        LISTED,
        LISTED + "\n    options: [{text: a, correct: true}, {text: b}]",
        "{text: a,",
        r"answers\.total\.options: only for formats choice and multi, not 'int'",
    ),
    (
        "choice-none-correct",
        "{text: none, correct: true}",
        "{text: none}",
        "    options:",
        r"answers\.act\.options: a choice has exactly one correct option \(`correct: true`\), this one has 0",
    ),
    (
        "choice-two-correct",
        "{text: sigmoid}",
        "{text: sigmoid, correct: true}",
        "    options:",
        r"answers\.act\.options: a choice has exactly one correct option \(`correct: true`\), this one has 2",
    ),
    (
        "multi-none-correct",
        "format: choice\n    options:\n      - {text: none, correct: true}",
        "format: multi\n    options:\n      - {text: none}",
        "    options:",
        r"answers\.act\.options: a multi needs at least one correct option",
    ),
    (
        "duplicate-written",
        "{text: sigmoid}",
        "{text: ' relu '}",
        "' relu '",
        r"answers\.act\.options\[2\]\.text: ' relu ' is written twice \(first as option 2\)",
    ),
    (
        "why-on-correct",
        "{text: none, correct: true}",
        "{text: none, correct: true, why: guessed}",
        "guessed",
        r"answers\.act\.options\[0\]\.why: a correct option is no mistake",
    ),
    (
        "count-unreachable",
        LISTED,
        LISTED + "\n    choices: {count: 5}",
        "count: 5",
        r"answers\.total\.choices\.count: 5 options need 4 distractors, but the answer lists 3 misconception\(s\) "
        r"and 0 fallback\(s\)",
    ),
    (
        "fill-without-count",
        LISTED,
        LISTED + "\n    choices:\n      fill: [key * 2]",
        "fill:",
        r"answers\.total\.choices\.fill: fallbacks only fill up to `count`: give `count`",
    ),
    (
        "fill-without-key",
        LISTED,
        LISTED + "\n    choices:\n      count: 4\n      fill: [key + 1, i * 2]",
        "fill:",
        r"answers\.total\.choices\.fill\[1\]: 'i \* 2' does not read `key`",
    ),
    (
        "fill-unknown-name",
        LISTED,
        LISTED + "\n    choices:\n      count: 4\n      fill: [key * zz]",
        "fill:",
        r"answers\.total\.choices\.fill\[0\]: uses unknown name\(s\) zz",
    ),
    (
        "eleven-written",
        WRITTEN,
        ELEVEN,
        "    options:",
        r"answers\.act\.options: list should have at most 10 items after validation, not 11",
    ),
    (
        "count-eleven",
        LISTED,
        LISTED + "\n    choices: {count: 11}",
        "count: 11",
        r"answers\.total\.choices\.count: input should be less than or equal to 10",
    ),
]


@pytest.mark.parametrize(("case", "old", "new", "marker", "expected"), CASES, ids=[c[0] for c in CASES])
def test_a_bad_declaration_is_a_located_error(tmp_path, run_cli, monkeypatch, case, old, new, marker, expected):
    monkeypatch.chdir(tmp_path)
    text = edited(old, new)
    write_bank(tmp_path, text)
    needle, _, nth = marker.partition("#")
    line = line_of(text, needle, int(nth or 1))
    status, out, err = run_cli("check", "bank", "--seeds", "3", "--jobs", "1")
    assert status == 2, out + err
    assert re.search(rf"^bank/questions/dense\.yaml:{line}: {expected}", err, flags=re.M), err
    assert "Traceback" not in err and out == ""
    status, out, err = run_cli("build", "exam.yaml", "--seed", "1", "--out", "out")
    assert status == 2 and re.search(rf"dense\.yaml:{line}: {expected}", err), err
    assert not Path("out").exists()


def test_all_problems_of_a_question_are_reported_together(tmp_path, run_cli, monkeypatch):
    monkeypatch.chdir(tmp_path)
    text = edited(LISTED, "misconceptions: [lin.nope, lin.sum, lin.sum]\n    choices: {fill: [i * 2]}")
    write_bank(tmp_path, edited("{text: none, correct: true}", "{text: none}", text))
    status, _, err = run_cli("check", "bank", "--seeds", "3")
    assert status == 2
    for expected in ("misconceptions[0]: unknown misconception 'lin.nope'", "misconceptions[2]: 'lin.sum' is listed",
                     "fill[0]: 'i * 2' does not read `key`", "fill: fallbacks only fill up to `count`",
                     "act.options: a choice has exactly one correct option"):  # fmt: skip
        assert expected in err, err


PLAIN_ENTRY = "  - questions:\n      - id: plain\n        ask: choice\n"
PLAIN_PART = "  - questions:\n      - parts:\n          - {id: dense}\n          - {id: plain, ask: choice}\n"
PLAIN_POOL = "  - questions:\n      - pool: [dense, plain]\n        pick: 1\n        marks: 2\n        ask: choice\n"


@pytest.mark.parametrize(
    ("extra", "marker", "key"),
    [
        (PLAIN_ENTRY, "ask: choice", r"sections\[1\]\.questions\[0\]\.ask"),
        (PLAIN_PART, "{id: plain, ask: choice}", r"sections\[1\]\.questions\[0\]\.parts\[1\]\.ask"),
        (PLAIN_POOL, "ask: choice", r"sections\[1\]\.questions\[0\]\.ask"),
    ],
    ids=["entry", "part", "pool"],
)
def test_ask_choice_on_a_question_with_nothing_choosable_is_located_in_the_exam(
    tmp_path, run_cli, monkeypatch, extra, marker, key
):
    monkeypatch.chdir(tmp_path)
    exam = CHOICE_EXAM + extra
    write_bank(tmp_path, DENSE, exam)
    line = line_of(exam, marker, 2 if extra is not PLAIN_PART else 1)
    for command in (("check", "exam.yaml", "--seeds", "2"), ("build", "exam.yaml", "--seed", "1", "--out", "out")):
        status, _, err = run_cli(*command)
        assert status == 2, err
        assert re.search(rf"^exam\.yaml:{line}: {key}: question 'plain' has no answer that can be asked as "
                         "multiple choice", err, flags=re.M), err  # fmt: skip
        assert "Traceback" not in err
    assert not Path("out").exists()
