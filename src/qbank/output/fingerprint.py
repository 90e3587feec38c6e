"""What a machine must share with the client for a worker's PDFs to be byte-identical: qbank (version and the
digest of its sources), the packages and rendering libraries the manifest records, Python, the pinned fonts by
file and SHA-256, and how fontconfig matches and prepares each of them for rendering (qbank.output.fontmatch: the
same files scaled, slanted or emboldened by a configuration render differently). A Dask worker compares its own
with the client's before it renders anything and refuses the task, naming each difference (the platform string,
which names the kernel, is recorded but not compared)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from qbank import __version__
from qbank.output.fontmatch import pinned_matches
from qbank.output.fontrecord import file_digest
from qbank.render.fontfiles import BOLD, CODE_FAMILIES, REGULAR, TEXT_FAMILIES, face


def pinned_fonts() -> dict[str, dict[str, str | None]]:
    """The file and SHA-256 of each pinned family's regular and bold face, as fontconfig resolves them here."""
    fonts: dict[str, dict[str, str | None]] = {}
    for family in (*TEXT_FAMILIES, *CODE_FAMILIES):
        for label, weight in (("regular", REGULAR), ("bold", BOLD)):
            found = face(family, weight)
            file = found.file if found else None
            fonts[f"{family} {label}"] = {"file": file, "sha256": file_digest(file) if file else None}
    return fonts


@lru_cache(maxsize=1)
def fingerprint() -> dict[str, Any]:
    """This machine's fingerprint (see the module docstring), as JSON-able data."""
    from qbank.output.manifest import environment, source_digests

    here = environment()
    sources = hashlib.sha256(json.dumps(source_digests(), sort_keys=True).encode()).hexdigest()
    return {"qbank": __version__, "qbank_sources": sources, "python": here["python"],
            "packages": dict(here["packages"]), "rendering": dict(here["rendering"]),
            "fonts": pinned_fonts(), "font_matches": pinned_matches()}  # fmt: skip


def differences(expected: Mapping[str, Any], here: Mapping[str, Any]) -> list[str]:
    """One phrase per field where `here` differs from `expected` (the client's): the field, both values."""
    found = []
    for key in sorted(set(expected) | set(here)):
        want, have = expected.get(key), here.get(key)
        if isinstance(want, Mapping) and isinstance(have, Mapping):
            found += [f"{key}.{line}" for line in differences(want, have)]
        elif want != have:
            found.append(f"{key}: {_shown(have)} here, {_shown(want)} on the client")
    return found


def _shown(value: Any) -> str:
    """A value as a difference shows it (a digest shortened)."""
    text = json.dumps(value, sort_keys=True) if isinstance(value, Mapping) else str(value)
    return f"sha256:{text[:16]}" if len(text) == 64 and all(c in "0123456789abcdef" for c in text) else text
