"""Template, text and math bombs end as located errors within 5 s of CPU and 500 MB of address space."""

from __future__ import annotations

import os
import re
import resource
import subprocess
import sys
from pathlib import Path

import pytest

import qbank
from qbank.core import limits
from qbank.render.templating import make_environment, render_string, template_problems

from .planted import MATMUL_EXAM

CPU_SECONDS, ADDRESS_SPACE = 5, 500 * 2**20
EXAM = MATMUL_EXAM


def _limit() -> None:
    resource.setrlimit(resource.RLIMIT_CPU, (CPU_SECONDS, CPU_SECONDS))
    resource.setrlimit(resource.RLIMIT_AS, (ADDRESS_SPACE, ADDRESS_SPACE))


def run_limited(*args: object, cwd: Path) -> subprocess.CompletedProcess[str]:
    """`qbank ARGS` in a process limited to 5 s of CPU and 500 MB (killed past either)."""
    env = {**os.environ, "PYTHONPATH": str(Path(qbank.__file__).parents[1])}  # the qbank under test
    command = [sys.executable, "-m", "qbank", *map(str, args)]
    return subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, preexec_fn=_limit, timeout=300)


def with_text(project: Path, prefix: str) -> Path:
    """The sample project with `prefix` put before the matmul question's text, and a one-question exam."""
    question = project / "banks" / "sample" / "questions" / "matmul.yaml"
    source = question.read_text()
    question.write_text(source.replace("  Compute $AB$ for", f"  {prefix} Compute $AB$ for", 1))
    (project / "exams" / "one.yaml").write_text(EXAM)
    return question


def assert_located(result: subprocess.CompletedProcess[str], where: str, message: str) -> None:
    """The run ended with status 2 and a `file:line: ...` problem, no traceback."""
    assert result.returncode == 2, (result.returncode, result.stderr[-2000:])
    assert "Traceback" not in result.stderr
    assert re.search(where + r":\d+: " + message, result.stderr), result.stderr


LOAD_BOMBS = {
    "power": "{{ 9**(9**9) }}",
    "repeat": "{{ ('a'*2000000000)|length }}",
    "lipsum": "{{ lipsum(1000000) }}",
    "center": "{{ 'x'|center(2000000000) }}",
    "format-filter": "{{ '%2000000000d'|format(1) }}",
    "percent": "{{ '%2000000000d' % 1 }}",
    "str-format": "{{ '{:>2000000000}'.format(1) }}",
    "range": "{% for i in range(10**9) %}{% endfor %}",
}


@pytest.mark.parametrize("name", LOAD_BOMBS)
@pytest.mark.slow
def test_constant_template_bombs_are_located_at_load(sample_copy, name):
    question = with_text(sample_copy, LOAD_BOMBS[name])
    result = run_limited("variants", question, "--seed", "1", "--count", "1", cwd=sample_copy)
    assert_located(result, "matmul.yaml", "text: template error: ")


RENDER_BOMBS = {
    "nested-loops": (
        "{% for i in range(a[0][0] + 9000) %}{% for j in range(9000) %}{% endfor %}{% endfor %}",
        "template error: the template's loops run more than 10,000 times",
    ),
    "repeat": ("{{ ('a' * (a[0][0] + 3) * 1000000)|length }}", "template error: repeating a value"),
    "doubling": (
        "{% set ns = namespace(s='ab') %}{% for i in range(a[0][0] + 40) %}{% set ns.s = ns.s ~ ns.s %}{% endfor %}",
        "template error: a value of more than 1,000,000",
    ),
    "replace": ("{{ ('a' * 900000)|replace('a', 'aaaaaaaaaa') }}", "template error: replace would make"),
    "join": ("{{ range(9000)|map('string')|join('x' * 100000) }}", "template error: join would make more than"),
    "format-fields": ("{{ ('{0:>999}' * 100000).format(a[0][0]) }}", "template error: str.format would make"),
    "output": (
        "{% for i in range(3000) %}{{ 'y' * 20 }}{% endfor %}",
        "template error: the template renders more than 32,000 characters",
    ),
    "nested-markup": ("{{ '*a ' * 3000 }}b{{ '*' * 3000 }}", "markup error: Markdown nested more than 16 deep"),
    "wide-table": (
        "\n\n  {{ '|a' * 20000 }}|\n  {{ '|-' * 20000 }}|\n  {{ '|1' * 20000 }}|\n\n ",
        "template error: the template renders more than 32,000 characters",
    ),
    "table-columns": ("\n\n  {{ '|a' * 100 }}|\n  {{ '|-' * 100 }}|\n\n ", "markup error: table 1 has 100 columns"),
    "fractions": ("${{ '\\\\frac{1}{' * 200 }}x{{ '}' * 200 }}$", "math error: .*nested more than 24 deep"),
    "roots": ("${{ '\\\\sqrt ' * 60 }}x$", "math error: .*nested more than 24 deep"),
    "long-formula": ("${{ 'x+' * 3000 }}x$", "math error: .*6,001 characters"),
}


