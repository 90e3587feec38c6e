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
     r" rejected 1,000 of 1,000 draws \(100\.0%\) for seed 0, paper 'qbank-validate'; impossible: none of the "
     r"1,152 possible parameter sets satisfies it"),
    ("constraint-unknown-name", MATMUL, '"a[0][0] * a[1][1]', '"c[0][0] * a[1][1]', CHECK,
     r"matmul\.yaml:11: constraints\[0\]: uses unknown parameter\(s\) c"),
    ("constraint-syntax", MATMUL, '"a[0][0] * a[1][1] - ', '"a[0][0] * * a[1][1] - ', CHECK,
     r"matmul\.yaml:11: constraints\[0\]: .*syntax error"),
    ("derived-uses-later-param", DENSE, "{type: derived, function: sample.hidden_widths}",
     '{type: derived, expr: "[outputs]"}', CHECK,
     r"dense-params\.yaml:12: params\.hidden\.expr: uses outputs, not defined above it"),
    ("canonical-missing", SOFTMAX, "temperature: 1.0, target: 0}", "temperature: 1.0}", CHECK,
     r"softmax\.yaml:14: canonical: missing a value for parameter 'target'"),
    ("canonical-unknown", SOFTMAX, "target: 0}", "target: 0, tau: 3}", CHECK,
     r"softmax\.yaml:14: canonical\.tau: not a parameter of this question"),
    ("fixed-needs-decimals", SOFTMAX, "format: fixed, decimals: 3}", "format: fixed}", CHECK,
     r"softmax\.yaml:\d+: answers\.loss: format 'fixed' needs `decimals`"),
    ("two-tolerances", SOFTMAX, "format: fixed, decimals: 3}",
     "format: fixed, decimals: 3, tolerance: {abs: 0.1, rel: 0.1}}", CHECK,
     r"softmax\.yaml:\d+: answers\.loss\.tolerance: give exactly one of abs, rel or sig"),
    ("label-bad-math", SOFTMAX, "{label: Probabilities,", "{label: 'Probabilities $p_{i$',", CHECK,
     r"softmax\.yaml:24: answers\.probs\.label: math error: cannot typeset formula 'p_\{i': 1 unclosed '\{'"),
    ("label-unclosed-math", SOFTMAX, "{label: Cross-entropy loss,", "{label: 'Loss $L',", CHECK,
     r"softmax\.yaml:25: answers\.loss\.label: math error: unterminated \$ math"),
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
        rf"(?m)^banks/sample/solvers\.py:{at + 1}: RuntimeError: broken bank "
        r"\(while importing it for banks/sample/bank\.yaml:4: modules\[0\]\)$"
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


# ---------- class sets: rosters, exam structure (pools, scenarios), grading, new verbs ----------

ROSTER = "students.csv"
CLASS_BUILD = ("build", EXAM, "--seed", "1", "--out", "out-set", "--roster", ROSTER, "--jobs", "1")
GOOD_ROSTER = "roll,name,section\n24CS1001,Asha Rao,A\n24CS1002,Bilal Khan,B\n"

# (case id, roster bytes, expected stderr pattern)
ROSTER_CASES = [
    ("duplicate-roll", GOOD_ROSTER + "24cs1001,Chen Wei,B\n",
     r"students\.csv:4: roll: duplicate roll number '24cs1001' \(first at line 2\)"),
    ("empty-name", GOOD_ROSTER.replace("Bilal Khan", " "), r"students\.csv:3: name: empty name for roll number"),
    ("empty-roll", GOOD_ROSTER.replace("24CS1002", ""), r"students\.csv:3: roll: empty roll number"),
    ("bad-encoding", GOOD_ROSTER.replace("Bilal", "Bil\u00e9l").encode("latin-1"),
     r"students\.csv:3: roster is not valid UTF-8 \(byte 0xe9\)"),
    ("missing-name-column", "roll,student\n24CS1001,Asha Rao\n",
     r"students\.csv:1: the header needs the columns 'name' \(it has 'roll', 'student'\)"),
    ("roll-not-a-file-name", GOOD_ROSTER.replace("24CS1002", "24/CS/2"),
     r"students\.csv:3: roll: roll number '24/CS/2' must be"),
    ("ragged-row", GOOD_ROSTER + "24CS1003,Chen Wei\n", r"students\.csv:4: 2 fields, but the header has 3"),
    ("repeated-column", "roll,name,Name\n24CS1001,A,B\n", r"students\.csv:1: Name: column name repeated"),
    ("empty-roster", "", r"students\.csv:1: roster is empty"),
    ("no-students", "roll,name\n", r"students\.csv:2: the roster has no students"),
]  # fmt: skip


