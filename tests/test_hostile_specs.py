"""Hostile specs: each case writes one hostile edit into a copy of the sample bank and runs `qbank check`,
`qbank variants` and `qbank build` in a subprocess capped at MEMORY bytes of address space (RLIMIT_AS) and
CPU_SECONDS of CPU per command (RLIMIT_CPU), so a regression fails by the limit, not by a timer. Every command
must exit 2 with a located `file:line: key.path: problem`, print no traceback and write nothing."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import ROOT

MEMORY = 500 * 2**20
CPU_SECONDS = 5
DENSE = "banks/sample/questions/dense-params.yaml"
SOFTMAX = "banks/sample/questions/softmax.yaml"
SOLVERS = "banks/sample/solvers.py"
PARAM_ANCHOR = "  bias: {type: fixed, value: true}\n"
COMMANDS = [
    ["check", "banks/sample", "--seeds", "3"],
    ["variants", "banks/sample", "--count", "2"],
    ["build", "exams/sample.yaml", "--seed", "1", "--out", "out-set"],
]
DRIVER = f"""
import contextlib, io, json, resource, sys
resource.setrlimit(resource.RLIMIT_AS, ({MEMORY}, {MEMORY}))
from qbank.cli import main
results = []
for argv in json.loads(sys.argv[1]):
    usage = resource.getrusage(resource.RUSAGE_SELF)
    spent = int(usage.ru_utime + usage.ru_stime) + 1
    resource.setrlimit(resource.RLIMIT_CPU, (spent + {CPU_SECONDS}, resource.RLIM_INFINITY))  # per command
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        status = main(argv)
    results.append({{"status": status, "stderr": err.getvalue()}})
