"""Relocating a set's inputs for an audit: a manifest records absolute paths (exam, bank, templates, question
files) and the folder the set was built in. When the project has moved since (cloned elsewhere, copied to an
examiner's machine), a recorded path that no longer exists is looked up at the same place relative to the
set's new folder, so a set that moved together with its exam and bank audits as before."""

from __future__ import annotations

import copy
import os
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

__all__ = ["relocated_manifest", "relocator"]


def relocator(manifest: Mapping[str, Any], root: Path) -> tuple[Callable[[str], str], list[str]]:
    """A function mapping a recorded absolute path to where it is now (itself when it still exists or the set
    has not moved), and the list it appends a note to for each path it moves."""
    built_in = manifest.get("built_in")
    here = Path(root).resolve()
    notes: list[str] = []
    if not isinstance(built_in, str) or not built_in or Path(built_in) == here:
        return lambda recorded: recorded, notes

    def find(recorded: str) -> str:
        if os.path.exists(recorded):
            return recorded
        candidate = os.path.normpath(os.path.join(here, os.path.relpath(recorded, built_in)))
        if not os.path.exists(candidate):
            return recorded
        note = f"input moved with the set: {recorded} -> {candidate}"
        if note not in notes:
            notes.append(note)
        return candidate

    return find, notes


def relocated_manifest(manifest: Mapping[str, Any], root: Path) -> tuple[dict[str, Any], list[str]]:
    """A copy of `manifest` with each missing input path (exam, bank, templates, question files) replaced by
    its counterpart relative to `root` (the set's folder now) when that exists; and a note per input moved.
    Without `built_in` nothing is moved."""
    moved = copy.deepcopy(dict(manifest))
    find, notes = relocator(manifest, root)
    recipe = moved.get("recipe") or {}
    for key in ("exam", "bank"):
        if isinstance(recipe.get(key), str):
            recipe[key] = find(recipe[key])
    if isinstance(recipe.get("templates"), list):
        recipe["templates"] = [find(path) if isinstance(path, str) else path for path in recipe["templates"]]
    bank = moved.get("bank") or {}
    if isinstance(bank.get("path"), str):
        bank["path"] = find(bank["path"])
    bank_notes = list(notes)
    for paper in moved.get("papers") or []:
        for question in paper.get("questions") or [] if isinstance(paper, dict) else []:
            if isinstance(question, dict) and isinstance(question.get("path"), str):
                question["path"] = find(question["path"])
    return moved, bank_notes
