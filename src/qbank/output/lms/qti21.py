"""QTI 2.1 items: one assessmentItem per variant. A number is a float textEntryInteraction scored with
`<equal toleranceMode="absolute" tolerance="t t">`, the key first (the interval qbank's grader accepts); a text
answer a stringMatch (case-insensitive) of the key or a declared synonym; a choice a choiceInteraction (a multi's
per-option scoring as a mapping from 0 to 1); no answers: an extendedTextInteraction. Each graded answer earns an
equal share of the marks, as qbank grades; the worked solution is modal feedback, shown after submission."""

from __future__ import annotations

import html
from dataclasses import dataclass, field

from lxml import etree

from qbank.core.responses import accepted_texts
from qbank.output.lms.numeric import interval, numbers_of
from qbank.output.lms.shapes import fractions, option_feedback, variant_content
from qbank.output.lms.source import ExportQuestion
from qbank.output.lms.xhtml import identifier, xhtml
from qbank.render.lms import LmsContent
from qbank.render.paper import SolvedPart

QTI = "http://www.imsglobal.org/xsd/imsqti_v2p1"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
LOCATION = f"{QTI} http://www.imsglobal.org/xsd/imsqti_v2p1.xsd"


def q(tag: str) -> str:
    """A tag in the QTI namespace."""
    return f"{{{QTI}}}{tag}"


def sub(
    parent: etree._Element, tag: str, attrib: dict[str, str] | None = None, text: str | None = None
) -> etree._Element:
    """A child element in the QTI namespace."""
    element = etree.SubElement(parent, q(tag), attrib or {})
    if text is not None:
        element.text = text
    return element


def _value(parent: etree._Element, base: str, value: str) -> None:
    sub(parent, "baseValue", {"baseType": base}, value)


def _float(value: float) -> etree._Element:
    element = etree.Element(q("baseValue"), {"baseType": "float"})
    element.text = repr(value)
    return element


@dataclass(frozen=True)
class Parts:
    """The parts of an item that each asked answer adds to: the item (its declarations), body and processing."""

    item: etree._Element
    body: etree._Element
    rp: etree._Element
    feedback: list[tuple[str, str]] = field(default_factory=list)  # (identifier, HTML) shown after submission

    def declare(self, rid: str, cardinality: str, base: str) -> etree._Element:
        """A responseDeclaration, placed after the item's others (before its outcomes)."""
        declaration = etree.Element(q("responseDeclaration"), {"identifier": rid, "cardinality": cardinality,
                                                               "baseType": base})  # fmt: skip
        self.item.insert(len(self.item.findall(q("responseDeclaration"))), declaration)
        return declaration

    def score(self, condition: etree._Element | None, amount: etree._Element) -> None:
        """SCORE := SCORE + amount, when `condition` holds (always when None)."""
        target = self.rp
        if condition is not None:
            target = sub(sub(self.rp, "responseCondition"), "responseIf")
            target.append(condition)
        total = sub(sub(target, "setOutcomeValue", {"identifier": "SCORE"}), "sum")
        sub(total, "variable", {"identifier": "SCORE"})
        total.append(amount)


@dataclass(frozen=True)
class Asked:
    """One answer an item asks: its response identifier, the variant, its name, its share of the marks, its
    label as plain text and the variant's content."""

    rid: str
    solved: SolvedPart
    name: str
    share: float
    label: str
    page: LmsContent


def _numeric(parts: Parts, asked: Asked) -> None:
    """One float text entry per number of the answer; the answer earns its share when every number is in."""
    spec = asked.solved.part.question.spec.answers[asked.name]
    spans = [(cell, interval(spec, number)) for cell, number in numbers_of(spec, asked.solved.variant.answers[
        asked.name])]  # fmt: skip
    both = etree.Element(q("and"))
    for index, (cell, span) in enumerate(spans, start=1):
        cell_id = f"{asked.rid}_{index}" if len(spans) > 1 else asked.rid
        sub(sub(parts.declare(cell_id, "single", "float"), "correctResponse"), "value", text=span.key)
        line = sub(parts.body, "p", text=f"{asked.label}{cell}: ")
        sub(line, "textEntryInteraction", {"responseIdentifier": cell_id, "expectedLength": "16"})
        equal = sub(both, "equal", {"toleranceMode": "absolute", "tolerance": f"{span.tolerance} {span.tolerance}"})
        _value(equal, "float", span.key)
        sub(equal, "variable", {"identifier": cell_id})
    parts.score(both, _float(asked.share))


def _text(parts: Parts, asked: Asked) -> None:
    """A string text entry matching the key or a synonym, case-insensitively."""
    spec = asked.solved.part.question.spec.answers[asked.name]
    texts = list(dict.fromkeys(accepted_texts(str(asked.solved.variant.answers[asked.name]), spec.accept)))
    sub(sub(parts.declare(asked.rid, "single", "string"), "correctResponse"), "value", text=texts[0])
    line = sub(parts.body, "p", text=f"{asked.label}: ")
    sub(line, "textEntryInteraction", {"responseIdentifier": asked.rid, "expectedLength": "30"})
    anyone = etree.Element(q("or"))
    for text in texts:
        match = sub(anyone, "stringMatch", {"caseSensitive": "false"})
        sub(match, "variable", {"identifier": asked.rid})
        _value(match, "string", text)
    parts.score(anyone, _float(asked.share))


