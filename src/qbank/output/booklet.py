"""The key booklet: every student's answer key, in roster order, as one PDF with a bookmark per student.

The booklet is written as it is read, one key at a time: pikepdf (qpdf) parses a key, its pages and bookmarks
and everything they use are written out under new object numbers with the stream data copied unchanged, and
the key is closed before the next is opened. What is kept until the end is a few numbers per student (page
object numbers, file offsets, the bookmark's title and links), so memory stays flat as the class grows.
Merging with a whole-document writer (pypdf, or pikepdf's page copy, which copies stream data into memory)
holds the whole booklet instead.

The bytes depend only on the keys, the labels and qpdf's spelling of names and strings: no dates, and the
document /ID is a digest of what precedes the trailer.
"""

from __future__ import annotations

import hashlib
from array import array
from collections import deque
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any, BinaryIO

import pikepdf
from pikepdf import Array, Dictionary, Name, Object, Stream, String

from qbank.output.booklet_files import BOOKLET
from qbank.output.writer import durable_stream

__all__ = ["BOOKLET", "booklet_label", "merge_pdfs"]
TITLE = "Answer key booklet"
PRODUCER = "qbank"
CATALOG, PAGES, OUTLINES, INFO = 1, 2, 3, 4  # the booklet's own objects; each key's objects follow


def booklet_label(paper_id: str, student: Mapping[str, str]) -> str:
    """A student's bookmark: `roll · name` (either alone if the other is missing), or `Form X` for forms."""
    label = " · ".join(v for v in (student.get("roll"), student.get("name")) if v)
    return label or f"Form {paper_id}"


@dataclass
class _Entry:
    """One student's top-level bookmark: its object number, first page and the key's own top-level bookmarks."""

    number: int
    title: str
    page: int
    first: int | None
    last: int | None
    count: int


class _Writer:
    """A PDF written front to back: objects go out as they are made; their offsets are kept for the xref."""

    def __init__(self, handle: BinaryIO, version: str) -> None:
        self.handle, self.digest = handle, hashlib.sha256()
        self.offsets = array("q", [0] * (INFO + 1))  # by object number; 8 bytes an object
        self.emit(b"%PDF-" + version.encode("ascii") + b"\n%\xe2\xe3\xcf\xd3\n")

    def emit(self, data: bytes) -> None:
        self.handle.write(data)
        self.digest.update(data)

    def allocate(self) -> int:
        self.offsets.append(0)
        return len(self.offsets) - 1

    def write_object(self, number: int, body: bytes, stream: bytes | None = None) -> None:
        self.offsets[number] = self.handle.tell()
        tail = b"\nendobj\n" if stream is None else b"\nstream\n" + stream + b"\nendstream\nendobj\n"
        self.emit(b"%d 0 obj\n" % number + body + tail)

    def finish(self, root: int, info: int) -> str:
        """Write the cross-reference table and trailer; return the file's SHA-256."""
        size = len(self.offsets)
        file_id = self.digest.copy().hexdigest()[:32].encode("ascii")
        start = self.handle.tell()
        rows = [b"xref\n0 %d\n0000000000 65535 f \n" % size]
        rows += [b"%010d 00000 n \n" % self.offsets[n] for n in range(1, size)]
        rows.append(b"trailer\n<< /Size %d /Root %d 0 R /Info %d 0 R /ID [<%s> <%s>] >>\n" % (
            size, root, info, file_id, file_id))  # fmt: skip
        rows.append(b"startxref\n%d\n%%%%EOF\n" % start)
        self.emit(b"".join(rows))
        return self.digest.hexdigest()


class _KeyCopy:
    """The objects of one key that its pages and bookmarks reach, renumbered into the booklet."""

    def __init__(self, writer: _Writer, fixed: Mapping[tuple[int, int], int], pages: set[tuple[int, int]]) -> None:
        self.writer, self.numbers, self.pages = writer, dict(fixed), pages
        self.queue: deque[Any] = deque()

    def number(self, obj: Any) -> int:
        """The booklet's number for an indirect object of the key (queued for writing the first time)."""
        key = obj.objgen
        if key not in self.numbers:
            self.numbers[key] = self.writer.allocate()
            self.queue.append(obj)
        return self.numbers[key]

    def drain(self) -> None:
        """Write every queued object, and whatever they refer to."""
        while self.queue:
            obj = self.queue.popleft()
            number = self.numbers[obj.objgen]
            if isinstance(obj, Stream):
                data = obj.read_raw_bytes()
                items = [(k, v) for k, v in obj.stream_dict.items() if k != "/Length"] + [("/Length", len(data))]
                self.writer.write_object(number, self.dictionary(items), data)
            else:
                items = list(obj.items()) if obj.objgen in self.pages else None
                if items is not None:
                    items = [(k, v) for k, v in items if k != "/Parent"] + [("/Parent", _Ref(PAGES))]
                body = self.dictionary(items) if items is not None else self.value(obj, top=True)
                self.writer.write_object(number, body)

    def dictionary(self, items: Sequence[tuple[str, Any]]) -> bytes:
        return b"<< " + b" ".join(Name(k).unparse() + b" " + self.value(v) for k, v in items) + b" >>"

    def value(self, obj: Any, top: bool = False) -> bytes:
        """PDF syntax of a value, references renumbered."""
        if isinstance(obj, _Ref):
            return b"%d 0 R" % obj.number
        if isinstance(obj, bool):
            return b"true" if obj else b"false"
        if isinstance(obj, int):
            return b"%d" % obj
        if isinstance(obj, Decimal):
            return format(obj, "f").encode("ascii")
        if obj is None:
            return b"null"
        if not top and isinstance(obj, Object) and obj.is_indirect:
            return b"%d 0 R" % self.number(obj)
        if isinstance(obj, Dictionary):
            return self.dictionary(list(obj.items()))
        if isinstance(obj, Array):
            return b"[" + b" ".join(self.value(v) for v in obj) + b"]"
        return obj.unparse()  # names, strings, operators: qpdf's spelling


