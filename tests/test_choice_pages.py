"""Multiple choice on the printed pages (HTML): the paper's lettered options with boxes, laid out by width, with
no answer lines for a part asked wholly as choice and nothing of the key; the key's letters, values and the
mistake behind every distractor; the practice sheet's options before its solutions."""

from __future__ import annotations

import dataclasses
import html
import re
from functools import lru_cache

from qbank.render.markup import inline_math_html
from qbank.render.options import columns_for, text_width
from qbank.render.page import page_context
from qbank.render.paper import SolvedPaper, solve_paper
from qbank.render.question import PageRenderer
from qbank.spec.exam import Exam, load_exam

from .mc_bank import QUIZ, QUIZ_QUESTIONS, copy_bank

MINUS = "\u2212"
_CELL = re.compile(r'<td class="option"><span class="letter">\((\w)\)</span>&#160;<span class="box">&#9744;</span>'
                   r'&#160;<span class="otext">(.*?)</span></td>')  # fmt: skip
_SECTION = re.compile(r'<section class="question(?: whole)?" id="q(\d+)">(.*?)</section>', re.S)


@lru_cache(maxsize=1)
def quiz() -> Exam:
    """The multiple-choice test exam, loaded once."""
    return load_exam(QUIZ)


@lru_cache(maxsize=16)
def solved(seed: int, paper_id: str = "main", canonical: bool = False) -> SolvedPaper:
    """One solved paper of the quiz."""
    return solve_paper(quiz(), seed, paper_id, canonical)


def page(paper: SolvedPaper, kind: str) -> str:
    """A page of a solved paper as HTML."""
    return PageRenderer().render(kind, page_context(paper, kind))


def questions(document: str) -> dict[int, str]:
    """The HTML of each numbered question of a paper."""
    return {int(number): body for number, body in _SECTION.findall(document)}


def option_cells(fragment: str) -> list[tuple[str, str]]:
    """(letter, text HTML) of every printed option, in order."""
    return _CELL.findall(fragment)


def expected_text(option) -> str:
    """An option's text as the paper should show it: written ones typeset, numbers with a true minus sign."""
    if option.source == "written":
        return inline_math_html(option.text)
    return html.escape(option.text.replace("-", MINUS))


def leaky_strings(paper: SolvedPaper) -> set[str]:
    """What a student's page must never show: every `why`, misconception name and description."""
    found = set()
    for part in paper.parts:
        for choice in part.choices.values():
            found |= {option.why for option in choice.options if option.why}
            found |= {option.misconception for option in choice.options if option.misconception}
        for mistakes in part.variant.mistakes.values():
            found |= {m.name for m in mistakes} | {m.description for m in mistakes}
    return found


def test_paper_prints_every_option_lettered_with_a_box_in_the_paper_order():
    paper = solved(3)
    shown = questions(page(paper, "paper"))
    for part in paper.parts:
        cells = option_cells(shown[part.item.number])
        expected = [(o.letter, expected_text(o)) for choice in part.choices.values() for o in choice.options]
        assert cells == expected, part.part.key
    assert any(MINUS in text for _, text in option_cells(shown[2]))  # shift's key is negative: a true minus


def test_options_per_line_follow_the_longest_option():
    assert columns_for([2, 2, 2, 2]) == 4
    assert columns_for([2, 2, 2]) == 3
    assert columns_for([2] * 5) == 3  # 3 and 2, not 4 and 1
    assert columns_for([2] * 6) == 3
    assert columns_for([2] * 7) == 4
    assert columns_for([15] * 4) == 2  # too long for 4 a line: 2 and 2, not 3 and 1
    assert columns_for([15] * 3) == 3
    assert columns_for([20, 3, 3, 3]) == 2
    assert columns_for([60, 3]) == 1
    assert text_width(r"$\sigma$") == 1 and text_width("ReLU") == 4
    shown = questions(page(solved(3), "paper"))
    assert 'class="options cols-4"' in shown[1]  # four short numbers on one line
    assert 'class="options cols-3"' in shown[2]
    assert 'class="options cols-1"' in shown[3]  # long statements one per line
    assert shown[3].count("<tr>") == 4


