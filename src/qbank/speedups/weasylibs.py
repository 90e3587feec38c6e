"""Speed-up `weasylibs`: WeasyPrint 70 loads its C libraries without the compiler probes of `find_library`.

`weasyprint.text.ffi` tries several names per library (Windows and macOS names first, then a bare name, then
the Linux soname): `_dlopen(ffi, 'libgobject-2.0-0', 'gobject-2.0-0', 'gobject-2.0', 'libgobject-2.0.so.0',
...)`. cffi's `dlopen` gives every name that does not load as it is to `ctypes.util.find_library`, which on
Linux runs `/sbin/ldconfig -p`, then `gcc -Wl,-t ...`, `objdump` and `ld -t ...` for each failing name: about
50 child processes per start. On Linux, `find_library` answers only with a soname (from the loader's cache or
the SONAME of the library the linker found), which cffi then loads by that soname through the dynamic loader.

When a library's Linux soname (`libgobject-2.0.so.0`) loads directly, the names WeasyPrint tries before it
are refused at once instead: WeasyPrint then loads the same soname, the same file the loader maps. When the
soname does not load, every name goes through cffi's own lookup, exactly as without this speed-up. Only the
names listed below (WeasyPrint 70's) are touched; any other `dlopen` is cffi's own. `install()` must run
before `weasyprint.text.ffi` executes (the CLI's deferred install does: `qbank.speedups.deferred`);
tests/test_weasylibs.py checks that the same shared objects are mapped with and without it, and that no
child process runs with it when every soname loads.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import _cffi_backend
import cffi

__all__ = ["install", "installed", "uninstall"]

# weasyprint/text/ffi.py (70.0): the names `_dlopen` tries per library, in order.
LIBRARIES = (
    ("libgobject-2.0-0", "gobject-2.0-0", "gobject-2.0", "libgobject-2.0.so.0"),
    ("libpango-1.0-0", "pango-1.0-0", "pango-1.0", "libpango-1.0.so.0"),
    ("libharfbuzz-0", "harfbuzz", "harfbuzz-0.0", "libharfbuzz.so.0"),
    ("libharfbuzz-subset-0", "harfbuzz-subset", "harfbuzz-subset-0.0", "libharfbuzz-subset.so.0"),
    ("libharfbuzz-vector-0", "harfbuzz-vector", "harfbuzz-vector-0.0", "libharfbuzz-vector.so.0"),
    ("libfontconfig-1", "fontconfig-1", "fontconfig", "libfontconfig.so.1"),
    ("libpangoft2-1.0-0", "pangoft2-1.0-0", "pangoft2-1.0", "libpangoft2-1.0.so.0"),
)
# Each name tried before a Linux soname -> that soname.
SONAME_OF = {name: names[-1] for names in LIBRARIES for name in names[:-1]}

_ORIGINAL: Callable[..., Any] = cffi.FFI.dlopen
_LOADS: dict[tuple[str, int], bool] = {}  # (soname, flags) -> whether the dynamic loader finds it


def _soname_loads(soname: str, flags: int) -> bool:
    """Whether the dynamic loader loads `soname` as it is (asked once per process)."""
    if (soname, flags) not in _LOADS:
        try:
            _cffi_backend.load_library(soname, flags)
        except OSError:
            _LOADS[soname, flags] = False
        else:
            _LOADS[soname, flags] = True
    return _LOADS[soname, flags]


def dlopen(self: cffi.FFI, name: Any, flags: int = 0) -> Any:
    """`FFI.dlopen`, refusing at once a WeasyPrint name tried before a Linux soname that loads directly."""
    soname = SONAME_OF.get(name) if isinstance(name, str) else None
    if soname is not None and _soname_loads(soname, flags):
        raise OSError(f"{name!r} not looked up: {soname} loads directly (qbank speed-up weasylibs)")
    return _ORIGINAL(self, name, flags)


def installed() -> bool:
    """Whether cffi's `dlopen` is this module's."""
    return cffi.FFI.dlopen is dlopen


def install() -> None:
    """Make cffi's `dlopen` skip the names WeasyPrint tries before a soname that loads (idempotent)."""
    cffi.FFI.dlopen = dlopen  # type: ignore[method-assign]


def uninstall() -> None:
    """Restore cffi's own `dlopen`."""
    cffi.FFI.dlopen = _ORIGINAL  # type: ignore[method-assign]
