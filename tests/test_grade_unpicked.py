"""A class set's own answers.csv grades even when a pool question went to no student (its columns are empty)."""

from __future__ import annotations

import csv
import json

import pytest

from .conftest import ROOT

pytestmark = pytest.mark.slow  # builds and renders a class set

CLASSSET = ROOT / "exams" / "sample-classset.yaml"
ROSTER = ROOT / "exams" / "roster-example.csv"


def test_the_gradebook_of_a_set_where_a_pool_question_went_to_nobody_grades_in_full(tmp_path, run_cli):
    roster = tmp_path / "one.csv"
    roster.write_text("\n".join(ROSTER.read_text(encoding="utf-8").splitlines()[:2]) + "\n", encoding="utf-8")
    out = tmp_path / "set"
    status, _, err = run_cli("build", CLASSSET, "--roster", roster, "--seed", "7", "--out", out, "--jobs", "1")
    assert status == 0, err
    on_paper = {q["id"] for q in json.loads((out / "manifest.json").read_text())["papers"][0]["questions"]}
    with (out / "answers.csv").open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    unpicked = [c for c in rows[0] if ":" in c and c.split(":")[0] not in on_paper]
    assert unpicked  # the pool's other question has columns though no paper has it
    responses = tmp_path / "responses.csv"
    responses.write_bytes((out / "answers.csv").read_bytes())
    status, printed, err = run_cli("grade", out, responses)
    assert status == 0, err
    assert printed.startswith("24CS1001 Asha Rao: 10 of 10 auto-graded marks"), printed
    # a cell typed into such a column is still refused: no paper has that answer
    rows[1][rows[0].index(unpicked[0])] = "12"
    with responses.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    status, _, err = run_cli("grade", out, responses, "--out", tmp_path / "m2.csv")
    assert status == 2 and f"responses.csv:1: {unpicked[0]}: not an answer of any paper in this set" in err, err
