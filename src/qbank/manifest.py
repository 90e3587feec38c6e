"""The manifest: everything needed to reproduce an output set and to verify it later."""

from __future__ import annotations

import hashlib
import importlib.metadata
import inspect
import json
import platform
import shutil
import subprocess
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

from . import __version__
from .assemble import SolvedPaper
from .draw import SEED_SCHEME, thaw
from .load import display_name
from .render import formatted_answers
from .validate import Question

MANIFEST_VERSION = 1
FONT_FAMILIES = ("TeX Gyre Termes", "TeX Gyre Cursor")
PACKAGES = ("jinja2", "numpy", "pyyaml", "pydantic", "weasyprint", "pydyf", "ziamath", "ziafont", "markdown-it-py")


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
    """Versions of Python, the packages and the rendering libraries, and the font files in use."""
    from .pdf import pdf_environment

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
        "fonts": _fonts(),
    }


def _fonts() -> list[dict[str, str | None]]:
    """The font file fontconfig resolves for each family the stylesheet uses, with its digest."""
    fonts = []
    fc_match = shutil.which("fc-match")
    for family in FONT_FAMILIES:
        file = None
        if fc_match:
            result = subprocess.run(
                [fc_match, "-f", "%{file}", family], capture_output=True, text=True, check=False, timeout=20
            )
            file = result.stdout.strip() or None
        digest = sha256_bytes(Path(file).read_bytes()) if file and Path(file).is_file() else None
        fonts.append({"family": family, "file": file, "sha256": digest})
    return fonts


def paper_record(paper: SolvedPaper) -> dict[str, Any]:
    """Per-question seeds, digests, parameters and answers of one paper."""
    questions = []
    for solved in paper.parts:
        question = solved.part.question
        questions.append(
            {
                "number": solved.item.number,
                "part": solved.part.label,
                "id": question.id,
                "marks": solved.part.marks,
                "file": question.file,
                "spec_sha256": question.digest,
                "solver": question.spec.solver,
                "solver_sha256": solver_digest(question),
                "stream_seed": f"{solved.variant.stream_seed:032x}",
                "params": thaw(solved.variant.params),
                "answers": thaw(solved.variant.answers),
                "answers_formatted": formatted_answers(question, solved.variant),
            }
        )
    return {"paper_id": paper.paper_id, "seed": paper.seed, "canonical": paper.canonical, "questions": questions}


def build_manifest(
    papers: list[SolvedPaper], files: Mapping[str, bytes], command: list[str], extra: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """The manifest of a build: environment, inputs, seeds, variants and file digests."""
    exam = papers[0].exam
    return {
        "manifest_version": MANIFEST_VERSION,
        "qbank_version": __version__,
        "seed_scheme": SEED_SCHEME,
        "command": command,
        "environment": environment(),
        "exam": {"file": exam.file, "sha256": exam.digest},
        "bank": {
            "name": exam.bank.spec.name,
            "root": display_name(exam.bank.root),
            "modules": dict(exam.bank.module_digests),
        },
        "seed": papers[0].seed,
        "canonical": papers[0].canonical,
        "papers": [paper_record(p) for p in papers],
        "files": {name: sha256_bytes(data) for name, data in sorted(files.items())},
        **(extra or {}),
    }


def manifest_bytes(manifest: Mapping[str, Any]) -> bytes:
    """Stable JSON encoding of a manifest."""
    return (json.dumps(manifest, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode("utf-8")
