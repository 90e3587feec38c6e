"""The manifest: everything needed to reproduce an output set and to verify it later."""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
import platform
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from qbank import __version__
from qbank.draw.params import SEED_SCHEME
from qbank.output.manifest_read import MANIFEST_VERSION, SET_DIGEST_KEY, load_manifest, set_digest
from qbank.output.manifest_stream import RecordList, Records
from qbank.output.recipes import Recipe
from qbank.output.records import PaperRecord
from qbank.render.template_loader import file_digest, template_files
from qbank.spec.bank import Bank
from qbank.spec.exam import Exam
from qbank.spec.load import display_name

PACKAGES = ("jinja2", "numpy", "pyyaml", "pydantic", "weasyprint", "pydyf", "ziamath", "ziafont", "markdown-it-py",
            "pikepdf")  # fmt: skip
PACKAGE_ROOT = Path(__file__).resolve().parents[1]


def sha256_bytes(data: bytes) -> str:
    """Hex SHA-256 of some bytes."""
    return hashlib.sha256(data).hexdigest()


@lru_cache(maxsize=1)
def environment() -> dict[str, Any]:
    """Versions of Python, the packages and the rendering libraries (the fonts are recorded per set, read from
    its PDFs: see `Manifest.fonts`)."""
    from qbank.output.render_env import pdf_environment

    packages = {}
    for name in PACKAGES:
        try:
            packages[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            packages[name] = None
    return {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "packages": packages,
        "rendering": pdf_environment(),
    }


@dataclass(frozen=True)
class ExamRecord:
    """The exam file a set was built from, by display name, and its digest."""

    file: str
    sha256: str


@dataclass(frozen=True)
class BankRecord:
    """The bank: its name, folder (display name and path) and the digests of its solver modules."""

    name: str
    root: str
    path: str
    modules: Mapping[str, str]


@dataclass(frozen=True)
class SetRecord:
    """The part of a manifest that drawing and solving alone determine (no files, command or environment)."""

    exam: ExamRecord | None
    bank: BankRecord
    seed: int
    canonical: bool
    papers: tuple[PaperRecord, ...]

    def to_json(self) -> dict[str, Any]:
        """The record as manifest JSON (with the manifest's version and seed scheme)."""
        exam = {"file": self.exam.file, "sha256": self.exam.sha256} if self.exam is not None else None
        bank = {"name": self.bank.name, "root": self.bank.root, "path": self.bank.path,
                "modules": dict(self.bank.modules)}  # fmt: skip
        return {"manifest_version": MANIFEST_VERSION, "qbank_version": __version__, "seed_scheme": SEED_SCHEME,
                "exam": exam, "bank": bank, "seed": self.seed, "canonical": self.canonical,
                "papers": [paper.to_json() for paper in self.papers]}  # fmt: skip


def set_record(bank: Bank, exam: Exam | None, papers: Sequence[PaperRecord], seed: int, canonical: bool) -> SetRecord:
    """The drawn-and-solved record of a set from `exam` (None for a practice sheet) and its bank."""
    exam_record = ExamRecord(exam.file, exam.digest) if exam is not None else None
    bank_record = BankRecord(bank.spec.name, display_name(bank.root), str(bank.root), dict(bank.module_digests))
    return SetRecord(exam_record, bank_record, seed, canonical, tuple(papers))


@dataclass(frozen=True)
class Manifest:
    """A set's manifest: its recipe and record, the command, environment (with the fonts its PDFs embed),
    inputs and file digests; `built_in` (the folder it was built in) and an exam set's `practice` record when
    there are ones; a class set's paper records in `spool` (serialised as they arrived; `record.papers` is then
    empty)."""

    kind: str
    recipe: Recipe
    record: SetRecord
    command: tuple[str, ...]
    fonts: tuple[Mapping[str, Any], ...]
    files: Mapping[str, str]
    inputs: Mapping[str, Any]
    built_in: str | None = None
    practice: PaperRecord | None = None
    spool: Records | None = None

    def head_json(self) -> dict[str, Any]:
        """Every field of the manifest's JSON but its `papers` and its set digest."""
        data = {**self.record.to_json(), "command": list(self.command),
                "environment": {**environment(), "fonts": [dict(font) for font in self.fonts]},
                "files": dict(sorted(self.files.items())), "kind": self.kind, "recipe": self.recipe.to_json(),
                "inputs": dict(self.inputs)}  # fmt: skip
        del data["papers"]
        if self.built_in is not None:
            data["built_in"] = self.built_in
        if self.practice is not None:
            data["practice"] = self.practice.to_json()
        return data

    def records(self) -> Records:
        """The paper records, in paper order, as bytes (from the spool, or serialised from `record.papers`)."""
        return self.spool if self.spool is not None else RecordList([p.to_json() for p in self.record.papers])

    def to_json(self) -> dict[str, Any]:
        """The manifest as one JSON object, sealed with its set digest (`set_sha256`); what
        qbank.output.manifest_stream.write_manifest writes without holding it."""
        papers = ([json.loads(record) for record in self.spool.compact()] if self.spool is not None
                  else [paper.to_json() for paper in self.record.papers])  # fmt: skip
        data = {**self.head_json(), "papers": papers}
        data[SET_DIGEST_KEY] = set_digest(data)
        return data

    def to_bytes(self) -> bytes:
        """The manifest file's bytes, serialised as one object."""
        return manifest_bytes(self.to_json())


def template_digests(template_dirs: list[Path]) -> dict[str, str]:
    """SHA-256 of each file a page template in effect can load or include, by template name (the first folder
    holding a name wins; files reached through links out of their folder are refused by the loader, not read)."""
    digests: dict[str, str] = {}
    for folder in template_dirs:
        for name, file in template_files(Path(folder)):
            if name not in digests:
                digests[name] = file_digest(file)
    return digests


@lru_cache(maxsize=1)
def source_digests() -> dict[str, str]:
    """SHA-256 of each of qbank's own source files (its code shapes the PDFs too)."""
    return {
        str(file.relative_to(PACKAGE_ROOT)): sha256_bytes(file.read_bytes())
        for file in sorted(PACKAGE_ROOT.rglob("*.py"))
    }


def inputs_record(template_dirs: list[Path]) -> dict[str, Any]:
    """Digests of the inputs besides the bank and exam: page templates and qbank's own code."""
    return {"templates": template_digests(template_dirs), "qbank_sources": source_digests()}


def manifest_bytes(manifest: Mapping[str, Any]) -> bytes:
    """Stable JSON encoding of a manifest."""
    return (json.dumps(manifest, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode("utf-8")


def read_manifest(path: Path) -> tuple[dict[str, Any], Path]:
    """Read and check a manifest (or the manifest.json of a set folder); return it with the set folder."""
    loaded = load_manifest(path)
    return loaded.data, loaded.root


def seal(manifest: dict[str, Any]) -> str:
    """Record the set digest (see `set_digest`) in `manifest` as `set_sha256`; return it."""
    manifest[SET_DIGEST_KEY] = set_digest(manifest)
    return manifest[SET_DIGEST_KEY]
