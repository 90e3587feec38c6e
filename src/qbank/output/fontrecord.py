"""The fonts a set's PDFs embed, read back from the PDFs and mapped to the font files on this machine.

The manifest records them (`environment.fonts`: a list of `{name, file, sha256}` sorted by name), so that an
audit on another machine can say which font is missing or different instead of failing on a glyph.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

from qbank.render.fontfiles import BOLD, REGULAR, face

FontRecord = dict[str, str | None]
# Weight words of a Pango font description (as WeasyPrint names fonts: words joined by '-'), in fontconfig units.
_WEIGHTS = {"thin": 0, "light": 50, "book": 75, "medium": 100, "semi": 180, "demi": 180, "heavy": 210, "black": 210,
            "ultra": 205, "extra": 205}  # fmt: skip


def font_names(pdf: bytes | Path) -> set[tuple[str, str]]:
    """(font name, family) of every font a PDF embeds; the name is the PDF's without its subset tag."""
    import pikepdf

    source = io.BytesIO(pdf) if isinstance(pdf, bytes) else pdf
    found: set[tuple[str, str]] = set()
    with pikepdf.open(source) as document:
        for obj in document.objects:
            if not isinstance(obj, pikepdf.Dictionary) or obj.get("/Type") != "/FontDescriptor":
                continue
            name = str(obj.get("/FontName", ""))[1:]
            name = name.split("+", 1)[1] if len(name) > 7 and name[6] == "+" else name
            family = str(obj.get("/FontFamily", "")) if "/FontFamily" in obj else ""
            found.add((name, family))
    return found


def _style(name: str, family: str) -> tuple[int, bool]:
    """Weight and italic of a font from the words its name adds to its family ('Noto-Serif-Bengali-Bold')."""
    prefix = family.replace(" ", "-")
    rest = name[len(prefix) :] if family and name.startswith(prefix) else name
    words = [word.lower() for word in rest.split("-") if word]
    weight = next((_WEIGHTS[w] for w in words if w in _WEIGHTS), BOLD if "bold" in words else REGULAR)
    if "bold" in words and weight in (REGULAR, 100):
        weight = BOLD
    return weight, "italic" in words or "oblique" in words


def file_digest(file: str) -> str | None:
    """SHA-256 of a font file (None if it cannot be read); cached while the file's size and time stay the same."""
    try:
        stat = Path(file).stat()
    except OSError:
        return None
    return _digest(file, stat.st_size, stat.st_mtime_ns)


@lru_cache(maxsize=256)
def _digest(file: str, size: int, mtime_ns: int) -> str | None:
    """SHA-256 of a file as it is at (size, mtime)."""
    try:
        return hashlib.sha256(Path(file).read_bytes()).hexdigest()
    except OSError:
        return None


def font_records(names: Iterable[tuple[str, str]]) -> list[FontRecord]:
    """`{name, file, sha256}` for each (name, family), the file being the face fontconfig has for that family,
    weight and slant (None when it has none); sorted by name."""
    records: dict[str, FontRecord] = {}
    for name, family in sorted(set(names)):
        weight, italic = _style(name, family)
        found = face(family, weight, italic) if family else None
        file = found.file if found else None
        records[name] = {"name": name, "file": file, "sha256": file_digest(file) if file else None}
    return [records[name] for name in sorted(records)]


def embedded_fonts(pdfs: Iterable[bytes | Path]) -> list[FontRecord]:
    """The font record of a set: every font embedded in any of its PDFs, mapped to its file on disk."""
    names: set[tuple[str, str]] = set()
    for pdf in pdfs:
        names |= font_names(pdf)
    return font_records(names)


def merge_records(groups: Iterable[Sequence[Mapping[str, Any]]]) -> list[FontRecord]:
    """Several font records (one per paper) as one, each font once, sorted by name."""
    merged: dict[str, FontRecord] = {}
    for group in groups:
        for font in group:
            merged.setdefault(str(font["name"]), dict(font))
    return [merged[name] for name in sorted(merged)]


def missing_fonts(recorded: Iterable[Mapping[str, Any]]) -> list[str]:
    """One sentence per recorded font this machine lacks or has in another version: its name and file.

    The audit calls it before regenerating: a missing font explains a regenerated PDF that differs (or fails
    on a glyph)."""
    lines = []
    for font in recorded:
        name, file, digest = font.get("name") or font.get("family"), font.get("file"), font.get("sha256")
        if not file:
            continue
        here = file_digest(file) if Path(file).is_file() else None
        if here is None:
            lines.append(f"font {name} ({file}) is missing on this machine")
        elif digest and here != digest:
            lines.append(f"font {name} ({file}) differs on this machine: sha256:{here[:16]}, recorded "
                         f"sha256:{digest[:16]}")  # fmt: skip
    return lines
