"""The names in a responses file against the roster a class set was built from: a row whose name is not the
roster's name for its roll is refused, like a roll the set does not have (the roll may be another student's)."""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from qbank.core.errors import Problem
from qbank.core.responses import strip_text_marker


def _same_name(a: str, b: str) -> bool:
    """Whether two names are one: compared after Unicode NFC, case folding and collapsing spaces."""
    return " ".join(unicodedata.normalize("NFC", a).casefold().split()) == " ".join(
        unicodedata.normalize("NFC", b).casefold().split()
    )


def name_problems(manifest: Mapping[str, Any], file: str, line: int, identity: Mapping[str, str],
                  paper: Mapping[str, Any]) -> list[Problem]:  # fmt: skip
    """A problem when the row's `name` is filled and differs from the roster's name recorded for its paper."""
    student = paper.get("student") if isinstance(paper.get("student"), dict) else {}
    recorded = student.get("name")
    column = next((c for c in identity if c.strip().lower() == "name"), None)
    if column is None or not identity[column].strip() or not isinstance(recorded, str):
        return []
    if _same_name(strip_text_marker(identity[column]), recorded):  # "'=x" is how qbank's CSVs write "=x"
        return []
    roster = ((manifest.get("recipe") or {}).get("roster") or {}).get("file")
    where = f" ({Path(roster).name})" if isinstance(roster, str) else ""
    message = (f"{identity[column]!r} is not the roster's name for {paper['paper_id']!r}: {recorded!r}{where}; "
               "correct the roll or the name")  # fmt: skip
    return [Problem(file, line, column, message)]
