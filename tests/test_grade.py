"""`qbank grade`: each student's responses against their own answers, at the tolerance boundaries."""

from __future__ import annotations

import csv
import io
import math
import re

import pytest

from qbank.cli import main
from qbank.solve.formats import format_answer
from qbank.spec.models import AnswerSpec

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
    assert not list(tmp_path.glob("*misconceptions*"))  # no choices, no misconceptions: no report


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
    from qbank.solve.formats import check

    for spec in (AnswerSpec(label="x", format="fixed", decimals=3), AnswerSpec(label="x", format="sig", sig=3)):
        assert check(spec, value, format_answer(spec, value))


def test_grade_writes_nothing_over_an_existing_file_without_force(built, tmp_path, capsys):
    out, rows = built
    target = tmp_path / "marks.csv"
    target.write_text("roll,paper,total,auto_max,paper_max\n")  # a marks file, as qbank writes them
    assert main(["grade", str(out), str(out / "answers.csv"), "--out", str(target)]) == 2
    assert "already exists (use --force to replace it)" in capsys.readouterr().err
    assert target.read_text() == "roll,paper,total,auto_max,paper_max\n"
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
    ("computed-column-total", "roll,Total,basics/dense-params:total\n24CS1001,5,1\n",
     r"responses\.csv:1: Total: 'Total' is a column qbank computes in marks\.csv; rename this column"),
    ("computed-column-paper", "roll,paper,basics/dense-params:total\n24CS1001,A,1\n",
     r"responses\.csv:1: paper: 'paper' is a column qbank computes in marks\.csv"),
    ("question-id-column", "roll,basics/softmax,basics/dense-params:total\n24CS1001,3,1\n",
     r"responses\.csv:1: basics/softmax: 'basics/softmax' is a question id: marks\.csv has a column of its marks"),
    ("bidi-override-in-name", "roll,name,basics/dense-params:total\n24CS1001,A\u202eB,1\n",
     r"responses\.csv:2: name: contains the bidirectional override or isolate U\+202E"),
    ("vector-split-by-a-decimal-comma", "roll,basics/softmax:probs,basics/softmax:loss\n24CS1001,1,5; 2,5,0.5\n",
     r"responses\.csv:2: 5 fields, but the header has 3 \(a ',' typed inside a cell splits it: put that cell in "
     r"double quotes, as \"1,5; 2,5\" for a vector with decimal commas, or type its numbers as 1\.5; 2\.5\)"),
    ("semicolon-and-comma-header", "roll;name,basics/dense-params:total\n24CS1001;A,1\n",
     r"responses\.csv:1: the header has both ',' and ';'"),
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


# ---------- what was typed, how it was read, why: the detail file and unreadable cells ----------

ALL_ANSWERS = ["basics/softmax:probs", "basics/softmax:loss", "basics/matmul:product", "basics/matmul:trace",
               "basics/matmul:sign", "basics/dense-params:total", "basics/compute-scaling:growth"]  # fmt: skip


def read_csv(path):
    text = path.read_text(encoding="utf-8")
    return text.startswith("\ufeff"), list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))


def interval(text):
    low, high = text.strip("[]").split(", ")
    return float(low), float(high)


