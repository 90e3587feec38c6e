"""Faithful content: each exported question's text, markup and formulas aside, is the paper's text for the same
seed and variant (its words, and the numbers inside its formulas); nothing an LMS shows before submission holds
an answer."""

from __future__ import annotations

import html
import re

import lxml.html
import pytest
from lxml import etree

from qbank.output.lms.combined import pieces
from qbank.output.lms.moodle import question_html
from qbank.output.lms.shapes import variant_content
from qbank.output.lms.source import solve_export
from qbank.output.recipes import ExportRecipe
from qbank.render.lms import MATHML_NAMESPACE
from tests.conftest import DL_BANK

TEX = re.compile(r"\\\((.*?)\\\)|\\\[(.*?)\\\]", re.S)
DIGIT = re.compile(r"\d")
MARK = " \ue010 "  # where a formula was


def words(fragment: str) -> str:
    """The text of an HTML fragment, whitespace collapsed."""
    if not fragment.strip():
        return ""
    root = lxml.html.fragment_fromstring(fragment, create_parent="div")
    return " ".join(root.text_content().split())


def numbers(text: str) -> list[str]:
    """The digits of a formula's text, in order (how a formula groups them into numbers is its layout's)."""
    return DIGIT.findall(text)


def paper_reading(fragment: str) -> tuple[str, list[str]]:
    """The paper's question HTML: its text with each formula marked, and the numbers of its formulas."""
    root = lxml.html.fragment_fromstring(fragment, create_parent="div")
    found: list[str] = []
    for element in list(root.iter()):
        classes = (element.get("class") or "").split()
        if "math" in classes and element.getparent() is not None:
            found.extend(numbers(element.text_content()))
            _replace(element)
    return " ".join(root.text_content().split()), found


def _replace(element) -> None:
    """Swap a formula element for the marker, keeping the text after it."""
    parent, tail = element.getparent(), element.tail or ""
    previous = element.getprevious()
    if previous is not None:
        previous.tail = (previous.tail or "") + MARK + tail
    else:
        parent.text = (parent.text or "") + MARK + tail
    parent.remove(element)


def export_reading(fragment: str) -> tuple[str, list[str]]:
    """The exported question HTML (TeX formulas): its text with each formula marked, and their numbers."""
    found: list[str] = []

    def cut(match: re.Match[str]) -> str:
        found.extend(numbers(html.unescape(match.group(1) or match.group(2))))
        return MARK

    return words(TEX.sub(cut, fragment)), found


@pytest.mark.slow
def test_deep_learning_question_texts_are_the_papers():
    source = solve_export(ExportRecipe("moodle", 11, 3, bank=str(DL_BANK)))
    compared = 0
    for item in source.questions():
        for _, (solved,) in item.variants:
            (piece,) = pieces([solved], "tex")
            page = piece.page
            exported = question_html(piece)
            assert 'class="qbank-answers"' not in exported  # single-answer parts add nothing to the text
            paper = paper_reading(str(solved.rendered.text))
            assert export_reading(page.text) == paper, item.key
            for name, formatted in solved.formatted.items():
                if len(formatted) >= 4 and formatted not in words(str(solved.rendered.text)):
                    assert formatted not in words(exported), (item.key, name)
            compared += 1
    assert compared == 3 * len(source.questions())


def mathml_reading(fragment: str) -> tuple[str, list[str]]:
    """The QTI question HTML (MathML formulas): its text with each formula marked, and their digits."""
    root = etree.fromstring(f"<div>{fragment}</div>")
    found: list[str] = []
    for element in list(root.iter(f"{{{MATHML_NAMESPACE}}}math")):
        found.extend(numbers("".join(element.itertext())))
        _replace(element)
    return " ".join("".join(root.itertext()).split()), found


@pytest.mark.slow
def test_deep_learning_mathml_texts_are_the_papers():
    source = solve_export(ExportRecipe("qti21", 4, 1, bank=str(DL_BANK)))
    formulas = 0
    for item in source.questions():
        for _, (solved,) in item.variants:
            page = variant_content(solved, "mathml")
            formulas += page.text.count("<math ")
            assert mathml_reading(page.text) == paper_reading(str(solved.rendered.text)), item.key
    assert formulas > 50
