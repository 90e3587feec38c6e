"""The manifest written as a stream: per-paper records are serialised once (in the worker that made the paper),
spooled to a file in the staging folder as they arrive, in any order, and copied into `manifest.json` in paper
order between the fields before and after them; the set digest is computed as the bytes stream past.

The bytes are exactly those of the one-object serialisation (qbank.output.manifest.manifest_bytes of
`Manifest.to_json()`, sealed by qbank.output.manifest_read.set_digest): a record is serialised by the same
`json.dumps` settings, and the fields around the records are serialised with a placeholder in the records'
place, which is then cut out. What the client keeps per paper is three offsets, not the record.
"""

from __future__ import annotations

import hashlib
import json
import os
import uuid
from array import array
from collections.abc import Iterator, Mapping, Sequence
from typing import Any, BinaryIO, Protocol

from qbank.output.manifest_read import SET_DIGEST_KEY
from qbank.output.writer import StagedFolder

SPOOL = ".manifest-records.spool"  # in the staging folder while the set is built; removed before the swap
MANIFEST = "manifest.json"
RECORD_INDENT = b"    "  # a record sits in the manifest's `papers` list, two levels deep at indent 2

RecordBytes = tuple[bytes, bytes]  # (indented as in manifest.json, compact as in the set digest)


def record_bytes(record: Mapping[str, Any]) -> RecordBytes:
    """A paper record's JSON as manifest.json holds it (indent 2, before its indent in the list) and as the set
    digest reads it (no spaces); both with sorted keys and UTF-8 text, as the whole manifest is written."""
    pretty = json.dumps(record, indent=2, sort_keys=True, ensure_ascii=False)
    compact = json.dumps(record, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
    return pretty.encode("utf-8"), compact.encode("utf-8")


class Records(Protocol):
    """Paper records in paper order, as bytes."""

    def __len__(self) -> int: ...

    def pretty(self) -> Iterator[bytes]: ...

    def compact(self) -> Iterator[bytes]: ...


class RecordList:
    """Records held in memory (an exam set's one paper, an export's variants), serialised as they are read."""

    def __init__(self, records: Sequence[Mapping[str, Any]]) -> None:
        self.records = records

    def __len__(self) -> int:
        return len(self.records)

    def pretty(self) -> Iterator[bytes]:
        """Each record as manifest.json holds it."""
        return (record_bytes(record)[0] for record in self.records)

    def compact(self) -> Iterator[bytes]:
        """Each record as the set digest reads it."""
        return (record_bytes(record)[1] for record in self.records)


class RecordSpool:
    """Records (and gradebook rows) of papers `ids` appended to a file in the staging folder as they arrive, in
    any order; read back in paper order. Kept in memory: where each is (five 8-byte numbers a paper)."""

    def __init__(self, folder: StagedFolder, ids: Sequence[str]) -> None:
        self.path = folder.file(SPOOL)
        self.index = {paper_id: i for i, paper_id in enumerate(ids)}
        # per paper: record offset, pretty length, compact length, row offset, row length
        self.places = array("q", [-1, 0, 0, -1, 0] * len(ids))
        self.handle: BinaryIO = folder.scratch(SPOOL)  # closed by `remove`, or removed with the staging folder

    def __len__(self) -> int:
        return len(self.index)

    def _append(self, *chunks: bytes) -> int:
        """Write `chunks` at the end of the spool; return where they start."""
        self.handle.seek(0, os.SEEK_END)
        start = self.handle.tell()
        for chunk in chunks:
            self.handle.write(chunk)
        return start

    def add(self, paper_id: str, record: RecordBytes) -> None:
        """Append one paper's record (its two serialisations)."""
        pretty, compact = record
        slot = 5 * self.index[paper_id]
        self.places[slot : slot + 3] = array("q", [self._append(pretty, compact), len(pretty), len(compact)])

    def add_row(self, paper_id: str, row: bytes) -> None:
        """Append one paper's gradebook row (CSV bytes)."""
        slot = 5 * self.index[paper_id]
        self.places[slot + 3 : slot + 5] = array("q", [self._append(row), len(row)])

    def _read(self, which: int) -> Iterator[bytes]:
        """Each paper's pretty record (0), compact record (1) or gradebook row (2), in paper order."""
        self.handle.flush()
        for i in range(len(self.index)):
            record, pretty, compact, row, length = self.places[5 * i : 5 * i + 5]
            start, size = ((record, pretty), (record + pretty, compact), (row, length))[which]
            self.handle.seek(start)
            yield self.handle.read(size) if start >= 0 else b""

    def pretty(self) -> Iterator[bytes]:
        """Each record as manifest.json holds it, in paper order."""
        return self._read(0)

    def compact(self) -> Iterator[bytes]:
        """Each record as the set digest reads it, in paper order."""
        return self._read(1)

    def rows(self) -> Iterator[bytes]:
        """Each paper's gradebook row, in paper order."""
        return self._read(2)

    def remove(self) -> None:
        """Close and delete the spool (it is never part of the set)."""
        self.handle.close()
        self.path.unlink(missing_ok=True)


def _around(head: Mapping[str, Any], dump: Any) -> tuple[bytes, bytes]:
    """The serialisation of `head` with `papers` in its sorted place, cut into the bytes before and after it."""
    slot = f"qbank-papers-{uuid.uuid4().hex}"
    before, after = dump({**head, "papers": slot}).split(f'"{slot}"')
    return before.encode("utf-8"), after.encode("utf-8")


def manifest_digest(head: Mapping[str, Any], records: Records) -> str:
    """The set digest (qbank.output.manifest_read.set_digest) of `head` with `records` as its papers."""
    before, after = _around(head, lambda data: json.dumps(data, sort_keys=True, separators=(",", ":"),
                                                          ensure_ascii=False, allow_nan=False))  # fmt: skip
    digest = hashlib.sha256(before + b"[")
    for i, record in enumerate(records.compact()):
        digest.update(b"," + record if i else record)
    digest.update(b"]" + after)
    return digest.hexdigest()


def write_manifest(folder: StagedFolder, head: Mapping[str, Any], records: Records) -> tuple[dict[str, Any], str]:
    """Write manifest.json into the staging folder: `head` (every field but `papers` and `set_sha256`) with
    `records` as its papers, sealed with the set digest; return the head with the digest, and the file's
    SHA-256."""
    sealed = {**head, SET_DIGEST_KEY: manifest_digest(head, records)}
    before, after = _around(sealed, lambda data: json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False))
    digest = hashlib.sha256()
    with folder.stream(MANIFEST) as handle:

        def emit(data: bytes) -> None:
            handle.write(data)
            digest.update(data)

        emit(before + (b"[" if len(records) else b"[]"))
        for i, record in enumerate(records.pretty()):
            emit((b",\n" if i else b"\n") + RECORD_INDENT + record.replace(b"\n", b"\n" + RECORD_INDENT))
        emit((b"\n  ]" if len(records) else b"") + after + b"\n")
    return sealed, digest.hexdigest()
