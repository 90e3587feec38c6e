"""The declared solver -> template contract (`steps:`): template reads checked at load, solver results at solve
time, in the author's words; and the LaTeX number filter that lets solvers return numbers only."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from types import MappingProxyType

import jinja2
import pytest

from qbank.render.templating import make_environment, sci
from tests.conftest import DL_BANK

DENSE = "banks/sample/questions/dense-params.yaml"
SOFTMAX = "banks/sample/questions/softmax.yaml"
SOLVERS = "banks/sample/solvers.py"
CHECK = ("check", "banks/sample", "--seeds", "3")


def _edit(root: Path, file: str, old: str, new: str) -> None:
    """Replace one piece of text in a copied bank file (which must contain it)."""
    target = root / file
    text = target.read_text()
    assert old in text, f"{old!r} not in {file}"
    target.write_text(text.replace(old, new, 1))


def _user_error(status: int, err: str) -> list[str]:
    """The located problem lines of a user error (exit 2, no traceback)."""
    assert status == 2, err
    assert "Traceback" not in err
    return [line for line in err.splitlines() if not line.startswith("qbank: ")]


# --- load time: what the solution template reads ------------------------------------------------------------


def test_misspelt_key_of_a_loop_variable_is_located_at_its_template_line(sample_copy, run_cli, monkeypatch):
    # dense-params.yaml: the solution block starts on line 23; `{% for l in steps.layers %}` is on line 25
    _edit(sample_copy, DENSE, "${{ l.n_in }} \\times", "${{ l.n_inn }} \\times")
    monkeypatch.chdir(sample_copy)
    lines = _user_error(*run_cli(*CHECK)[::2])
    assert lines == [
        "banks/sample/questions/dense-params.yaml:25: solution: reads steps.layers[].n_inn, which `steps:` does not "
        "declare (declared: biases, n_in, n_out, weights)"
    ]


def test_misspelt_direct_and_subscripted_reads_are_located(sample_copy, run_cli, monkeypatch):
    first = "  First: {{ steps.layers[0].weigths }} {{ steps['layerz'] }}\n"
    _edit(sample_copy, DENSE, "  Total: **", first + "  Total: **")
    monkeypatch.chdir(sample_copy)
    status, _, err = run_cli(*CHECK)
    lines = _user_error(status, err)
    assert "banks/sample/questions/dense-params.yaml:28: solution: reads steps.layers[].weigths, which `steps:` " \
        "does not declare (declared: biases, n_in, n_out, weights)" in lines  # fmt: skip
    assert "banks/sample/questions/dense-params.yaml:28: solution: reads steps.layerz, which `steps:` does not " \
        "declare (declared: layers)" in lines  # fmt: skip
    assert len(lines) == 2, err


def test_the_deep_learning_example_of_the_issue(tmp_path, run_cli):
    bank = tmp_path / "deep-learning"
    shutil.copytree(DL_BANK, bank)
    question = bank / "questions" / "transformer" / "masked-mha.yaml"
    text = question.read_text()
    line = next(n for n, row in enumerate(text.splitlines(), 1) if "${{ h.K_visible[j]|vec(0) }}$" in row)
    question.write_text(text.replace("${{ h.K_visible[j]|vec(0) }}$", "${{ h.K_visble[j]|vec(0) }}$"))
    lines = _user_error(*run_cli("check", question, "--seeds", "1")[::2])
    assert len(lines) == 1
    assert lines[0].startswith(f"{question}:{line}: solution: reads steps.heads[].K_visble, which `steps:` does not "
                               "declare (declared: K, K_visible, Q, V, V_visible, d_k, head,")  # fmt: skip


ANALYSED = [  # (solution template, expected messages); the declaration is DECLARED below
    ("{% set s = steps.rows[0] %}{{ s.cell }}", ["reads steps.rows[].cell, which"]),
    ("{% with r = steps.rows|last %}{{ r.x }}{% endwith %}", []),  # `last` is no item-keeping filter: unknown
    ("{% for r in steps.rows|reverse %}{{ r.valeu }}{% endfor %}", ["reads steps.rows[].valeu, which"]),
    ("{% for r in steps.rows %}{% for c in r.cells %}{{ c.x }}{% endfor %}{% endfor %}",
     ["reads steps.rows[].cells[].x, but `steps:` declares steps.rows[].cells[] as a number, which has no keys"]),
    ("{% for k, v in steps.pair.items() %}{{ v }}{% endfor %}{{ steps.pair.a }}{{ steps.name.upper() }}", []),
    ("{{ steps.pair.c }}", ["reads steps.pair.c, which `steps:` does not declare (declared: a, b)"]),
    ("{% macro m(steps) %}{{ steps.anything }}{% endmacro %}{{ m(1) }}", []),  # the macro's own `steps`
    ("{% for steps in [1] %}{{ steps.anything }}{% endfor %}", []),
    ("{% set s = steps.pair %}{% set s %}{{ steps.pair.a }}{% endset %}{{ s.anything }}", []),  # `s` is text now
    ("{{ steps.free.anything.deeper }}{{ steps.name }}", []),
    ("{{ steps.name.first }}", ["reads steps.name.first, but `steps:` declares steps.name as text, which has no keys"]),
    ("{{ steps.rows[0].value }}{{ steps.rows[1:].value }}", ["reads steps.rows.value, but `steps:` declares "
                                                             "steps.rows as a list, which has no keys"]),
]  # fmt: skip
DECLARED = """steps:
  rows: {list: {value: number, cells: vector}}
  pair: {a: int, b: int}
  name: text
  free: mapping
