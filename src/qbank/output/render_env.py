"""The versions of everything that changes a set's PDF bytes, read without importing WeasyPrint (an export or a
manifest check records them too, and importing WeasyPrint costs most of a second)."""

from __future__ import annotations

import ctypes
import ctypes.util
from importlib import metadata

__all__ = ["pdf_environment"]

# The names WeasyPrint's text.ffi tries for Pango, in its order: the first the dynamic loader finds is the Pango
# WeasyPrint renders with (tests/test_pdf.py compares the version with the one WeasyPrint's own binding reports).
PANGO_NAMES = ("libpango-1.0-0", "pango-1.0-0", "pango-1.0", "libpango-1.0.so.0", "libpango-1.0.dylib",
               "libpango-1.0-0.dll")  # fmt: skip


def _pango_version() -> str | None:
    """The Pango version (15008 is 1.50.8) of the library WeasyPrint loads, or None when none loads."""
    for name in PANGO_NAMES:
        try:
            function = ctypes.CDLL(name).pango_version
        except (OSError, AttributeError):
            continue
        function.restype = ctypes.c_int
        number = function()
        return f"{number // 10000}.{number // 100 % 100}.{number % 100}"
    return None


def _c_version(library: str, function: str) -> str | None:
    """A C library's version, from its version function."""
    path = ctypes.util.find_library(library)
    try:
        lib = ctypes.CDLL(path or f"lib{library}.so.0")
        func = getattr(lib, function)
    except (OSError, AttributeError):
        return None
    if function == "FcGetVersion":  # an int like 21400
        func.restype = ctypes.c_int
        number = func()
        return f"{number // 10000}.{number // 100 % 100}.{number % 100}"
    func.restype = ctypes.c_char_p
    return func().decode("ascii")


def _dist_version(name: str) -> str | None:
    """An installed distribution's version (None when it is not installed)."""
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


def pdf_environment() -> dict[str, str | None]:
    """Versions of everything that changes PDF bytes (WeasyPrint, pydyf, Pango, HarfBuzz, ...; pikepdf and its
    qpdf parse the keys and spell names and strings in the key booklet)."""
    import pikepdf  # small: its qpdf's version is recorded

    return {
        "weasyprint": _dist_version("weasyprint"),
        "pydyf": _dist_version("pydyf"),
        "pango": _pango_version(),
        "harfbuzz": _c_version("harfbuzz", "hb_version_string"),
        "fontconfig": _c_version("fontconfig", "FcGetVersion"),
        "ziamath": _dist_version("ziamath"),
        "ziafont": _dist_version("ziafont"),
        "latex2mathml": _dist_version("latex2mathml"),
        "markdown-it-py": _dist_version("markdown-it-py"),
        "pikepdf": _dist_version("pikepdf"),
        "qpdf": pikepdf.__libqpdf_version__,
    }
