"""Moodle XML: one category per question holding its K variants (a quiz's random question draws one per
student). numerical (the interval qbank accepts as an absolute tolerance), multichoice (single or multi,
per-option feedback naming the misconception), shortanswer (case-insensitive, with the declared synonyms),
essay (no answers: model answer and rubric as grader information) and cloze for several answers, a vector or
a matrix, and the placements a scenario links (one cloze per variant, each part under its heading). Formulas
are TeX for MathJax, the worked solution is the general feedback, figures are embedded files."""

from __future__ import annotations

import base64
import html
import math
from collections.abc import Sequence
from fractions import Fraction

from lxml import etree

from qbank.core.responses import accepted_texts
from qbank.output.lms.combined import Piece, Slot, heading_html, linked_note, pieces, slots
from qbank.output.lms.numeric import Interval, interval, numbers_of
from qbank.output.lms.shapes import (
    Note,
    cell_note,
    fractions,
    grader_html,
    mistake_feedback,
    option_feedback,
    shape,
    text_notes,
    unique,
)
from qbank.output.lms.source import ExportQuestion, ExportSource, placement_number
from qbank.render.lms import LmsContent
from qbank.render.paper import SolvedPart

FILE = "moodle.xml"
FIGURE = "figure.svg"
CLOZE_SPECIAL = '\\}#~/"'


def fraction_text(percent: float) -> str:
    """A fraction as Moodle lists it (100, 50, 33.33333, -14.28571): five decimals at most."""
    text = f"{percent:.5f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _text(parent: etree._Element, tag: str, value: str, fmt: str | None = "html") -> etree._Element:
    """`<tag format=..><text>value</text></tag>` (HTML in CDATA)."""
    element = etree.SubElement(parent, tag, {"format": fmt} if fmt else {})
    etree.SubElement(element, "text").text = etree.CDATA(value) if fmt == "html" else value
    return element


def _plain(parent: etree._Element, tag: str, value: str) -> None:
    etree.SubElement(parent, tag).text = value


def figure_html(piece: Piece, name: str = FIGURE) -> str:
    """A piece's figure (a file of the question), described by its alt text."""
    if not piece.page.figure:
        return ""
    return f'<p><img src="@@PLUGINFILE@@/{name}" alt="{html.escape(piece.alt)}"></p>'


def question_html(piece: Piece, answers: str = "") -> str:
    """The question text, its figure and (for cloze) the answer lines; only what a student may see."""
    return piece.page.text + figure_html(piece) + (f'<div class="qbank-answers">{answers}</div>' if answers else "")


def _head(parent: etree._Element, kind: str, name: str, text: str, figures: Sequence[tuple[str, str]],
          feedback: str, marks: float) -> etree._Element:  # fmt: skip
    """A question element with its name, text (and figure files: name, SVG), general feedback and grade."""
    element = etree.SubElement(parent, "question", {"type": kind})
    _text(element, "name", name, None)
    body = _text(element, "questiontext", text)
    for file_name, svg in figures:
        data = base64.b64encode(svg.encode("utf-8")).decode("ascii")
        etree.SubElement(body, "file", {"name": file_name, "path": "/", "encoding": "base64"}).text = data
    _text(element, "generalfeedback", feedback)
    _plain(element, "defaultgrade", f"{marks:g}")
    _plain(element, "penalty", "0")
    _plain(element, "hidden", "0")
    return element


def _numerical(element: etree._Element, solved: SolvedPart, name: str) -> None:
    spec = solved.part.question.spec.answers[name]
    span = interval(spec, solved.variant.answers[name])
    for fraction, found, feedback in [("100", span, ""), *diagnoses(solved, name)]:
        answer = etree.SubElement(element, "answer", {"fraction": fraction, "format": "moodle_auto_format"})
        _plain(answer, "text", found.key)
        _plain(answer, "tolerance", found.tolerance)
        _text(answer, "feedback", html.escape(feedback, quote=False))
    for tag, value in (("unitgradingtype", "0"), ("unitpenalty", "0"), ("showunits", "3"), ("unitsleft", "0")):
        _plain(element, tag, value)


def diagnoses(solved: SolvedPart, name: str) -> list[tuple[str, Interval, str]]:
    """0% answers after the key, one per misconception of a number asked free: a response within the grader's
    interval around a misconception's value is told the mistake it encodes (the key's answer, first, wins)."""
    spec = solved.part.question.spec.answers[name]
    found = solved.variant.mistakes.get(name, ())
    return [("0", interval(spec, m.value), mistake_feedback(m.name, m.description)) for m in found]


def shortanswer_texts(solved: SolvedPart, name: str) -> list[str]:
    """The key and its declared synonyms, `*` escaped (Moodle reads a bare `*` as a wildcard)."""
    spec = solved.part.question.spec.answers[name]
    texts = accepted_texts(str(solved.variant.answers[name]), spec.accept)
    return list(dict.fromkeys(t.replace("*", "\\*") for t in texts))


