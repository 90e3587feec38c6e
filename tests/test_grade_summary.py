"""qbank grade's summary tells apart students who wrote the same form."""

from __future__ import annotations

import csv

import pytest

from .conftest import SAMPLE_EXAM

pytestmark = pytest.mark.slow  # builds and renders a set of forms


def test_students_of_one_form_are_told_apart_by_their_line(tmp_path, run_cli):
    out = tmp_path / "forms"
    status, _, err = run_cli("build", SAMPLE_EXAM, "--forms", "2", "--seed", "3", "--out", out, "--jobs", "1")
    assert status == 0, err
    with (out / "answers.csv").open(encoding="utf-8-sig", newline="") as handle:
        key = {row["form"]: row for row in csv.DictReader(handle)}
    column = "basics/dense-params:total"
    responses = tmp_path / "responses.csv"
    rows = [
        ["student", "form", column],
        ["ana", "A", key["A"][column]],
        ["bob", "A", "1"],
        ["cid", "B", key["B"][column]],
    ]
    with responses.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    status, printed, err = run_cli("grade", out, responses)
    assert status == 0, err
    lines = printed.splitlines()[:3]
    assert lines[0].startswith("A (line 2): 4 of 4 auto-graded marks"), lines
    assert lines[1].startswith("A (line 3): 0 of 4 auto-graded marks"), lines
    assert lines[2].startswith("B: 4 of 4 auto-graded marks"), lines  # one student on form B: no line needed
