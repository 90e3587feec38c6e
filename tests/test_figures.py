"""A figure that is not a usable SVG document fails `qbank check` and `qbank build` with a located error that
names the figure function and the seed; the figure is parsed without entities, DTDs or network access."""

from __future__ import annotations

import re

import pytest

from qbank.solve.figures import svg_problem

SOLVER_LINE = '@figure("sample.layer_diagram")\ndef layer_diagram(p: Mapping[str, Any]) -> str:\n'

BROKEN = {
    "a file path": ('"figures/pmf.svg"', r"is not well-formed SVG .*'figures/pmf\.svg'"),
    "malformed XML": ("'<svg width=\"10\" height=\"10\"><rect></svg>'", r"is not well-formed SVG"),
    "no size": ("'<svg xmlns=\"http://www.w3.org/2000/svg\"><rect width=\"5\" height=\"5\"/></svg>'",
                r"an <svg> without a size: give it width and height, or a viewBox"),
    "another root": ("'<html width=\"10\" height=\"10\"/>'", r"root is <html>, not <svg>"),
    "an entity": ("'<!DOCTYPE svg [<!ENTITY x \"y\">]><svg width=\"1\" height=\"1\">&x;</svg>'",
                  r"document type declaration \(DTDs and entities are refused\)"),
}  # fmt: skip


def _break_figure(bank, returned: str) -> None:
    solvers = bank / "solvers.py"
    text = solvers.read_text()
    assert SOLVER_LINE in text
    solvers.write_text(text.replace(SOLVER_LINE, SOLVER_LINE + f"    return {returned}\n"))


@pytest.mark.parametrize("case", list(BROKEN))
def test_check_fails_a_figure_that_is_not_a_sized_svg(case, sample_copy, run_cli, monkeypatch):
    returned, problem = BROKEN[case]
    _break_figure(sample_copy / "banks" / "sample", returned)
    monkeypatch.chdir(sample_copy)
    status, out, err = run_cli("check", "banks/sample/questions/dense-params.yaml", "--seeds", "3", "--jobs", "1")
    assert status == 1, out + err
    assert "FAIL basics/dense-params" in out
    located = r"dense-params\.yaml:7: figure: 'sample\.layer_diagram' for seed 0, paper 'main' returned "
    assert re.search(located + r"(text that |an |a |SVG with a )?.*" + problem, out), out


@pytest.mark.parametrize("case", ["a file path", "no size", "an entity"])
def test_build_refuses_a_figure_that_is_not_a_sized_svg(case, sample_copy, run_cli, monkeypatch):
    returned, problem = BROKEN[case]
    _break_figure(sample_copy / "banks" / "sample", returned)
    monkeypatch.chdir(sample_copy)
    status, out, err = run_cli("build", "exams/sample.yaml", "--seed", "1", "--out", "out")
    assert status == 2, out + err
    assert re.search(r"dense-params\.yaml:7: figure: 'sample\.layer_diagram' for seed 1, paper 'main' .*" + problem,
                     err), err  # fmt: skip
    assert "Traceback" not in err
    assert not (sample_copy / "out").exists()


@pytest.mark.parametrize(
    ("svg", "ok"),
    [
        ('<svg xmlns="http://www.w3.org/2000/svg" width="40mm" height="20mm"/>', True),
        ('<svg viewBox="0 0 40 20"/>', True),
        ('<svg viewBox="0,0,40,20" width="4cm"/>', True),
        ('<?xml version="1.0" encoding="UTF-8"?><svg width="4" height="2"/>', True),
        ('<svg width="40"/>', False),
        ('<svg width="0" height="20"/>', False),
        ('<svg width="wide" height="20"/>', False),
        ('<svg viewBox="0 0 40"/>', False),
        ('<svg viewBox="0 0 -40 20"/>', False),
        ('<svg xmlns="http://example.com/" width="4" height="2"/>', False),
        ('<!DOCTYPE svg SYSTEM "file:///etc/passwd"><svg width="4" height="2"/>', False),
        ('<svg width="4" height="2">&undeclared;</svg>', False),
        ("", False),
        (b"<svg/>", False),
    ],
)
def test_svg_problem(svg, ok):
    assert (svg_problem(svg) is None) == ok, svg_problem(svg)
