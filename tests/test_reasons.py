"""The grader's reasons are values (a kind from a closed set and its parameters) said to a teacher or to a student:
the teacher reads the grading detail's words, the student reads what to type, and every kind has both."""

from __future__ import annotations

import re

import pytest

from qbank.core import reasons
from qbank.core.reasons import Audience, Kind, Reason
from qbank.core.responses import Unreadable, read_response
from qbank.sets.choice_cells import grade_choice_cell
from qbank.sets.verdicts import DETAIL_COLUMNS, grade_cell
from qbank.spec.models import AnswerSpec

from .conftest import ROOT
from .serve_helpers import MC_BANK, client

NESTED = Reason(Kind.NOT_A_NUMBER)
#: Parameters of the shape each kind takes, for every kind (a kind added without an entry fails the test below).
EXAMPLES: dict[Kind, tuple] = {
    Kind.NO_ANSWER: (),
    Kind.CANNOT_READ: ("1,5; x", "a vector", Reason(Kind.ELEMENT, ("2", "x", NESTED))),
    Kind.ELEMENT: ("(2, 1)", "1,5,5", NESTED),
    Kind.EMPTY: (),
    Kind.NOT_A_NUMBER: (),
    Kind.DECIMAL_COMMA: ("-0,25",),
    Kind.DECIMAL_POINT: (),
    Kind.UNDECLARED_PERCENT: (),
    Kind.TOO_LARGE: (),
    Kind.DIGIT_SPACES: ("12 34",),
    Kind.OTHER_UNIT: ("kJ", "J"),
    Kind.NO_UNIT: ("kJ",),
    Kind.NO_NUMBERS: (),
    Kind.DECIMAL_COMMAS_IN_LIST: (),
    Kind.CONTROL_CHARACTERS: (("U+202E", "U+0007"),),
    Kind.NOT_LETTERS: ("A", "D"),
    Kind.WRONG_LENGTH: (3, 2),
    Kind.WRONG_ROW_LENGTHS: ((2, 1), (2, 2)),
    Kind.NOT_ACCEPTED_TEXT: (),
    Kind.OUTSIDE_RANGE: (),
    Kind.KEY_IS: ("A, C",),
    Kind.PARTIAL_CREDIT: ("A, C", 0.5),
    Kind.COMMA_AS_THOUSANDS: ("3,355", 3355.0, 3.355),
    Kind.POINT_AS_THOUSANDS: ("3.355", 3355.0, 3.355),
    Kind.GRID_INCOMPLETE: (1, 4),
    Kind.GRID_CELL: ("row 2, column 1", "1 2", Reason(Kind.CELL_NUMBERS)),
    Kind.CELL_COMMA: ("21,3",),
    Kind.CELL_NUMBERS: (),
}
#: The spec's keys: a student never reads them as YAML (`percent: true`), nor the ones that are jargon at all.
SPEC_KEYS = ("label", "format", "decimals", "sig", "unit", "tolerance", "percent", "accept", "misconceptions",
             "choices", "options", "scoring", "why", "answers", "marks", "solver", "params", "text")  # fmt: skip
JARGON_KEYS = ("decimals", "sig", "tolerance", "misconceptions", "scoring", "solver", "params")
#: Columns of the grading files a student never hears of (key, accepted and note are what the page shows too).
#: ('row 2, column 1' names a grid's cell, as the page's labels do; 'column reason' names a column).
COLUMNS = (*(c for c in DETAIL_COLUMNS if c not in ("key", "accepted", "note", "answer", "line", "name", "column")),
           "roll", "form", "submission", "total", "auto_max", "paper_max")  # fmt: skip
#: Everything else that is teacher talk: command-line options, files, grading, the paper.
TEACHER_TALK = ("--", ".csv", "csv", "spec", "`", "declare", "grade with", "grading", "file", "paper")


def forbidden(words: str) -> list[str]:
    """The teacher talk in a student's message."""
    found = [term for term in TEACHER_TALK if term in words.lower()]
    found += [f"{key}:" for key in SPEC_KEYS if re.search(rf"\b{key}:", words)]
    found += [key for key in JARGON_KEYS if re.search(rf"\b{key}\b", words)]
    found += [column for column in COLUMNS if re.search(rf"\b{re.escape(column)}\b", words, re.IGNORECASE)]
    found += re.findall(r"\bcolumns? [a-z]\w*", words)
    return found


