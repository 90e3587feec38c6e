"""The QTI 2.1 content package: `imsmanifest.xml` (IMS Content Packaging 1.1), one item per variant under
`items/`, figures under `figures/`, and `test.xml`, an assessmentTest with one section per question whose
`selection` draws one of its variants for each candidate."""

from __future__ import annotations

from collections.abc import Sequence

from lxml import etree

from qbank.output.lms.combined import linked_note
from qbank.output.lms.qti21 import QTI, XSI, item_xml, q, sub
from qbank.output.lms.shapes import Note, text_notes, unique
from qbank.output.lms.source import ExportQuestion, ExportSource
from qbank.output.lms.xhtml import identifier, zip_bytes

FILE = "qti21.zip"
CP = "http://www.imsglobal.org/xsd/imscp_v1p1"
CP_LOCATION = f"{CP} http://www.imsglobal.org/xsd/imscp_v1p1.xsd"
TEST = "test.xml"


def item_ids(questions: Sequence[ExportQuestion]) -> list[list[tuple[int, str]]]:
    """Each question's variants as (exam seed, item identifier); identifiers are unique in the package."""
    return [[(seed, identifier(f"Q{number:02d}", entry.key, f"s{seed}")) for seed, _ in entry.variants]
            for number, entry in enumerate(questions, start=1)]  # fmt: skip


def test_xml(source: ExportSource, questions: Sequence[ExportQuestion]) -> bytes:
    """The assessmentTest: a section per question selecting one of its K variants."""
    test = etree.Element(q("assessmentTest"), {"identifier": identifier("test", source.title), "title": source.title},
                         nsmap={None: QTI, "xsi": XSI})  # fmt: skip
    test.set(f"{{{XSI}}}schemaLocation", f"{QTI} http://www.imsglobal.org/xsd/imsqti_v2p1.xsd")
    outcome = sub(test, "outcomeDeclaration", {"identifier": "SCORE", "cardinality": "single", "baseType": "float"})
    sub(sub(outcome, "defaultValue"), "value", text="0")
    part = sub(
        test, "testPart", {"identifier": "part", "navigationMode": "nonlinear", "submissionMode": "simultaneous"}
    )
    for number, (entry, ids) in enumerate(zip(questions, item_ids(questions), strict=True), start=1):
        names = {"identifier": identifier("section", number, entry.key), "title": f"{entry.number} {entry.key}"}
        section = sub(part, "assessmentSection", {**names, "visible": "true"})
        sub(section, "selection", {"select": "1"})
        for _, item_id in ids:
            sub(section, "assessmentItemRef", {"identifier": item_id, "href": f"items/{item_id}.xml"})
    processing = sub(test, "outcomeProcessing")
    total = sub(sub(processing, "setOutcomeValue", {"identifier": "SCORE"}), "sum")
    sub(total, "testVariables", {"variableIdentifier": "SCORE"})
    return etree.tostring(test, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def manifest_xml(source: ExportSource, files: dict[str, bytes], questions: Sequence[ExportQuestion]) -> bytes:
    """imsmanifest.xml: the test and every item as resources, each with its files."""
    root = etree.Element(f"{{{CP}}}manifest", {"identifier": identifier("manifest", source.title)},
                         nsmap={None: CP, "xsi": XSI})  # fmt: skip
    root.set(f"{{{XSI}}}schemaLocation", CP_LOCATION)
    metadata = etree.SubElement(root, f"{{{CP}}}metadata")
    etree.SubElement(metadata, f"{{{CP}}}schema").text = "QTIv2.1 Package"
    etree.SubElement(metadata, f"{{{CP}}}schemaversion").text = "1.0.0"
    etree.SubElement(root, f"{{{CP}}}organizations")
    resources = etree.SubElement(root, f"{{{CP}}}resources")
    test = etree.SubElement(resources, f"{{{CP}}}resource", {"identifier": "RES_test", "type": "imsqti_test_xmlv2p1",
                                                              "href": TEST})  # fmt: skip
    etree.SubElement(test, f"{{{CP}}}file", {"href": TEST})
    for ids in item_ids(questions):
        for _, item_id in ids:
            etree.SubElement(test, f"{{{CP}}}dependency", {"identifierref": f"RES_{item_id}"})
    for ids in item_ids(questions):
        for _, item_id in ids:
            href = f"items/{item_id}.xml"
            resource = etree.SubElement(resources, f"{{{CP}}}resource", {"identifier": f"RES_{item_id}",
                                        "type": "imsqti_item_xmlv2p1", "href": href})  # fmt: skip
            etree.SubElement(resource, f"{{{CP}}}file", {"href": href})
            for figure in sorted(f for f in files if f.startswith(f"figures/{item_id}.") or
                                 f.startswith(f"figures/{item_id}-")):  # fmt: skip
                etree.SubElement(resource, f"{{{CP}}}file", {"href": figure})
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def figure_path(item_id: str, number: int, count: int) -> str:
    """The package path of an item's figure: `figures/<item>.svg`, or `<item>-2.svg` for its second placement."""
    return f"figures/{item_id}.svg" if count == 1 else f"figures/{item_id}-{number}.svg"


def package_files(source: ExportSource, questions: Sequence[ExportQuestion]) -> dict[str, bytes]:
    """Every file of the package by its path inside it."""
    files: dict[str, bytes] = {}
    for entry, ids in zip(questions, item_ids(questions), strict=True):
        for (seed, parts), (_, item_id) in zip(entry.variants, ids, strict=True):
            hrefs: list[str | None] = []
            for number, solved in enumerate(parts, start=1):
                figure = solved.rendered.figure if solved.rendered is not None else None
                path = figure_path(item_id, number, len(parts)) if figure else None
                if path is not None:
                    files[path] = str(figure).encode("utf-8")
                hrefs.append(f"../{path}" if path else None)  # relative to the item: figures/ is beside items/
            files[f"items/{item_id}.xml"] = item_xml(entry, seed, parts, item_id, hrefs)
    files[TEST] = test_xml(source, questions)
    files["imsmanifest.xml"] = manifest_xml(source, files, questions)
    return files


def qti_package(source: ExportSource, questions: Sequence[ExportQuestion]) -> bytes:
    """The QTI 2.1 content package as zip bytes."""
    return zip_bytes(package_files(source, questions))


def qti_notes(entry: ExportQuestion) -> list[Note]:
    """What a question becomes where QTI 2.1 cannot grade it as qbank does: a text answer's matching (numbers, a
    vector's or matrix's too, and choices are scored as qbank scores them); and linked placements, one item."""
    where = f"{entry.number} {entry.key}"
    rule = "compares the whole response ignoring case (no trimming)"
    notes = []
    if entry.linked:
        notes.append(linked_note(entry, "QTI 2.1", "one item per variant with every part's interactions"))
    notes += [n for _, parts in entry.variants for s in parts for n in text_notes(where, s, "a stringMatch", rule)]
    return unique(notes)
