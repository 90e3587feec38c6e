"""`qbank serve` talks to the student: every kind of message the marking can show (unreadable numbers of every
format, blank answers, grids, choices, refused forms) says what to type, never a command-line option, a file or a
CSV column."""

from __future__ import annotations

import html
import re

from .conftest import ROOT
from .serve_helpers import MC_BANK, client

SAMPLE = ROOT / "banks" / "sample"
#: What a student-facing message must never mention: command-line options, spec keys, files, CSV columns.
TEACHER_TALK = re.compile(r"--|`|decimal-comma|percent: true|declare|csv|column [a-z]|\bfile|grade with|paper",
                          re.IGNORECASE)  # fmt: skip


def marking(page: str, label: str) -> tuple[str, str]:
    """The verdict line and the whole marking (verdict, read as, key, notes) of the answer labelled `label`, as
    the student reads them."""
    block = next(b for b in page.split('<div class="answer')[1:] if f">{label}<" in b or f">{label} " in b)
    verdict = re.search(r'<p class="verdict" role="status">(.*?)</p>', block)
    assert verdict, block
    text = html.unescape(re.sub(r"<[^>]+>", " ", block[block.index('<p class="verdict"') :]))
    return html.unescape(re.sub(r"<[^>]+>", "", verdict.group(1))), text


def test_a_decimal_comma_is_answered_with_the_dot_to_type_not_a_command_line_flag():
    _, web = client(SAMPLE)
    page = web.post("/q/basics/softmax/2", data={"a.loss": "19,8"}).text
    verdict, whole = marking(page, "Cross-entropy loss")
    assert verdict == "unreadable: cannot read '19,8' as a number: write the decimal point as a dot: 19.8"
    assert not TEACHER_TALK.search(whole), whole
    verdict, _ = marking(web.post("/q/basics/softmax/2", data={"a.loss": "−0,25"}).text, "Cross-entropy loss")
    assert verdict.endswith("write the decimal point as a dot: -0.25")


def test_a_percentage_where_none_is_asked_says_to_write_the_number_without_the_sign():
    _, web = client(SAMPLE)
    verdict, whole = marking(web.post("/q/basics/softmax/2", data={"a.loss": "50%"}).text, "Cross-entropy loss")
    assert verdict == ("unreadable: cannot read '50%' as a number: this answer is not a percentage: write it as a "
                       "number, without the % sign")  # fmt: skip
    assert not TEACHER_TALK.search(whole), whole


def test_a_control_character_asks_to_type_the_answer_again():
    _, web = client(SAMPLE)
    page = web.post("/q/basics/softmax/2", data={"a.loss": "1\u202e2"}).text
    verdict, whole = marking(page, "Cross-entropy loss")
    assert verdict.startswith("unreadable:") and verdict.endswith("type the answer again"), verdict
    assert "U+202E" in verdict and not TEACHER_TALK.search(whole), whole


def test_every_other_kind_of_message_talks_to_the_student():
    _, web = client(SAMPLE)
    page = web.post("/q/basics/matmul/2", data={"a.trace": "three", "a.sign": "sideways", "a.product.0.0": "1",
                                               "a.product.0.1": "1 2"}).text  # fmt: skip
    shown = {label: marking(page, label) for label in ("Trace", "Sign of the trace", "AB")}
    assert shown["Trace"][0] == "unreadable: cannot read 'three' as a whole number: not a number"
    assert shown["Sign of the trace"][0] == "wrong: not an accepted text"
    assert shown["AB"][0] == "blank: fill every cell: 2 of 4 are empty"
    cells = {f"a.product.{r}.{c}": "1" for r in range(2) for c in range(2)} | {"a.product.1.1": "1 2"}
    shown["cell"] = marking(web.post("/q/basics/matmul/2", data=cells).text, "AB")
    assert shown["cell"][0].endswith("one number per cell: type each element in its own cell")
    shown["blank"] = marking(web.post("/q/basics/softmax/2", data={"a.loss": " "}).text, "Cross-entropy loss")
    assert shown["blank"][0] == "blank: no answer"
    shown["range"] = marking(web.post("/q/basics/softmax/2", data={"a.loss": "1e6"}).text, "Cross-entropy loss")
    assert shown["range"][0] == "wrong: outside the accepted range"
    for _, whole in shown.values():
        assert not TEACHER_TALK.search(whole), whole


