"""Answer formats: printed rounding and grading tolerance come from one declaration."""

from __future__ import annotations

import pytest

from qbank.solve.answer_checks import rounding_boundaries
from qbank.solve.formats import check, format_answer, parse_number, tolerance_of
from qbank.spec.models import AnswerSpec


def spec(**kwargs) -> AnswerSpec:
    return AnswerSpec(label="x", **kwargs)


@pytest.mark.parametrize(
    ("declaration", "value", "printed"),
    [
        ({"format": "int"}, 2359296, "2,359,296"),
        ({"format": "int"}, -1728.0, "-1,728"),
        ({"format": "fixed", "decimals": 3}, 0.88079707, "0.881"),
        ({"format": "fixed", "decimals": 2}, -0.001, "0.00"),
        ({"format": "fixed", "decimals": 2}, 0.125, "0.13"),
        ({"format": "fixed", "decimals": 1}, 12345.67, "12,345.7"),
        ({"format": "sig", "sig": 3}, 32_727_040, "32,700,000"),
        ({"format": "sig", "sig": 3}, 0.000040358, "4.04×10⁻⁵"),
        ({"format": "sig", "sig": 2}, 0.0123, "0.012"),
        ({"format": "vector", "decimals": 2}, (0.06, 0.94), "[0.06, 0.94]"),
        ({"format": "vector", "decimals": 0}, (1.0, -2.0, 3.0), "[1, -2, 3]"),
        ({"format": "matrix", "decimals": 1}, ((1, 2.25), (3, 4)), "[1.0, 2.3; 3.0, 4.0]"),
        ({"format": "text"}, "<extra_id_0> went to", "<extra_id_0> went to"),
    ],
)
def test_printed_form(declaration, value, printed):
    assert format_answer(spec(**declaration), value) == printed


@pytest.mark.parametrize(
    ("text", "number"),
    [("2,359,296", 2359296.0), ("−0.5", -0.5), ("4.04e-5", 4.04e-5), ("4.04×10⁻⁵", 4.04e-5),
     ("3 x 10^4", 30000.0), ("+7", 7.0), (".5", 0.5)],
)  # fmt: skip
def test_parse_number(text, number):
    assert parse_number(text) == pytest.approx(number, rel=1e-12)


@pytest.mark.parametrize("text", ["", "abc", "1,23", "1.2.3", "--1", "1e", "12,3456"])
def test_parse_number_rejects(text):
    with pytest.raises(ValueError):
        parse_number(text)


def test_fixed_accepts_both_roundings_at_exact_half_and_nothing_beyond():
    declaration = spec(format="fixed", decimals=2)
    assert tolerance_of(declaration, 0.125) == pytest.approx(0.005)
    assert check(declaration, 0.125, "0.12")
    assert check(declaration, 0.125, "0.13")
    assert not check(declaration, 0.125, "0.14")
    assert not check(declaration, 0.125, "0.1")
    assert check(declaration, 0.125, 0.12999)
    assert not check(declaration, 0.125, 0.1301)


def test_int_is_exact_and_accepts_separators():
    declaration = spec(format="int")
    assert check(declaration, 2359296, "2,359,296")
    assert check(declaration, 2359296, "2359296")
    assert not check(declaration, 2359296, "2,359,256")
    assert not check(declaration, 2359296, "2,359,297")


def test_sig_tolerance_is_half_a_unit_in_the_last_significant_place():
    declaration = spec(format="sig", sig=3)
    assert check(declaration, 40.37e6, "4.04e7")
    assert check(declaration, 40.37e6, "40,350,000")  # 0.02e6 away, limit 0.05e6
    assert not check(declaration, 40.37e6, "40,300,000")  # 0.07e6 away
    assert check(declaration, 4.0358e-5, "4.04×10⁻⁵")
    assert not check(declaration, 4.0358e-5, "4.05×10⁻⁵")


def test_declared_tolerance_overrides_the_format_default():
    relative = spec(format="fixed", decimals=3, tolerance={"rel": 0.01})
    assert check(relative, 100.0, "100.99")
    assert not check(relative, 100.0, "101.01")
    absolute = spec(format="int", tolerance={"abs": 2})
    assert check(absolute, 10, "12") and not check(absolute, 10, "13")


def test_vectors_and_matrices_compare_per_element_and_by_shape():
    vector = spec(format="vector", decimals=2)
    assert check(vector, (0.0602, 0.9398), "[0.06, 0.94]")
    assert check(vector, (0.0602, 0.9398), "0.06 0.94")
    assert not check(vector, (0.0602, 0.9398), "[0.06, 0.95]")
    assert not check(vector, (0.0602, 0.9398), "[0.06]")
    matrix = spec(format="matrix", decimals=0)
    assert check(matrix, ((2, 1), (4, 3)), "[2, 1; 4, 3]")
    assert check(matrix, ((2, 1), (4, 3)), "[[2, 1], [4, 3]]")
    assert not check(matrix, ((2, 1), (4, 3)), "[2, 1, 4, 3]")


def test_text_answers_ignore_case_and_spacing_only():
    declaration = spec(format="text")
    assert check(declaration, "Text infilling", "  text   INFILLING ")
    assert not check(declaration, "Text infilling", "token masking")


@pytest.mark.parametrize(
    ("declaration", "value", "printed"),
    [
        ({"format": "fixed", "decimals": 3}, 1.7875, "1.788"),
        ({"format": "sig", "sig": 4}, 1.0005, "1.001"),  # the float is 1.000499999…: half-even on it gives 1.000
        ({"format": "sig", "sig": 4}, 1.0045, "1.005"),
        ({"format": "sig", "sig": 2}, 0.125, "0.13"),  # an exact half: half up, not half to even (0.12)
        ({"format": "sig", "sig": 2}, -0.125, "-0.13"),
        ({"format": "sig", "sig": 1}, 2.5e-7, "3×10⁻⁷"),
        ({"format": "sig", "sig": 4}, 9.9996, "10.00"),
        ({"format": "vector", "decimals": 0}, (2.5, -2.5, 0.5), "[3, -3, 1]"),  # round() gives [2, -2, 0]
        ({"format": "matrix", "decimals": 0}, ((0.5, 1.5), (2.5, 3.5)), "[1, 2; 3, 4]"),
    ],
)
def test_rounding_is_half_up_on_the_shortest_decimal(declaration, value, printed):
    assert format_answer(spec(**declaration), value) == printed


def test_the_boundary_check_agrees_with_the_printed_rounding():
    declaration = spec(format="sig", sig=4, tolerance={"abs": 0.0005})
    [(number, shown, other)] = rounding_boundaries(declaration, 1.0005)
    assert (number, shown, other) == (1.0005, "1.001", "1.000")
    [(number, shown, other)] = rounding_boundaries(spec(format="vector", decimals=0), (2.5,))
    assert (shown, other) == ("3", "2")


def test_template_filters_round_half_up_too():
    from qbank.render.templating import bmatrix, latex_number, vec

    assert latex_number(2.5, 0) == "3"
    assert latex_number(1.0005, 3) == "1.001"
    assert str(vec([0.5, 1.5], 0)) == r"\left[1,\ 2\right]"
    assert "3 & -3" in str(bmatrix([2.5, -2.5], 0))
