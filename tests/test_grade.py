"""`qbank grade`: each student's responses against their own answers, at the tolerance boundaries."""

from __future__ import annotations

import csv
import io
import math

import pytest

from qbank.cli import main
from qbank.formats import format_answer
from qbank.models import AnswerSpec

from .classsets import manifest, roster_rows, write_roster
from .conftest import SAMPLE_EXAM

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    folder = tmp_path_factory.mktemp("graded")
    rows = roster_rows(3)
    roster = write_roster(folder / "students.csv", rows)
    out = folder / "set"
    assert main(["build", str(SAMPLE_EXAM), "--roster", str(roster), "--seed", "11", "--out", str(out)]) == 0
    return out, rows


def questions_of(out, roll):
    paper = next(p for p in manifest(out)["papers"] if p["paper_id"] == roll)
    return {q["id"]: q for q in paper["questions"]}


def write_responses(path, header, rows):
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def grade_rows(out, responses, tmp_path):
    marks = tmp_path / "marks.csv"
    assert main(["grade", str(out), str(responses), "--out", str(marks)]) == 0
    return {row["roll"]: row for row in csv.DictReader(io.StringIO(marks.read_text(encoding="utf-8-sig")))}


def shifted(value, delta):
    """A number written out with enough digits to sit exactly where we want it."""
    return repr(value + delta)


def test_gradebook_itself_scores_full_marks(built, tmp_path):
    out, rows = built
    marks = grade_rows(out, out / "answers.csv", tmp_path)
    for row in rows:
        line = marks[row["roll"]]
        assert float(line["total"]) == float(line["auto_max"]) == float(line["paper_max"]) == 13
        assert line["name"] == row["name"] and line["paper"] == row["roll"]


def test_tolerance_boundaries_per_answer_format(built, tmp_path):
    out, rows = built
    header = ["roll", "name", "basics/softmax:probs", "basics/softmax:loss", "basics/matmul:product",
              "basics/matmul:trace", "basics/matmul:sign", "basics/compute-scaling:growth",
              "basics/dense-params:total"]  # fmt: skip
    lines = []
    for index, row in enumerate(rows[:2]):
        q = questions_of(out, row["roll"])
        loss, probs = q["basics/softmax"]["answers"]["loss"], q["basics/softmax"]["answers"]["probs"]
        growth = q["basics/compute-scaling"]["answers"]["growth"]
        product = q["basics/matmul"]["answers"]["product"]
        total = q["basics/dense-params"]["answers"]["total"]
        growth_tol = 0.5 * 10 ** (math.floor(math.log10(abs(growth))) - 2)
        inside = index == 0  # student 0: every response just inside its tolerance; student 1: just outside
        eps = 0.98 if inside else 1.02
        probs_text = "[" + ", ".join(repr(p + eps * 0.0005) for p in probs) + "]"
        product_text = "[" + "; ".join(", ".join(repr(v + eps * 0.5) for v in r) for r in product) + "]"
        sign = q["basics/matmul"]["answers"]["sign"]
        lines.append([
            row["roll"], row["name"], probs_text, shifted(loss, -eps * 0.0005), product_text,
            str(q["basics/matmul"]["answers"]["trace"] + (0 if inside else 1)),
            f"  {sign.upper()} " if inside else "negative-ish", shifted(growth, eps * growth_tol),
            f"{total:,}" if inside else str(total + 1),
        ])  # fmt: skip
    # student 2 leaves everything blank but the dense total
    q2 = questions_of(out, rows[2]["roll"])
    lines.append([rows[2]["roll"], rows[2]["name"], *[""] * 6, str(q2["basics/dense-params"]["answers"]["total"])])
    marks = grade_rows(out, write_responses(tmp_path / "responses.csv", header, lines), tmp_path)
    inside, outside, blank = (marks[r["roll"]] for r in rows)
    assert (inside["basics/softmax"], inside["basics/matmul"], inside["basics/compute-scaling"],
            inside["basics/dense-params"]) == ("3", "3", "3", "4")  # fmt: skip
    assert float(inside["total"]) == 13
    assert (outside["basics/softmax"], outside["basics/matmul"], outside["basics/compute-scaling"],
            outside["basics/dense-params"]) == ("0", "0", "0", "0")  # fmt: skip
    assert float(outside["total"]) == 0
    assert blank["basics/dense-params"] == "4" and float(blank["total"]) == 4


