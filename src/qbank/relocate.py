"""Relocating a set's inputs for an audit: a manifest records absolute paths (exam, bank, templates) and the
folder the set was built in. When the project has moved since (cloned elsewhere, copied to an examiner's
machine), a recorded path that no longer exists is looked up at the same place relative to the set's new
folder, so a set that moved together with its exam and bank audits as before."""

from __future__ import annotations

import copy
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

__all__ = ["relocated_manifest"]


def relocated_manifest(manifest: Mapping[str, Any], root: Path) -> tuple[dict[str, Any], list[str]]:
    """A copy of `manifest` with each missing input path replaced by its counterpart relative to `root` (the
    set's folder now) when that exists; and a note per path moved. Without `built_in` nothing is moved."""
    moved = copy.deepcopy(dict(manifest))
    built_in = manifest.get("built_in")
    if not built_in or Path(built_in) == Path(root).resolve():
        return moved, []
    notes: list[str] = []

    def find(recorded: str) -> str:
        if os.path.exists(recorded):
            return recorded
        candidate = os.path.normpath(os.path.join(Path(root).resolve(), os.path.relpath(recorded, built_in)))
        if not os.path.exists(candidate):
            return recorded
        notes.append(f"input moved with the set: {recorded} -> {candidate}")
        return candidate

    recipe = moved.get("recipe") or {}
    for key in ("exam", "bank"):
        if isinstance(recipe.get(key), str):
            recipe[key] = find(recipe[key])
    if isinstance(recipe.get("templates"), list):
        recipe["templates"] = [find(path) for path in recipe["templates"]]
    bank = moved.get("bank") or {}
    if isinstance(bank.get("path"), str):
        bank["path"] = find(bank["path"])
    return moved, notes
