"""Canvas: a QTI 1.2 package in Canvas's own dialect (as Canvas exports quizzes, which both quiz engines import).
One question group per question drawing one of its K variants; numerical_question (a range answer: `vargte` and
`varlte`, the interval qbank accepts rounded outward), multiple_choice_question, multiple_answers_question,
short_answer_question and essay_question. Canvas has no item with several answers, a vector or a matrix: those
variants become essay_questions graded by hand (said in the notes)."""

from __future__ import annotations

import html
from collections.abc import Sequence

from lxml import etree

from qbank.core.responses import accepted_texts
from qbank.output.lms.numeric import interval
from qbank.output.lms.shapes import Note, grader_html, option_feedback, shape, text_notes, unique, variant_content
from qbank.output.lms.source import ExportQuestion, ExportSource
from qbank.output.lms.xhtml import identifier, zip_bytes
from qbank.render.paper import SolvedPart

FILE = "canvas.zip"
QTI12 = "http://www.imsglobal.org/xsd/ims_qtiasiv1p2"
CP = "http://www.imsglobal.org/xsd/imsccv1p1/imscp_v1p1"
META = "http://canvas.instructure.com/xsd/cccv1p0"
FILEBASE = "$IMS-CC-FILEBASE$"
TYPES = {"numeric": "numerical_question", "text": "short_answer_question", "essay": "essay_question"}


def canvas_type(solved: SolvedPart) -> str:
    """The Canvas question type a variant becomes."""
    kind = shape(solved)
    if kind == "choice":
        single = solved.choices[solved.graded[0]].kind == "choice"
        return "multiple_choice_question" if single else "multiple_answers_question"
    return TYPES.get(kind, "essay_question")


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


def item_element(section: etree._Element, entry: ExportQuestion, seed: int, solved: SolvedPart, figure: str | None,
                 ident: str) -> None:  # fmt: skip
    """One variant as a Canvas QTI 1.2 item."""
    page = variant_content(solved, "tex")
    kind = canvas_type(solved)
    item = etree.SubElement(section, "item", {"ident": ident, "title": f"{entry.key} seed {seed}"})
    fields = etree.SubElement(etree.SubElement(item, "itemmetadata"), "qtimetadata")
    _field(fields, "question_type", kind)
    _field(fields, "points_possible", f"{entry.marks:g}")
    presentation = etree.SubElement(item, "presentation")
    text = page.text + (f'<p><img src="{FILEBASE}/{figure}" alt="figure"></p>' if figure else "")
    _mattext(presentation, text)
    resprocessing = etree.SubElement(item, "resprocessing")
    outcomes = etree.SubElement(resprocessing, "outcomes")
    etree.SubElement(outcomes, "decvar", {"maxvalue": "100", "minvalue": "0", "varname": "SCORE",
                                          "vartype": "Decimal"})  # fmt: skip
    feedback = []
    if kind in ("numerical_question", "short_answer_question"):
        name = solved.graded[0]
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
    elif kind in ("multiple_choice_question", "multiple_answers_question"):
        choice = solved.choices[solved.graded[0]]
        single = kind == "multiple_choice_question"
        response = etree.SubElement(
            presentation, "response_lid", {"ident": "response1", "rcardinality": "Single" if single else "Multiple"}
        )
        render = etree.SubElement(response, "render_choice")
        for option, option_text in zip(choice.options, page.options[choice.answer], strict=True):
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
    solution = grader_html(page)
    if kind == "essay_question" and solved.graded:
        key = "".join(f"<li>{page.labels[n]}: {html.escape(solved.formatted[n])}</li>" for n in solved.graded)
        solution = f"<p>Answers:</p><ul>{key}</ul>" + solution
    for ident_fb, message in [("general_fb", solution), *((f"{letter}_fb", html.escape(m)) for letter, m in feedback)]:
        block = etree.SubElement(item, "itemfeedback", {"ident": ident_fb})
        _mattext(etree.SubElement(block, "flow_mat"), message)


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
        group = etree.SubElement(top, "section", {"ident": identifier("group", number, entry.key),
                                                  "title": f"{entry.number} {entry.key}"})  # fmt: skip
        selection = etree.SubElement(etree.SubElement(group, "selection_ordering"), "selection")
        etree.SubElement(selection, "selection_number").text = "1"
        etree.SubElement(
            etree.SubElement(selection, "selection_extension"), "points_per_item"
        ).text = f"{entry.marks:g}"
        for seed, solved in entry.variants:
            ident = identifier(f"Q{number:02d}", entry.key, f"s{seed}")
            figure = None
            if solved.rendered is not None and solved.rendered.figure:
                figure = f"figures/{ident}.svg"
                files[f"web_resources/{figure}"] = str(solved.rendered.figure).encode("utf-8")
            item_element(group, entry, seed, solved, figure, ident)
    files[f"{quiz_id}/{quiz_id}.xml"] = etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    files[f"{quiz_id}/assessment_meta.xml"] = meta_xml(quiz_id, source.title, sum(q.marks for q in questions))
    files["imsmanifest.xml"] = manifest_xml(quiz_id, sorted(f for f in files if f.startswith("web_resources/")))
    return zip_bytes(files)


