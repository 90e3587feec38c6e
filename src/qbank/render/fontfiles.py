"""The pinned fonts: their families in stylesheet order, the files fontconfig has for them, and their cmaps.

Every family here is named in `templates/style.css` (the text stack and the page header stacks) and is
installed by `make setup` (the Makefile's APT_PACKAGES). A character none of them covers would make Pango fall
back to an unpinned font, or draw a box.
"""

from __future__ import annotations

import shutil
import struct
import subprocess
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

# The text stack of style.css, in order: Latin (with Vietnamese) and math, then one family per script with a bold
# face (so a bold name is bold in every script), then FreeSerif (Greek, Cyrillic, symbols), then CJK.
TEXT_FAMILIES = (
    "TeX Gyre Termes",
    "TeX Gyre Termes Math",
    "Noto Naskh Arabic",
    "Noto Serif Hebrew",
    "Noto Serif Devanagari",
    "Noto Serif Bengali",
    "Noto Serif Tamil",
    "Noto Serif Telugu",
    "Noto Serif Kannada",
    "Noto Serif Malayalam",
    "Noto Serif Gujarati",
    "Noto Serif Gurmukhi",
    "Noto Sans Oriya",
    "Noto Sans Ol Chiki",
    "Noto Sans Meetei Mayek",
    "FreeSerif",
    "Noto Serif CJK SC",
)
CODE_FAMILIES = ("TeX Gyre Cursor",)
REGULAR, BOLD = 80, 200  # fontconfig weights


@dataclass(frozen=True)
class FontFile:
    """One face fontconfig lists: family, weight, slant, file and face index (in a collection)."""

    family: str
    weight: int
    slant: int
    file: str
    index: int


@lru_cache(maxsize=1)
def installed_faces() -> tuple[FontFile, ...]:
    """Every face fontconfig knows (one `fc-list` call), each family name of a face listed separately."""
    fc_list = shutil.which("fc-list")
    if not fc_list:
        return ()
    fmt = "%{family}\t%{weight}\t%{slant}\t%{index}\t%{file}\n"
    result = subprocess.run([fc_list, "-f", fmt], capture_output=True, text=True, check=False, timeout=30)
    faces = []
    for line in sorted(result.stdout.splitlines()):
        fields = line.split("\t")
        if len(fields) != 5 or not all(part.lstrip("-").isdigit() for part in fields[1:4]):
            continue
        for family in fields[0].split(","):
            faces.append(FontFile(family, int(fields[1]), int(fields[2]), fields[4], int(fields[3])))
    return tuple(faces)


@cache
def face(family: str, weight: int = REGULAR, italic: bool = False) -> FontFile | None:
    """The face of `family` fontconfig would pick for a weight and slant (None if the family is not installed)."""
    candidates = [f for f in installed_faces() if f.family.lower() == family.lower()]
    if not candidates:
        return None
    return min(candidates, key=lambda f: ((f.slant > 0) != italic, abs(f.weight - weight), f.file, f.index))


@cache
def cmap(file: str, index: int = 0) -> frozenset[int]:
    """The code points a font file's face maps to a glyph (its Unicode cmap, read from the raw table)."""
    from fontTools.ttLib.sfnt import SFNTReader  # imported with WeasyPrint anyway

    with open(file, "rb") as stream:
        data = SFNTReader(stream, fontNumber=index)["cmap"]
    return frozenset(_unicode_code_points(data))


def _unicode_code_points(data: bytes) -> set[int]:
    """Code points of the best Unicode subtable of a raw cmap table (format 12 preferred, else format 4)."""
    count = struct.unpack_from(">H", data, 2)[0]
    records = [struct.unpack_from(">HHI", data, 4 + 8 * i) for i in range(count)]
    by_format: dict[int, int] = {}
    for platform, encoding, offset in records:
        if (platform, encoding) in ((3, 10), (0, 4), (0, 6), (3, 1), (0, 3)):
            by_format.setdefault(struct.unpack_from(">H", data, offset)[0], offset)
    if 12 in by_format:
        return _format12(data, by_format[12])
    return _format4(data, by_format[4]) if 4 in by_format else set()


def _format12(data: bytes, offset: int) -> set[int]:
    """Code points of a format 12 subtable (groups of consecutive characters)."""
    groups = struct.unpack_from(">I", data, offset + 12)[0]
    points: set[int] = set()
    for start, end, glyph in struct.iter_unpack(">III", data[offset + 16 : offset + 16 + 12 * groups]):
        points.update(range(start + (glyph == 0), end + 1))
    return points


def _format4(data: bytes, offset: int) -> set[int]:
    """Code points of a format 4 subtable (BMP segments) that map to a glyph other than .notdef."""
    segments = struct.unpack_from(">H", data, offset + 6)[0] // 2
    ends = struct.unpack_from(f">{segments}H", data, offset + 14)
    starts = struct.unpack_from(f">{segments}H", data, offset + 16 + 2 * segments)
    deltas = struct.unpack_from(f">{segments}h", data, offset + 16 + 4 * segments)
    range_at = offset + 16 + 6 * segments
    range_offsets = struct.unpack_from(f">{segments}H", data, range_at)
    points: set[int] = set()
    for i, (start, end, delta, range_offset) in enumerate(zip(starts, ends, deltas, range_offsets, strict=True)):
        if start == 0xFFFF:
            continue
        for code in range(start, end + 1):
            if range_offset:
                at = range_at + 2 * i + range_offset + 2 * (code - start)
                glyph = struct.unpack_from(">H", data, at)[0] if at + 2 <= len(data) else 0
                glyph = (glyph + delta) & 0xFFFF if glyph else 0
            else:
                glyph = (code + delta) & 0xFFFF
            if glyph:
                points.add(code)
    return points


def face_cmap(family: str, weight: int) -> frozenset[int]:
    """The code points the face of `family` at `weight` covers (empty if it is not installed)."""
    found = face(family, weight)
    return cmap(found.file, found.index) if found and Path(found.file).is_file() else frozenset()