@pytest.mark.parametrize(("case", "content", "pattern"), ROSTER_CASES, ids=[c[0] for c in ROSTER_CASES])
def test_bad_roster(case, content, pattern, sample_copy, run_cli, monkeypatch):
    data = content.encode("utf-8") if isinstance(content, str) else content
    (sample_copy / ROSTER).write_bytes(data)
    monkeypatch.chdir(sample_copy)
    status, out, err = run_cli(*CLASS_BUILD)
    _assert_user_error(status, err, pattern)
    assert not [p.name for p in Path(sample_copy).iterdir() if "out-set" in p.name], "something was written"


PART_B = "    questions:\n      - {id: basics/compute-scaling, marks: 3}\n"
SCENARIO = "scenarios:\n  s:\n    params:\n      budget: {type: choice, choices: [100, 1000]}\n"
SCALING = "banks/sample/questions/scaling.yaml"
SHARED_EXPONENT = (SCALING, "exponent: {type: choice, choices: [0.5, 0.73]}",
                   "exponent: {type: choice, choices: [0.5, 0.73], shared: true}")  # fmt: skip

# (case id, [(file, old, new), ...], expected stderr pattern): exam structure, built as one set
STRUCTURE_CASES = [
    ("pool-unknown-id", [(EXAM, "{id: basics/compute-scaling, marks: 3}",
                          "{pool: [basics/compute-scaling, basics/nope], pick: 1, marks: 3}")],
     r"sample\.yaml:21: sections\[1\]\.questions\[0\]\.pool\[1\]: no question 'basics/nope' in bank 'sample'"),
    ("pool-pick-too-large", [(EXAM, "{id: basics/compute-scaling, marks: 3}",
                              "{pool: [basics/compute-scaling], pick: 2, marks: 3}")],
     r"sample\.yaml:21: sections\[1\]\.questions\[0\]\.pick: pick 2 is larger than the pool of 1 question"),
    ("pool-without-pick", [(EXAM, "{id: basics/compute-scaling, marks: 3}", "{pool: [basics/compute-scaling]}")],
     r"sample\.yaml:21: sections\[1\]\.questions\[0\]: a pool needs `pick`"),
    ("pick-without-pool", [(EXAM, "{id: basics/compute-scaling, marks: 3}",
                            "{id: basics/compute-scaling, marks: 3, pick: 1}")],
     r"sample\.yaml:21: sections\[1\]\.questions\[0\]\.pick: `pick` goes with `pool`"),
    ("pool-unequal-marks", [(EXAM, "      - {id: basics/dense-params}\n", ""),
                            (EXAM, "{id: basics/compute-scaling, marks: 3}",
                             "{pool: [basics/compute-scaling, basics/dense-params], pick: 1}")],
     r"sample\.yaml:\d+: sections\[1\]\.questions\[0\]\.pool: pool questions carry different marks "
     r"\(basics/compute-scaling 2, basics/dense-params 4\); give `marks` on the pool"),
    ("repeat-without-id", [(EXAM, "{id: basics/compute-scaling, marks: 3}",
                            "{pool: [basics/compute-scaling, basics/softmax], pick: 1, marks: 3, repeat: 2}")],
     r"sample\.yaml:21: sections\[1\]\.questions\[0\]\.repeat: `repeat` goes with `id`"),
    ("unknown-scenario", [(EXAM, "marks: 3}", "marks: 3, scenario: nope}")],
     r"sample\.yaml:21: sections\[1\]\.questions\[0\]\.scenario: no scenario 'nope' in this exam \(defined: none\)"),
    ("scenario-name-not-declared", [(EXAM, PART_B, PART_B.replace("3}", "3, scenario: s}") + SCENARIO.replace(
        "budget", "multiplier"))],
     r"sections\[1\]\.questions\[0\]\.scenario: question 'basics/compute-scaling' draws its own 'multiplier', which "
     r"scenario 's' also defines: declare it `shared: true` at banks/sample/questions/scaling\.yaml:8"),
    ("scenario-read-not-defined", [SHARED_EXPONENT, (EXAM, PART_B, PART_B.replace("3}", "3, scenario: s}") + SCENARIO)],
     r"sample\.yaml:21: sections\[1\]\.questions\[0\]\.scenario: question 'basics/compute-scaling' reads 'exponent' "
     r"\(shared\) from scenario 's', which does not define it \(it defines budget\)"),
    ("scenario-read-nothing", [(EXAM, PART_B, PART_B.replace("3}", "3, scenario: s}") + SCENARIO)],
     r"question 'basics/compute-scaling' declares no `shared: true` parameter, so it reads nothing from scenario 's'"),
    ("scenario-unused", [(EXAM, PART_B, PART_B + SCENARIO)],
     r"sample\.yaml:23: scenarios\.s: no question reads this scenario"),
    ("scenario-bad-param", [(EXAM, PART_B, PART_B + SCENARIO.replace("choice, choices: [100, 1000]", "int, min: 5, "
                                                                     "max: 1"))],
     r"sample\.yaml:25: scenarios\.s\.params\.budget\.max: 1 is below min 5"),
    ("scenario-unknown-key", [(EXAM, PART_B, PART_B + SCENARIO + "    note: x\n")],
     r"sample\.yaml:26: scenarios\.s\.note: unknown key"),
    ("scenario-unsatisfiable", [(EXAM, PART_B, PART_B + SCENARIO + "    constraints: ['budget > 5000']\n")],
     r"sample\.yaml:26: scenarios\.s\.constraints\[0\]: unsatisfiable"),
    ("section-shuffle-not-bool", [(EXAM, "  - title: Part B\n", "  - title: Part B\n    shuffle: maybe\n")],
     r"sample\.yaml:20: sections\[1\]\.shuffle: input should be a valid boolean"),
]  # fmt: skip