def test_labels_and_what_to_tick():
    shown = questions(page(solved(3), "paper"))
    heads = {n: re.findall(r'<div class="choices-head">(.*?)</div>', body) for n, body in shown.items()}
    assert heads[1] == ['<span class="olabel">Parameters</span> — Tick one.',
                        '<span class="olabel">Activation</span> — Tick one.']  # fmt: skip
    assert heads[2] == ['<span class="olabel">Change</span> — Tick one.']  # one of two declared answers asked: named
    assert heads[3] == ["Select all that apply."]  # the question's only answer: no label
    # free `total` beside it: its labelled lines first, as declared, with the precision it needs (an int)
    assert heads[4] == ['<span class="olabel">Parameters</span><span class="needs">, a whole number</span>',
                        '<span class="olabel">Activation</span> — Tick one.']  # fmt: skip


def test_a_part_asked_wholly_as_choice_has_no_answer_lines():
    shown = questions(page(solved(3), "paper"))
    assert [n for n, body in shown.items() if "answer-space" in body] == [4]  # only the free-response placement


def test_paper_html_shows_no_key_marking_no_why_and_no_misconception():
    paper = solved(3)
    document = page(paper, "paper")
    assert len(option_cells(document)) == sum(len(c.options) for p in paper.parts for c in p.choices.values())
    leaks = leaky_strings(paper)
    assert "lin.no_bias" in leaks and "assumed every layer has one (max(0, x) < & co)" in leaks
    for text in leaks:
        assert html.escape(text) not in document and text not in document, text

    def flip(choice):
        return dataclasses.replace(choice, options=tuple(dataclasses.replace(o, correct=not o.correct)
                                                         for o in choice.options))  # fmt: skip

    parts = tuple(dataclasses.replace(p, choices={n: flip(c) for n, c in p.choices.items()}) for p in paper.parts)
    flipped = dataclasses.replace(paper, parts=parts)
    assert page(flipped, "paper") == document  # which option is correct changes nothing on the paper


def test_key_table_shows_letters_and_values_and_every_distractor_its_mistake():
    paper = solved(3)
    key = page(paper, "key")
    summary = key.split('<table class="summary">')[1].split("</table>")[0]
    for part in paper.parts:
        for name, choice in part.choices.items():
            values = "; ".join(key_text(o) for o in choice.options if o.correct)
            assert f'<td class="value">{choice.key}\u2002({values})' in summary, (part.part.key, name)
            table = key.split(f"Options — {part.part.question.spec.answers[name].label} · key {choice.key}")[1]
            rows = re.findall(r'<td class="letter">(\w)</td><td>(.*?)</td><td class="note">(.*?)</td>',
                              table.split("</table>")[0])  # fmt: skip
            assert [(letter, text) for letter, text, _ in rows] == [(o.letter, key_text(o)) for o in choice.options]
            for (_, _, note), option in zip(rows, choice.options, strict=True):
                if option.correct:
                    assert note == "correct"
                elif option.source == "misconception":
                    assert note == html.escape(f"{option.why} ({option.misconception})")
                else:
                    assert note == (inline_math_html(option.why, size_px=13.33) if option.why
                                    else "wrong (no mistake named)")  # fmt: skip
    assert "\u2002(" + MINUS in summary  # shift's negative key, with a true minus
    assert "Mean of the readings" not in summary  # shift's `mean` is not asked (`ask: choice`)
    assert "Mean of the readings" not in key.split("Worked solution")[0].split("Q2")[-1]


def key_text(option) -> str:
    """An option's text as the key's tables show it (formulas at the tables' size)."""
    if option.source == "written":
        return inline_math_html(option.text, size_px=13.33)
    return html.escape(option.text.replace("-", MINUS))


