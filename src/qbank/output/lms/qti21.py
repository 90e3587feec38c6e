"""QTI 2.1 items: one assessmentItem per variant. A number is a float textEntryInteraction scored with
`<equal toleranceMode="absolute" tolerance="t t">`, the key first (the interval qbank's grader accepts); a text
answer a stringMatch (case-insensitive) of the key or a declared synonym; a choice a choiceInteraction (a multi's
per-option scoring as a mapping from 0 to 1); no answers: an extendedTextInteraction. Each graded answer earns an
equal share of its part's marks, as qbank grades (the placements a scenario links are one item, each part under
its heading); the worked solution is modal feedback, shown after submission."""

from __future__ import annotations

import dataclasses
import html
from collections.abc import Sequence
from dataclasses import dataclass, field

from lxml import etree

from qbank.core.responses import accepted_texts
from qbank.output.lms.combined import Piece, heading_html, pieces, slots
from qbank.output.lms.numeric import interval, numbers_of
from qbank.output.lms.shapes import fractions, option_feedback
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


def choice_id(rid: str, letter: str) -> str:
    """A simpleChoice's identifier, unique in its item: the interaction's response and the letter (`RESPONSE_2_A`)."""
    return f"{rid}_{letter}"


def _choice(parts: Parts, asked: Asked) -> None:
    """A choiceInteraction in the paper's order; single and all-or-nothing score on a match, per-option by a
    mapping (the sum of the ticked options' fractions, clamped to [0, 1])."""
    choice = asked.solved.choices[asked.name]
    single = choice.kind == "choice"
    declaration = parts.declare(asked.rid, "single" if single else "multiple", "identifier")
    correct = sub(declaration, "correctResponse")
    for option in choice.options:
        if option.correct:
            sub(correct, "value", text=choice_id(asked.rid, option.letter))
    per_option = choice.scoring == "per-option"
    if per_option:
        mapping = sub(declaration, "mapping", {"lowerBound": "0", "upperBound": "1", "defaultValue": "0"})
        for option, percent in zip(choice.options, fractions(choice), strict=True):
            mapped = {"mapKey": choice_id(asked.rid, option.letter), "mappedValue": repr(percent / 100)}
            sub(mapping, "mapEntry", mapped)
    interaction = sub(parts.body, "choiceInteraction", {"responseIdentifier": asked.rid, "shuffle": "false",
                                                        "maxChoices": "1" if single else "0"})  # fmt: skip
    sub(interaction, "prompt", text=asked.label)
    for option, text in zip(choice.options, asked.page.options[asked.name], strict=True):
        simple = sub(interaction, "simpleChoice", {"identifier": choice_id(asked.rid, option.letter)})
        for element in xhtml(f"<span>{text}</span>", QTI):
            simple.append(element)
    for option in choice.options:
        if option.correct or not (option.misconception or option.why):
            continue
        chosen = etree.Element(q("match" if single else "member"))
        picked, given = etree.Element(q("baseValue"), {"baseType": "identifier"}), etree.Element(q("variable"))
        picked.text, ident = choice_id(asked.rid, option.letter), identifier("FB", asked.rid, option.letter)
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


def item_xml(entry: ExportQuestion, seed: int, parts: Sequence[SolvedPart], item_id: str,
             figures: Sequence[str | None]) -> bytes:  # fmt: skip
    """One variant as a QTI 2.1 assessmentItem (the placements a scenario links as one item, each with its
    interactions); `figures`: each placement's figure file in the package (None: no figure)."""
    found = pieces(parts, "mathml")
    item = etree.Element(q("assessmentItem"), {"identifier": item_id, "title": f"{entry.key} seed {seed}",
                                               "adaptive": "false", "timeDependent": "false"},
                         nsmap={None: QTI, "xsi": XSI})  # fmt: skip
    item.set(f"{{{XSI}}}schemaLocation", LOCATION)
    marks = sum(solved.part.marks for solved in parts)
    for name, base, value in (("SCORE", "float", "0"), ("MAXSCORE", "float", f"{marks:g}")):
        outcome = sub(item, "outcomeDeclaration", {"identifier": name, "cardinality": "single", "baseType": base})
        sub(sub(outcome, "defaultValue"), "value", text=value)
    sub(item, "outcomeDeclaration", {"identifier": "FEEDBACK", "cardinality": "multiple", "baseType": "identifier"})
    body = sub(item, "itemBody")
    blocks: dict[Piece, etree._Element] = {}
    for piece, figure in zip(found, figures, strict=True):
        block = body if len(found) == 1 else sub(body, "div")
        block.extend(xhtml(heading_html(piece) + piece.page.text, QTI))
        if figure is not None:
            sub(sub(block, "p"), "img", {"src": figure, "alt": piece.alt})
        blocks[piece] = block
    qti = Parts(item, body, sub(item, "responseProcessing"))
    solution_shown = sub(sub(qti.rp, "setOutcomeValue", {"identifier": "FEEDBACK"}), "multiple")
    _value(solution_shown, "identifier", "SOLUTION")
    asked = slots(found)
    for index, slot in enumerate(asked, start=1):
        piece, name = slot.piece, slot.name
        here = dataclasses.replace(qti, body=blocks[piece])
        rid = f"RESPONSE_{index}" if len(found) > 1 or name is not None else "RESPONSE"
        if name is None:
            if len(found) == 1:
                item.insert(0, etree.Element(q("responseDeclaration"), {"identifier": rid, "cardinality": "single",
                                                                        "baseType": "string"}))  # fmt: skip
            else:
                here.declare(rid, "single", "string")
            sub(blocks[piece], "extendedTextInteraction", {"responseIdentifier": rid})
            continue
        spec = piece.solved.part.question.spec.answers[name]
        label = piece.page.labels[name] + (f" ({piece.page.units[name]})" if piece.page.units[name] else "")
        text = "".join(etree.fromstring(f"<x>{label}</x>").itertext())
        one = Asked(rid, piece.solved, name, slot.marks, text, piece.page)
        if name in piece.solved.choices:
            _choice(here, one)
        elif spec.format == "text":
            _text(here, one)
        else:
            _numeric(here, one)
    solution = "".join(heading_html(piece) + piece.page.solution
                       + "".join(f"<p>{points:g}: {line}</p>" for points, line in piece.page.rubric)
                       for piece in found)  # fmt: skip
    modal = sub(item, "modalFeedback", {"outcomeIdentifier": "FEEDBACK", "showHide": "show",
                                        "identifier": "SOLUTION", "title": "Solution"})  # fmt: skip
    for element in xhtml(solution or "<p>No worked solution.</p>", QTI):
        modal.append(element)
    for ident, text in qti.feedback:
        shown = sub(item, "modalFeedback", {"outcomeIdentifier": "FEEDBACK", "showHide": "show", "identifier": ident})
        shown.extend(xhtml(text, QTI))
    return etree.tostring(item, xml_declaration=True, encoding="UTF-8", pretty_print=True)
