"""Helpers for class-set tests: rosters, PDF text per page, manifests."""

from __future__ import annotations

import csv
import json
import subprocess
from pathlib import Path
from typing import Any

FIRST_NAMES = ["Asha", "Bilal", "Chen", "Divya", "Émile", "Farah", "Gopal", "Hana", "Ishaan", "Jaya"]
LAST_NAMES = ["Rao", "Khan", "Wei", "Iyer", "Zola", "Das"]


def roster_rows(count: int, start: int = 1) -> list[dict[str, str]]:
    """`count` students with distinct rolls and names, plus a section column."""
    return [
        {"roll": f"24CS{1000 + i}", "name": f"{FIRST_NAMES[i % 10]} {LAST_NAMES[i % 6]}-{i}", "section": "AB"[i % 2]}
        for i in range(start, start + count)
    ]


def write_roster(path: Path, rows: list[dict[str, str]]) -> Path:
    """Write a roster CSV (header roll,name,section)."""
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=["roll", "name", "section"])
        writer.writeheader()
        writer.writerows(rows)
    return path


def page_count(pdf: Path) -> int:
    """Pages of a PDF (pdfinfo)."""
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    return int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))


def page_text(pdf: Path, page: int) -> str:
    """Text of one page (pdftotext -f N -l N)."""
    command = ["pdftotext", "-f", str(page), "-l", str(page), str(pdf), "-"]
    return subprocess.run(command, capture_output=True, text=True, check=True).stdout


def pdf_text(pdf: Path) -> str:
    """Text of a whole PDF."""
    return subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout


def manifest(folder: Path) -> dict[str, Any]:
    """The manifest of a set folder."""
    return json.loads((folder / "manifest.json").read_text())


def papers_by_id(folder: Path) -> dict[str, dict[str, Any]]:
    """Manifest paper records by paper id."""
    return {p["paper_id"]: p for p in manifest(folder)["papers"]}