"""


@pytest.mark.parametrize(("template", "expected"), ANALYSED)
def test_reads_are_followed_through_sets_loops_filters_and_shadowing(template, expected, sample_copy, run_cli,
                                                                     monkeypatch):  # fmt: skip
    solvers = sample_copy / SOLVERS
    steps = "{'rows': [], 'pair': {'a': 1, 'b': 2}, 'name': 'x', 'free': {}}"
    solvers.write_text(solvers.read_text() + "\n\n@solver('sample.shapes')\ndef shapes(p):\n"
                       f"    return Solution(answers={{}}, steps={steps})\n")  # fmt: skip
    question = sample_copy / "banks/sample/questions/shapes.yaml"
    question.write_text("id: basics/shapes\ntitle: Shapes\nmarks: 1\nsolver: sample.shapes\ntext: Shapes.\n"
                        f"solution: |\n  {template}\n" + DECLARED)  # fmt: skip
    monkeypatch.chdir(sample_copy)
    status, _, err = run_cli("check", "banks/sample/questions/shapes.yaml", "--seeds", "1")
    if not expected:
        assert "reads steps" not in err
        return
    lines = _user_error(status, err)
    assert [line.split(": solution: ", 1)[1][: len(want)] for line, want in zip(lines, expected, strict=True)] == (
        expected
    )
    assert all(line.startswith("banks/sample/questions/shapes.yaml:7: solution: ") for line in lines)


BAD_DECLARATIONS = [
    ("  layers: {list: {n_in: int, n_out: int, weights: int, biases: int}}",
     "  layers: {list: {n_in: int, n_out: integer, weights: int, biases: int}}",
     r"dense-params\.yaml:32: steps\.layers\.list\.n_out: unknown kind 'integer' \(kinds: any, bool, int, list, "),
    ("  layers: {list: {n_in: int, n_out: int, weights: int, biases: int}}", "  layers: {}",
     r"dense-params\.yaml:32: steps\.layers: an empty mapping declares nothing"),
    ("  layers: {list: {n_in: int, n_out: int, weights: int, biases: int}}", "  layers: [int]",
     r"dense-params\.yaml:32: steps\.layers: expected a kind name or a mapping, got \['int'\]"),
    ("solver: sample.dense_params\n", "", r"dense-params\.yaml:30: steps: declared steps need a `solver`"),
]  # fmt: skip


@pytest.mark.parametrize(("old", "new", "pattern"), BAD_DECLARATIONS)
def test_bad_declarations_are_located(old, new, pattern, sample_copy, run_cli, monkeypatch):
    _edit(sample_copy, DENSE, old, new)
    monkeypatch.chdir(sample_copy)
    status, _, err = run_cli(*CHECK)
    assert any(re.search(pattern, line) for line in _user_error(status, err)), err


def test_an_undeclared_question_keeps_working_as_today(sample_copy, run_cli, monkeypatch):
    _edit(sample_copy, DENSE, "steps:\n  layers: {list: {n_in: int, n_out: int, weights: int, biases: int}}\n", "")
    monkeypatch.chdir(sample_copy)
    status, out, err = run_cli(*CHECK)
    assert status == 0, err
    _edit(sample_copy, DENSE, "${{ l.n_in }} \\times", "${{ l.n_inn }} \\times")  # undeclared: found on rendering
    status, out, err = run_cli(*CHECK)
    assert status == 1 and err == "", err
    assert "dense-params.yaml:25: solution: template error: the mapping has no key 'n_inn' (its keys: biases, n_in, " \
        "n_out, weights)" in out  # fmt: skip
    assert "mappingproxy" not in out


# --- solve time: what the solver returns --------------------------------------------------------------------

SOLVER_CASES = [
    ('steps={"scaled": scaled, "exps": exps, "sum": total}', 'steps={"scaled": scaled, "exps": exps, "sum": [total]}',
     "steps.sum: expected a number, got a list of 1 item"),
    ('steps={"scaled": scaled, "exps": exps, "sum": total}', 'steps={"scaled": scaled, "exps": [exps], "sum": total}',
     "steps.exps: expected a vector (a list of numbers), got a list of 1 item"),
    ('steps={"scaled": scaled, "exps": exps, "sum": total}', 'steps={"scaled": scaled, "sum": total, "total": 1}',
     "steps: keys do not match `steps:` (missing exps; not declared: total)"),
    ('steps={"layers": layers}', 'steps={"layers": layers[:1] + [dict(layers[-1], weights="many")]}',
     "steps.layers[1].weights: expected a whole number, got text"),
    ('steps={"layers": layers}', 'steps={"layers": {"n_in": 1}}', "steps.layers: expected a list, got a mapping"),
]  # fmt: skip


@pytest.mark.parametrize(("old", "new", "expected"), SOLVER_CASES)
def test_a_solver_returning_another_shape_is_a_plain_words_error(old, new, expected, sample_copy, run_cli,
                                                                  monkeypatch):  # fmt: skip
    _edit(sample_copy, SOLVERS, old, new)
    monkeypatch.chdir(sample_copy)
    status, _, err = run_cli("variants", "banks/sample", "--seed", "7")
    lines = _user_error(status, err)
    assert len(lines) == 1, err
    assert f"returned steps unlike its `steps:` declaration: {expected} (question 'basics/" in lines[0]
    assert re.search(r"seed 7, paper 'main', params \{", lines[0]), lines[0]
    for word in ("mappingproxy", "tuple", "dict", "NoneType", "float", "str"):
        assert word not in lines[0].split(" (question ")[0], lines[0]


# --- LaTeX number filters -----------------------------------------------------------------------------------

SCI = [  # (value, significant figures, LaTeX), worked out by hand
    (0.000012345, 3, r"1.23 \times 10^{-5}"),
    (12345678, 3, r"1.23 \times 10^{7}"),
    (-98765, 2, r"-9.9 \times 10^{4}"),
    (0.001234, 3, "0.00123"),
    (0.0456, 3, "0.0456"),
    (1234.56, 3, "1235"),
    (2.0, 4, "2.000"),
    (0, 3, "0"),
    (6.02e23, 3, r"6.02 \times 10^{23}"),
]


@pytest.mark.parametrize(("value", "sig", "latex"), SCI)
def test_sci_filter_prints_latex_scientific_notation(value, sig, latex):
    env = make_environment()
    assert env.from_string("{{ x|sci(n) }}").render(x=value, n=sig) == latex
    if sig == 3:
        assert env.from_string("{{ x|sci }}").render(x=value) == latex


def test_fixed_and_sig_filters_print_numbers_for_math():
    env = make_environment()
    assert env.from_string("{{ 1234.567|fixed(2) }} {{ 0.5|fixed(0) }} {{ 0.0012345|sig(3) }}").render() == (
        "1,234.57 1 0.00123"
    )


@pytest.mark.parametrize("bad", ["1.5", None, True, float("inf")])
def test_sci_filter_refuses_what_is_not_a_finite_number(bad):
    with pytest.raises(TypeError, match="sci needs a finite number"):
        sci(bad)


def test_sci_filter_bounds_its_figures():
    with pytest.raises(TypeError, match="sci needs 1 to 17 significant figures, got 1000000000"):
        sci(1.5, 10**9)


# --- undefined values in plain words ------------------------------------------------------------------------

MANY = MappingProxyType({f"k{i:02}": i for i in range(14)})
PLAIN = [
    ("{{ m.x }}", {"m": MappingProxyType({"b": 2, "a": 1})}, "the mapping has no key 'x' (its keys: a, b)"),
    ("{{ m['x'] }}", {"m": MANY}, "the mapping has no key 'x' (its keys: k00, k01, k02, k03, k04, k05, k06, k07, "
                                  "k08, k09, k10, k11, ...)"),
    ("{{ l[5] }}", {"l": (1, 2, 3)}, "the list of 3 items has no item 5"),
    ("{{ l.x }}", {"l": (1,)}, "the list of 1 item has no key 'x'"),
    ("{{ n.x }}", {"n": 2.5}, "the number has no key 'x'"),
    ("{{ y }}", {}, "'y' is undefined"),
]  # fmt: skip


@pytest.mark.parametrize(("source", "context", "message"), PLAIN)
def test_undefined_values_are_named_in_plain_words(source, context, message):
    env = make_environment()
    with pytest.raises(jinja2.UndefinedError) as caught:
        env.from_string(source).render(context)
    assert str(caught.value) == message


def test_plain_undefined_stays_strict_and_testable():
    env = make_environment()
    proxy = MappingProxyType({"a": 1})
    assert env.from_string("{{ m.x is defined }} {{ m.a is defined }} {{ m.x|default(3) }}").render(m=proxy) == (
        "False True 3"
    )
    with pytest.raises(jinja2.UndefinedError, match="the mapping has no key 'x'"):
        env.from_string("{% for i in m.x %}{% endfor %}").render(m=proxy)
