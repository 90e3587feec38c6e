"""The question HTML as XML inside a QTI document: parsed (Markdown's output is well-formed), put in the QTI
namespace, attributes QTI's content model does not have (`style`, `align`) dropped; MathML stays MathML; and
deterministic zip files (fixed timestamps and modes, entries sorted)."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Mapping

from lxml import etree

from qbank.render.lms import MATHML_NAMESPACE

KEPT_ATTRIBUTES = {"src", "alt", "href", "class", "colspan", "rowspan", "start", "width", "height"}
MATHML_FORMS = ("prefix", "infix", "postfix")  # MathML 2's values of <mo form>
ZIP_TIME = (1980, 1, 1, 0, 0, 0)
_NOT_NAME = re.compile(r"[^A-Za-z0-9_.-]+")


def identifier(*parts: object) -> str:
    """A QTI/IMS identifier (an XML NCName) from parts: other characters become `_`."""
    return "I_" + "_".join(_NOT_NAME.sub("_", str(part)).strip("_") for part in parts)


def xhtml(fragment: str, namespace: str) -> list[etree._Element]:
    """The elements of an HTML fragment in `namespace` (text before the first element in a <p>)."""
    root = etree.fromstring(f"<div>{fragment}</div>", etree.XMLParser(resolve_entities=False, no_network=True))
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        if element.tag.startswith(f"{{{MATHML_NAMESPACE}}}"):
            if element.get("form") not in (None, *MATHML_FORMS):  # qbank's typesetter marks signs form="none"
                del element.attrib["form"]
            continue
        element.tag = f"{{{namespace}}}{etree.QName(element).localname}"
        for name in list(element.attrib):
            if name not in KEPT_ATTRIBUTES:
                del element.attrib[name]
    children = list(root)
    if root.text and root.text.strip():
        first = etree.Element(f"{{{namespace}}}p")
        first.text = root.text
        children.insert(0, first)
    return children


def zip_bytes(files: Mapping[str, bytes]) -> bytes:
    """A zip of `files` (name -> bytes): entries sorted, fixed timestamps and permissions: same files, same bytes."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in sorted(files):
            info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3
            info.external_attr = 0o644 << 16
            archive.writestr(info, files[name], compresslevel=9)
    return buffer.getvalue()