# this process's peak resident memory (ru_maxrss would include the parent's, which Linux carries over exec)
status = open("/proc/self/status").read()
peak = int(status.split("VmHWM:")[1].split()[0]) * 1024
print(json.dumps({{"results": results, "peak": peak}}))
"""


def _laughs(levels: int) -> str:
    """A fixed value of nested anchors, each level aliasing the one before nine times ("billion laughs")."""
    rows = ["a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    rows += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, levels + 1)]
    return "{" + ", ".join(rows) + "}"


def _param(line: str) -> tuple[str, str, str]:
    """An edit adding one parameter line to the dense-params question."""
    return DENSE, PARAM_ANCHOR, PARAM_ANCHOR + "  " + line + "\n"


def _derived(expr: str) -> tuple[str, str, str]:
    """An edit adding a derived parameter `x` with the expression `expr`."""
    return _param(f"x: {{type: derived, expr: {json.dumps(expr)}}}")


AT = r"dense-params\.yaml:"
X_EXPR = AT + r"15: params\.x\.expr: "
X = AT + r"15: params\.x"
# (case id, (file, old text, new text), expected located message)
CASES = [
    (
        "billion-laughs",
        _param(f"x: {{type: fixed, value: {_laughs(9)}}}"),
        X + r"\.value\.a\d.*: more than 100,000 values",
    ),
    (
        "deep-nesting",
        _param("x: {type: fixed, value: " + "[" * 5000 + "]" * 5000 + "}"),
        AT + r"15: nested deeper than 50",
    ),
    (
        "many-aliases",
        _param("x: {type: fixed, value: {a: &a 1, b: [" + ", ".join(["*a"] * 101) + "]}}"),
        AT + r"15: more than 100 aliases",
    ),
    (
        "huge-file",
        (DENSE, "marks: 4\n", "marks: 4\n" + "# padding\n" * 120_000),
        AT + r" file is 1,2\d\d,\d\d\d bytes, more than 1,000,000",
    ),
    (
        "huge-scalar",
        (DENSE, "title: Parameters", "title: " + "P" * 200_000),
        AT + r"2: title: value is 200,\d+ characters",
    ),
    ("5000-digit-marks", (DENSE, "marks: 4", "marks: " + "9" * 5000), AT + r"5: marks: integer too large"),
    ("inf-marks", (DENSE, "marks: 4", "marks: .inf"), AT + r"5: marks: '\.inf': NaN and infinity"),
    ("nan-marks", (DENSE, "marks: 4", "marks: .nan"), AT + r"5: marks: '\.nan': NaN and infinity"),
    (
        "inf-tolerance",
        (SOFTMAX, "format: fixed, decimals: 3}", "format: fixed, decimals: 3, tolerance: {abs: .inf}}"),
        r"softmax\.yaml:\d+: answers\.loss\.tolerance\.abs: '\.inf'",
    ),
    ("nan-float-range", _param("x: {type: float, min: .nan, max: 1}"), X + r"\.min: '\.nan': NaN and infinity"),
    ("inf-float-range", _param("x: {type: float, min: 0, max: .inf}"), X + r"\.max: '\.inf': NaN and infinity"),
    ("1e300-float-range", _param("x: {type: float, min: 0, max: 1.0e+300}"), X + r"\.max: 1e\+300 is beyond"),
    (
        "overflowing-float",
        _param("x: {type: float, min: 0, max: 1.0e+400}"),
        X + r"\.max: '1\.0e\+400': NaN and infinity",
    ),
    (
        "int-range-beyond-2-63",
        _param("x: {type: int, min: 0, max: 100000000000000000000}"),
        X + r"\.max: 100000000000000000000 is beyond",
    ),
    (
        "int-range-of-2-64-values",
        _param(f"x: {{type: int, min: {-(2**63) + 1}, max: {2**63 - 1}}}"),
        X + r"\.max: the range .* holds more than",
    ),
    (
        "huge-shape",
        _param("x: {type: int, min: 0, max: 3, shape: [1000, 1000, 1000]}"),
        X + r"\.shape: 1000 × 1000 × 1000 is 1,000,000,000 elements",
    ),
    ("nan-fixed", _param("x: {type: fixed, value: [1, .nan]}"), X + r"\.value\[1\]: '\.nan'"),
    ("nan-choice", _param("x: {type: choice, choices: [1, -.inf]}"), X + r"\.choices\[1\]: '-\.inf'"),
    ("derived-complex", _derived("(-1) ** 0.5"), X_EXPR + r".* is a complex number"),
    ("derived-set", _derived("{1, 2}"), X_EXPR + r"'\{1, 2\}': a set is not a parameter value"),
    ("derived-range", _derived("range(3)"), X_EXPR + r"'range\(3\)': a range is not"),
    ("derived-zip", _derived("zip([1], [2])"), X_EXPR + r".*: a zip is not"),
    ("derived-generator", _derived("(i for i in range(3))"), X_EXPR + r".*: a generator is not"),
    ("derived-none", _derived("None"), X_EXPR + r"'None': None is not a parameter value"),
    ("derived-nan", _derived("float('nan')"), X_EXPR + r".*: NaN and infinity are not allowed"),
    ("derived-inf", _derived("float('inf') * depth"), X_EXPR + r".*: NaN and infinity are not allowed"),
    ("derived-huge-int", _derived("int('9' * 4000)"), X_EXPR + r".* integer too large"),
    ("derived-non-string-key", _derived("{1: 2}"), X_EXPR + r".*: mapping key 1 is not a string"),
    (
        "nested-loops",
        _derived("len([i for i in range(100000) for j in range(100000)])"),
        X_EXPR + r".* too much work: more than 1,000,000 steps",
    ),
    ("power-tower", _derived("((9**512)**512)**512"), X_EXPR + r".* integer too large"),
    ("huge-product", _derived("prod([9**512] * 100000)"), X_EXPR + r".* integer too large"),
    ("quadratic-sum", _derived("sum([[0] * 1000] * 100000, [])"), X_EXPR + r".* (too much work|list too long)"),
    ("format-width", _derived("'%*d' % (10**9, 1)"), X_EXPR + r".* string formatting with % is not allowed"),
    ("hashing-tuples", _derived("len({t for t in [tuple(range(100000))] * 100000})"), X_EXPR + r".* too much work"),
    (
        "comparing-lists",
        _derived("sum([[0] * 100000] * 10000 == [[0] * 100000] * 10000 for i in range(1000))"),
        X_EXPR + r".* too much work",
    ),
    (
        "constraint-loops",
        (DENSE, '"min(hidden) >= outputs"', '"len([i for i in range(100000) for j in range(100000)]) > 0"'),
        AT + r"16: constraints\[0\]: .* too much work",
    ),
    (
        "function-returns-function",
        (SOLVERS, '    return [p["first_width"] // 2**i for i in range(p["depth"])]', "    return len"),
        AT + r"12: params\.hidden\.function: function 'sample\.hidden_widths': a builtin_function_or_method is not",
    ),
    (
        "function-returns-none",
        (SOLVERS, '    return [p["first_width"] // 2**i for i in range(p["depth"])]', "    return None"),
        AT + r"12: params\.hidden\.function: function 'sample\.hidden_widths': None is not a parameter value",
    ),
]


def _files(root: Path) -> set[str]:
    """Every file and folder under `root`, relative to it."""
    return {str(p.relative_to(root)) for p in root.rglob("*")}


@pytest.mark.parametrize(("case", "edit", "pattern"), CASES, ids=[c[0] for c in CASES])
@pytest.mark.slow
def test_hostile_spec_is_a_located_error(case, edit, pattern, sample_copy):
    file, old, new = edit
    target = sample_copy / file
    text = target.read_text()
    assert old in text, f"fixture text for {case} not found"
    target.write_text(text.replace(old, new, 1))
    before = _files(sample_copy)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), os.environ.get("PYTHONPATH", "")])}
    run = subprocess.run([sys.executable, "-c", DRIVER, json.dumps(COMMANDS)], cwd=sample_copy, env=env,
                         capture_output=True, text=True, check=False)  # fmt: skip
    assert run.returncode == 0, f"the driver died (memory or CPU limit?): {run.returncode}\n{run.stderr[-3000:]}"
    report = json.loads(run.stdout.strip().splitlines()[-1])
    for argv, result in zip(COMMANDS, report["results"], strict=True):
        err = result["stderr"]
        assert result["status"] == 2, (argv, err[-3000:])
        assert "Traceback" not in err, (argv, err[-3000:])
        assert re.search(pattern, err), (argv, pattern, err[-3000:])
        assert err.strip().splitlines()[-1].startswith("qbank: "), (argv, err[-3000:])
    assert report["peak"] < MEMORY
    assert _files(sample_copy) == before  # nothing written: no output set, no staging folder
