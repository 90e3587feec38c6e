"""QTI 2.1 items: one assessmentItem per variant. A number is a float textEntryInteraction scored with
`<equal toleranceMode="absolute" tolerance="t t">`, the key first (the interval qbank's grader accepts); a text
answer a stringMatch (case-insensitive) of the key or a declared synonym; a choice a choiceInteraction (a multi's
per-option scoring as a mapping from 0 to 1); no answers: an extendedTextInteraction. Each graded answer earns an
equal share of the marks, as qbank grades; the worked solution is modal feedback, shown after submission."""

from __future__ import annotations

from lxml import etree

from qbank.core.responses import accepted_texts
from qbank.output.lms.numeric import interval, numbers_of
from qbank.output.lms.shapes import fractions
from qbank.output.lms.source import ExportQuestion
from qbank.output.lms.xhtml import identifier, xhtml
from qbank.render.lms import LmsContent, lms_content
from qbank.render.paper import SolvedPart

QTI = "http://www.imsglobal.org/xsd/imsqti_v2p1"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
LOCATION = f"{QTI} http://www.imsglobal.org/xsd/imsqti_v2p1.xsd"


def q(tag: str) -> str:
    return f"{{{QTI}}}{tag}"


def sub(parent: etree._Element, tag: str, attrib: dict[str, str] | None = None, text: str | None = None):  # type: ignore[no-untyped-def]
    """A child element in the QTI namespace."""
    element = etree.SubElement(parent, q(tag), attrib or {})
    if text is not None:
        element.text = text
    return element


def content(solved: SolvedPart) -> LmsContent:
    """The variant's HTML with MathML formulas."""
    options = {name: tuple(o.text for o in choice.options) for name, choice in solved.choices.items()}
    figure = str(solved.rendered.figure) if solved.rendered is not None and solved.rendered.figure else None
    return lms_content(solved.part.question, solved.variant, solved.formatted, options, figure, "mathml")


def _value(parent: etree._Element, base: str, value: str) -> None:
    sub(parent, "baseValue", {"baseType": base}, value)


def _add_score(rp: etree._Element, condition: etree._Element | None, amount: etree._Element) -> None:
    """SCORE := SCORE + amount, when `condition` holds (always when None)."""
    target = rp
    if condition is not None:
        branch = sub(sub(rp, "responseCondition"), "responseIf")
        branch.append(condition)
        target = branch
    total = sub(sub(target, "setOutcomeValue", {"identifier": "SCORE"}), "sum")
    sub(total, "variable", {"identifier": "SCORE"})
    total.append(amount)


def _times(share: float, expression: etree._Element) -> etree._Element:
    product = etree.Element(q("product"))
    _value(product, "float", repr(share))
    product.append(expression)
    return product


def _share(share: float) -> etree._Element:
    element = etree.Element(q("baseValue"), {"baseType": "float"})
    element.text = repr(share)
    return element


def _numeric(item: etree._Element, rp: etree._Element, body: etree._Element, rid: str, spec, value, share: float,
             label: str) -> None:  # type: ignore[no-untyped-def]  # fmt: skip
    """One float text entry per number of the answer; the answer earns its share when every number is in."""
    spans = [(cell, interval(spec, number)) for cell, number in numbers_of(spec, value)]
    both = etree.Element(q("and"))
    for index, (cell, span) in enumerate(spans, start=1):
        cell_id = f"{rid}_{index}" if len(spans) > 1 else rid
        declaration = etree.Element(q("responseDeclaration"), {"identifier": cell_id, "cardinality": "single",
                                                               "baseType": "float"})  # fmt: skip
        sub(sub(declaration, "correctResponse"), "value", text=span.key)
        item.insert(len(item.findall(q("responseDeclaration"))), declaration)
        line = sub(body, "p", text=f"{label}{cell}: ")
        sub(line, "textEntryInteraction", {"responseIdentifier": cell_id, "expectedLength": "16"})
        equal = sub(both, "equal", {"toleranceMode": "absolute", "tolerance": f"{span.tolerance} {span.tolerance}"})
        _value(equal, "float", span.key)
        sub(equal, "variable", {"identifier": cell_id})
    _add_score(rp, both, _share(share))


def _text(item, rp, body, rid, solved, name, share, label) -> None:  # type: ignore[no-untyped-def]
    """A string text entry matching the key or a synonym, case-insensitively."""
    spec = solved.part.question.spec.answers[name]
    texts = list(dict.fromkeys(accepted_texts(str(solved.variant.answers[name]), spec.accept)))
    declaration = etree.Element(q("responseDeclaration"), {"identifier": rid, "cardinality": "single",
                                                           "baseType": "string"})  # fmt: skip
    sub(sub(declaration, "correctResponse"), "value", text=texts[0])
    item.insert(len(item.findall(q("responseDeclaration"))), declaration)
    line = sub(body, "p", text=f"{label}: ")
    sub(line, "textEntryInteraction", {"responseIdentifier": rid, "expectedLength": "30"})
    anyone = etree.Element(q("or"))
    for text in texts:
        match = sub(anyone, "stringMatch", {"caseSensitive": "false"})
        sub(match, "variable", {"identifier": rid})
        _value(match, "string", text)
    _add_score(rp, anyone, _share(share))


