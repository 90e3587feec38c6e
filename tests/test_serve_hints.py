"""`qbank serve`: each number input's hint states the precision the grader needs (decimal places, significant
figures, a whole number, and the tolerance when it is not the format's natural half-unit), from the answer's spec
alone, so every seed of a question shows the same hints."""

from __future__ import annotations

import re

from qbank.serve.hints import hint
from qbank.spec.models import AnswerSpec

from .conftest import ROOT
from .serve_helpers import client

SAMPLE = ROOT / "banks" / "sample"


def hints(page: str) -> dict[str, str]:
    """Each answer's hint on a question page, by its label (or legend)."""
    found = {}
    for block in page.split('<div class="answer')[1:]:
        label = re.search(r"<(?:label for=\"[^\"]*\"|legend)>([^<]*?)\s*(?:<|$)", block)
        said = re.search(r'class="hint"[^>]*>([^<]*)</span>', block)
        assert label and said, block
        text = said.group(1)
        found[label.group(1)] = text[1:-1] if text.startswith("(") else text
    return found


def test_each_number_input_says_the_precision_the_grader_needs_before_submission():
    _, web = client(SAMPLE)
    assert hints(web.get("/q/basics/softmax/2").text) == {
        "Probabilities": "one number per cell, each to 3 decimal places",
        "Cross-entropy loss": "a number, to 3 decimal places",
    }
    assert hints(web.get("/q/basics/compute-scaling/2").text)["Growth factor"] == (
        "a number (e allowed), to 3 significant figures"
    )
    matmul = hints(web.get("/q/basics/matmul/2").text)
    assert matmul["AB"] == "one number per cell, each rounded to a whole number"
    assert matmul["Trace"] == "a whole number (thousands separators allowed)"


def test_the_hints_are_identical_across_seeds_so_they_never_leak_the_key():
    _, web = client(SAMPLE)
    for question in ("basics/softmax", "basics/matmul", "basics/compute-scaling", "basics/dense-params"):
        seen = {tuple(hints(web.get(f"/q/{question}/{seed}").text).items()) for seed in range(1, 9)}
        assert len(seen) == 1, (question, seen)


def spec(**fields: object) -> AnswerSpec:
    """An answer spec as a bank declares it."""
    return AnswerSpec.model_validate({"label": "x", **fields})


def test_a_declared_tolerance_is_stated_unless_it_is_the_formats_natural_half_unit():
    assert hint(spec(format="fixed", decimals=2, tolerance={"abs": 0.005})) == "a number, to 2 decimal places"
    assert (
        hint(spec(format="fixed", decimals=2, tolerance={"abs": 0.01})) == "a number, to 2 decimal places, within ±0.01"
    )
    assert hint(spec(format="fixed", decimals=1)) == "a number, to 1 decimal place"
    assert hint(spec(format="sig", sig=3, tolerance={"rel": 0.01})) == (
        "a number (e allowed), to 3 significant figures, within 1% of the exact value"
    )
    assert hint(spec(format="sig", sig=3, tolerance={"sig": 3})) == "a number (e allowed), to 3 significant figures"
    assert hint(spec(format="fixed", decimals=4, tolerance={"sig": 2})) == "a number, to 2 significant figures"
    assert hint(spec(format="int", tolerance={"abs": 2})) == "a whole number (thousands separators allowed), within ±2"
    assert hint(spec(format="vector", decimals=3, tolerance={"abs": 0.01}), grid=True) == (
        "one number per cell, each to 3 decimal places, within ±0.01"
    )
    assert hint(spec(format="text")) == "words"
