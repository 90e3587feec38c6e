"""Speed-ups installed when their library is first imported (`install_all(deferred=True)`, what the CLI calls), and
the other start-up changes that must not change a byte: the rendering versions read without WeasyPrint."""

from __future__ import annotations

import os
import subprocess
import sys

from qbank.cli import schema as schema_cli
from qbank.output.render_env import pdf_environment
from qbank.spec.json_schema import KINDS

from .conftest import ROOT

NAMES = ["ziafast", "svgpath", "pcgfast", "weasylibs", "yamlevents"]

# A fresh process: install deferred, then import the libraries in the order given; print what is installed at each
# step (the lines are compared).
SCRIPT = """
import importlib, sys
from qbank.speedups import SPEEDUPS, install_all, report
print(report(install_all(deferred=True)))
print(sorted(m for m in ("weasyprint", "ziamath", "numpy") if m in sys.modules))
for name in sys.argv[1:]:
    importlib.import_module(name)
    print(name, [s.name for s in SPEEDUPS if s.installed()])
"""


def _run(*modules: str, **switches: str) -> list[str]:
    environ = {key: value for key, value in os.environ.items() if not key.startswith("QBANK_SPEEDUP")}
    environ.update(PYTHONPATH=str(ROOT / "src"), **switches)
    done = subprocess.run([sys.executable, "-c", SCRIPT, *modules], env=environ, capture_output=True, text=True,
                          check=True)  # fmt: skip
    return done.stdout.strip().splitlines()


def test_a_deferred_speedup_is_installed_when_its_library_is_imported() -> None:
    lines = _run("numpy", "ziamath", "weasyprint")
    assert lines[0] == str(["ziafast: installed when ziamath 0.13 is loaded",
                            "svgpath: installed when weasyprint 70.0 is loaded",
                            "pcgfast: installed when numpy 2.4.6 is loaded",
                            "weasylibs: installed before weasyprint.text.ffi runs (weasyprint 70.0)",
                            "yamlevents: installed when PyYAML 6.0.4 is loaded"])  # fmt: skip
    assert lines[1] == "[]"  # arming imports none of the libraries
    assert lines[2:] == ["numpy ['pcgfast']", "ziamath ['ziafast', 'pcgfast']",
                         "weasyprint ['ziafast', 'svgpath', 'pcgfast', 'weasylibs']"]  # fmt: skip


def test_a_speedup_module_imported_before_its_library_is_installed_once_both_are_loaded() -> None:
    # the speed-up's module imports the library itself: installing must wait until the module has finished
    lines = _run("qbank.speedups.svgpath", "qbank.speedups.ziafast")
    assert lines[2:] == ["qbank.speedups.svgpath ['svgpath', 'weasylibs']",
                         "qbank.speedups.ziafast ['ziafast', 'svgpath', 'weasylibs']"]  # fmt: skip


def test_an_off_switch_disarms_a_deferred_speedup() -> None:
    lines = _run("weasyprint", "ziamath", QBANK_SPEEDUP_SVGPATH="off")
    assert "svgpath: off: switched off (QBANK_SPEEDUP_SVGPATH=off)" in lines[0]
    assert lines[2:] == ["weasyprint ['weasylibs']", "ziamath ['ziafast', 'weasylibs']"]


def test_an_eager_install_after_a_deferred_one_installs_now_and_disarms() -> None:
    script = """
from qbank.speedups import SPEEDUPS, deferred, install_all
install_all(deferred=True)
armed = deferred.armed()
install_all()
print(list(armed), list(deferred.armed()), [s.name for s in SPEEDUPS if s.installed()])
"""
    environ = {key: value for key, value in os.environ.items() if not key.startswith("QBANK_SPEEDUP")}
    environ["PYTHONPATH"] = str(ROOT / "src")
    done = subprocess.run([sys.executable, "-c", script], env=environ, capture_output=True, text=True, check=True)
    assert done.stdout.strip() == f"{NAMES} [] {NAMES}"  # all were armed; now none is, and all are installed


def test_the_rendering_versions_are_the_ones_weasyprint_renders_with() -> None:
    import pikepdf
    import weasyprint
    from weasyprint.text.ffi import pango

    number = pango.pango_version()
    env = pdf_environment()
    assert env["pango"] == f"{number // 10000}.{number // 100 % 100}.{number % 100}"
    assert env["weasyprint"] == weasyprint.__version__ and env["qpdf"] == pikepdf.__libqpdf_version__


def test_the_schema_command_offers_every_kind_of_spec() -> None:
    assert tuple(schema_cli.KINDS) == tuple(KINDS)
