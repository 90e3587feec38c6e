"""An answer's unit is typeset like its label: `$math$` in a unit prints as math, bad math is a located error."""

from __future__ import annotations

import re
from pathlib import Path

from qbank.render.page import page_context
from qbank.render.paper import solve_paper
from qbank.render.question import PageRenderer
from qbank.spec.exam import load_exam

DENSE = Path("banks/sample/questions/dense-params.yaml")


def _set_unit(root: Path, unit: str) -> None:
    path = root / DENSE
    text = path.read_text(encoding="utf-8")
    assert "unit: parameters}" in text
    path.write_text(text.replace("unit: parameters}", f"unit: {unit}}}"), encoding="utf-8")


def test_math_in_a_unit_is_typeset_in_the_key(sample_copy: Path) -> None:
    _set_unit(sample_copy, "'cm$^2$ \\$'")
    paper = solve_paper(load_exam(sample_copy / "exams" / "sample.yaml"), 1, "main")
    html = PageRenderer(key_style="full").render("key", page_context(paper, "key"))
    units = re.findall(r'<span class="unit">(.*?)</span></td>', html)
    assert len(units) == 2  # the answer table at the top and the restated question's answers
    for unit in units:
        assert unit.startswith("cm") and unit.endswith(" $")  # `\$` is a dollar sign
        assert "$^2$" not in unit and unit.count("$") == 1  # the formula is typeset, not printed as written
        assert 'class="math inline"' in unit and 'class="math-svg"' in unit


def test_plain_unit_prints_as_written(sample_copy: Path) -> None:
    _set_unit(sample_copy, "'weights & <biases>'")
    paper = solve_paper(load_exam(sample_copy / "exams" / "sample.yaml"), 1, "main")
    html = PageRenderer(key_style="compact").render("key", page_context(paper, "key"))
    assert '<span class="unit">weights &amp; &lt;biases&gt;</span>' in html


def test_bad_math_in_a_unit_is_located(sample_copy: Path, run_cli, monkeypatch) -> None:
    monkeypatch.chdir(sample_copy)
    _set_unit(sample_copy, "'cm$^{2$'")
    status, out, err = run_cli("check", "banks/sample", "--seeds", "3")
    assert status == 2, err
    assert re.search(r"dense-params\.yaml:30: answers\.total\.unit: math error: cannot typeset formula", err), err
    assert "Traceback" not in err
