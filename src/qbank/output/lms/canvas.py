"""Canvas: a QTI 1.2 package in Canvas's own dialect (as Canvas exports quizzes, which both quiz engines import).
One question group per question drawing one of its K variants; numerical_question (a range answer: `vargte` and
`varlte`, the interval qbank accepts rounded outward), multiple_choice_question, multiple_answers_question,
short_answer_question and essay_question. A Canvas item asks one answer: a variant asking several things (several
answers, or the parts a scenario links) becomes one item per answer, `part i of n`, each repeating the whole
stem, in a question group per part; a vector or matrix answer (Canvas's numerical_question holds one number)
becomes an essay_question graded by hand, showing its label, unit and the numbers to write (said in the notes)."""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass

from lxml import etree

from qbank.core.responses import accepted_texts
from qbank.output.lms.canvas_files import manifest_xml, meta_xml
from qbank.output.lms.combined import Piece, Slot, asked_in, heading_html, pieces, slots
from qbank.output.lms.numeric import interval, numbers_of
from qbank.output.lms.shapes import Note, grader_html, option_feedback, text_notes, unique
from qbank.output.lms.source import ExportQuestion, ExportSource
from qbank.output.lms.xhtml import identifier, zip_bytes

FILE = "canvas.zip"
QTI12 = "http://www.imsglobal.org/xsd/ims_qtiasiv1p2"
FILEBASE = "$IMS-CC-FILEBASE$"
TYPES = {"numeric": "numerical_question", "text": "short_answer_question", "essay": "essay_question"}


def slot_type(slot: Slot) -> str:
    """The Canvas question type one slot becomes: an answer's own type, or an essay (no answers, a vector or a
    matrix: Canvas's numerical_question holds one number)."""
    if slot.name is None:
        return "essay_question"
    solved = slot.piece.solved
    if slot.name in solved.choices:
        single = solved.choices[slot.name].kind == "choice"
        return "multiple_choice_question" if single else "multiple_answers_question"
    fmt = solved.part.question.spec.answers[slot.name].format
    return TYPES.get(shape_of(fmt), "essay_question")


def shape_of(fmt: str) -> str:
    """An answer format's shape: `numeric`, `text` or `cells`."""
    return {"text": "text", "vector": "essay", "matrix": "essay"}.get(fmt, "numeric")


def _field(parent: etree._Element, label: str, entry: str) -> None:
    field = etree.SubElement(parent, "qtimetadatafield")
    etree.SubElement(field, "fieldlabel").text = label
    etree.SubElement(field, "fieldentry").text = entry


def _mattext(parent: etree._Element, text: str) -> None:
    etree.SubElement(etree.SubElement(parent, "material"), "mattext", {"texttype": "text/html"}).text = text


def _condition(resprocessing: etree._Element, score: str = "100") -> etree._Element:
    condition = etree.SubElement(resprocessing, "respcondition", {"continue": "No"})
    variables = etree.SubElement(condition, "conditionvar")
    etree.SubElement(condition, "setvar", {"action": "Set", "varname": "SCORE"}).text = score
    return variables


@dataclass(frozen=True)
class CanvasItem:
    """One Canvas item: a variant's placements (`found`), the slot it asks (None: the whole variant, an essay with
    nothing to grade), its part number and count when the variant is split (0 when not), its figures' paths and
    its points."""

    title: str
    ident: str
    points: float
    found: Sequence[Piece]
    slot: Slot | None
    part: tuple[int, int]
    figures: Sequence[str | None]


def stem_html(entry: CanvasItem) -> str:
    """What the student reads: every placement's heading, text and figure; for a split variant, which part this
    item asks; and the answer's label, unit and numbers when it is typed into an essay."""
    text = "".join(heading_html(piece) + piece.page.text
                   + (f'<p><img src="{FILEBASE}/{figure}" alt="{html.escape(piece.alt)}"></p>' if figure else "")
                   for piece, figure in zip(entry.found, entry.figures, strict=True))  # fmt: skip
    slot, (number, count) = entry.slot, entry.part
    if slot is None:
        return text
    asks = f"<strong>Part {number} of {count}</strong>: {slot.label}" if count else ""
    if slot_type(slot) == "essay_question" and slot.name is not None:
        spec = slot.piece.solved.part.question.spec.answers[slot.name]
        cells = [cell for cell, _ in numbers_of(spec, slot.piece.solved.variant.answers[slot.name])]
        asks = (asks or slot.label) + f" — write its {len(cells)} numbers in order: {', '.join(cells)}"
    return text + (f"<p>{asks}</p>" if asks else "")