def _choice(item, rp, body, rid, solved, name, share, page, label) -> None:  # type: ignore[no-untyped-def]
    """A choiceInteraction in the paper's order; single and all-or-nothing score on a match, per-option by a
    mapping (the sum of the ticked options' fractions, clamped to [0, 1])."""
    choice = solved.choices[name]
    single = choice.kind == "choice"
    declaration = etree.Element(q("responseDeclaration"), {"identifier": rid, "cardinality": "single" if single
                                                           else "multiple", "baseType": "identifier"})  # fmt: skip
    correct = sub(declaration, "correctResponse")
    for option in choice.options:
        if option.correct:
            sub(correct, "value", text=identifier(option.letter))
    per_option = choice.scoring == "per-option"
    if per_option:
        mapping = sub(declaration, "mapping", {"lowerBound": "0", "upperBound": "1", "defaultValue": "0"})
        for option, percent in zip(choice.options, fractions(choice), strict=True):
            sub(mapping, "mapEntry", {"mapKey": identifier(option.letter), "mappedValue": repr(percent / 100)})
    item.insert(len(item.findall(q("responseDeclaration"))), declaration)
    interaction = sub(body, "choiceInteraction", {"responseIdentifier": rid, "shuffle": "false",
                                                  "maxChoices": "1" if single else "0"})  # fmt: skip
    sub(interaction, "prompt", text=label)
    for option, text in zip(choice.options, page.options[name], strict=True):
        simple = sub(interaction, "simpleChoice", {"identifier": identifier(option.letter)})
        for element in xhtml(f"<span>{text}</span>", QTI):
            simple.append(element)
    if per_option:
        mapped = etree.Element(q("mapResponse"), {"identifier": rid})
        _add_score(rp, None, _times(share, mapped))
    else:
        match = etree.Element(q("match"))
        sub(match, "variable", {"identifier": rid})
        sub(match, "correct", {"identifier": rid})
        _add_score(rp, match, _share(share))


def item_xml(entry: ExportQuestion, seed: int, solved: SolvedPart, item_id: str, figure: str | None) -> bytes:
    """One variant as a QTI 2.1 assessmentItem (`figure`: the package path of its figure file)."""
    page = content(solved)
    item = etree.Element(q("assessmentItem"), {"identifier": item_id, "title": f"{entry.key} seed {seed}",
                                               "adaptive": "false", "timeDependent": "false"},
                         nsmap={None: QTI, "xsi": XSI})  # fmt: skip
    item.set(f"{{{XSI}}}schemaLocation", LOCATION)
    graded = solved.graded
    for name, base, value in (("SCORE", "float", "0"), ("MAXSCORE", "float", f"{entry.marks:g}")):
        outcome = sub(item, "outcomeDeclaration", {"identifier": name, "cardinality": "single", "baseType": base})
        sub(sub(outcome, "defaultValue"), "value", text=value)
    sub(item, "outcomeDeclaration", {"identifier": "FEEDBACK", "cardinality": "multiple", "baseType": "identifier"})
    body = sub(item, "itemBody")
    for element in xhtml(page.text, QTI):
        body.append(element)
    if figure is not None:
        sub(sub(body, "p"), "img", {"src": figure, "alt": "figure"})
    rp = sub(item, "responseProcessing")
    share = entry.marks / len(graded) if graded else 0.0
    for index, name in enumerate(graded, start=1):
        rid = f"RESPONSE_{index}"
        spec = solved.part.question.spec.answers[name]
        label = page.labels[name] + (f" ({page.units[name]})" if page.units[name] else "")
        label_text = "".join(etree.fromstring(f"<x>{label}</x>").itertext())
        if name in solved.choices:
            _choice(item, rp, body, rid, solved, name, share, page, label_text)
        elif spec.format == "text":
            _text(item, rp, body, rid, solved, name, share, label_text)
        else:
            _numeric(item, rp, body, rid, spec, solved.variant.answers[name], share, label_text)
    if not graded:
        item.insert(0, etree.Element(q("responseDeclaration"), {"identifier": "RESPONSE", "cardinality": "single",
                                                                "baseType": "string"}))  # fmt: skip
        sub(body, "extendedTextInteraction", {"responseIdentifier": "RESPONSE"})
    feedback = sub(sub(rp, "setOutcomeValue", {"identifier": "FEEDBACK"}), "multiple")
    _value(feedback, "identifier", "SOLUTION")
    solution = page.solution + "".join(f"<p>{points:g}: {line}</p>" for points, line in page.rubric)
    modal = sub(item, "modalFeedback", {"outcomeIdentifier": "FEEDBACK", "showHide": "show",
                                        "identifier": "SOLUTION", "title": "Solution"})  # fmt: skip
    for element in xhtml(solution or "<p>No worked solution.</p>", QTI):
        modal.append(element)
    return etree.tostring(item, xml_declaration=True, encoding="UTF-8", pretty_print=True)