@pytest.mark.parametrize(("case", "edits", "pattern"), STRUCTURE_CASES, ids=[c[0] for c in STRUCTURE_CASES])
def test_bad_exam_structure(case, edits, pattern, sample_copy, run_cli, monkeypatch):
    for file, old, new in edits:
        target = sample_copy / file
        text = target.read_text()
        assert old in text, f"fixture text for {case} not found in {file}"
        target.write_text(text.replace(old, new, 1))
    monkeypatch.chdir(sample_copy)
    status, out, err = run_cli(*BUILD)
    _assert_user_error(status, err, pattern)
    assert not [p.name for p in Path(sample_copy).iterdir() if "out-set" in p.name]


CLASS_CLI_CASES = [
    ("roster-and-forms", ("build", EXAM, "--seed", "1", "--out", "o", "--roster", "r.csv", "--forms", "2"),
     r"argument --forms: not allowed with argument --roster"),
    ("too-many-forms", ("build", EXAM, "--seed", "1", "--out", "o", "--forms", "703"),
     r"--forms: must be between 1 and 702, got 703"),
    ("zero-forms", ("build", EXAM, "--seed", "1", "--out", "o", "--forms", "0"), r"--forms: .*must be at least 1"),
    ("check-forms-on-a-bank", ("check", "banks/sample", "--forms", "2"),
     r"<command line>: --forms: goes with an exam file, not a bank or question"),
    ("check-canonical-exam", ("check", EXAM, "--canonical"),
     r"<command line>: --canonical: checks questions: give a bank, not an exam"),
    ("unknown-key-style", ("build", EXAM, "--seed", "1", "--out", "o", "--key", "short"),
     r"--key: invalid choice: 'short' \(choose from .*full.*compact.*answers"),
    ("missing-roster", ("build", EXAM, "--seed", "1", "--out", "o", "--roster", "nowhere.csv"),
     r"nowhere\.csv: cannot read roster: No such file"),
    ("audit-no-manifest", ("audit", "nowhere"), r"nowhere: cannot read manifest"),
    ("audit-not-a-manifest", ("audit", EXAM), r"sample\.yaml:\d+: not a qbank manifest"),
    ("grade-no-manifest", ("grade", "nowhere", "r.csv"), r"nowhere: cannot read manifest"),
    ("practice-unknown-topic", ("practice", "banks/sample", "--topics", "cnn", "--seed", "1", "--out", "o"),
     r"--topics: no question has topic 'cnn' \(topics in this bank: linear-algebra, losses"),
    ("practice-missing-seed", ("practice", "banks/sample", "--out", "o"), r"required: --seed"),
    ("practice-not-a-bank", ("practice", "exams", "--seed", "1", "--out", "o"), r"exams: not inside a bank"),
]  # fmt: skip


@pytest.mark.parametrize(("case", "argv", "pattern"), CLASS_CLI_CASES, ids=[c[0] for c in CLASS_CLI_CASES])
def test_bad_class_command_line(case, argv, pattern, sample_copy, run_cli, monkeypatch):
    monkeypatch.chdir(sample_copy)
    status, out, err = run_cli(*argv)
    _assert_user_error(status, err, pattern)
    assert not (sample_copy / "o").exists()