def _shortanswer(element: etree._Element, solved: SolvedPart, name: str) -> None:
    _plain(element, "usecase", "0")
    for text in shortanswer_texts(solved, name):
        answer = etree.SubElement(element, "answer", {"fraction": "100", "format": "moodle_auto_format"})
        _plain(answer, "text", text)
        _text(answer, "feedback", "")


def _multichoice(element: etree._Element, solved: SolvedPart, name: str, page: LmsContent) -> None:
    choice = solved.choices[name]
    _plain(element, "single", "true" if choice.kind == "choice" else "false")
    _plain(element, "shuffleanswers", "0")  # the paper's (seeded) order, as the manifest records it
    _plain(element, "answernumbering", "ABCD")
    for tag in ("correctfeedback", "partiallycorrectfeedback", "incorrectfeedback"):
        _text(element, tag, "")
    for option, text, percent in zip(choice.options, page.options[name], fractions(choice), strict=True):
        answer = etree.SubElement(element, "answer", {"fraction": fraction_text(percent), "format": "html"})
        etree.SubElement(answer, "text").text = etree.CDATA(text)
        _text(answer, "feedback", html.escape(option_feedback(option), quote=False))


def cloze_escape(text: str) -> str:
    """A text inside a cloze code, its special characters escaped."""
    return "".join(f"\\{c}" if c in CLOZE_SPECIAL else c for c in text)


def cloze_codes(solved: SolvedPart, name: str, page: LmsContent) -> list[tuple[str, str]]:
    """The embedded codes of one answer (one per cell of a vector or matrix) with their cell names, weight 1."""
    spec = solved.part.question.spec.answers[name]
    if name in solved.choices:
        choice = solved.choices[name]
        kind = "MULTICHOICE" if choice.kind == "choice" else "MULTIRESPONSE"
        items = [f"%{fraction_text(p)}%{cloze_escape(t)}#{cloze_escape(html.escape(option_feedback(o), quote=False))}"
                 for o, t, p in zip(choice.options, page.options[name], fractions(choice), strict=True)]  # fmt: skip
        return [("", f"{kind}:{'~'.join(items)}")]
    if spec.format == "text":
        texts = [cloze_escape(html.escape(t, quote=False)) for t in shortanswer_texts(solved, name)]
        return [("", "SHORTANSWER:" + "~".join(f"%100%{t}" for t in texts))]
    spans = [(cell, interval(spec, number)) for cell, number in numbers_of(spec, solved.variant.answers[name])]
    wrong = "".join(f"~%0%{d.key}:{d.tolerance}#{cloze_escape(html.escape(f, quote=False))}"
                    for _, d, f in diagnoses(solved, name))  # fmt: skip
    return [(cell, f"NUMERICAL:={span.key}:{span.tolerance}{wrong}") for cell, span in spans]


