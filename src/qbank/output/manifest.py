"""The manifest: everything needed to reproduce an output set and to verify it later."""

from __future__ import annotations

import hashlib
import importlib.metadata
import inspect
import json
import platform
from collections.abc import Mapping, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

from qbank import __version__
from qbank.draw.params import SEED_SCHEME, thaw
from qbank.output.fontrecord import embedded_fonts
from qbank.output.manifest_read import MANIFEST_VERSION, SET_DIGEST_KEY, load_manifest, set_digest
from qbank.render.paper import SolvedPaper
from qbank.render.question import formatted_answers
from qbank.render.template_loader import file_digest, template_files
from qbank.spec.load import display_name
from qbank.spec.validate import Question

PACKAGES = ("jinja2", "numpy", "pyyaml", "pydantic", "weasyprint", "pydyf", "ziamath", "ziafont", "markdown-it-py",
            "pikepdf")  # fmt: skip
PACKAGE_ROOT = Path(__file__).resolve().parents[1]


def sha256_bytes(data: bytes) -> str:
    """Hex SHA-256 of some bytes."""
    return hashlib.sha256(data).hexdigest()


def solver_digest(question: Question) -> str | None:
    """SHA-256 of the solver function's source text (None for questions without a solver)."""
    if question.solver is None:
        return None
    try:
        source = inspect.getsource(question.solver.function)
    except (OSError, TypeError):
        source = question.solver.where
    return sha256_bytes(source.encode("utf-8"))


@lru_cache(maxsize=1)
def environment() -> dict[str, Any]:
    """Versions of Python, the packages and the rendering libraries (the fonts are recorded per set, read from
    its PDFs: see `assemble_manifest`)."""
    from qbank.output.pdf import pdf_environment

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


def answer_spec(spec: Any) -> dict[str, Any]:
    """An answer declaration as JSON (format, rounding, tolerance), enough to grade without the bank."""
    return spec.model_dump(mode="json", exclude_none=True)


def paper_record(paper: SolvedPaper, student: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Everything that made one paper: who it is for, its layout and scenario seeds, and per question the
    seeds, input digests, parameters, answers and answer declarations (for grading)."""
    questions = []
    for solved in paper.parts:
        question = solved.part.question
        questions.append(
            {
                "number": solved.item.number,
                "part": solved.part.label,
                "id": solved.part.key,
                "question": question.id,
                "marks": solved.part.marks,
                "file": question.file,
                "path": str(Path(question.file).resolve()),
                "spec_sha256": question.digest,
                "solver": question.spec.solver,
                "solver_sha256": solver_digest(question),
                "paper": solved.variant.paper_id,
                "scenario": solved.part.scenario,
                "stream_seed": f"{solved.variant.stream_seed:032x}",
                "params": thaw(solved.variant.params),
                "answers": thaw(solved.variant.answers),
                "answers_formatted": formatted_answers(question, solved.variant),
                "answer_specs": {name: answer_spec(spec) for name, spec in question.spec.answers.items()},
            }
        )
    return {
        "paper_id": paper.paper_id,
        "student": dict(student) if student else None,
        "seed": paper.seed,
        "canonical": paper.canonical,
        "streams": {name: f"{seed:032x}" for name, seed in sorted(paper.streams.items())},
        "scenarios": {
            name: {"stream_seed": f"{draw.stream_seed:032x}", "params": thaw(draw.params)}
            for name, draw in sorted(paper.scenarios.items())
        },
        "questions": questions,
    }


def build_manifest(
    papers: list[SolvedPaper], files: Mapping[str, bytes], command: list[str], extra: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """The manifest of a build: environment (with the fonts its PDFs embed), inputs, seeds, variants and file
    digests."""
    digests = {name: sha256_bytes(data) for name, data in files.items()}
    records = [paper_record(p) for p in papers]
    fonts = embedded_fonts(data for name, data in sorted(files.items()) if name.endswith(".pdf"))
    return assemble_manifest(papers[0].exam, records, papers[0].seed, papers[0].canonical, digests, command, extra,
                             fonts=fonts)  # fmt: skip


def assemble_manifest(
    exam: Any,
    records: list[dict[str, Any]],
    seed: int,
    canonical: bool,
    digests: Mapping[str, str],
    command: list[str],
    extra: Mapping[str, Any] | None = None,
    *,
    fonts: Sequence[Mapping[str, Any]] = (),
) -> dict[str, Any]:
    """A manifest from paper records and file digests; `exam` is an Exam (or a Bank, for practice sheets);
    `fonts` is the record of the fonts the PDFs embed (`fontrecord.embedded_fonts`)."""
    data = manifest_data(exam, records, seed, canonical)
    return {**data, "command": command, "environment": {**environment(), "fonts": [dict(font) for font in fonts]},
            "files": dict(sorted(digests.items())), **(extra or {})}  # fmt: skip


def manifest_data(exam: Any, records: list[dict[str, Any]], seed: int, canonical: bool) -> dict[str, Any]:
    """The part of a manifest that drawing and solving alone determine (no files, command or environment)."""
    bank = getattr(exam, "bank", exam)
    exam_record = {"file": exam.file, "sha256": exam.digest} if hasattr(exam, "bank") else None
    return {
        "manifest_version": MANIFEST_VERSION,
        "qbank_version": __version__,
        "seed_scheme": SEED_SCHEME,
        "exam": exam_record,
        "bank": {
            "name": bank.spec.name,
            "root": display_name(bank.root),
            "path": str(bank.root),
            "modules": dict(bank.module_digests),
        },
        "seed": seed,
        "canonical": canonical,
        "papers": records,
    }


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
