"""Speed-up `weasylibs`: WeasyPrint's C libraries load without `find_library`'s compiler probes, and they are the
very same shared objects (differential: a fresh process imports WeasyPrint with and without it)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import cffi

from qbank.speedups import weasylibs

from .conftest import ROOT

# A fresh process: install as the CLI does (deferred) unless switched off, count the child processes started while
# WeasyPrint is imported, then list the shared objects mapped and which speed-ups are installed.
SCRIPT = """
import json, subprocess, sys
started = []
original = subprocess.Popen.__init__
def counting(self, args, *rest, **options):
    started.append(args if isinstance(args, str) else " ".join(map(str, args)))
    return original(self, args, *rest, **options)
subprocess.Popen.__init__ = counting
from qbank.speedups import SPEEDUPS, install_all
install_all(deferred=True)
import weasyprint
with open("/proc/self/maps") as maps:
    objects = sorted({line.split()[-1] for line in maps if ".so" in line.split()[-1]})
print(json.dumps({"started": started, "objects": objects,
                  "installed": [s.name for s in SPEEDUPS if s.installed()]}))
"""


def _import_weasyprint(**switches: str) -> dict[str, list[str]]:
    environ = {key: value for key, value in os.environ.items() if not key.startswith("QBANK_SPEEDUP")}
    environ.update(PYTHONPATH=str(ROOT / "src"), **switches)
    done = subprocess.run([sys.executable, "-c", SCRIPT], env=environ, capture_output=True, text=True, check=True)
    return json.loads(done.stdout)


def _loads(soname: str) -> bool:
    try:
        cffi.FFI().dlopen(soname)
    except OSError:
        return False
    return True


def test_the_same_shared_objects_are_mapped_with_and_without_the_speedup() -> None:
    plain = _import_weasyprint(QBANK_SPEEDUP_WEASYLIBS="off")
    fast = _import_weasyprint()
    assert "weasylibs" in fast["installed"] and "weasylibs" not in plain["installed"]
    assert any("libpango-1.0.so" in name for name in fast["objects"])
    assert fast["objects"] == plain["objects"]


def test_no_library_whose_soname_loads_is_probed_with_compilers() -> None:
    plain, fast = _import_weasyprint(QBANK_SPEEDUP_WEASYLIBS="off"), _import_weasyprint()
    present = [names for names in weasylibs.LIBRARIES if _loads(names[-1])]
    absent = [names for names in weasylibs.LIBRARIES if names not in present]
    assert len(present) >= 5  # gobject, pango, harfbuzz, fontconfig, pangoft2 are required by WeasyPrint

    def probed(started: list[str], names: tuple[str, ...]) -> bool:
        return any(command.endswith(f"-l{name}") for command in started for name in names)

    assert all(probed(plain["started"], names) for names in present)  # the plain path probes them
    assert not any(probed(fast["started"], names) for names in present)
    # a library whose soname does not load gets WeasyPrint's own lookup, unchanged
    assert all(probed(fast["started"], names) == probed(plain["started"], names) for names in absent)
    if not absent:
        assert fast["started"] == []


def test_only_weasyprint_names_before_a_loading_soname_are_refused() -> None:
    weasylibs.install()
    try:
        ffi = cffi.FFI()
        refused = next(name for names in weasylibs.LIBRARIES if _loads(names[-1]) for name in names[:-1])
        try:
            ffi.dlopen(refused)
        except OSError as exc:
            assert "loads directly" in str(exc)
        else:
            raise AssertionError(f"{refused} was looked up")
        assert ffi.dlopen("libpango-1.0.so.0") is not None  # the soname itself loads
        try:
            ffi.dlopen("no-such-library-qbank")  # any other name: cffi's own lookup and error
        except OSError as exc:
            assert "no-such-library-qbank" in str(exc) and "loads directly" not in str(exc)
    finally:
        weasylibs.uninstall()
    assert not weasylibs.installed()