@dataclass(frozen=True)
class _Ref:
    """A reference to one of the booklet's own objects."""

    number: int


def merge_pdfs(parts: Sequence[tuple[Path, str]], target: Path) -> str:
    """Write the PDFs `parts` (path, bookmark label) one after another into `target`, each under one top-level
    bookmark holding its own bookmarks; return the booklet's SHA-256. Same inputs give the same bytes."""
    entries: list[_Entry] = []
    kids: list[int] = []
    language = b""
    with durable_stream(target) as handle:
        writer = _Writer(handle, "1.7")
        for path, title in parts:
            with pikepdf.open(path, access_mode=pikepdf.AccessMode.stream) as key:
                if not language and "/Lang" in key.Root:  # the keys' language (they share one template)
                    language = b" /Lang " + key.Root.Lang.unparse()
                entries.append(_copy_key(writer, key, title, kids))
        _write_outline(writer, entries)
        catalog = b"<< /Type /Catalog /Pages %d 0 R /Outlines %d 0 R%s >>"
        writer.write_object(CATALOG, catalog % (PAGES, OUTLINES, language))
        refs = b" ".join(b"%d 0 R" % n for n in kids)
        writer.write_object(PAGES, b"<< /Type /Pages /Kids [%s] /Count %d >>" % (refs, len(kids)))
        info = b"<< /Title %s /Producer %s >>" % (String(TITLE).unparse(), String(PRODUCER).unparse())
        writer.write_object(INFO, info)
        return writer.finish(CATALOG, INFO)


def _copy_key(writer: _Writer, key: Any, title: str, kids: list[int]) -> _Entry:
    """Write one key's pages (appending their numbers to `kids`) and bookmarks; return its booklet entry."""
    entry = writer.allocate()
    fixed = {key.Root.objgen: CATALOG, key.Root.Pages.objgen: PAGES}
    outlines = key.Root.get("/Outlines")
    if outlines is not None:
        fixed[outlines.objgen] = entry  # the key's top-level bookmarks hang under the student's
    copy = _KeyCopy(writer, fixed, {page.objgen for page in key.pages})
    pages = [copy.number(page.obj) for page in key.pages]
    if not pages:
        raise ValueError(f"{key.filename}: no pages to merge")
    first = last = None
    count = 0
    if outlines is not None and "/First" in outlines:
        first, last = copy.number(outlines.First), copy.number(outlines.Last)
        item = outlines.First
        while True:  # an open bookmark shows its own visible descendants
            count += 1 + max(int(item.get("/Count", 0)), 0)
            if "/Next" not in item:
                break
            item = item.Next
    copy.drain()
    kids.extend(pages)
    return _Entry(entry, title, pages[0], first, last, count)


def _write_outline(writer: _Writer, entries: Sequence[_Entry]) -> None:
    """The booklet's outline: one open top-level bookmark per student, fitting its first page."""
    for i, e in enumerate(entries):
        links = [b"/Parent %d 0 R" % OUTLINES]
        if i > 0:
            links.append(b"/Prev %d 0 R" % entries[i - 1].number)
        if i + 1 < len(entries):
            links.append(b"/Next %d 0 R" % entries[i + 1].number)
        if e.first is not None:
            links.append(b"/First %d 0 R /Last %d 0 R" % (e.first, e.last))
        body = b"<< /Title %s %s /Count %d /Dest [%d 0 R /Fit] >>" % (
            String(e.title).unparse(), b" ".join(links), e.count, e.page)  # fmt: skip
        writer.write_object(e.number, body)
    ends = b" /First %d 0 R /Last %d 0 R" % (entries[0].number, entries[-1].number) if entries else b""
    count = sum(1 + e.count for e in entries)
    writer.write_object(OUTLINES, b"<< /Type /Outlines%s /Count %d >>" % (ends, count))
