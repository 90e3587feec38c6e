"""Reading typed responses: typographic minus signs, declared percentages, a declared decimal comma, text
synonyms; every other cell is unreadable and says why (issue 11/12 cases that used to score zero)."""

from __future__ import annotations

import pytest

from qbank.core.responses import Unreadable, read_matrix, read_number, read_response, read_vector
from qbank.sets.verdicts import grade_cell
from qbank.solve.formats import check
from qbank.spec.models import AnswerSpec


def spec(**kwargs) -> AnswerSpec:
    return AnswerSpec(label="x", **kwargs)


FIXED2 = spec(format="fixed", decimals=2)
FIXED4 = spec(format="fixed", decimals=4)


@pytest.mark.parametrize("minus", ["\u2010", "\u2011", "\u2012", "\u2013", "\u2212", "\ufe63", "\uff0d", "-"])
def test_typographic_minus_signs_read_as_minus(minus):
    assert check(FIXED2, -9.85, f"{minus}9.85")
    assert check(spec(format="sig", sig=3), -4.04e-5, f"{minus}4.04×10{minus}5")
    assert check(spec(format="vector", decimals=2), [-0.5, 0.25], f"[{minus}0.5, 0.25]")
    assert not check(FIXED2, 9.85, f"{minus}9.85")  # the sign still counts


def test_an_em_dash_is_not_a_minus_sign():
    with pytest.raises(Unreadable):
        read_number("\u20149.85")


def test_percent_is_read_only_where_the_answer_declares_it():
    declared = spec(format="fixed", decimals=3, percent=True)
    assert check(declared, 0.507, "50.7%")
    assert check(declared, 0.507, "50.7 %")
    assert check(declared, 0.507, "0.507")  # the plain fraction stays right
    assert not check(declared, 0.507, "50.7")  # 50.7 without the sign is fifty, not a percentage
    assert not check(declared, 0.507, "5.07%")
    assert check(spec(format="vector", decimals=2, percent=True), [0.3, 0.7], "[30%, 70%]")
    plain = spec(format="fixed", decimals=3)
    assert not check(plain, 0.507, "50.7%")
    with pytest.raises(Unreadable, match=r"percentage, but this answer does not declare `percent: true`"):
        read_response(plain, "50.7%")


@pytest.mark.parametrize(
    ("typed", "value"),
    [("0,2323", 0.2323), ("2.254", 2254.0), ("1.234.567,5", 1234567.5), ("−9,85", -9.85), ("4,04e-5", 4.04e-5),
     ("4,04×10⁻⁵", 4.04e-5), ("12", 12.0), ("1 234,5", 1234.5)],
)  # fmt: skip
def test_decimal_comma_when_declared(typed, value):
    assert read_number(typed, decimal_comma=True) == pytest.approx(value, rel=1e-15)


@pytest.mark.parametrize("typed", ["0,2323", "0,250", "-0,5", "3,1415"])
def test_a_decimal_comma_is_never_guessed(typed):
    with pytest.raises(Unreadable, match=r"a decimal comma\? grade with --decimal-comma"):
        read_number(typed)
    assert not check(FIXED4, float(typed.replace(",", ".")), typed)


@pytest.mark.parametrize("typed", ["0.2323", "2.25", "1.2345"])
def test_with_a_decimal_comma_a_point_is_not_read_as_a_decimal_point(typed):
    with pytest.raises(Unreadable, match=r"a decimal point, but grading with --decimal-comma"):
        read_number(typed, decimal_comma=True)


def test_decimal_comma_grading_of_european_cells():
    assert check(FIXED4, 0.2323, "0,2323", decimal_comma=True)
    assert check(spec(format="int"), 2254, "2.254", decimal_comma=True)
    assert not check(spec(format="int"), 2254, "2.254")  # without the flag: 2.254, not 2254
    assert read_vector("[0,1; 0,9]", decimal_comma=True) == [0.1, 0.9]
    assert read_vector("0,1 0,9", decimal_comma=True) == [0.1, 0.9]
    assert read_matrix("[1,5 2; 3 4]", decimal_comma=True) == [[1.5, 2.0], [3.0, 4.0]]
    assert read_matrix("[[1,5 2] [3 4,25]]", decimal_comma=True) == [[1.5, 2.0], [3.0, 4.25]]


def test_thousands_separators_still_read_without_the_flag():
    assert read_number("2,359,296") == 2359296
    assert read_number("−1,728") == -1728
    with pytest.raises(Unreadable):
        read_number("23,59,296")  # not groups of three


ACCEPT = {"do not reject": ["fail to reject", "retain H0"], "reject": ["reject H0"]}


