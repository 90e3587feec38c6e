"""What a Dask client ships so that workers need no shared file system: the exam, every file of its bank (and
solver modules outside it), the user's template folders and qbank's own (so a worker's copy of the package's
templates never matters), content-addressed. A worker writes them into a
private temporary folder, checking each file's SHA-256, and loads the exam from there; the layout relative to the
files' common folder is kept, so relative references (`bank: ../banks/x`) still hold."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from qbank.core.package_templates import package_templates
from qbank.core.shipped import materialised
from qbank.render.template_loader import template_files
from qbank.spec.bank import Bank
from qbank.spec.exam import Exam

SKIPPED = ("__pycache__", ".git")  # folders inside a bank that play no part in a build


@dataclass(frozen=True)
class Bundle:
    """The shipped files: `root` (the client's common folder), each file's path relative to it with its
    SHA-256, the bytes by SHA-256, and where the exam and the template folders are relative to `root`."""

    root: str
    files: tuple[tuple[str, str], ...]
    blobs: Mapping[str, bytes]
    exam: str
    templates: tuple[str, ...]

    @property
    def digest(self) -> str:
        """One SHA-256 over the file list (names and digests): the bundle's identity."""
        listing = "\n".join(f"{name}\t{digest}" for name, digest in self.files)
        return hashlib.sha256(listing.encode()).hexdigest()


def bank_files(bank: Bank) -> list[Path]:
    """Every regular file of a bank (caches aside) and its solver modules outside the bank folder."""
    root = Path(bank.root).resolve()
    found = [p for p in root.rglob("*") if p.is_file() and not any(part in SKIPPED for part in p.parts)]
    found += [(root / module).resolve() for module in bank.module_digests]
    return found


def make_bundle(exam_path: Path, exam: Exam, template_dirs: Iterable[Path | str]) -> Bundle:
    """The bundle of an exam, its bank, the template folders `template_dirs` and, last, the package's own
    (first folder wins on the worker as here, so the worker's own package templates are never reached)."""
    return bundle_of(Path(exam_path), bank_files(exam.bank), [*template_dirs, package_templates()])


def bundle_of(entry: Path, inputs: Iterable[Path], template_dirs: Iterable[Path | str] = ()) -> Bundle:
    """The bundle of `entry` (what the worker loads: an exam file, a bank folder or a question file), the
    files `inputs` it reads and the template folders."""
    folders = [Path(d).resolve() for d in template_dirs]
    exam_file = Path(entry).resolve()
    paths = {*(p.resolve() for p in inputs)} | ({exam_file} if exam_file.is_file() else set())
    paths |= {real for folder in folders for _, real in template_files(folder)}
    root = Path(os.path.commonpath([str(p) for p in (*paths, *folders, exam_file)]))
    root = root.parent if root in paths or root == exam_file else root
    blobs: dict[str, bytes] = {}
    files = []
    for path in sorted(paths):
        data = path.read_bytes()
        digest = hashlib.sha256(data).hexdigest()
        blobs[digest] = data
        files.append((path.relative_to(root).as_posix(), digest))
    templates = tuple(folder.relative_to(root).as_posix() for folder in folders)
    return Bundle(str(root), tuple(files), blobs, exam_file.relative_to(root).as_posix(), templates)


def materialise(bundle: Bundle) -> Path:
    """The bundle's files written under a private temporary folder of this process (once per bundle), each
    checked against its SHA-256; return that folder (the client's `root` here). Removed when the process ends."""
    return materialised(bundle.digest, bundle.files, bundle.blobs, bundle.templates)