def item_element(section: etree._Element, entry: CanvasItem) -> None:
    """One Canvas QTI 1.2 item: a variant, or one part of a split variant."""
    slot = entry.slot
    kind = slot_type(slot) if slot is not None else "essay_question"
    item = etree.SubElement(section, "item", {"ident": entry.ident, "title": entry.title})
    fields = etree.SubElement(etree.SubElement(item, "itemmetadata"), "qtimetadata")
    _field(fields, "question_type", kind)
    _field(fields, "points_possible", f"{entry.points:g}")
    presentation = etree.SubElement(item, "presentation")
    _mattext(presentation, stem_html(entry))
    resprocessing = etree.SubElement(item, "resprocessing")
    outcomes = etree.SubElement(resprocessing, "outcomes")
    etree.SubElement(outcomes, "decvar", {"maxvalue": "100", "minvalue": "0", "varname": "SCORE",
                                          "vartype": "Decimal"})  # fmt: skip
    feedback = []
    if slot is not None and kind in ("numerical_question", "short_answer_question"):
        solved, name = slot.piece.solved, str(slot.name)
        spec = solved.part.question.spec.answers[name]
        response = etree.SubElement(presentation, "response_str", {"ident": "response1", "rcardinality": "Single"})
        fib = etree.SubElement(response, "render_fib", {"fibtype": "Decimal" if kind == "numerical_question"
                                                        else "String"})  # fmt: skip
        etree.SubElement(fib, "response_label", {"ident": "answer1"})
        variables = _condition(resprocessing)
        if kind == "numerical_question":
            span = interval(spec, solved.variant.answers[name])
            etree.SubElement(variables, "vargte", {"respident": "response1"}).text = span.low
            etree.SubElement(variables, "varlte", {"respident": "response1"}).text = span.high
        else:
            anyone = etree.SubElement(variables, "or")
            for accepted in dict.fromkeys(accepted_texts(str(solved.variant.answers[name]), spec.accept)):
                etree.SubElement(anyone, "varequal", {"respident": "response1"}).text = accepted
    elif slot is not None and kind in ("multiple_choice_question", "multiple_answers_question"):
        choice = slot.piece.solved.choices[str(slot.name)]
        single = kind == "multiple_choice_question"
        response = etree.SubElement(
            presentation, "response_lid", {"ident": "response1", "rcardinality": "Single" if single else "Multiple"}
        )
        render = etree.SubElement(response, "render_choice")
        for option, option_text in zip(choice.options, slot.piece.page.options[choice.answer], strict=True):
            label = etree.SubElement(render, "response_label", {"ident": option.letter})
            _mattext(label, option_text)
        variables = _condition(resprocessing)
        both = variables if single else etree.SubElement(variables, "and")
        for option in choice.options:
            if option.correct:
                etree.SubElement(both, "varequal", {"respident": "response1"}).text = option.letter
            elif not single:
                etree.SubElement(
                    etree.SubElement(both, "not"), "varequal", {"respident": "response1"}
                ).text = option.letter
        feedback = [(option.letter, option_feedback(option)) for option in choice.options]
    else:
        response = etree.SubElement(presentation, "response_str", {"ident": "response1", "rcardinality": "Single"})
        etree.SubElement(etree.SubElement(response, "render_fib"), "response_label", {"ident": "answer1",
                                                                                       "rshuffle": "No"})  # fmt: skip
        etree.SubElement(_condition(resprocessing, "0"), "other")
    general = etree.SubElement(resprocessing, "respcondition", {"continue": "Yes"})
    etree.SubElement(etree.SubElement(general, "conditionvar"), "other")
    etree.SubElement(general, "displayfeedback", {"feedbacktype": "Response", "linkrefid": "general_fb"})
    for letter, _ in feedback:
        shown = etree.SubElement(resprocessing, "respcondition", {"continue": "Yes"})
        etree.SubElement(etree.SubElement(shown, "conditionvar"), "varequal", {"respident": "response1"}).text = letter
        etree.SubElement(shown, "displayfeedback", {"feedbacktype": "Response", "linkrefid": f"{letter}_fb"})
    solution = "".join(heading_html(piece) + grader_html(piece.page) for piece in entry.found)
    if kind == "essay_question" and slot is not None and slot.name is not None:
        solved, page = slot.piece.solved, slot.piece.page
        key = f"<li>{page.labels[slot.name]}: {html.escape(solved.formatted[slot.name])}</li>"
        solution = f"<p>Answers:</p><ul>{key}</ul>" + solution
    for ident_fb, message in [("general_fb", solution), *((f"{letter}_fb", html.escape(m)) for letter, m in feedback)]:
        block = etree.SubElement(item, "itemfeedback", {"ident": ident_fb})
        _mattext(etree.SubElement(block, "flow_mat"), message)


