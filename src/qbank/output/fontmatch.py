"""How fontconfig matches and prepares each pinned face for rendering in this process: the file and face index
it picks, and the properties a configuration can change for the same files (matrix, pixel size, embolden,
hinting, antialiasing, …). Read from the fontconfig library Pango uses, through its own substitution and match
(FcConfigSubstitute, FcDefaultSubstitute, FcFontMatch: `target="font"` edits included), so a worker whose
FONTCONFIG_FILE scales or slants the same font files differs here (qbank.output.fingerprint)."""

from __future__ import annotations

import ctypes
import ctypes.util
from functools import cache

from qbank.render.fontfiles import BOLD, CODE_FAMILIES, REGULAR, TEXT_FAMILIES

# the match's properties that change a rendered glyph (fontconfig's element names)
PROPERTIES = ("file", "index", "weight", "slant", "matrix", "pixelsize", "size", "embolden", "hinting",
              "hintstyle", "autohint", "antialias", "rgba", "lcdfilter", "fontfeatures", "fontvariations",
              "variable")  # fmt: skip
FORMAT = "\t".join(f"%{{{name}}}" for name in PROPERTIES).encode()


@cache
def _library() -> ctypes.CDLL | None:
    """The fontconfig library with the signatures used here (None when it does not load)."""
    try:  # the soname first: find_library runs ldconfig (and gcc, ld) in child processes
        fc = ctypes.CDLL("libfontconfig.so.1")
    except OSError:
        try:
            fc = ctypes.CDLL(ctypes.util.find_library("fontconfig") or "libfontconfig.so.1")
        except OSError:
            return None
    pointer = ctypes.c_void_p
    fc.FcNameParse.restype, fc.FcNameParse.argtypes = pointer, [ctypes.c_char_p]
    fc.FcConfigSubstitute.argtypes = [pointer, pointer, ctypes.c_int]
    fc.FcDefaultSubstitute.argtypes = [pointer]
    fc.FcFontMatch.restype, fc.FcFontMatch.argtypes = pointer, [pointer, pointer, ctypes.POINTER(ctypes.c_int)]
    fc.FcPatternFormat.restype, fc.FcPatternFormat.argtypes = pointer, [pointer, ctypes.c_char_p]
    fc.FcStrFree.argtypes = [pointer]
    fc.FcPatternDestroy.argtypes = [pointer]
    return fc


def match(family: str, weight: int) -> dict[str, str] | None:
    """The properties of the face fontconfig matches for `family` at `weight` (None without fontconfig)."""
    fc = _library()
    if fc is None:
        return None
    pattern = fc.FcNameParse(f"{family}:weight={weight}".encode())
    if not pattern:
        return None
    try:
        fc.FcConfigSubstitute(None, pattern, 0)  # FcMatchPattern
        fc.FcDefaultSubstitute(pattern)
        found = fc.FcFontMatch(None, pattern, ctypes.byref(ctypes.c_int()))
        if not found:
            return None
        try:
            text = fc.FcPatternFormat(found, FORMAT)
            if not text:
                return None
            values = ctypes.string_at(text).decode("utf-8", "replace").split("\t")
            fc.FcStrFree(text)
        finally:
            fc.FcPatternDestroy(found)
    finally:
        fc.FcPatternDestroy(pattern)
    return dict(zip(PROPERTIES, values, strict=True))


def pinned_matches() -> dict[str, dict[str, str] | None]:
    """`match` for each pinned family's regular and bold face, keyed like qbank.output.fingerprint's fonts."""
    return {f"{family} {label}": match(family, weight)
            for family in (*TEXT_FAMILIES, *CODE_FAMILIES)
            for label, weight in (("regular", REGULAR), ("bold", BOLD))}  # fmt: skip