def test_choice_messages_and_refused_choice_forms_talk_to_the_student():
    _, web = client(MC_BANK)
    verdict, whole = marking(web.post("/q/lin/5", data={"a.total": "12"}).text, "Activation")
    assert verdict == "blank: no answer" and not TEACHER_TALK.search(whole), whole
    nothing = web.post("/q/norms/4", content=b"", headers={"content-type": "application/x-www-form-urlencoded"})
    verdict, whole = marking(nothing.text, "True statements")
    assert verdict == "blank: no answer" and not TEACHER_TALK.search(whole), whole
    for form in ({"a.total": "1", "a.act": "Z"}, {"a.total": "1", "a.act": ["A", "B"]}):
        refused = web.post("/q/lin/5", data=form)
        assert refused.status_code == 400
        message = html.unescape(re.sub(r"<[^>]+>", " ", refused.text.split("<main", 1)[-1]))
        assert not TEACHER_TALK.search(message), message


LONG_BANK = {
    "bank.yaml": "name: long\ntitle: Long vectors\nmodules: [solvers.py]\n",
    "solvers.py": 'from qbank.registry import Solution, solver\n\n\n@solver("long.ramp")\ndef ramp(p):\n'
    '    """A vector too long for a grid of cells."""\n'
    '    return Solution(answers={"v": [round(p["a"] * i, 1) for i in range(60)]})\n',
    "questions/ramp.yaml": "id: ramp\ntitle: Ramp\nmarks: 1\nsolver: long.ramp\n"
    "params:\n  a: {type: float, min: 1.0, max: 2.0, decimals: 1}\n"
    "text: Multiply 0 to 59 by {{ a }}.\nanswers:\n  v: {label: Ramp, format: vector, decimals: 1}\n",
}


def test_a_long_vector_typed_with_decimal_commas_in_one_box_says_to_type_dots(tmp_path):
    for name, text in LONG_BANK.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    _, web = client(tmp_path)
    assert 'name="a.v"' in web.get("/q/ramp/1").text  # one box, not 60 cells
    verdict, whole = marking(web.post("/q/ramp/1", data={"a.v": "1,5; 2,5"}).text, "Ramp")
    assert verdict == ("unreadable: cannot read '1,5; 2,5' as a vector: commas inside the numbers: write each "
                       "decimal point as a dot (1.5; 2.5)")  # fmt: skip
    assert not TEACHER_TALK.search(whole), whole


def test_the_graders_decimal_mark_note_and_unit_reasons_talk_to_the_student():
    catalog, web = client(SAMPLE)
    seed = next(s for s in range(1, 60) if catalog.solve("basics/softmax", s).variant.answers["loss"] >= 1)
    key = f"{catalog.solve('basics/softmax', seed).variant.answers['loss']:.3f}"
    comma = key.replace(".", ",")
    page = web.post(f"/q/basics/softmax/{seed}", data={"a.loss": comma}).text
    verdict, whole = marking(page, "Cross-entropy loss")
    assert verdict == "wrong: outside the accepted range"
    note = re.search(r'<dd class="note">([^<]*)</dd>', page)
    assert note and note.group(1) == (
        f"the comma was read as a thousands separator ({comma.replace(',', '')}); "
        f"write the decimal point as a dot: {key}"
    )
    assert not TEACHER_TALK.search(whole), whole
    verdict, whole = marking(web.post("/q/basics/softmax/2", data={"a.loss": "2 kJ"}).text, "Cross-entropy loss")
    assert verdict == (
        "unreadable: cannot read '2 kJ' as a number: 'kJ' after the number: this answer has no unit, type the "
        "number alone"
    )
    assert not TEACHER_TALK.search(whole), whole