def test_every_kind_is_said_to_a_teacher_and_to_a_student_and_the_student_hears_no_teacher_talk():
    assert set(EXAMPLES) == set(Kind)  # the closed set: every kind is tried
    assert set(reasons.TEACHER) == set(Kind) and set(reasons.STUDENT) == set(Kind)
    for kind in Kind:
        reason = Reason(kind, EXAMPLES[kind])
        teacher, student = reason.said(Audience.TEACHER), reason.said(Audience.STUDENT)
        assert teacher.strip() and student.strip(), kind
        assert "{" not in teacher + student, (kind, teacher, student)  # no template left unfilled
        assert not forbidden(student), (kind, student, forbidden(student))


def test_the_forbidden_list_catches_what_teachers_read():
    caught = [Reason(kind, EXAMPLES[kind]).said() for kind in Kind]
    assert {kind for kind, words in zip(Kind, caught, strict=True) if forbidden(words)} >= {
        Kind.DECIMAL_COMMA, Kind.DECIMAL_POINT, Kind.UNDECLARED_PERCENT, Kind.NO_UNIT, Kind.DECIMAL_COMMAS_IN_LIST,
        Kind.NOT_LETTERS, Kind.COMMA_AS_THOUSANDS, Kind.POINT_AS_THOUSANDS, Kind.ELEMENT,
    }  # fmt: skip


def test_a_nested_reason_is_said_to_the_same_reader():
    reason = Reason(Kind.CANNOT_READ, ("19,8", "a number", Reason(Kind.DECIMAL_COMMA, ("19,8",))))
    assert reason.said(Audience.STUDENT) == "cannot read '19,8' as a number: write the decimal point as a dot: 19.8"
    assert reason.said() == "cannot read '19,8' as a number: not a number (a decimal comma? grade with --decimal-comma)"


def spec(**kwargs) -> AnswerSpec:
    return AnswerSpec(label="x", **kwargs)


FIXED = spec(format="fixed", decimals=2)
CASES = [
    # (spec, key, typed, decimal comma, the kinds from the outside in, the detail file's reason)
    (FIXED, 1.5, "1,5", False, [Kind.CANNOT_READ, Kind.DECIMAL_COMMA],
     "cannot read '1,5' as a number: not a number (a decimal comma? grade with --decimal-comma)"),
    (FIXED, 1.5, "1.5", True, [Kind.CANNOT_READ, Kind.DECIMAL_POINT],
     "cannot read '1.5' as a number: not a number (a decimal point, but grading with --decimal-comma)"),
    (FIXED, 1.5, "2 kJ", False, [Kind.CANNOT_READ, Kind.NO_UNIT],
     "cannot read '2 kJ' as a number: 'kJ' after the number, but this answer declares no unit"),
    (spec(format="fixed", decimals=2, unit="J"), 1.5, "2 kJ", False, [Kind.CANNOT_READ, Kind.OTHER_UNIT],
     "cannot read '2 kJ' as a number: 'kJ' is not the answer's unit J"),
    (FIXED, 1.5, "12 34", False, [Kind.CANNOT_READ, Kind.DIGIT_SPACES],
     "cannot read '12 34' as a number: the spaces in '12 34' do not group its digits in thousands (as 12 345)"),
    (spec(format="vector", decimals=1), [1.5, 2.5], "[1,5; 2,5]", False,
     [Kind.CANNOT_READ, Kind.DECIMAL_COMMAS_IN_LIST], "cannot read '[1,5; 2,5]' as a vector: commas inside the "
     "numbers and ';' between them (decimal commas? grade with --decimal-comma)"),
    (spec(format="vector", decimals=1), [1.5, 2.5], "[1,5,5 2]", True, [Kind.CANNOT_READ, Kind.ELEMENT,
     Kind.NOT_A_NUMBER], "cannot read '[1,5,5 2]' as a vector: element 1 '1,5,5': not a number (with "
     "--decimal-comma, put ';' or spaces between the numbers)"),
    (spec(format="matrix", decimals=0), [[1, 2], [3, 4]], "[1 2; 3]", False, [Kind.WRONG_ROW_LENGTHS],
     "row lengths [2, 1], the key has [2, 2]"),
    (FIXED, 1.5, "1\u202e5", False, [Kind.CANNOT_READ, Kind.CONTROL_CHARACTERS],
     "cannot read '1<U+202E>5' as a number: contains the control character(s) U+202E"),
    (FIXED, 1.5, "", False, [Kind.NO_ANSWER], "no answer"),
]  # fmt: skip


