"""`qbank grade` on what a stranger's class typed: '3,355' that reads both ways is listed, the answer's unit after
a number is read, and the students without responses are named and kept in marks.csv as absent."""

from __future__ import annotations

import csv
import io

import pytest

from qbank.sets.grade import absent_note

from .classsets import manifest, roster_rows
from .conftest import SAMPLE_EXAM

pytestmark = pytest.mark.slow  # builds and renders a class set

GROWTH = "basics/compute-scaling:growth"
TOTAL = "basics/dense-params:total"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    folder = tmp_path_factory.mktemp("numbers")
    rows = roster_rows(5)
    rows[4]["name"] = "=HYPERLINK(1) Zed"  # absent below: the marks file must not carry a formula
    for row in rows:  # a roster's own `status` column is the instructor's, not one qbank reserves
        row["status"] = "enrolled"
    roster = folder / "students.csv"
    with open(roster, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    out = folder / "set"
    from qbank.cli import main

    assert main(["build", str(SAMPLE_EXAM), "--roster", str(roster), "--seed", "11", "--out", str(out)]) == 0
    return out, rows


def answers(out, roll):
    paper = next(p for p in manifest(out)["papers"] if p["paper_id"] == roll)
    return {f"{q['id']}:{name}": value for q in paper["questions"] for name, value in q["answers"].items()}


def write_responses(path, header, rows):
    with open(path, "w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows([header, *rows])
    return path


def read_csv(path):
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"))))


def test_a_number_both_readings_fit_is_listed_when_the_other_reading_is_right(built, tmp_path, run_cli):
    out, rows = built
    first, second = (answers(out, rows[i]["roll"]) for i in (0, 1))
    growth = first[GROWTH]
    assert 1 <= growth < 1000  # '1,410' for 1.41: one comma, three digits
    comma = f"{growth:.3f}".replace(".", ",")
    wrong_both_ways = f"{int(second[TOTAL]) // 1000 % 1000 + 1},{second[TOTAL] % 1000:03d}"
    responses = write_responses(tmp_path / "responses.csv", ["roll", "name", GROWTH, TOTAL], [
        [rows[0]["roll"], rows[0]["name"], comma, f"{first[TOTAL]:,}"],
        [rows[1]["roll"], rows[1]["name"], f"{second[GROWTH]:.3f}", wrong_both_ways],
    ])  # fmt: skip
    status, printed, err = run_cli("grade", out, responses, "--out", tmp_path / "marks.csv")
    assert status == 1, err
    read = float(comma.replace(",", ""))
    assert (f"responses.csv:2: {GROWTH}: '{comma}' read as {read:.12g} (a thousands separator); as a decimal comma "
            f"it would be {float(comma.replace(',', '.')):.12g}, which the key accepts: if this class writes decimal "
            "commas, grade with --decimal-comma") in err  # fmt: skip
    assert "responses.csv:3:" not in err  # neither reading of the other cell is right: simply wrong
    detail = {(r["paper"], r["column"]): r for r in read_csv(tmp_path / "marks-detail.csv")}
    noted = detail[(rows[0]["roll"], GROWTH)]
    assert (noted["verdict"], noted["marks"], noted["read_as"]) == ("wrong", "0", f"{read:.12g}")
    assert noted["note"].startswith(f"'{comma}' read as")
    plain = detail[(rows[1]["roll"], TOTAL)]
    assert (plain["verdict"], plain["note"]) == ("wrong", "")

    mirror = write_responses(tmp_path / "antworten.csv", ["roll", GROWTH], [[rows[0]["roll"], f"{growth:.3f}"]])
    status, _, err = run_cli("grade", out, mirror, "--decimal-comma", "--out", tmp_path / "m2.csv")
    assert status == 1, err
    assert (
        f"as a decimal point it would be {growth:.12g}, which the key accepts" in err
        and "grade without --decimal-comma" in err
    )


def test_the_answers_unit_after_the_number_is_read(built, tmp_path, run_cli):
    out, rows = built
    total = answers(out, rows[0]["roll"])[TOTAL]
    responses = write_responses(tmp_path / "responses.csv", ["roll", TOTAL], [
        [rows[0]["roll"], f"{total:,} parameters"], [rows[1]["roll"], f"{total:,} params"],
    ])  # fmt: skip
    status, _, err = run_cli("grade", out, responses, "--out", tmp_path / "marks.csv")
    assert status == 1, err
    detail = {r["paper"]: r for r in read_csv(tmp_path / "marks-detail.csv")}
    assert detail[rows[0]["roll"]]["verdict"] == "right"
    assert "'params' is not the answer's unit parameters" in detail[rows[1]["roll"]]["reason"]
    assert f"responses.csv:3: {TOTAL}: cannot read '{total:,} params' as a whole number: 'params' is not" in err


def test_absent_students_are_named_and_kept_in_marks_as_absent(built, tmp_path, run_cli):
    out, rows = built
    key = {row["roll"]: row for row in read_csv(out / "answers.csv")}
    header = ["roll", "name", "section", TOTAL]
    responses = write_responses(tmp_path / "responses.csv", header, [
        [rows[i][c] if c != TOTAL else key[rows[i]["roll"]][TOTAL] for c in header] for i in (0, 2)
    ])  # fmt: skip
    status, printed, err = run_cli("grade", out, responses, "--out", tmp_path / "marks.csv")
    assert status == 0, err
    absent = [rows[i] for i in (1, 3, 4)]
    named = ", ".join(f"{r['roll']} {r['name']}" for r in absent)
    note = "qbank: note: 3 of 5 students have no responses row"
    note += " (marked absent in the submission column of the marks file)"
    assert f"{note}: {named}" in err
    assert "marks.csv: 5 rows (3 absent)" in printed
    marks = read_csv(tmp_path / "marks.csv")
    assert [m["roll"] for m in marks] == [rows[i]["roll"] for i in (0, 2, 1, 3, 4)]
    assert [m["submission"] for m in marks] == ["graded", "graded", "absent", "absent", "absent"]
    for m, r in zip(marks[2:], absent, strict=True):
        assert (m["paper"], m["section"], m["total"], m["auto_max"]) == (r["roll"], r["section"], "", "")
        assert m["basics/dense-params"] == "" and m["paper_max"] == "13"
    assert marks[1]["total"] != "" and marks[1]["basics/dense-params"] != ""
    assert marks[3]["name"] == rows[3]["name"]
    assert marks[4]["name"] == "'=HYPERLINK(1) Zed"  # CSV injection: a formula-like name is written as text


def test_the_absent_note_names_twenty_then_counts_the_rest():
    papers = [{"paper_id": f"R{i:02d}", "student": {"roll": f"R{i:02d}", "name": f"N{i}"}} for i in range(25)]
    note = absent_note(papers, 30)
    assert note.startswith("qbank: note: 25 of 30 students have no responses row")
    assert "R19 N19" in note and "R20" not in note and note.endswith("R19 N19 and 5 more")