def meta_xml(quiz_id: str, title: str, points: float) -> bytes:
    """assessment_meta.xml: the quiz's Canvas settings (the written order of answers, one attempt)."""
    quiz = etree.Element("quiz", {"identifier": quiz_id}, nsmap={None: META})
    for tag, value in (("title", title), ("shuffle_answers", "false"), ("quiz_type", "assignment"),
                       ("points_possible", f"{points:g}"), ("allowed_attempts", "1"),
                       ("scoring_policy", "keep_highest")):  # fmt: skip
        etree.SubElement(quiz, tag).text = value
    return etree.tostring(quiz, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def manifest_xml(quiz_id: str, web_files: Sequence[str]) -> bytes:
    """imsmanifest.xml as Canvas writes it: the quiz, its settings and each figure as web content."""
    root = etree.Element("manifest", {"identifier": identifier("manifest", quiz_id)}, nsmap={None: CP})
    metadata = etree.SubElement(root, "metadata")
    etree.SubElement(metadata, "schema").text = "IMS Content"
    etree.SubElement(metadata, "schemaversion").text = "1.1.3"
    etree.SubElement(root, "organizations")
    resources = etree.SubElement(root, "resources")
    quiz = etree.SubElement(resources, "resource", {"identifier": quiz_id, "type": "imsqti_xmlv1p2"})
    etree.SubElement(quiz, "file", {"href": f"{quiz_id}/{quiz_id}.xml"})
    etree.SubElement(quiz, "dependency", {"identifierref": f"{quiz_id}_meta"})
    meta = etree.SubElement(resources, "resource", {"identifier": f"{quiz_id}_meta", "href":
                            f"{quiz_id}/assessment_meta.xml",
                            "type": "associatedcontent/imscc_xmlv1p1/learning-application-resource"})  # fmt: skip
    etree.SubElement(meta, "file", {"href": f"{quiz_id}/assessment_meta.xml"})
    for number, path in enumerate(web_files, start=1):
        web = etree.SubElement(resources, "resource", {"identifier": f"web_{number}", "type": "webcontent",
                                                       "href": path})  # fmt: skip
        etree.SubElement(web, "file", {"href": path})
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def canvas_notes(entry: ExportQuestion) -> list[Note]:
    """What each question becomes where Canvas cannot grade it as qbank does."""
    notes, where = [], f"{entry.number} {entry.key}"
    for _, solved in entry.variants:
        kind = shape(solved)
        if kind in ("cells", "several"):
            fmt = solved.part.question.spec.answers[solved.graded[0]].format
            what = f"{len(solved.graded)} answers become" if kind == "several" else f"a {fmt} answer becomes"
            notes.append(Note(where, f"{what} an essay_question graded by hand in Canvas (Canvas has no item "
                              "with several numeric answers); the key is in its feedback"))  # fmt: skip
        if kind == "choice" and solved.choices[solved.graded[0]].kind == "multi":
            notes.append(Note(where, "a multi becomes a multiple_answers_question: Canvas scores it by its own "
                              "partial-credit rule, not qbank's declared scoring"))  # fmt: skip
        if kind == "text":
            notes += text_notes(where, solved, "a short_answer_question", "ignores case and trims the response")
    return unique(notes)