def cloze_weights(asked: Sequence[Slot], cells: Sequence[int]) -> list[int]:
    """Whole-number weights of each answer's cells: every answer its share of the marks, shared by its cells."""
    shares = [Fraction(str(slot.marks)) / count for slot, count in zip(asked, cells, strict=True)]
    scale = math.lcm(*(share.denominator for share in shares))
    whole = [int(share * scale) for share in shares]
    common = math.gcd(*whole)
    return [w // common for w in whole]


def cloze_lines(asked: Sequence[Slot]) -> dict[Piece, str]:
    """Each piece's answer lines: one per graded answer (per cell of a vector or matrix): its label, the embedded
    code and unit (a choice's options carry the unit). Each answer weighs its share of the marks, its cells
    sharing it (the weights are whole numbers, as Moodle needs)."""
    codes = [cloze_codes(slot.piece.solved, str(slot.name), slot.piece.page) for slot in asked]
    weights = cloze_weights(asked, [len(c) for c in codes])
    lines: dict[Piece, str] = {}
    for slot, cells, weight in zip(asked, codes, weights, strict=True):
        page, name = slot.piece.page, str(slot.name)
        unit = f" {page.units[name]}" if page.units[name] and name not in slot.piece.solved.choices else ""
        for cell, code in cells:
            text = f"<p>{page.labels[name]}{html.escape(cell)}: {{{weight}:{code}}}{unit}</p>"
            lines[slot.piece] = lines.get(slot.piece, "") + text
    return lines


def _cloze(parent: etree._Element, name: str, found: Sequence[Piece], marks: float) -> etree._Element:
    """Several answers (of one placement, or of the placements a scenario links) as one cloze question: each
    piece's heading, text, figure and answer lines in order."""
    asked = [slot for slot in slots(found) if slot.name is not None]
    lines = cloze_lines(asked)
    if len(found) == 1:
        text = question_html(found[0], lines[found[0]])
        figures = [(FIGURE, found[0].page.figure)] if found[0].page.figure else []
        feedback = grader_html(found[0].page)
    else:
        figure_names = {piece: f"figure-{i}.svg" for i, piece in enumerate(found, start=1) if piece.page.figure}
        text = "".join(heading_html(piece) + piece.page.text + figure_html(piece, figure_names.get(piece, ""))
                       + (f'<div class="qbank-answers">{lines[piece]}</div>' if piece in lines else "")
                       for piece in found)  # fmt: skip
        figures = [(figure_names[piece], str(piece.page.figure)) for piece in found if piece in figure_names]
        feedback = "".join(heading_html(piece) + grader_html(piece.page) for piece in found)
        marks = sum(slot.marks for slot in asked)  # a part without answers is marked by hand (see the notes)
    return _head(parent, "cloze", name, text, figures, feedback, marks)


def question_element(parent: etree._Element, item: ExportQuestion, seed: int, parts: Sequence[SolvedPart]) -> None:
    """One variant as a Moodle question (the placements a scenario links as one cloze question)."""
    found = pieces(parts, "tex")
    name = f"{item.key} seed {seed}"
    marks = sum(solved.part.marks for solved in parts)
    kind = shape(parts[0]) if len(parts) == 1 else "several"
    piece = found[0]
    figures = [(FIGURE, piece.page.figure)] if piece.page.figure else []
    if kind == "essay":
        element = _head(parent, "essay", name, question_html(piece), figures, piece.page.solution, marks)
        for tag, value in (("responseformat", "editor"), ("responserequired", "1"), ("responsefieldlines", "15"),
                           ("attachments", "0"), ("attachmentsrequired", "0")):  # fmt: skip
            _plain(element, tag, value)
        _text(element, "graderinfo", grader_html(piece.page))
        _text(element, "responsetemplate", "")
    elif kind in ("cells", "several"):
        element = _cloze(parent, name, found, marks)
    else:
        solved, page = piece.solved, piece.page
        answer = solved.graded[0]
        moodle_kind = {"numeric": "numerical", "text": "shortanswer", "choice": "multichoice"}[kind]
        element = _head(parent, moodle_kind, name, question_html(piece), figures, grader_html(page), marks)
        if kind == "numeric":
            _numerical(element, solved, answer)
        elif kind == "text":
            _shortanswer(element, solved, answer)
        else:
            _multichoice(element, solved, answer, page)
    _plain(element, "idnumber", f"{item.key}@{seed}")


def moodle_notes(item: ExportQuestion) -> list[Note]:
    """What each question becomes where Moodle cannot grade it as qbank does."""
    where = f"{item.number} {item.key}"
    notes = [linked_note(item, "Moodle", "one cloze question per variant")] if item.linked else []
    for _, parts in item.variants:
        notes += [Note(where, f"{placement_number(s)} asks no answer: Moodle's cloze has no essay field, so it is "
                       "shown with its text and its marks are left out of the cloze question (give them by hand)")
                  for s in parts if len(parts) > 1 and not s.graded]  # fmt: skip
        for solved in parts:
            notes += answer_notes(where, solved, len(parts) == 1)
    return unique(notes)


def answer_notes(where: str, solved: SolvedPart, alone: bool) -> list[Note]:
    """What one placement's answers become where Moodle grades them differently from qbank (`alone`: the only
    placement of its question)."""
    notes = []
    for name in solved.graded:
        spec = solved.part.question.spec.answers[name]
        if name not in solved.choices and spec.format in ("vector", "matrix"):
            notes.append(cell_note(where, name, spec.format, "Moodle", "cloze NUMERICAL cells"))
        choice = solved.choices.get(name)
        if choice is not None and choice.scoring == "all-or-nothing":
            message = "is scored all-or-nothing; Moodle's multichoice has no such scoring, so it gets per-option "
            notes.append(Note(where, f"answer {name!r} {message}credit (floored at 0) there"))
    becomes = "a shortanswer" if len(solved.graded) == 1 and alone else "a cloze SHORTANSWER"
    notes += text_notes(where, solved, becomes, "ignores case and trims the response")
    if len(solved.graded) > 1 and alone:
        notes.append(Note(where, f"{len(solved.graded)} answers become one cloze question, each answer an "
                          "equal share of the marks (as qbank grades)"))  # fmt: skip
    return notes


def category_name(item: ExportQuestion) -> str:
    """A question's category under the export's: its number and placement (a `/` doubled, as Moodle escapes it)."""
    return f"{item.number} {item.key}".replace("/", "//")


def moodle_xml(source: ExportSource, questions: Sequence[ExportQuestion]) -> bytes:
    """The whole export as one Moodle XML file: a category per question, then its variants."""
    quiz = etree.Element("quiz")
    top = "$course$/" + source.title.replace("/", "//")
    for item in questions:
        category = etree.SubElement(quiz, "question", {"type": "category"})
        _text(category, "category", f"{top}/{category_name(item)}", None)
        titles = " + ".join(solved.part.question.spec.title for solved in item.variants[0][1])
        _text(category, "info", f"{len(item.variants)} variants of {titles}", "html")
        for seed, parts in item.variants:
            question_element(quiz, item, seed, parts)
    return etree.tostring(quiz, xml_declaration=True, encoding="UTF-8", pretty_print=True)
