"""Answers on the pages of a question that declares several: options named by their answer (label and unit) and
joined to `Tick one.` without doubled punctuation, free answers' labelled lines in declared order beside options,
the unit inside the key's brackets, a placement asked with `ask: choice` keyed as scored by its options, and the
note `qbank check`/`build` print when `ask: choice` leaves answers the text asks for unasked."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from qbank.render.answer_blocks import free_lines
from qbank.render.page import page_context
from qbank.render.paper import SolvedPaper, solve_paper
from qbank.render.question import PageRenderer
from qbank.spec.exam import load_exam

from .paper_bank import EXAM, FALL, UNITS, write_paper_bank

_SECTION = re.compile(r'<section class="question" id="q(\d+)">(.*?)</section>', re.S)
_ARTICLE = re.compile(r'<article class="solution">(.*?)</article>', re.S)
_HEAD = re.compile(r'<div class="choices-head">(.*?)</div>')


def solved(root: Path, units: str = UNITS, exam: str = EXAM) -> SolvedPaper:
    """Seed 1's paper of the test exam written under `root`."""
    return solve_paper(load_exam(write_paper_bank(root, units, exam)), 1)


def questions(paper: SolvedPaper) -> dict[int, str]:
    """The HTML of each numbered question of the paper."""
    html = PageRenderer().render("paper", page_context(paper, "paper"))
    return {int(number): body for number, body in _SECTION.findall(html)}


def key_articles(paper: SolvedPaper) -> list[str]:
    """The HTML of each question's article in the full key, in order."""
    return _ARTICLE.findall(PageRenderer().render("key", page_context(paper, "key")))


def test_options_of_a_question_with_two_answers_name_their_answer_and_unit(tmp_path):
    shown = questions(solved(tmp_path))
    assert _HEAD.findall(shown[1]) == ['<span class="olabel">Time (s)</span> \u2014 Tick one.']  # fmt: skip
    assert "answer-space" not in shown[1]  # speed is not asked: no lines for it


def test_the_key_puts_the_unit_inside_the_brackets(tmp_path):
    paper = solved(tmp_path)
    value = paper.parts[0].formatted["time"]
    letter = paper.parts[0].choices["time"].key
    key = PageRenderer().render("key", page_context(paper, "key"))
    assert f'{letter}\u2002({value} <span class="unit">s</span>)' in key
    assert f"{letter}\u2002({value}) <span" not in key


def test_a_placement_asked_as_choice_is_keyed_as_scored_by_its_options(tmp_path):
    choice, free, _ = key_articles(solved(tmp_path))
    assert "[2 marks]" in choice
    assert ('<p class="scoring">Scored by its options: 2 marks for Time. Not asked on this paper (worked solution '
            "only): Speed.</p>") in choice  # fmt: skip
    assert "Speed worked out" not in choice  # not the 4-point rubric that does not match the marks
    assert "Scored by its options" not in free and "Speed worked out" in free  # the free placement keeps it


def test_check_and_build_note_once_the_answers_ask_choice_leaves_unasked(tmp_path, run_cli):
    exam = write_paper_bank(tmp_path)
    line = EXAM.splitlines().index("      - {id: fall, ask: choice, marks: 2}") + 1
    expected = (f"qbank: note: {exam}:{line}: sections[0].questions[0].ask: `ask: choice` asks only Time of "
                "question 'fall'; this paper neither asks nor grades Speed (only the key's worked solution gives "
                "it): if the question's text asks for it, reword it or ask the question free")  # fmt: skip
    status, out, err = run_cli("check", exam, "--seeds", "2", "--jobs", "1")
    assert status == 0 and err.splitlines() == [expected]
    status, out, err = run_cli("build", exam, "--seed", "1", "--out", tmp_path / "set")
    assert status == 0 and [line for line in err.splitlines() if "note:" in line] == [expected]


@pytest.mark.slow
def test_a_class_set_build_notes_it_too(tmp_path, run_cli):
    exam = write_paper_bank(tmp_path)
    status, out, err = run_cli("build", exam, "--forms", "1", "--seed", "1", "--jobs", "1", "--out", tmp_path / "forms")
    notes = [line for line in err.splitlines() if line.startswith("qbank: note:")]
    assert status == 0 and len(notes) == 1 and "asks only Time of question 'fall'" in notes[0]