def test_detail_rows_say_what_was_typed_how_it_was_read_and_why(built, tmp_path, run_cli):
    out, rows = built
    roll = rows[0]["roll"]
    q = questions_of(out, roll)
    loss, trace = q["basics/softmax"]["answers"]["loss"], q["basics/matmul"]["answers"]["trace"]
    formatted = {f"{qid}:{name}": text for qid, item in q.items() for name, text in item["answers_formatted"].items()}
    typed = {
        "basics/softmax:probs": formatted["basics/softmax:probs"],  # right
        "basics/softmax:loss": formatted["basics/softmax:loss"].replace(".", ","),  # unreadable without the flag
        "basics/matmul:product": "",  # blank
        "basics/matmul:trace": str(trace + 1),  # wrong
        "basics/matmul:sign": f" {formatted['basics/matmul:sign'].upper()}  ",  # right
        "basics/dense-params:total": formatted["basics/dense-params:total"],  # right
        "basics/compute-scaling:growth": "about ten",  # unreadable
    }
    responses = write_responses(tmp_path / "responses.csv", ["roll", "name", *ALL_ANSWERS],
                                [[roll, rows[0]["name"], *(typed[c] for c in ALL_ANSWERS)]])  # fmt: skip
    marks_file = tmp_path / "marks.csv"
    status, stdout, err = run_cli("grade", out, responses, "--out", marks_file)
    assert status == 1, err  # marks written, but some cells could not be read
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert lines[0] == (f"{tmp_path / 'responses.csv'}:2: basics/softmax:loss: cannot read "
                        f"{typed['basics/softmax:loss']!r} as a number: not a number (a decimal comma? grade with "
                        "--decimal-comma)")  # fmt: skip
    assert lines[1].startswith(f"{tmp_path / 'responses.csv'}:2: basics/compute-scaling:growth: cannot read "
                               "'about ten' as a number")  # fmt: skip
    assert lines[2] == f"qbank: 2 unreadable cells scored 0 (listed above and in {tmp_path / 'marks-detail.csv'})"
    assert "2 unreadable" in stdout
    _, marks = read_csv(marks_file)
    assert (marks[0]["basics/softmax"], marks[0]["basics/matmul"], marks[0]["basics/dense-params"],
            marks[0]["basics/compute-scaling"], marks[0]["total"]) == ("1.5", "1", "4", "0", "6.5")  # fmt: skip
    has_bom, detail = read_csv(tmp_path / "marks-detail.csv")
    assert has_bom
    by_column = {row["column"]: row for row in detail}
    assert list(by_column) == [f"{qid}:{name}" for qid, item in q.items() for name in item["answer_specs"]]
    assert all(row["line"] == "2" and row["paper"] == roll and row["name"] == rows[0]["name"] for row in detail)
    assert {c: (r["verdict"], r["marks"], r["max"]) for c, r in by_column.items()} == {
        "basics/softmax:probs": ("right", "1.5", "1.5"), "basics/softmax:loss": ("unreadable", "0", "1.5"),
        "basics/matmul:product": ("blank", "0", "1"), "basics/matmul:trace": ("wrong", "0", "1"),
        "basics/matmul:sign": ("right", "1", "1"), "basics/dense-params:total": ("right", "4", "4"),
        "basics/compute-scaling:growth": ("unreadable", "0", "3")}  # fmt: skip
    assert all(by_column[c]["typed"] == typed[c].strip() for c in ALL_ANSWERS)
    assert all(by_column[c]["key"] == formatted[c] for c in ALL_ANSWERS)
    row = by_column["basics/softmax:loss"]
    assert "--decimal-comma" in row["reason"] and row["read_as"] == ""
    assert interval(row["accepted"]) == pytest.approx((loss - 0.0005, loss + 0.0005), abs=1e-12)
    row = by_column["basics/matmul:trace"]
    assert row["read_as"] == str(trace + 1) and interval(row["accepted"]) == (trace, trace)
    assert row["reason"] == "outside the accepted range"
    assert by_column["basics/matmul:sign"]["read_as"] == formatted["basics/matmul:sign"].lower()
    total = q["basics/dense-params"]["answers"]["total"]
    assert by_column["basics/dense-params:total"]["read_as"] == str(total)  # 15,621 read as 15621

    status, _, err = run_cli("grade", out, responses, "--out", marks_file, "--force", "--decimal-comma")
    assert status == 1 and "basics/softmax:loss" not in err and "about ten" in err
    assert "basics/softmax:probs: cannot read" in err  # the English vector is unreadable with a decimal comma
    _, detail = read_csv(tmp_path / "marks-detail.csv")
    assert {r["column"]: r["verdict"] for r in detail}["basics/softmax:loss"] == "right"


def european(text):
    """A printed answer as a decimal-comma spreadsheet shows it: 1.234,5; vectors with ';', matrices by rows."""
    if text.startswith("[") and ";" in text:  # a matrix: elements separated by spaces, rows by ';'
        text = text.replace(", ", " ")
    elif text.startswith("["):
        text = text.replace(", ", "; ")
    return text.translate(str.maketrans({",": ".", ".": ","}))


def test_a_european_semicolon_file_with_decimal_commas_grades_in_full(built, tmp_path, run_cli):
    out, rows = built
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")  # as a spreadsheet saves it: ';' between cells, quotes as needed
    writer.writerow(["roll", *ALL_ANSWERS])
    for row in rows:
        q = questions_of(out, row["roll"])
        formatted = {f"{qid}:{n}": t for qid, item in q.items() for n, t in item["answers_formatted"].items()}
        writer.writerow([row["roll"], *(european(formatted[c]) for c in ALL_ANSWERS)])
    (tmp_path / "antworten.csv").write_bytes(("\ufeff" + buffer.getvalue()).encode("utf-8"))
    marks_file = tmp_path / "marks.csv"
    status, stdout, err = run_cli("grade", out, tmp_path / "antworten.csv", "--out", marks_file, "--decimal-comma")
    assert status == 0, err
    _, marks = read_csv(marks_file)
    assert [float(m["total"]) for m in marks] == [13, 13, 13]
    status, _, err = run_cli("grade", out, tmp_path / "antworten.csv", "--out", marks_file, "--force")
    assert status == 1 and "a decimal comma? grade with --decimal-comma" in err  # never guessed


