"""CSV files in and out: spreadsheet-safe cells, a BOM by default, semicolon files read, hostile rosters refused."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from qbank.core.csvfiles import csv_bytes, safe_cell
from qbank.core.errors import UserError
from qbank.spec.roster import read_roster, read_table

from .test_user_errors import CLASS_BUILD, GOOD_ROSTER, ROSTER, _assert_user_error


@pytest.mark.parametrize(
    ("cell", "written"),
    [("=HYPERLINK(\"http://x\",\"y\")", "'=HYPERLINK(\"http://x\",\"y\")"),
     ("+1+cmd|' /C calc'!A0", "'+1+cmd|' /C calc'!A0"),
     ("-2+3+cmd", "'-2+3+cmd"), ("@SUM(A1:A9)", "'@SUM(A1:A9)"), ("\t=1+1", "'\t=1+1"), ("\r=1", "'\r=1"),
     ("-", "'-"), ("-top-k", "'-top-k"),
     # numbers as qbank prints them stay numbers
     ("-3.5", "-3.5"), ("+7", "+7"), ("-2,359,296", "-2,359,296"), ("-4.1×10⁻⁷", "-4.1×10⁻⁷"), ("-1e-05", "-1e-05"),
     ("Asha Rao", "Asha Rao"), ("[-1, 2]", "[-1, 2]"), ("a=b", "a=b")],
)  # fmt: skip
def test_formula_cells_are_neutralised_numbers_kept(cell, written):
    assert safe_cell(cell) == written


def test_csv_bytes_have_a_bom_by_default_and_can_omit_it():
    data = csv_bytes([["roll", "name"], ["24CS1001", "=1+1"]])
    assert data.startswith(b"\xef\xbb\xbfroll,name\n")
    assert list(csv.reader(io.StringIO(data.decode("utf-8-sig")))) == [["roll", "name"], ["24CS1001", "'=1+1"]]
    assert csv_bytes([["roll"]], bom=False) == b"roll\n"


def write(path: Path, text: str) -> Path:
    path.write_bytes(text.encode("utf-8"))
    return path


@pytest.mark.parametrize("separator", [",", ";", "\t"])
def test_comma_semicolon_and_tab_files_read_alike(tmp_path, separator):
    rows = (["roll", "name", "q:a"], ["24CS1001", "Asha Rao", "0.25"])
    text = "\ufeff" + "\n".join(separator.join(row) for row in rows) + "\n"
    table = read_table(write(tmp_path / "r.csv", text))
    assert table.header == ("roll", "name", "q:a")
    assert table.rows == ((2, {"roll": "24CS1001", "name": "Asha Rao", "q:a": "0.25"}),)


def test_a_comma_file_with_a_decimal_comma_cell_is_a_ragged_row_not_a_misread(tmp_path):
    with pytest.raises(UserError, match=r"r\.csv:2: 4 fields, but the header has 3"):
        read_table(write(tmp_path / "r.csv", "roll,name,q:a\n24CS1001,Asha,0,25\n"))


def test_a_header_split_by_both_separators_is_refused(tmp_path):
    with pytest.raises(UserError, match=r"r\.csv:1: the header has both ',' and ';'"):
        read_table(write(tmp_path / "r.csv", "roll;name,section\n1;a,b\n"))


def test_semicolon_roster_with_bom_and_right_to_left_names(tmp_path):
    text = "\ufeffroll;name;section\n24CS1001;مريم الحسن;A\n24CS1002;דנה כהן;B\n24CS1003;Émile Zola;A\n"
    students = read_roster(write(tmp_path / "students.csv", text))
    assert [(s.roll, s.name, s.fields()["section"]) for s in students] == [
        ("24CS1001", "مريم الحسن", "A"), ("24CS1002", "דנה כהן", "B"), ("24CS1003", "Émile Zola", "A")]  # fmt: skip


# (case id, roster text, expected stderr pattern)
HOSTILE_ROSTERS = [
    ("device-con", GOOD_ROSTER.replace("24CS1002", "CON"),
     r"students\.csv:3: roll: roll number 'CON' is the Windows device name CON"),
    ("device-nul-lowercase", GOOD_ROSTER.replace("24CS1002", "nul"),
     r"students\.csv:3: roll: roll number 'nul' is the Windows device name NUL"),
    ("device-lpt1", GOOD_ROSTER.replace("24CS1002", "LPT1"), r"students\.csv:3: roll: .*device name LPT1"),
    ("device-com3-with-extension", GOOD_ROSTER.replace("24CS1002", "com3.a"),
     r"students\.csv:3: roll: .*device name COM3"),
    ("trailing-dot", GOOD_ROSTER.replace("24CS1002", "24CS1002."),
     r"students\.csv:3: roll: roll number '24CS1002\.' ends with '\.', which Windows drops"),
    ("reserved-characters", GOOD_ROSTER.replace("24CS1002", '24CS<1>:"2|?*'), r"students\.csv:3: roll: roll number"),
    ("bidi-override-in-name", GOOD_ROSTER.replace("Bilal Khan", "Bilal \u202eKhan"),
     r"students\.csv:3: name: contains the bidirectional override or isolate U\+202E"),
    ("bidi-isolate-in-section", GOOD_ROSTER.replace(",B\n", ",\u2066B\u2069\n"),
     r"students\.csv:3: section: contains the bidirectional override or isolate U\+2066, U\+2069"),
    ("control-character-in-name", GOOD_ROSTER.replace("Asha Rao", "Asha\x07Rao"),
     r"students\.csv:2: name: contains the control character U\+0007"),
    ("line-break-in-name", GOOD_ROSTER.replace("Asha Rao", '"Asha\nRao"'),
     r"students\.csv:3: name: contains the control character U\+000A"),
    ("computed-column-total", "roll,name,total\n24CS1001,A,1\n",
     r"students\.csv:1: total: 'total' is a column qbank computes in marks\.csv"),
    ("computed-column-paper", "roll,name,Paper\n24CS1001,A,1\n",
     r"students\.csv:1: Paper: 'Paper' is a column qbank computes in marks\.csv"),
    ("answer-like-column", "roll,name,basics/softmax:loss\n24CS1001,A,1\n",
     r"students\.csv:1: basics/softmax:loss: a ':' marks an answer column"),
]  # fmt: skip


@pytest.mark.parametrize(("case", "content", "pattern"), HOSTILE_ROSTERS, ids=[c[0] for c in HOSTILE_ROSTERS])
def test_hostile_roster_is_refused_before_anything_is_written(case, content, pattern, sample_copy, run_cli,
                                                              monkeypatch):  # fmt: skip
    (sample_copy / ROSTER).write_bytes(content.encode("utf-8"))
    monkeypatch.chdir(sample_copy)
    status, out, err = run_cli(*CLASS_BUILD)
    _assert_user_error(status, err, pattern)
    assert not [p.name for p in Path(sample_copy).iterdir() if "out-set" in p.name], "something was written"


def test_right_to_left_marks_in_names_are_fine(tmp_path):
    text = "roll,name\n24CS1001,\u200fמרים\u200e Levi\n24CS1002,\u0645\u0631\u064a\u0645\n"
    assert [s.name for s in read_roster(write(tmp_path / "s.csv", text))] == ["\u200fמרים\u200e Levi", "مريم"]


@pytest.mark.parametrize(
    ("text", "vectors", "hint"),
    [
        ("roll,name,q:v\n24CS1001,Asha,1,5; 2,5\n", True,
         "5 fields, but the header has 3 (a ',' typed inside a cell splits it: put that cell in double quotes, as "
         '"1,5; 2,5" for a vector with decimal commas, or type its numbers as 1.5; 2.5)'),
        ("roll;name;q:v\n24CS1001;Asha;1,5; 2,5\n", True,
         "4 fields, but the header has 3 (a ';' typed inside a cell splits it: put that cell in double quotes, as "
         '"1,5; 2,5" for a vector, or put spaces between its numbers: 1,5 2,5)'),
        ("roll,name\n24CS1001,Rao, Asha\n", False,
         "3 fields, but the header has 2 (a ',' typed inside a cell splits it: put that cell in double quotes)"),
    ],
)  # fmt: skip
def test_a_row_split_by_a_separator_inside_a_cell_says_what_to_do(tmp_path, monkeypatch, text, vectors, hint):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(UserError) as caught:
        read_table(write(Path("r.csv"), text), vectors=vectors)
    assert [str(p) for p in caught.value.problems] == [f"r.csv:2: {hint}"]