def canvas_items(entry: ExportQuestion, number: int, files: dict[str, bytes]) -> list[list[CanvasItem]]:
    """A question's Canvas items by question group: one group of K variants, or, for a variant asking several
    things, one group per part (`part i of n`), each item repeating the whole stem; figures go into `files`."""
    groups: list[list[CanvasItem]] = []
    for seed, parts in entry.variants:
        base = identifier(f"Q{number:02d}", entry.key, f"s{seed}")
        found = pieces(parts, "tex")
        figures: list[str | None] = []
        for index, piece in enumerate(found, start=1):
            path = None
            if piece.page.figure:
                path = f"figures/{base}.svg" if len(found) == 1 else f"figures/{base}-{index}.svg"
                files[f"web_resources/{path}"] = piece.page.figure.encode("utf-8")
            figures.append(path)
        asked = slots(found)
        title = f"{entry.key} seed {seed}"
        if len(asked) == 1:
            one = asked[0] if asked[0].name is not None else None
            made = [CanvasItem(title, base, entry.marks, found, one, (0, 0), figures)]
        else:
            made = [CanvasItem(f"{title} part {i} of {len(asked)}", f"{base}_p{i}", slot.marks, found, slot,
                               (i, len(asked)), figures) for i, slot in enumerate(asked, start=1)]  # fmt: skip
        for index, item in enumerate(made):
            if index == len(groups):
                groups.append([])
            groups[index].append(item)
    return groups


def canvas_package(source: ExportSource, questions: Sequence[ExportQuestion]) -> bytes:
    """The Canvas package as zip bytes: the quiz (QTI 1.2), its settings, the figures and the manifest."""
    quiz_id = identifier("quiz", source.title)
    files: dict[str, bytes] = {}
    root = etree.Element("questestinterop", nsmap={None: QTI12})
    assessment = etree.SubElement(root, "assessment", {"ident": quiz_id, "title": source.title})
    fields = etree.SubElement(assessment, "qtimetadata")
    _field(fields, "cc_maxattempts", "1")
    top = etree.SubElement(assessment, "section", {"ident": "root_section"})
    for number, entry in enumerate(questions, start=1):
        groups = canvas_items(entry, number, files)
        for index, made in enumerate(groups, start=1):
            part = f"_p{index}" if len(groups) > 1 else ""
            title = f"{entry.number} {entry.key}" + (f" (part {index} of {len(groups)})" if part else "")
            group = etree.SubElement(top, "section", {"ident": identifier("group", number, entry.key) + part,
                                                      "title": title})  # fmt: skip
            selection = etree.SubElement(etree.SubElement(group, "selection_ordering"), "selection")
            etree.SubElement(selection, "selection_number").text = "1"
            points = etree.SubElement(etree.SubElement(selection, "selection_extension"), "points_per_item")
            points.text = f"{made[0].points:g}"
            for item in made:
                item_element(group, item)
    files[f"{quiz_id}/{quiz_id}.xml"] = etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    files[f"{quiz_id}/assessment_meta.xml"] = meta_xml(quiz_id, source.title, sum(q.marks for q in questions))
    files["imsmanifest.xml"] = manifest_xml(quiz_id, sorted(f for f in files if f.startswith("web_resources/")))
    return zip_bytes(files)


def canvas_notes(entry: ExportQuestion) -> list[Note]:
    """What each question becomes where Canvas cannot grade it as qbank does, with the reason."""
    notes, where = [], f"{entry.number} {entry.key}"
    for _, parts in entry.variants:
        asked = asked_in(parts)
        if len(asked) > 1:
            linked = f"the parts share scenario {parts[0].part.scenario!r}; " if len(parts) > 1 else ""
            count = len(asked)
            draws = ("Canvas draws each item's variant on its own (a question group each; groups cannot be linked), "
                     "so with --variants above 1 a student's items may show different values, each graded against "
                     "what it shows; --variants 1 gives them all the same values")  # fmt: skip
            if len(entry.variants) == 1:
                draws = "with one variant every item shows the same values"
            notes.append(Note(where, f"{count} answers become {count} Canvas items, 'part 1 of {count}' to 'part "
                              f"{count} of {count}', each repeating the whole question and worth its answer's share "
                              f"of the marks (a Canvas item asks one answer); {linked}{draws}"))  # fmt: skip
        for index, name, _ in asked:
            if name is None:
                continue
            solved = parts[index]
            fmt = solved.part.question.spec.answers[name].format
            if name not in solved.choices and fmt in ("vector", "matrix"):
                what = f"a {fmt} answer" if len(asked) == 1 else f"answer {name!r} ({fmt})"
                notes.append(Note(where, f"{what} becomes an essay_question graded by hand in Canvas (a "
                                  "numerical_question holds one number); the key is in its feedback"))  # fmt: skip
            if name in solved.choices and solved.choices[name].kind == "multi":
                notes.append(Note(where, "a multi becomes a multiple_answers_question: Canvas scores it by its own "
                                  "partial-credit rule, not qbank's declared scoring"))  # fmt: skip
        for solved in parts:
            notes += text_notes(where, solved, "a short_answer_question", "ignores case and trims the response")
    return unique(notes)