def test_a_vector_with_decimal_commas_graded_without_the_flag_is_a_located_unreadable_cell(built, tmp_path, run_cli):
    out, _ = built
    responses = tmp_path / "responses.csv"
    responses.write_text('roll,basics/softmax:probs,basics/softmax:loss\n24CS1001,"1,5; 2,5",0.5\n', encoding="utf-8")
    status, _, err = run_cli("grade", out, responses, "--out", tmp_path / "marks.csv")
    assert status == 1
    assert (
        "responses.csv:2: basics/softmax:probs: cannot read '1,5; 2,5' as a vector: commas inside the numbers "
        "and ';' between them (decimal commas? grade with --decimal-comma)"
    ) in err, err


def test_a_name_that_is_not_the_rosters_for_its_roll_is_refused_with_its_line(built, tmp_path, run_cli):
    out, rows = built
    first, second = rows[0], rows[1]
    responses = tmp_path / "responses.csv"
    responses.write_text(f"roll,Name,basics/dense-params:total\n{first['roll']},{second['name']},1\n"
                         f"{second['roll']},  {second['name'].upper()} ,1\n{rows[2]['roll']},,1\n",
                         encoding="utf-8")  # fmt: skip
    status, _, err = run_cli("grade", out, responses, "--out", tmp_path / "marks.csv")
    assert status == 2 and "Traceback" not in err
    problems = [line for line in err.splitlines() if line.startswith(str(responses))]
    assert problems == [f"{responses}:2: Name: {second['name']!r} is not the roster's name for {first['roll']!r}: "
                        f"{first['name']!r} (students.csv); correct the roll or the name"]  # fmt: skip
    assert not (tmp_path / "marks.csv").exists()


def test_csv_files_carry_a_bom_unless_asked_not_to(built, tmp_path, run_cli):
    out, rows = built
    assert (out / "answers.csv").read_bytes().startswith(b"\xef\xbb\xbfroll,name,section,")
    status, _, err = run_cli("grade", out, out / "answers.csv", "--out", tmp_path / "m.csv", "--no-bom")
    assert status == 0, err
    assert (tmp_path / "m.csv").read_bytes().startswith(b"roll,name,section,paper,")
    assert (tmp_path / "m-detail.csv").read_bytes().startswith(b"line,paper,name,")
    status, _, err = run_cli("grade", out, out / "answers.csv", "--out", tmp_path / "b.csv", "--detail",
                             tmp_path / "why.csv")  # fmt: skip
    assert status == 0, err
    assert (tmp_path / "b.csv").read_bytes().startswith(b"\xef\xbb\xbfroll,")
    assert (tmp_path / "why.csv").read_bytes().startswith(b"\xef\xbb\xbfline,")


def test_build_without_bom(tmp_path, run_cli):
    out = tmp_path / "forms"
    status, _, err = run_cli("build", SAMPLE_EXAM, "--forms", "1", "--seed", "3", "--out", out, "--no-bom",
                             "--jobs", "1")  # fmt: skip
    assert status == 0, err
    assert (out / "answers.csv").read_bytes().startswith(b"form,basics/")


# ---------- spreadsheet formulas in roster and response fields ----------

HOSTILE = [{"roll": "24CS2001", "name": "=HYPERLINK(\"http://evil\",\"Asha\")", "section": "@SUM(A1:A9)"},
           {"roll": "24CS2002", "name": "-2+3+cmd|' /C calc'!A0", "section": "+A"},
           {"roll": "24CS2003", "name": "Chen Wei", "section": "B"}]  # fmt: skip


def test_formula_cells_are_neutralised_in_every_csv_and_numbers_stay_numbers(tmp_path, run_cli):
    roster = write_roster(tmp_path / "students.csv", HOSTILE)
    out = tmp_path / "set"
    status, _, err = run_cli("build", SAMPLE_EXAM, "--roster", roster, "--seed", "5", "--out", out, "--jobs", "1")
    assert status == 0, err
    has_bom, answers = read_csv(out / "answers.csv")
    assert [(r["name"], r["section"]) for r in answers] == [
        ("'=HYPERLINK(\"http://evil\",\"Asha\")", "'@SUM(A1:A9)"), ("'-2+3+cmd|' /C calc'!A0", "'+A"),
        ("Chen Wei", "B")]  # fmt: skip
    printed = [(row, c, v) for row in manifest(out)["papers"] for q in row["questions"]
               for c, v in ((f"{q['id']}:{n}", t) for n, t in q["answers_formatted"].items())]  # fmt: skip
    by_roll = {r["roll"]: r for r in answers}
    negatives = [(p["paper_id"], c, v) for p, c, v in printed if v.startswith("-")]
    assert negatives, "the seed should give at least one negative answer"
    for paper, column, value in printed:  # every answer as the key prints it, negative numbers unquoted
        assert by_roll[paper["paper_id"]][column] == value
    # the gradebook still grades itself in full, and marks.csv and the detail neutralise the same cells
    status, _, err = run_cli("grade", out, out / "answers.csv", "--out", tmp_path / "marks.csv")
    assert status == 0, err
    _, marks = read_csv(tmp_path / "marks.csv")
    assert [(m["name"], m["section"], float(m["total"])) for m in marks] == [
        ("'=HYPERLINK(\"http://evil\",\"Asha\")", "'@SUM(A1:A9)", 13), ("'-2+3+cmd|' /C calc'!A0", "'+A", 13),
        ("Chen Wei", "B", 13)]  # fmt: skip
    _, detail = read_csv(tmp_path / "marks-detail.csv")
    assert {r["name"] for r in detail} == {"'=HYPERLINK(\"http://evil\",\"Asha\")", "'-2+3+cmd|' /C calc'!A0",
                                           "Chen Wei"}  # fmt: skip
    formula = tuple("=+-@\t\r")
    for path in (out / "answers.csv", tmp_path / "marks.csv", tmp_path / "marks-detail.csv"):
        for row in csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))):
            for cell in row:
                assert not cell.startswith(formula) or re.fullmatch(r"-[\d,.]+(×10⁻?[⁰-⁹¹²³]+)?", cell), (path, cell)