@pytest.mark.parametrize("name", RENDER_BOMBS)
@pytest.mark.slow
def test_template_text_and_math_bombs_end_located_at_build(sample_copy, name):
    prefix, message = RENDER_BOMBS[name]
    with_text(sample_copy, prefix)
    result = run_limited("build", "exams/one.yaml", "--seed", "1", "--out", "out", cwd=sample_copy)
    assert_located(result, "matmul.yaml", "text: " + message)
    assert not (sample_copy / "out").exists()


@pytest.mark.slow
def test_a_page_template_bomb_names_the_page_template(sample_copy):
    folder = sample_copy / "mine"
    folder.mkdir()
    page = "{% extends 'base.html.j2' %}\n{% block body %}\n{{ 9**(9**9) }}{% endblock %}"
    (folder / "paper.html.j2").write_text(page)
    (sample_copy / "exams" / "one.yaml").write_text(EXAM)
    result = run_limited("build", "exams/one.yaml", "--seed", "1", "--out", "out", "--templates", folder,
                         cwd=sample_copy)  # fmt: skip
    assert_located(result, "mine/paper.html.j2", r"page template error: TemplateLimitError: 9 \*\* 387420489")


def test_runtime_errors_in_a_question_template_are_located(sample_copy, run_cli, monkeypatch):
    monkeypatch.chdir(sample_copy)
    question = with_text(sample_copy, "{{ a[0][0] / 0 }}")
    status, _, err = run_cli("build", "exams/one.yaml", "--seed", "1", "--out", "out")
    assert status == 2 and "Traceback" not in err
    line = question.read_text().splitlines().index("text: |") + 2
    assert f"matmul.yaml:{line}: text: template error: ZeroDivisionError: division by zero" in err
    assert not (sample_copy / "out").exists()


def test_a_question_source_past_the_bound_is_refused_at_load():
    source = "x" * (limits.QUESTION_MAX_SOURCE + 1)
    assert template_problems(source, set(), set()) == [(1, "template of 16,001 characters (at most 16,000)")]
    assert template_problems(source[:-1], set(), set()) == []


def test_bounds_at_their_edges():
    assert render_string("{% for i in range(10000) %}{% endfor %}ok", {}) == "ok"
    assert render_string("{{ (2 ** 4095).bit_length() }}", {}) == "4096"
    assert render_string("{{ ('a' * 1000000)|length }}", {}) == "1000000"
    assert render_string("{{ 'x'|center(1000)|length }}", {}) == "1000"
    assert len(render_string("{{ 'y' * 32000 }}", {})) == 32000
    assert len(render_string("{% for i in range(8000) %}abcd{% endfor %}", {})) == 32000  # the template's own text
    over = [
        "{% for i in range(10001) %}{% endfor %}",
        "{{ 2 ** 4096 }}",
        "{{ ('a' * 1000001)|length }}",
        "{{ 'x'|center(1001) }}",
        "{{ 'y' * 32001 }}",
        "{% for i in range(8001) %}abcd{% endfor %}",
    ]
    for source in over:
        with pytest.raises(Exception, match=r"at most|more than|above"):
            render_string(source, {})


def test_page_output_and_work_bounds_at_their_edges():
    env = make_environment()
    page = "{% for i in range(N) %}{{ 'y' * 1000000 }}{% endfor %}"
    assert len(env.from_string(page.replace("N", "16")).render()) == limits.PAGE_MAX_OUTPUT
    with pytest.raises(Exception, match="renders more than 16,000,000 characters"):
        env.from_string(page.replace("N", "17")).render()
    work = "{% for i in range(N) %}{% set x = 'y' * 1000000 %}{% endfor %}done"
    assert env.from_string(work.replace("N", "49")).render() == "done"
    with pytest.raises(Exception, match="computes more than 50,000,000 characters"):
        env.from_string(work.replace("N", "51")).render()


def test_markup_and_math_bounds_at_their_edges():
    from qbank.render.markup import MarkupError, markdown_math_html
    from qbank.render.mathsvg import MathError, math_html

    def table(columns: int, rows: int) -> str:
        return "\n".join(["|a" * columns + "|", "|-" * columns + "|"] + ["|1" * columns + "|"] * rows)

    markdown_math_html(table(24, 40))  # 24 columns, 1,000 cells with the header
    for text, why in ((table(25, 1), "25 columns"), (table(20, 50), "1,020 cells")):
        with pytest.raises(MarkupError, match=why):
            markdown_math_html(text)
    markdown_math_html("> " * 15 + "x")  # 15 quotes and a paragraph: 16 elements deep
    with pytest.raises(MarkupError, match="nested more than 16 deep"):
        markdown_math_html("> " * 16 + "x")
    math_html("{" * 24 + "x" + "}" * 24, False)
    math_html("x+" * 1999 + "xy", False)  # 4,000 characters
    for latex, why in (("{" * 25 + "x" + "}" * 25, "nested more than 24"), ("x+" * 2000 + "x", "4,001 characters")):
        with pytest.raises(MathError, match=why):
            math_html(latex, False)


def test_constant_expressions_are_checked_at_load_as_values_not_output():
    assert template_problems("{{ ('ab' * 100000)|length }} {{ 2 ** 64 }}", set(), set()) == []
    assert template_problems("x\n{{ 1 + 9 ** 9999 }}", set(), set()) == [
        (2, "template error: 9 ** 9999 has more than 4,096 bits")
    ]
