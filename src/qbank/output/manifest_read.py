"""Reading a manifest for audit and grade: strict JSON, the expected shape, and a line for every key path, so
each problem prints as `manifest.json:LINE: key.path: problem`. Grade reads it whole (`load_manifest`); audit
reads it as a stream (`load_streamed`), a paper record at a time, so a set of any size can be audited."""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from qbank.core.errors import Problem, UserError, join_path
from qbank.core.limits import MAX_AUDIT_MANIFEST_BYTES, MAX_MANIFEST_BYTES
from qbank.output.manifest_diff import record_shown, shown_path
from qbank.output.manifest_json import JsonProblem, KeyPath, line_of, parse_strict
from qbank.output.manifest_scan import Located, ManifestScan
from qbank.output.manifest_schema import manifest_problems, paper_problems
from qbank.spec.load import display_name, read_bytes

__all__ = ["SET_DIGEST_KEY", "ManifestFile", "StreamedManifest", "load_manifest", "load_streamed", "set_digest"]

MANIFEST_VERSION = 2
SET_DIGEST_KEY = "set_sha256"


def set_digest(manifest: Mapping[str, Any]) -> str:
    """The set digest: SHA-256 of the manifest without its `set_sha256` key, as JSON with sorted keys, no
    spaces (separators `,` and `:`) and UTF-8 text; it covers every file through the manifest's `files`."""
    body = {key: value for key, value in manifest.items() if key != SET_DIGEST_KEY}
    return hashlib.sha256(_compact(body).encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class ManifestFile:
    """A manifest as read: its data, the set folder, its name as shown, and its text (for line numbers)."""

    data: dict[str, Any]
    root: Path
    name: str
    text: str

    def line(self, path: KeyPath) -> int:
        """The line of the value at `path` (or of its closest enclosing value)."""
        return line_of(self.text, path)

    def problem(self, path: KeyPath, message: str, shown: str | None = None) -> Problem:
        """A located problem at `path` (printed as `shown` when given, else as the plain key path)."""
        return Problem(self.name, self.line(path), shown if shown is not None else shown_path(self.data, path)[0],
                       message)  # fmt: skip

    def problems(self, found: Iterable[tuple[KeyPath, str]]) -> list[Problem]:
        """Located problems for (key path, message) pairs."""
        return [self.problem(path, message) for path, message in found]


def load_manifest(path: Path) -> ManifestFile:
    """Read and check a manifest (or the manifest.json of a set folder); every problem is located."""
    path = Path(path)
    file = path / "manifest.json" if path.is_dir() else path
    name = display_name(file)
    raw = read_bytes(file, "manifest", (MAX_MANIFEST_BYTES, "MAX_MANIFEST_BYTES"))
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise UserError([Problem(name, 0, "", f"not a qbank manifest: not UTF-8 text ({exc.reason})")]) from None
    try:
        data = parse_strict(text)
    except JsonProblem as exc:
        message = exc.message if exc.path else f"not a qbank manifest: {exc.message}"
        raise UserError([Problem(name, exc.line, join_path(*exc.path), message)]) from None
    loaded = ManifestFile(data, file.parent, name, text)
    if not isinstance(data, dict):
        raise UserError([Problem(name, 1, "", "not a qbank manifest: must be a JSON object")])
    _check_version(loaded)
    problems = manifest_problems(data)
    if problems:
        raise UserError(loaded.problems(problems))
    return loaded


def _check_version(loaded: ManifestFile | StreamedManifest) -> None:
    """Refuse a manifest of another version (its shape is another's)."""
    version = loaded.data.get("manifest_version")
    if version != MANIFEST_VERSION or isinstance(version, bool):
        message = f"manifest version {version!r} is not {MANIFEST_VERSION} (made by another qbank version?)"
        raise UserError([loaded.problem(("manifest_version",), message)])


@dataclass(frozen=True)
class StreamedManifest:
    """A manifest read as a stream (qbank.output.manifest_scan): its top-level fields but the paper records
    (`data`), where each is, the key order, the papers' ids, its file, set folder and name as shown; `records()`
    reads the records again, one at a time, each with its place (for its lines)."""

    data: dict[str, Any]
    where: Mapping[str, Located]
    order: list[str]
    paper_ids: list[str]
    file: Path
    root: Path
    name: str

    def line(self, path: KeyPath) -> int:
        """The line of the top-level value at `path` (a record's lines come with the record)."""
        located = self.where.get(str(path[0])) if path else None
        return located.line_of(path[1:]) if located is not None else 1

    def problem(self, path: KeyPath, message: str, shown: str | None = None) -> Problem:
        """A located problem at `path` outside the records (printed as `shown` when given)."""
        return Problem(self.name, self.line(path), shown if shown is not None else shown_path(self.data, path)[0],
                       message)  # fmt: skip

    def problems(self, found: Iterable[tuple[KeyPath, str]]) -> list[Problem]:
        """Located problems for (key path, message) pairs outside the records."""
        return [self.problem(path, message) for path, message in found]

    def records(self) -> Iterator[tuple[int, Any, Located]]:
        """Each paper record in file order (index, record, where it is): one pass over the file."""
        return iter(ManifestScan(self.file, self.name, ("MAX_MANIFEST_BYTES", MAX_MANIFEST_BYTES)))

    def set_digest(self) -> str:
        """The set digest of the manifest as found (see `set_digest`), hashed as its records stream past."""
        head = {key: value for key, value in self.data.items() if key != SET_DIGEST_KEY}
        slot = f"qbank-papers-{uuid.uuid4().hex}"  # the records' place in the head's serialisation
        before, after = _compact({**head, "papers": slot}).split(f'"{slot}"')
        digest = hashlib.sha256(before.encode("utf-8") + b"[")
        for index, record, _ in self.records():
            digest.update((b"," if index else b"") + _compact(record).encode("utf-8"))
        digest.update(b"]" + after.encode("utf-8"))
        return digest.hexdigest()


def _compact(value: Any) -> str:
    """JSON as the set digest reads it: sorted keys, no spaces, UTF-8 text."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def load_streamed(path: Path) -> StreamedManifest:
    """Read and check a manifest (or the manifest.json of a set folder) as a stream, a paper record at a time;
    every problem is located, and only the fields besides the records are kept."""
    path = Path(path)
    file = path / "manifest.json" if path.is_dir() else path
    name = display_name(file)
    try:
        size = file.stat().st_size
    except OSError as exc:
        raise UserError([Problem(name, 0, "", f"cannot read manifest: {exc.strerror or exc}")]) from None
    if size > MAX_AUDIT_MANIFEST_BYTES:
        message = f"manifest is more than {MAX_AUDIT_MANIFEST_BYTES:,} bytes (limits.MAX_AUDIT_MANIFEST_BYTES)"
        raise UserError([Problem(name, 0, "", message)])
    scan = ManifestScan(file, name, ("MAX_MANIFEST_BYTES", MAX_MANIFEST_BYTES))
    ids, found = [], []
    for index, record, located in scan:
        ids.append(record.get("paper_id") if isinstance(record, dict) else None)
        found += [Problem(name, located.line_of(p[2:]), record_shown(record, index, p)[0], message)
                  for p, message in paper_problems(record, index)]  # fmt: skip
    loaded = StreamedManifest(scan.head, scan.where, scan.order, ids, file, file.parent, name)
    _check_version(loaded)
    head = manifest_problems({**scan.head, "papers": []} if scan.streamed else scan.head)
    if scan.count:
        head = [problem for problem in head if problem != (("papers",), "must list at least one paper")]
    problems = loaded.problems(head) + found
    if problems:
        raise UserError(problems)
    return loaded