def test_key_notes_a_misconception_dropped_for_the_variant():
    seed = next(s for s in range(200) if solved_params(s)["i"] == solved_params(s)["o"])
    paper = solved(seed)
    total = next(p for p in paper.parts if p.part.key == "lin").choices["total"]
    assert [name for name, _ in total.dropped] == ["lin.bias_in"]
    key_value = paper.parts[0].formatted["total"]
    assert ("Dropped for this variant: &#39;lin.bias_in&#39; (counted one bias per input instead of per output) "
            f"coincides with the key here ({key_value}).") in page(
        paper, "key")  # fmt: skip
    assert "lin.bias_in" not in page(paper, "paper")


@lru_cache(maxsize=256)
def _params(seed: int) -> dict:
    return dict(solve_paper(quiz(), seed, "main", render=False).parts[0].variant.params)


def solved_params(seed: int) -> dict:
    """The parameters of the quiz's first question at a seed (no rendering)."""
    return _params(seed)


def test_key_lists_common_mistakes_of_a_free_response_answer():
    paper = solved(3)
    free = next(p for p in paper.parts if p.part.key == "lin#2")
    key, sheet = page(paper, "key"), page(paper, "paper")
    mistakes = key.split("<h4>Common mistakes</h4>")[1].split("</ul>")[0]
    for m in free.variant.mistakes["total"]:
        printed = f"{m.value:,}"
        if printed != free.formatted["total"]:
            assert f"<li>Parameters: <b>{printed}</b> — {m.description}</li>" in mistakes
    assert "Common mistakes" not in sheet
    assert key.count("<h4>Common mistakes</h4>") == 1  # the choice placements list theirs as options


def test_canonical_paper_keeps_written_order_and_generated_ascending():
    paper = solved(0, canonical=True)
    shown = questions(page(paper, "paper"))
    lin = next(p for p in paper.parts if p.part.key == "lin")
    values = [int(text.replace(",", "")) for _, text in option_cells(shown[1])[:4]]
    assert values == sorted(values) and len(values) == 1 + len(lin.variant.mistakes["total"]) - len(
        lin.choices["total"].dropped)  # fmt: skip
    assert [text for _, text in option_cells(shown[1])[4:]] == ["none", "ReLU", inline_math_html(r"$\sigma$")]
    norms = [html.unescape(text) for _, text in option_cells(shown[3])]
    assert norms[0].startswith("It normalizes each feature") and norms[1].startswith("Its running mean")
    assert [letter for letter, _ in option_cells(shown[3])] == ["A", "B", "C", "D"]


def test_papers_of_a_class_set_order_the_options_apart_and_the_same_paper_again_alike():
    first, second = (questions(page(solved(5, roll), "paper")) for roll in ("24CS1", "24CS2"))
    norms = [[html.unescape(text) for _, text in option_cells(shown[3])] for shown in (first, second)]
    assert len(norms[0]) == 4 and sorted(norms[0]) == sorted(norms[1]) and norms[0] != norms[1]
    assert page(solve_paper(quiz(), 5, "24CS1"), "paper") == page(solved(5, "24CS1"), "paper")


def test_practice_page_shows_options_before_the_solutions_and_the_key_after(tmp_path, run_cli):
    bank = copy_bank(tmp_path, QUIZ_QUESTIONS)
    status, _, err = run_cli("practice", bank, "--seed", "4", "--count", "3", "--out", tmp_path / "out")
    assert status == 0, err
    document = (tmp_path / "out" / "practice.html").read_text(encoding="utf-8")
    before, after = document.split('<h2 class="solutions-title">Solutions</h2>')
    assert "Select all that apply." in before and option_cells(before)
    assert "Parameters</span>: tick one" not in before  # `qbank practice` asks numbers as free response
    for text in ("assumed every layer has one", "counted the running statistics as trained parameters",
                 "confused batch and layer normalization", ">correct<", 'class="correct"'):  # fmt: skip
        assert text not in before
    assert "counted the running statistics as trained parameters" in after and "Options — True statements" in after
    assert "Common mistakes" in after