# ---------- answer-spec keys: percent and accept, from the question file to the marks ----------


def test_percent_and_accept_declared_in_a_question_file_reach_the_grader(sample_copy, run_cli, monkeypatch):
    matmul = sample_copy / "banks/sample/questions/matmul.yaml"
    matmul.write_text(matmul.read_text().replace(
        "sign: {label: Sign of the trace, format: text}",
        "sign: {label: Sign of the trace, format: text, accept: {positive: ['> 0', above zero], "
        "non-positive: [not positive, '<= 0']}}"))  # fmt: skip
    scaling = sample_copy / "banks/sample/questions/scaling.yaml"
    scaling.write_text(scaling.read_text().replace("format: sig, sig: 3}", "format: sig, sig: 3, percent: true}"))
    monkeypatch.chdir(sample_copy)
    status, _, err = run_cli("build", "exams/sample.yaml", "--forms", "2", "--seed", "4", "--out", "set",
                             "--jobs", "1")  # fmt: skip
    assert status == 0, err
    papers = {p["paper_id"]: {q["id"]: q for q in p["questions"]} for p in manifest(sample_copy / "set")["papers"]}
    assert "percent" not in papers["A"]["basics/dense-params"]["answer_specs"]["total"]  # unchanged declarations
    header = ["form", "basics/matmul:product", "basics/matmul:trace", "basics/matmul:sign",
              "basics/compute-scaling:growth"]  # fmt: skip
    lines = []
    for form, q in papers.items():
        matmul = q["basics/matmul"]
        synonym = {"positive": "Above  Zero", "non-positive": "NOT positive"}[matmul["answers"]["sign"]]
        growth = f"{q['basics/compute-scaling']['answers']['growth'] * 100:.6g} %"
        lines.append([form, matmul["answers_formatted"]["product"], matmul["answers_formatted"]["trace"], synonym,
                      growth])  # fmt: skip
    write_responses(sample_copy / "responses.csv", header, lines)
    status, _, err = run_cli("grade", "set", "responses.csv")
    assert status == 0, err
    _, detail = read_csv(sample_copy / "marks-detail.csv")
    assert [r["verdict"] for r in detail] == ["right"] * 8
    accepted = {r["paper"]: r["accepted"] for r in detail if r["answer"] == "sign"}
    for form, q in papers.items():
        expected = {"positive": "positive | > 0 | above zero", "non-positive": "non-positive | not positive | <= 0"}
        assert accepted[form] == expected[q["basics/matmul"]["answers"]["sign"]]


def test_grade_never_writes_over_its_inputs_even_with_force(built, tmp_path, run_cli):
    out, rows = built
    responses = tmp_path / "marks.csv"  # the default marks file would be the responses file itself
    responses.write_bytes((out / "answers.csv").read_bytes())
    before = responses.read_bytes(), (out / "answers.csv").read_bytes(), (out / "manifest.json").read_bytes()
    status, _, err = run_cli("grade", out, responses, "--force")
    assert status == 2 and "<command line>: --out: " in err and "is an input" in err, err
    status, _, err = run_cli("grade", out, responses, "--out", tmp_path / "m.csv", "--detail",
                             out / "answers.csv", "--force")  # fmt: skip
    assert status == 2 and "<command line>: --detail: " in err and "is an input" in err, err
    status, _, err = run_cli("grade", out, responses, "--out", out / "manifest.json", "--force")
    assert status == 2 and "<command line>: --out: " in err, err
    assert (responses.read_bytes(), (out / "answers.csv").read_bytes(), (out / "manifest.json").read_bytes()) == before
    assert not (tmp_path / "m.csv").exists()