def test_no_note_when_choice_asks_every_answer(tmp_path, run_cli):
    speed = "speed: {label: Speed, format: sig, sig: 3, unit: m/s}"
    fall = FALL.replace(speed, speed[:-1] + ", choices: {count: 3, fill: ['key * 2', 'key / 2']}}")
    status, out, err = run_cli("check", write_paper_bank(tmp_path, fall=fall), "--seeds", "2", "--jobs", "1")
    assert status == 0 and "note" not in err


def test_a_text_answer_beside_written_choices_gets_its_labelled_lines_in_declared_order(tmp_path):
    body = questions(solved(tmp_path))[3]
    assert _HEAD.findall(body) == [
        '<span class="olabel">Unit</span>',
        '<span class="olabel">Which is a vector quantity?</span> Tick one.',
        '<span class="olabel">Which are SI base units?</span> Select all that apply.',
    ]
    first = body.index('class="answer-lines"')
    assert first < body.index('class="choices"')
    assert body.count('class="answer-space"') == 1  # only the text answer's lines, none after the options
    assert re.findall(r'<div class="lines( one)?"></div>', body) == [""]  # one block of 2 lines: a word or two


def test_options_before_the_first_free_answer_stay_with_the_text_and_the_rest_follow_it(tmp_path):
    unit = "  unit:\n    label: Unit\n    format: text\n"
    body = questions(solved(tmp_path, UNITS.replace(unit, "") + unit))[3]  # the text answer declared last
    assert _HEAD.findall(body)[-1] == '<span class="olabel">Unit</span>'
    head, after = body.split('<div class="answers-after">')
    assert head.count('class="choices"') == 2 and "answer-lines" not in head  # kept with the question's text
    assert after.count('class="answer-lines"') == 1 and "choices" not in after.replace("choices-head", "")
    head, after = questions(solved(tmp_path / "first"))[3].split('<div class="answers-after">')
    assert "choices" not in head and after.index("answer-lines") < after.index('class="choices"')


def test_an_explicit_answer_space_is_respected_beside_choices(tmp_path):
    units = UNITS.replace("marks: 3\n", "marks: 3\nanswer_space: 3\n")
    body = questions(solved(tmp_path, units))[3]
    assert re.findall(r'<div class="lines( one)?"></div>', body) == ["", " one"]  # 3 lines, as written
    assert body.index('class="answer-lines"') < body.index('class="lines"') < body.index('class="choices"')


def test_free_answers_beside_choices_share_the_written_space_or_get_lines_by_their_share_of_the_marks(tmp_path):
    spec = load_exam(write_paper_bank(tmp_path)).bank.questions["fall"].spec
    assert free_lines(spec, ["time", "speed"], 4, 2) == {"time": 7, "speed": 7}  # 2 marks each: 3 + 2 * 2 lines
    assert free_lines(spec, ["time", "speed"], 4, 8) == {"time": 4, "speed": 4}  # half a mark each: at least 4
    written = spec.model_copy(update={"answer_space": 5})
    assert free_lines(written, ["time", "speed"], 4, 2) == {"time": 3, "speed": 2}
    text = spec.model_copy(update={"answers": {**spec.answers, "speed": spec.answers["speed"].model_copy(
        update={"format": "text"})}})  # fmt: skip
    assert free_lines(text, ["time", "speed"], 4, 2) == {"time": 7, "speed": 2}  # a word or a phrase


def test_an_options_heading_does_not_repeat_a_unit_its_label_names():
    """`Total parameters (parameters)` reads oddly: a label naming its unit as a word keeps it once; a unit that
    is only part of a word (`s` in `Speed`) is still given."""
    from markupsafe import Markup

    from qbank.render.answer_blocks import answer_name

    assert str(answer_name("Total parameters", Markup("Total parameters"), Markup("parameters")).label) == (
        "Total parameters"
    )
    assert str(answer_name("Speed", Markup("Speed"), Markup("m/s")).label) == "Speed (m/s)"
    assert str(answer_name("Time", Markup("Time"), Markup("s")).label) == "Time (s)"
    assert str(answer_name("Speed in m/s", Markup("Speed in m/s"), Markup("m/s")).label) == "Speed in m/s"