def test_text_synonyms_are_declared_per_key():
    hypothesis = spec(format="text", accept=ACCEPT)
    assert check(hypothesis, "do not reject", "fail to reject")
    assert check(hypothesis, "do not reject", "  Fail   to\tREJECT ")
    assert check(hypothesis, "Do Not Reject", "retain h0")
    assert check(hypothesis, "do not reject", "DO NOT reject")
    assert not check(hypothesis, "reject", "fail to reject")  # a synonym of the other key
    assert check(hypothesis, "reject", "Reject H0")
    assert not check(spec(format="text"), "do not reject", "fail to reject")  # nothing declared


def test_text_answers_ignore_case_spacing_hyphen_variants_and_unicode_composition():
    method = spec(format="text")
    assert check(method, "top-k", "Top\u2011K")  # a word processor's non-breaking hyphen
    assert check(method, "non-positive", "non\u2013positive")
    assert check(method, "Émile", "E\u0301mile")  # decomposed accent
    assert not check(method, "top-k", "top k")


def test_unreadable_reasons_name_the_element():
    with pytest.raises(Unreadable, match=r"element 2 'x': not a number"):
        read_vector("[0.1, x]")
    with pytest.raises(Unreadable, match=r"element \(2, 1\) '3\.5'"):
        read_matrix("[1 2; 3.5 4]", decimal_comma=True)
    with pytest.raises(Unreadable, match=r"control character\(s\) U\+202E"):
        read_response(FIXED2, "\u202e9.85")


SPEC_CASES = [
    ("accept-on-a-number", "banks/sample/questions/softmax.yaml", "format: fixed, decimals: 3}",
     "format: fixed, decimals: 3, accept: {a: [b]}}", r"softmax\.yaml:25: answers\.loss\.accept: synonyms are for "
     r"text answers only"),
    ("percent-on-text", "banks/sample/questions/matmul.yaml", "format: text}", "format: text, percent: true}",
     r"matmul\.yaml:20: answers\.sign\.percent: not used by format 'text'"),
    ("synonym-is-another-key", "banks/sample/questions/matmul.yaml", "format: text}",
     "format: text, accept: {positive: [Non-Positive], non-positive: []}}",
     r"matmul\.yaml:20: answers\.sign\.accept\.positive: 'Non-Positive' is accepted for 'positive' but is itself "
     r"the key 'non-positive'"),
    ("empty-synonym", "banks/sample/questions/matmul.yaml", "format: text}", "format: text, accept: {positive: ['']}}",
     r"matmul\.yaml:20: answers\.sign\.accept\.positive\[0\]: string should have at least 1 character"),
]  # fmt: skip


@pytest.mark.parametrize(("case", "file", "old", "new", "pattern"), SPEC_CASES, ids=[c[0] for c in SPEC_CASES])
def test_bad_accept_and_percent_declarations(case, file, old, new, pattern, sample_copy, run_cli, monkeypatch):
    from .test_user_errors import _assert_user_error

    target = sample_copy / file
    assert old in target.read_text()
    target.write_text(target.read_text().replace(old, new, 1))
    monkeypatch.chdir(sample_copy)
    status, _, err = run_cli("check", "banks/sample", "--seeds", "3")
    _assert_user_error(status, err, pattern)


@pytest.mark.parametrize(
    "typed", ["ReLU.", "relu. ", "  ReLU !", "ReLU?", "ReLU;", "ReLU:", "ReLU,", "ReLU…", "ReLU.."]
)
def test_a_text_answer_may_end_with_sentence_punctuation(typed):
    activation = spec(format="text")
    assert check(activation, "ReLU", typed)
    cell = grade_cell(activation, "ReLU", "ReLU", typed, 2, "q1:act", 1.0)
    assert (cell.verdict, cell.read_as) == ("right", "relu")


def test_only_the_ending_punctuation_of_a_text_answer_is_ignored():
    assert check(spec(format="text"), "i.i.d", "I.I.D.")
    assert check(spec(format="text", accept=ACCEPT), "do not reject", "Fail to reject.")
    assert not check(spec(format="text"), "ReLU", "Re.LU")
    assert not check(spec(format="text"), "ReLU", ".ReLU")
    assert not check(spec(format="text"), "top-k", "top-k-")


def test_a_vector_typed_with_decimal_commas_says_what_to_do():
    with pytest.raises(Unreadable, match=r"^commas inside the numbers and ';' between them \(decimal commas\? grade "
                                         r"with --decimal-comma\)$"):  # fmt: skip
        read_vector("1,5; 2,5")
    with pytest.raises(Unreadable, match=r"^element 1 '1,5,': not a number \(with --decimal-comma, put ';' or spaces "
                                         r"between the numbers\)$"):  # fmt: skip
        read_vector("1,5, 2,5", decimal_comma=True)
    assert read_vector("1,5; 2,5", decimal_comma=True) == [1.5, 2.5]
    assert read_vector("1, 2; 3") == [1.0, 2.0, 3.0]  # ';' between numbers written with points is still a vector
