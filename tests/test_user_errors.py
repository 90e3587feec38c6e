"""Table-driven malformed inputs: each gives a located `file:line: key.path: problem`, exit 2, no traceback."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

DENSE = "banks/sample/questions/dense-params.yaml"
SOFTMAX = "banks/sample/questions/softmax.yaml"
MATMUL = "banks/sample/questions/matmul.yaml"
EXAM = "exams/sample.yaml"
BANK = "banks/sample/bank.yaml"
CHECK = ("check", "banks/sample", "--seeds", "3")
BUILD = ("build", EXAM, "--seed", "1", "--out", "out-set")

# (case id, file to edit, text to replace, replacement, command, expected stderr pattern)
CASES = [
    ("yaml-syntax", DENSE, "depth: {type: int, min: 1, max: 3}", "depth: {type: int, min: 1, max: 3", CHECK,
     r"dense-params\.yaml:\d+: YAML syntax error"),
    ("duplicate-key", DENSE, "marks: 4\n", "marks: 4\nmarks: 5\n", CHECK,
     r"dense-params\.yaml:6: marks: duplicate key \(first at line 5\)"),
    ("unknown-top-key", DENSE, "difficulty: easy", "difficulty: easy\ntitel: x", CHECK,
     r"dense-params\.yaml:5: titel: unknown key"),
    ("unknown-param-key", DENSE, "max: 512, step: 16}", "maxx: 512, step: 16}", CHECK,
     r"dense-params\.yaml:9: params\.inputs\.maxx: unknown key"),
    ("wrong-type", DENSE, "marks: 4", "marks: four", CHECK,
     r"dense-params\.yaml:5: marks: input should be a valid number"),
    ("min-above-max", DENSE, "min: 16, max: 512, step: 16", "min: 1024, max: 512, step: 16", CHECK,
     r"dense-params\.yaml:9: params\.inputs\.max: 512 is below min 1024"),
    ("step-does-not-fit", DENSE, "min: 16, max: 512, step: 16", "min: 16, max: 512, step: 7", CHECK,
     r"params\.inputs\.step: step 7 does not fit the range 16\.\.512"),
    ("empty-choices", DENSE, "choices: [2, 5, 10, 100]", "choices: []", CHECK,
     r"dense-params\.yaml:13: params\.outputs\.choices: list should have at least 1 item"),
    ("unknown-param-type", DENSE, "depth: {type: int,", "depth: {type: integer,", CHECK,
     r"params\.depth: unknown type 'integer'; expected one of"),
    ("missing-param-type", DENSE, "depth: {type: int, min: 1, max: 3}", "depth: {min: 1, max: 3}", CHECK,
     r"params\.depth: missing `type`"),
    ("unknown-solver", DENSE, "solver: sample.dense_params", "solver: sample.dense_parms", CHECK,
     r"dense-params\.yaml:6: solver: unknown solver 'sample\.dense_parms' \(registered: .*sample\.dense_params"),
    ("unknown-figure", DENSE, "figure: sample.layer_diagram", "figure: sample.nope", CHECK,
     r"dense-params\.yaml:7: figure: unknown figure 'sample\.nope'"),
    ("undefined-template-variable", DENSE, "and ${{ outputs }}$ outputs", "and ${{ outputz }}$ outputs", CHECK,
     r"dense-params\.yaml:21: text: undefined template variable 'outputz'"),
    ("answer-in-question-text", DENSE, "How many learnable", "{{ answers.total }} How many learnable", CHECK,
     r"dense-params\.yaml:\d+: text: undefined template variable 'answers'"),
    ("unknown-answer-in-solution", DENSE, "**{{ answers.total }}**", "**{{ answers.totl }}**", CHECK,
     r"dense-params\.yaml:28: solution: answers\.totl: no answer named 'totl'"),
    ("template-syntax", DENSE, "{% for w in hidden %}", "{% for w in hidden %", CHECK,
     r"dense-params\.yaml:\d+: text: template syntax error"),
    ("unsatisfiable-constraint", DENSE, '"min(hidden) >= outputs"', '"min(hidden) >= 10 ** 6"', CHECK,
     r"dense-params\.yaml:16: constraints\[0\]: unsatisfiable: 'hidden layers must not be narrower than the output'"
     r" rejected 1000 of 1000 draws \(100\.0%\)"),
    ("constraint-unknown-name", MATMUL, '"a[0][0] * a[1][1]', '"c[0][0] * a[1][1]', CHECK,
     r"matmul\.yaml:11: constraints\[0\]: uses unknown parameter\(s\) c"),
    ("constraint-syntax", MATMUL, '"a[0][0] * a[1][1] - ', '"a[0][0] * * a[1][1] - ', CHECK,
     r"matmul\.yaml:11: constraints\[0\]: .*syntax error"),
    ("derived-uses-later-param", DENSE, "{type: derived, function: sample.hidden_widths}",
     '{type: derived, expr: "[outputs]"}', CHECK,
     r"dense-params\.yaml:12: params\.hidden\.expr: uses outputs, not defined above it"),
    ("canonical-missing", SOFTMAX, "temperature: 1.0, target: 0}", "temperature: 1.0}", CHECK,
     r"softmax\.yaml:13: canonical: missing a value for parameter 'target'"),
    ("canonical-unknown", SOFTMAX, "target: 0}", "target: 0, tau: 3}", CHECK,
     r"softmax\.yaml:13: canonical\.tau: not a parameter of this question"),
    ("fixed-needs-decimals", SOFTMAX, "format: fixed, decimals: 3}", "format: fixed}", CHECK,
     r"softmax\.yaml:\d+: answers\.loss: format 'fixed' needs `decimals`"),
    ("two-tolerances", SOFTMAX, "format: fixed, decimals: 3}",
     "format: fixed, decimals: 3, tolerance: {abs: 0.1, rel: 0.1}}", CHECK,
     r"softmax\.yaml:\d+: answers\.loss\.tolerance: give exactly one of abs, rel or sig"),
    ("float-decimals", SOFTMAX, "min: 0.5, max: 2.0, decimals: 1", "min: 0.55, max: 2.0, decimals: 1", CHECK,
     r"softmax\.yaml:9: params\.temperature\.min: 0\.55 has more than 1 decimals"),
    ("bad-question-id", MATMUL, "id: basics/matmul", "id: Basics/Mat Mul", CHECK,
     r"matmul\.yaml:1: id: 'Basics/Mat Mul' is not a valid name"),
    ("duplicate-question-id", MATMUL, "id: basics/matmul", "id: basics/softmax", CHECK,
     r"duplicate question id 'basics/softmax' \(first in .*"),
    ("missing-module", BANK, "modules: [solvers.py]", "modules: [solver.py]", CHECK,
     r"bank\.yaml:4: modules\[0\]: no Python file at 'solver\.py'"),
    ("exam-unknown-question", EXAM, "{id: basics/compute-scaling, marks: 3}", "{id: basics/nope, marks: 3}", BUILD,
     r"sample\.yaml:21: sections\[1\]\.questions\[0\]\.id: no question 'basics/nope' in bank 'sample'"),
    ("exam-missing-key", EXAM, "institution: qbank University\n", "", BUILD,
     r"sample\.yaml:1: institution: required key is missing"),
    ("exam-id-and-parts", EXAM, "- {id: basics/dense-params}", "- {id: basics/dense-params, parts: [{id: x}]}", BUILD,
     r"sample\.yaml:15: sections\[0\]\.questions\[0\]: give either `id` or `parts`"),
]  # fmt: skip

CLI_CASES = [
    ("missing-seed", ("build", EXAM, "--out", "o"), r"the following arguments are required: --seed"),
    ("seed-not-a-number", ("build", EXAM, "--seed", "abc", "--out", "o"), r"--seed: .*expected a whole number"),
    ("negative-seed", ("build", EXAM, "--seed=-3", "--out", "o"), r"--seed: .*must not be negative"),
    ("unknown-command", ("bulid", EXAM), r"invalid choice: 'bulid'"),
    ("zero-count", ("variants", "banks/sample", "--count", "0"), r"--count: .*must be at least 1"),
    ("missing-path", ("check", "banks/nowhere"), r"banks/nowhere: no such file or folder"),
    ("not-in-bank", ("check", "exams"), r"exams: not inside a bank"),
    ("no-command", (), r"a COMMAND is required"),
]


def _assert_user_error(status: int, err: str, pattern: str) -> None:
    assert status == 2, err
    assert "Traceback" not in err
    assert re.search(pattern, err), f"{pattern!r} not in:\n{err}"
    assert err.strip().splitlines()[-1].startswith("qbank: "), err


@pytest.mark.parametrize(("case", "file", "old", "new", "command", "pattern"), CASES, ids=[c[0] for c in CASES])
def test_malformed_input(case, file, old, new, command, pattern, sample_copy, run_cli, monkeypatch):
    target = sample_copy / file
    text = target.read_text()
    assert old in text, f"fixture text for {case} not found"
    target.write_text(text.replace(old, new, 1))
    monkeypatch.chdir(sample_copy)
    status, out, err = run_cli(*command)
    _assert_user_error(status, err, pattern)
    assert not (sample_copy / "out-set").exists()


@pytest.mark.parametrize(("case", "argv", "pattern"), CLI_CASES, ids=[c[0] for c in CLI_CASES])
def test_bad_command_line(case, argv, pattern, sample_copy, run_cli, monkeypatch):
    monkeypatch.chdir(sample_copy)
    status, out, err = run_cli(*argv)
    _assert_user_error(status, err, pattern)


def test_all_errors_are_reported_not_just_the_first(sample_copy, run_cli, monkeypatch):
    dense = sample_copy / DENSE
    text = dense.read_text().replace("solver: sample.dense_params", "solver: sample.nope")
    dense.write_text(text.replace("and ${{ outputs }}$ outputs", "and ${{ outputz }}$ outputs"))
    softmax = sample_copy / SOFTMAX
    softmax.write_text(softmax.read_text().replace("marks: 3", "marks: three"))
    monkeypatch.chdir(sample_copy)
    status, out, err = run_cli(*CHECK)
    _assert_user_error(status, err, r"solver: unknown solver 'sample\.nope'")
    assert "undefined template variable 'outputz'" in err
    assert "softmax.yaml:5: marks:" in err
    assert "qbank: 3 errors" in err


def test_not_utf8(sample_copy, run_cli, monkeypatch):
    (sample_copy / DENSE).write_bytes("title: caf\u00e9\n".encode("latin-1"))
    monkeypatch.chdir(sample_copy)
    status, out, err = run_cli(*CHECK)
    _assert_user_error(status, err, r"dense-params\.yaml:1: file is not valid UTF-8")


def test_module_import_failure_is_located(sample_copy, run_cli, monkeypatch):
    solvers = sample_copy / "banks/sample/solvers.py"
    lines = solvers.read_text().splitlines()
    at = lines.index("import math") + 1
    lines.insert(at, "raise RuntimeError('broken bank')")
    solvers.write_text("\n".join(lines) + "\n")
    monkeypatch.chdir(sample_copy)
    status, out, err = run_cli(*CHECK)
    pattern = (
        rf"bank\.yaml:4: modules\[0\]: importing solvers\.py failed at .*solvers\.py:{at + 1}: RuntimeError: broken"
    )
    _assert_user_error(status, err, pattern)


def test_duplicate_solver_names_both_places(sample_copy, run_cli, monkeypatch):
    extra = sample_copy / "banks/sample/more.py"
    extra.write_text(
        "from qbank.registry import Solution, solver\n\n\n"
        '@solver("sample.matmul")\ndef other(p):\n    """Clash."""\n    return Solution(answers={})\n'
    )
    bank = sample_copy / BANK
    bank.write_text(bank.read_text().replace("modules: [solvers.py]", "modules: [solvers.py, more.py]"))
    monkeypatch.chdir(sample_copy)
    status, out, err = run_cli(*CHECK)
    _assert_user_error(status, err, r"modules\[1\]: solver 'sample\.matmul' is registered twice: first at "
                                    r".*solvers\.py:\d+, again at .*more\.py:4")  # fmt: skip


def test_solver_crash_names_question_seed_and_params(sample_copy, run_cli, monkeypatch):
    solvers = sample_copy / "banks/sample/solvers.py"
    solvers.write_text(
        solvers.read_text().replace("    trace = sum(", "    assert a[0][0] != 3, 'boom'\n    trace = sum(")
    )
    monkeypatch.chdir(sample_copy)
    status, out, err = run_cli("variants", MATMUL, "--seed", "0", "--count", "40")
    _assert_user_error(status, err, r"matmul\.yaml:6: solver: 'sample\.matmul' raised AssertionError: boom at .*"
                                    r"\(question 'basics/matmul', seed \d+, paper 'main', "
                                    r"params \{\"a\": \[\[3, ")  # fmt: skip


def test_failed_build_leaves_nothing(sample_copy, run_cli, monkeypatch):
    dense = sample_copy / DENSE
    dense.write_text(dense.read_text().replace('"min(hidden) >= outputs"', '"min(hidden) >= 10 ** 6"'))
    monkeypatch.chdir(sample_copy)
    status, out, err = run_cli(*BUILD)
    _assert_user_error(status, err, r"unsatisfiable")
    leftovers = [p.name for p in Path(sample_copy).iterdir() if p.name.startswith((".out-set", "out-set"))]
    assert leftovers == []
