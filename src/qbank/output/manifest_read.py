"""Reading a manifest for audit and grade: strict JSON, the expected shape, and a line for every key path, so
each problem prints as `manifest.json:LINE: key.path: problem`."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from qbank.core.errors import Problem, UserError, join_path
from qbank.core.limits import MAX_MANIFEST_BYTES
from qbank.output.manifest_diff import shown_path
from qbank.output.manifest_json import JsonProblem, KeyPath, line_of, parse_strict
from qbank.output.manifest_schema import manifest_problems
from qbank.spec.load import display_name, read_bytes

__all__ = ["SET_DIGEST_KEY", "ManifestFile", "load_manifest", "set_digest"]

MANIFEST_VERSION = 2
SET_DIGEST_KEY = "set_sha256"


def set_digest(manifest: Mapping[str, Any]) -> str:
    """The set digest: SHA-256 of the manifest without its `set_sha256` key, as JSON with sorted keys, no
    spaces (separators `,` and `:`) and UTF-8 text; it covers every file through the manifest's `files`."""
    body = {key: value for key, value in manifest.items() if key != SET_DIGEST_KEY}
    text = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


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
    if data.get("manifest_version") != MANIFEST_VERSION or isinstance(data.get("manifest_version"), bool):
        message = f"manifest version {data.get('manifest_version')!r} is not {MANIFEST_VERSION} (made by another " \
                  "qbank version?)"  # fmt: skip
        raise UserError([loaded.problem(("manifest_version",), message)])
    problems = manifest_problems(data)
    if problems:
        raise UserError(loaded.problems(problems))
    return loaded
