"""`qbank practice`: fresh variants on chosen topics, solutions at the end or inline, PDF and self-contained HTML."""

from __future__ import annotations

import json
import re

import pytest

from qbank.draw.sheet import choose
from qbank.spec.bank import load_bank

from .classsets import pdf_text
from .conftest import SAMPLE_BANK

pytestmark = pytest.mark.slow


def test_chooses_questions_on_the_topics_and_repeats_with_fresh_variants():
    questions = list(load_bank(SAMPLE_BANK).questions.values())
    chosen = choose(questions, ["softmax", "linear-algebra"], 5, seed=2)
    assert {q.id for q, _ in chosen} == {"basics/softmax", "basics/matmul"}
    assert [rep for _, rep in chosen] == [0, 0, 1, 1, 2]
    assert chosen == choose(questions, ["softmax", "linear-algebra"], 5, seed=2)
    assert len(choose(questions, [], 4, seed=0)) == 4


def test_sheet_with_solutions_at_the_end(tmp_path, run_cli):
    out = tmp_path / "drill"
    status, stdout, err = run_cli("practice", SAMPLE_BANK, "--topics", "softmax,linear-algebra", "--count", "4",
                                  "--seed", "5", "--out", out)  # fmt: skip
    assert status == 0, err
    assert sorted(p.name for p in out.iterdir()) == ["manifest.json", "practice.html", "practice.pdf"]
    manifest = json.loads((out / "manifest.json").read_text())
    questions = manifest["papers"][0]["questions"]
    assert [q["paper"] for q in questions] == ["practice-0", "practice-0", "practice-1", "practice-1"]
    assert len({json.dumps(q["params"], sort_keys=True) for q in questions}) == 4  # four different variants
    text = pdf_text(out / "practice.pdf").replace("\u2212", "-")  # values print with a true minus
    assert text.index("Solutions") > max(text.index(str(n)) for n in (1, 2, 3, 4))
    for question in questions:
        for value in question["answers_formatted"].values():
            assert value in text
    html = (out / "practice.html").read_text()
    assert not re.search(r'(src|href)="(?!data:)', html), "the HTML must not load anything"
    assert "<style>" in html and "Solutions" in html


def test_inline_solutions_follow_each_question(tmp_path, run_cli):
    out = tmp_path / "inline"
    status, stdout, err = run_cli("practice", SAMPLE_BANK, "--topics", "mlp", "--count", "2", "--seed", "5",
                                  "--inline-solutions", "--out", out)  # fmt: skip
    assert status == 0, err
    text = pdf_text(out / "practice.pdf")
    assert "Solutions" not in text and text.count("Worked solution") == 2