def _choice(parts: Parts, asked: Asked) -> None:
    """A choiceInteraction in the paper's order; single and all-or-nothing score on a match, per-option by a
    mapping (the sum of the ticked options' fractions, clamped to [0, 1])."""
    choice = asked.solved.choices[asked.name]
    single = choice.kind == "choice"
    declaration = parts.declare(asked.rid, "single" if single else "multiple", "identifier")
    correct = sub(declaration, "correctResponse")
    for option in choice.options:
        if option.correct:
            sub(correct, "value", text=identifier(option.letter))
    per_option = choice.scoring == "per-option"
    if per_option:
        mapping = sub(declaration, "mapping", {"lowerBound": "0", "upperBound": "1", "defaultValue": "0"})
        for option, percent in zip(choice.options, fractions(choice), strict=True):
            sub(mapping, "mapEntry", {"mapKey": identifier(option.letter), "mappedValue": repr(percent / 100)})
    interaction = sub(parts.body, "choiceInteraction", {"responseIdentifier": asked.rid, "shuffle": "false",
                                                        "maxChoices": "1" if single else "0"})  # fmt: skip
    sub(interaction, "prompt", text=asked.label)
    for option, text in zip(choice.options, asked.page.options[asked.name], strict=True):
        simple = sub(interaction, "simpleChoice", {"identifier": identifier(option.letter)})
        for element in xhtml(f"<span>{text}</span>", QTI):
            simple.append(element)
    for option in choice.options:
        if option.correct or not (option.misconception or option.why):
            continue
        chosen = etree.Element(q("match" if single else "member"))
        picked, given = etree.Element(q("baseValue"), {"baseType": "identifier"}), etree.Element(q("variable"))
        picked.text, ident = identifier(option.letter), identifier("FB", asked.rid, option.letter)
        given.set("identifier", asked.rid)
        chosen.extend([given, picked] if single else [picked, given])
        show = sub(sub(sub(parts.rp, "responseCondition"), "responseIf"), "setOutcomeValue", {"identifier": "FEEDBACK"})
        show.getparent().insert(0, chosen)
        extended = sub(show, "multiple")
        sub(extended, "variable", {"identifier": "FEEDBACK"})
        _value(extended, "identifier", ident)
        parts.feedback.append((ident, f"<p>{option.letter}: {html.escape(option_feedback(option), quote=False)}</p>"))
    if per_option:
        product = etree.Element(q("product"))
        product.append(_float(asked.share))
        sub(product, "mapResponse", {"identifier": asked.rid})
        parts.score(None, product)
    else:
        match = etree.Element(q("match"))
        sub(match, "variable", {"identifier": asked.rid})
        sub(match, "correct", {"identifier": asked.rid})
        parts.score(match, _float(asked.share))


def item_xml(entry: ExportQuestion, seed: int, solved: SolvedPart, item_id: str, figure: str | None) -> bytes:
    """One variant as a QTI 2.1 assessmentItem (`figure`: the package path of its figure file)."""
    page = variant_content(solved, "mathml")
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
    parts = Parts(item, body, sub(item, "responseProcessing"))
    solution_shown = sub(sub(parts.rp, "setOutcomeValue", {"identifier": "FEEDBACK"}), "multiple")
    _value(solution_shown, "identifier", "SOLUTION")
    share = entry.marks / len(graded) if graded else 0.0
    for index, name in enumerate(graded, start=1):
        spec = solved.part.question.spec.answers[name]
        label = page.labels[name] + (f" ({page.units[name]})" if page.units[name] else "")
        asked = Asked(f"RESPONSE_{index}", solved, name, share, "".join(etree.fromstring(f"<x>{label}</x>").itertext()),
                      page)  # fmt: skip
        if name in solved.choices:
            _choice(parts, asked)
        elif spec.format == "text":
            _text(parts, asked)
        else:
            _numeric(parts, asked)
    if not graded:
        item.insert(0, etree.Element(q("responseDeclaration"), {"identifier": "RESPONSE", "cardinality": "single",
                                                                "baseType": "string"}))  # fmt: skip
        sub(body, "extendedTextInteraction", {"responseIdentifier": "RESPONSE"})
    solution = page.solution + "".join(f"<p>{points:g}: {line}</p>" for points, line in page.rubric)
    modal = sub(item, "modalFeedback", {"outcomeIdentifier": "FEEDBACK", "showHide": "show",
                                        "identifier": "SOLUTION", "title": "Solution"})  # fmt: skip
    for element in xhtml(solution or "<p>No worked solution.</p>", QTI):
        modal.append(element)
    for ident, text in parts.feedback:
        shown = sub(item, "modalFeedback", {"outcomeIdentifier": "FEEDBACK", "showHide": "show", "identifier": ident})
        shown.extend(xhtml(text, QTI))
    return etree.tostring(item, xml_declaration=True, encoding="UTF-8", pretty_print=True)
