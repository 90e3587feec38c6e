"""Reading typed numbers a stranger's class wrote: spaces that do not group thousands, numbers too large for a
float, the answer's unit typed after the number, and '3,355' that reads both ways (session 8 trial defects)."""

from __future__ import annotations

import pytest

from qbank.core.responses import Unreadable, ambiguous_reading, read_number, read_response
from qbank.sets.verdicts import grade_cell
from qbank.solve.formats import check
from qbank.spec.models import AnswerSpec


def spec(**kwargs) -> AnswerSpec:
    return AnswerSpec(label="x", **kwargs)


INT = spec(format="int")
JOULES = spec(format="int", unit="J")
SPEED = spec(format="fixed", decimals=1, unit="m/s")
VELOCITY = spec(format="vector", decimals=2, unit="m/s")
FORCES = spec(format="matrix", decimals=0, unit="N")
FIXED3 = spec(format="fixed", decimals=3)


@pytest.mark.parametrize("typed", ["12 34", "1 2 3", "1 10", "1234 567", "12 3456", "1\u00a02\u00a03"])
def test_spaces_between_digits_must_group_thousands(typed):
    with pytest.raises(Unreadable, match="do not group its digits in thousands"):
        read_number(typed)


@pytest.mark.parametrize(
    ("typed", "value", "decimal_comma"),
    [("12 345", 12345, False), ("1 234 567", 1234567, False), ("1\u202f234.5", 1234.5, False),
     ("0.123 45", 0.12345, False), ("1 234,5", 1234.5, True), ("4.04 x 10^-5", 4.04e-5, False)],
)  # fmt: skip
def test_spaces_that_group_thousands_still_read(typed, value, decimal_comma):
    assert read_number(typed, decimal_comma=decimal_comma) == pytest.approx(value)


def test_vector_and_matrix_elements_are_still_split_on_spaces():
    assert read_response(spec(format="vector", decimals=0), "12 34") == [12, 34]
    assert read_response(spec(format="vector", decimals=0), "[1 2 3]") == [1, 2, 3]
    assert read_response(spec(format="matrix", decimals=0), "[1 10; 2 20]") == [[1, 10], [2, 20]]


@pytest.mark.parametrize(
    ("answer", "key", "typed"),
    [(INT, 1, "1e400"), (INT, 1, "-1e400"), (INT, 1, "1×10⁴⁰⁰"),
     (spec(format="vector", decimals=0), [1, 2], "[1, 1e400]"),
     (spec(format="matrix", decimals=0), [[1, 2], [3, 4]], "[1, 2; 3, 1e999]")],
)  # fmt: skip
def test_a_number_too_large_for_a_float_is_unreadable_not_infinity(answer, key, typed):
    with pytest.raises(Unreadable, match="too large to be a number"):
        read_response(answer, typed)
    cell = grade_cell(answer, key, "1", typed, 2, "q:a", 1.0)
    assert cell.verdict == "unreadable" and "inf" not in cell.read_as


@pytest.mark.parametrize(("answer", "typed", "value"), [
    (JOULES, "134 J", 134), (JOULES, "134J", 134), (JOULES, " 134  J ", 134), (SPEED, "21.6 m/s", 21.6),
    (SPEED, "21.6m/s", 21.6), (spec(format="int", unit="kg m/s"), "20 kg m/s", 20),
])  # fmt: skip
def test_the_answers_declared_unit_after_the_number_is_accepted(answer, typed, value):
    assert read_response(answer, typed) == pytest.approx(value)
    assert check(answer, value, typed)


@pytest.mark.parametrize(("answer", "typed", "reason"), [
    (JOULES, "134 kJ", "'kJ' is not the answer's unit J"),
    (JOULES, "134 j", "'j' is not the answer's unit J"),  # case-sensitive
    (SPEED, "21.6 km/h", "'km/h' is not the answer's unit m/s"),
    (INT, "134 J", "'J' after the number, but this answer declares no unit"),
    (VELOCITY, "[21.6, 7.87] km/h", "'km/h' is not the answer's unit m/s"),
])  # fmt: skip
def test_other_text_after_a_number_is_unreadable_with_the_reason(answer, typed, reason):
    with pytest.raises(Unreadable) as caught:
        read_response(answer, typed)
    assert str(caught.value) == reason


def test_a_vector_or_matrix_takes_its_unit_after_the_closing_bracket():
    assert read_response(VELOCITY, "[21.6, 7.87] m/s") == [21.6, 7.87]
    assert read_response(VELOCITY, "[21.6, 7.87]m/s") == [21.6, 7.87]
    assert read_response(FORCES, "[1, 2; 3, 4] N") == [[1, 2], [3, 4]]
    assert read_response(FORCES, "[[1, 2], [3, 4]] N") == [[1, 2], [3, 4]]


@pytest.mark.parametrize(
    ("typed", "decimal_comma", "other"),
    [("3,355", False, 3.355), ("39,240", False, 39.24), ("-1,500", False, -1.5), ("3.355", True, 3.355),
     ("3,355 J", False, 3.355)],
)  # fmt: skip
def test_one_separator_before_three_digits_reads_both_ways(typed, decimal_comma, other):
    assert ambiguous_reading(typed, decimal_comma=decimal_comma, unit="J") == pytest.approx(other)


@pytest.mark.parametrize(
    ("typed", "decimal_comma"),
    [("3,35", False), ("3,3555", False), ("1,234,567", False), ("0,355", False), ("3.355", False),
     ("3,355", True), ("1.234.567", True), ("3 355", False)],
)  # fmt: skip
def test_other_numbers_read_one_way_only(typed, decimal_comma):
    assert ambiguous_reading(typed, decimal_comma=decimal_comma) is None


def test_a_wrong_cell_the_other_decimal_mark_makes_right_carries_a_note():
    cell = grade_cell(FIXED3, 3.355, "3.355", "3,355", 4, "mech/incline:acc", 2.0)
    assert (cell.verdict, cell.read_as, cell.marks) == ("wrong", "3355", 0.0)  # the declared reading is kept
    assert cell.note == (
        "'3,355' read as 3355 (a thousands separator); as a decimal comma it would be 3.355, "
        "which the key accepts: if this class writes decimal commas, grade with --decimal-comma"
    )
    mirror = grade_cell(FIXED3, 3.355, "3,355", "3.355", 4, "mech/incline:acc", 2.0, decimal_comma=True)
    assert (mirror.verdict, mirror.read_as) == ("wrong", "3355")
    assert "as a decimal point it would be 3.355" in mirror.note and "grade without --decimal-comma" in mirror.note


def test_no_note_when_neither_reading_is_right_or_the_declared_one_is():
    assert grade_cell(FIXED3, 7.5, "7.500", "3,355", 4, "q:a", 2.0).note == ""  # simply wrong
    right = grade_cell(INT, 3355, "3,355", "3,355", 4, "q:a", 2.0)
    assert (right.verdict, right.note) == ("right", "")


def test_the_web_server_reads_the_answers_unit_the_same_way():
    from .conftest import ROOT
    from .serve_helpers import client

    catalog, web = client(ROOT / "banks" / "sample")
    total = catalog.solve("basics/dense-params", 4).variant.answers["total"]
    right = web.post("/q/basics/dense-params/4", data={"a.total": f"{total:,} parameters"}).text
    assert right.split('<div class="answer')[1].startswith(' right"')
    other = web.post("/q/basics/dense-params/4", data={"a.total": f"{total:,} params"}).text
    assert "&#39;params&#39; is not the answer&#39;s unit parameters" in other
