"""The files of a Canvas package besides the quiz: its settings (assessment_meta.xml) and the IMS manifest, as
Canvas writes them."""

from __future__ import annotations

from collections.abc import Sequence

from lxml import etree

from qbank.output.lms.xhtml import identifier

CP = "http://www.imsglobal.org/xsd/imsccv1p1/imscp_v1p1"
META = "http://canvas.instructure.com/xsd/cccv1p0"


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