def kinds(reason: Reason | None) -> list[Kind]:
    """The kinds of a reason and of the reasons nested in it, from the outside in."""
    if reason is None:
        return []
    inner = next((p for p in reason.params if isinstance(p, Reason)), None)
    return [reason.kind, *kinds(inner)]


@pytest.mark.parametrize(("answer", "key", "typed", "comma", "expected", "detail"), CASES)
def test_the_grader_returns_its_reason_as_a_value_and_the_detail_file_keeps_its_words(answer, key, typed, comma,
                                                                                      expected, detail):  # fmt: skip
    cell = grade_cell(answer, key, str(key), typed, 2, "q:a", 1.0, comma)
    assert kinds(cell.why) == expected
    assert cell.reason == detail


def test_a_note_and_a_choice_reason_are_values_too():
    cell = grade_cell(spec(format="fixed", decimals=3), 3.355, "3.355", "3,355", 2, "q:a", 1.0)
    assert cell.remark == Reason(Kind.COMMA_AS_THOUSANDS, ("3,355", 3355.0, 3.355))
    assert cell.for_student().note == "the comma was read as a thousands separator (3355); write the decimal point " \
        "as a dot: 3.355"  # fmt: skip
    choice = {"kind": "multi", "scoring": "per-option", "key": "A, C", "options": [
        {"letter": letter, "text": text, "correct": letter in "AC", "source": "written"}
        for letter, text in zip("ABCD", ("one", "two", "three", "four"), strict=True)]}  # fmt: skip
    partial = grade_choice_cell(spec(format="text"), choice, "A", 2, "q:a", 1.0)
    assert partial.why == Reason(Kind.PARTIAL_CREDIT, ("A, C", 0.5))
    assert partial.reason == "the key is A, C; per-option credit 0.5"
    unreadable = grade_choice_cell(spec(format="text"), choice, "9 lives", 2, "q:a", 1.0)
    assert unreadable.reason == "cannot read '9 lives' as option letters: not letters of this paper's options (A-D) " \
        "nor one option's text"  # fmt: skip
    assert "paper" not in unreadable.for_student().reason


def test_unreadable_carries_its_reason_and_says_it_to_a_teacher():
    with pytest.raises(Unreadable) as caught:
        read_response(FIXED, "50%")
    assert caught.value.why == Reason(Kind.UNDECLARED_PERCENT)
    assert str(caught.value) == "a percentage, but this answer does not declare `percent: true`"


def test_the_student_never_reads_the_teachers_words_whatever_they_say(monkeypatch):
    for kind in Kind:  # reword every teacher message: the practice page must not change
        monkeypatch.setitem(reasons.TEACHER, kind, "REWORDED FOR TEACHERS")
    catalog, web = client(ROOT / "banks" / "sample")
    seed = next(s for s in range(1, 60) if catalog.solve("basics/softmax", s).variant.answers["loss"] >= 1)
    comma = f"{catalog.solve('basics/softmax', seed).variant.answers['loss']:.3f}".replace(".", ",")  # '3,355'
    posts = [(f"/q/basics/softmax/{seed}", {"a.loss": typed}) for typed in ("19,8", "50%", "2 kJ", "1\u202e2", "",
                                                                              "1e6", comma)]  # fmt: skip
    posts.append(("/q/basics/matmul/2", {"a.trace": "three", "a.product.0.0": "1", "a.product.0.1": "1 2"}))
    posts.append(("/q/basics/matmul/2", {f"a.product.{r}.{c}": "1,5" for r in range(2) for c in range(2)}))
    for url, data in posts:
        page = web.post(url, data=data).text
        assert 'class="verdict"' in page and "REWORDED" not in page, (data, page)
    page = web.post(f"/q/basics/softmax/{seed}", data={"a.loss": comma}).text
    assert '<dd class="note">the comma was read as a thousands separator' in page
    _, web = client(MC_BANK)
    page = web.post("/q/norms/4", data={"a.statements": list("ABCD")}).text
    assert "the key is" in page and "REWORDED" not in page