def test_partial_credit_is_marks_times_the_share_of_right_answers(built, tmp_path):
    out, rows = built
    q = questions_of(out, rows[0]["roll"])
    matmul = q["basics/matmul"]
    header = ["roll", "basics/matmul:product", "basics/matmul:trace", "basics/matmul:sign"]
    line = [rows[0]["roll"], matmul["answers_formatted"]["product"], str(matmul["answers"]["trace"] + 5), ""]
    marks = grade_rows(out, write_responses(tmp_path / "r.csv", header, [line]), tmp_path)
    assert marks[rows[0]["roll"]]["basics/matmul"] == "1"  # 1 of 3 answers right, 3 marks


@pytest.mark.parametrize("value", [0.4567, 2.25, -0.0012345, 123456.789])
def test_printed_key_value_is_always_accepted(value):
    from qbank.formats import check

    for spec in (AnswerSpec(label="x", format="fixed", decimals=3), AnswerSpec(label="x", format="sig", sig=3)):
        assert check(spec, value, format_answer(spec, value))


def test_grade_writes_nothing_over_an_existing_file_without_force(built, tmp_path, capsys):
    out, rows = built
    target = tmp_path / "marks.csv"
    target.write_text("keep")
    assert main(["grade", str(out), str(out / "answers.csv"), "--out", str(target)]) == 2
    assert "already exists (use --force to replace it)" in capsys.readouterr().err
    assert target.read_text() == "keep"
    assert main(["grade", str(out), str(out / "answers.csv"), "--out", str(target), "--force"]) == 0
    assert target.read_text(encoding="utf-8-sig").startswith("roll,name,section,paper,")


GOOD = "roll,name,basics/dense-params:total\n"

# (case id, responses bytes, expected stderr pattern)
GRADE_CASES = [
    ("unknown-roll", GOOD + "99XX0001,Nobody,12\n", r"responses\.csv:2: roll: no paper '99XX0001' in this set"),
    ("duplicate-roll", GOOD + "24CS1001,A,1\n24CS1001,A,2\n",
     r"responses\.csv:3: roll: duplicate responses for '24CS1001' \(first at line 2\)"),
    ("unknown-answer-column", "roll,basics/dense-params:totl\n24CS1001,1\n",
     r"responses\.csv:1: basics/dense-params:totl: not an answer of any paper in this set"),
    ("no-roll-column", "name,basics/dense-params:total\nA,1\n",
     r"responses\.csv:1: the header needs a 'roll' column naming each paper"),
    ("bad-encoding", (GOOD + "24CS1001,Ren\u00e9,1\n").encode("latin-1"),
     r"responses\.csv:2: responses file is not valid UTF-8"),
    ("ragged-row", GOOD + "24CS1001,1\n", r"responses\.csv:2: 2 fields, but the header has 3"),
    ("missing-answer-column", "roll,basics/softmax:loss\n24CS1001,1\n",
     r"responses\.csv:1: no column 'basics/softmax:probs' \(paper '24CS1001' at line 2 has that answer\)"),
]  # fmt: skip


@pytest.mark.parametrize(("case", "content", "pattern"), GRADE_CASES, ids=[c[0] for c in GRADE_CASES])
def test_bad_responses_file(case, content, pattern, built, tmp_path, run_cli, monkeypatch):
    from .test_user_errors import _assert_user_error

    out, rows = built
    monkeypatch.chdir(tmp_path)
    (tmp_path / "responses.csv").write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    status, stdout, err = run_cli("grade", out, "responses.csv")
    _assert_user_error(status, err, pattern)
    assert not (tmp_path / "marks.csv").exists()
