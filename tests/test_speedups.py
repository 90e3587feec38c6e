"""The speed-ups contract: installed only by an explicit call, each behind a version guard and an off switch,
and each giving a byte-identical set when it is off or refused."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import qbank.speedups
from qbank.output import actualtext, svgtext
from qbank.speedups import SPEEDUPS, install_all, report, svgpath

from .conftest import DL_EXAM, ROOT, SAMPLE_EXAM

NAMES = [speedup.name for speedup in SPEEDUPS]

# Imports every qbank module, then prints each patchable function that is not the library's own.
UNPATCHED = """
import importlib, pkgutil, qbank
for module in pkgutil.walk_packages(qbank.__path__, "qbank."):
    if not module.name.endswith("__main__"):
        importlib.import_module(module.name)
import weasyprint.svg, weasyprint.svg.text, weasyprint.draw.text
from ziamath import styles
from ziamath.nodes import mnode, mrow
functions = {f"TAGS[{tag!r}]": drawer for tag, drawer in weasyprint.svg.TAGS.items()}
functions.update({"svg.text": weasyprint.svg.text, "draw_first_line": weasyprint.draw.text.draw_first_line,
                  "parse_style": styles.parse_style, "mnode.parse_style": mnode.parse_style,
                  "size_px": mnode.Mnode.size_px, "nostretch": mrow.Mrow._get_height_nostretch})
print(sorted(name for name, f in functions.items() if not f.__module__.startswith(("weasyprint", "ziamath"))))
print(sorted(s.name for s in qbank.speedups.SPEEDUPS if s.installed()))
"""


@pytest.mark.slow  # a fresh process importing every module: ~3 s
def test_importing_every_qbank_module_patches_nothing() -> None:
    result = subprocess.run([sys.executable, "-c", UNPATCHED], capture_output=True, text=True, check=True,
                            env={**os.environ, "PYTHONPATH": str(ROOT / "src")})  # fmt: skip
    assert result.stdout.split("\n")[:2] == ["[]", "[]"]


@pytest.fixture
def restored():
    """The speed-ups and drawers as the test session installed them, again after the test."""
    yield
    install_all({})
    actualtext.install()
    svgtext.install()


@pytest.mark.usefixtures("restored")
def test_install_all_says_what_it_installed_and_what_it_left_off() -> None:
    outcomes = install_all({"QBANK_SPEEDUP_SVGPATH": "off"})
    assert [(o.name, o.installed) for o in outcomes] == [(name, name != "svgpath") for name in NAMES]
    assert not svgpath.installed() and all(s.installed() for s in SPEEDUPS if s.name != "svgpath")
    assert "svgpath: off: switched off (QBANK_SPEEDUP_SVGPATH=off)" in report(outcomes)
    outcomes = install_all({"QBANK_SPEEDUPS": "off"})
    assert not any(o.installed for o in outcomes) and not any(s.installed() for s in SPEEDUPS)
    assert all(line.endswith("switched off (QBANK_SPEEDUPS=off)") for line in report(outcomes))


@pytest.mark.usefixtures("restored")
def test_a_library_version_not_checked_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(qbank.speedups, "library_version", lambda name: "99.0")
    outcomes = install_all({})
    assert not any(o.installed for o in outcomes) and not any(s.installed() for s in SPEEDUPS)
    assert "svgpath: off: guard refused: weasyprint 99.0 is not a checked version (70.0)" in report(outcomes)
    actualtext.uninstall()
    svgtext.uninstall()
    assert actualtext.install() == svgtext.install() == "guard refused: weasyprint 99.0 is not a checked version (70.0)"
    assert not any(f.__module__.startswith("qbank") for f in svgtext.weasy_svg.TAGS.values())
    assert actualtext.weasy_text.draw_first_line is actualtext._ORIGINAL


def _files(folder: Path) -> dict[str, bytes]:
    return {str(path.relative_to(folder)): path.read_bytes() for path in sorted(folder.rglob("*")) if path.is_file()}


def _built(run: Any, out: Path) -> dict[str, bytes]:
    """The files of a set `run` builds at `out` (the manifest records the folder: always the same one here),
    after which the folder is removed."""
    run(out)
    files = _files(out)
    shutil.rmtree(out)
    return files


@pytest.mark.slow
@pytest.mark.usefixtures("restored")
def test_refused_speedups_leave_qbank_working_with_identical_output(run_cli, tmp_path, monkeypatch) -> None:
    def build(out: Path) -> None:
        assert run_cli("build", SAMPLE_EXAM, "--seed", "5", "--out", out)[0] == 0

    on = _built(build, tmp_path / "set")
    monkeypatch.setattr(qbank.speedups, "library_version", lambda name: "0.1")
    refused = _built(build, tmp_path / "set")
    assert not any(s.installed() for s in SPEEDUPS)
    assert refused == on


@pytest.fixture(scope="module")
def set_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where every deep-learning set of this module is built (the manifest records the folder)."""
    return tmp_path_factory.mktemp("sets") / "set"


def _build(out: Path, switches: dict[str, str]) -> None:
    """`qbank build` of the deep-learning exam (seed 2026) in a fresh process with these environment variables."""
    environ = {key: value for key, value in os.environ.items() if not key.startswith("QBANK_SPEEDUP")}
    environ.update(PYTHONPATH=str(ROOT / "src"), **switches)
    command = [sys.executable, "-m", "qbank", "build", str(DL_EXAM), "--seed", "2026", "--out", str(out)]
    subprocess.run(command, env=environ, cwd=ROOT, check=True, capture_output=True)


@pytest.fixture(scope="module")
def all_on(set_folder: Path) -> dict[str, bytes]:
    """The deep-learning exam's set (seed 2026), built by the CLI with every speed-up on."""
    return _built(lambda out: _build(out, {}), set_folder)


@pytest.mark.slow
@pytest.mark.parametrize("switch", ["QBANK_SPEEDUPS", *(speedup.switch for speedup in SPEEDUPS)])
def test_an_off_switch_gives_a_byte_identical_set(switch: str, all_on: dict[str, bytes], set_folder: Path) -> None:
    off = _built(lambda out: _build(out, {switch: "off"}), set_folder)
    assert off.keys() == all_on.keys() and {"paper.pdf", "key.pdf", "manifest.json"} <= off.keys()
    assert [name for name in off if off[name] != all_on[name]] == []


def test_bank_solvers_hold_no_caches() -> None:
    cached = re.compile(r"\blru_cache\b|\bfunctools\.cache\b|^@cache\b", re.MULTILINE)
    found = [str(path.relative_to(ROOT)) for path in sorted((ROOT / "banks").rglob("*.py"))
             if cached.search(path.read_text(encoding="utf-8"))]  # fmt: skip
    assert found == []


# A class-set worker, started fresh, installs the speed-ups its environment allows when it is initialized.
WORKER = """
import sys
from pathlib import Path
from qbank.output import class_paper
from qbank.output.writer import StagedFolder
from qbank.spec.exam import load_exam
from qbank.speedups import SPEEDUPS
exam_path = Path(sys.argv[1])
before = [s.name for s in SPEEDUPS if s.installed()]
spec = class_paper.JobSpec(str(exam_path), load_exam(exam_path).digest, 4, False, (), StagedFolder(Path(sys.argv[2])),
                           "compact")
class_paper.init_worker(spec)
print(before, [s.name for s in SPEEDUPS if s.installed()])
"""


@pytest.mark.slow  # a fresh process loading an exam: ~3 s each
@pytest.mark.parametrize(("switches", "expected"), [({}, NAMES), ({"QBANK_SPEEDUP_ZIAFAST": "off"}, NAMES[1:])])
def test_a_class_set_worker_installs_the_speedups(switches: dict[str, str], expected: list[str], tmp_path) -> None:
    environ = {key: value for key, value in os.environ.items() if not key.startswith("QBANK_SPEEDUP")}
    environ.update(PYTHONPATH=str(ROOT / "src"), **switches)
    exam = ROOT / "exams" / "sample-classset.yaml"
    result = subprocess.run([sys.executable, "-c", WORKER, str(exam), str(tmp_path)], env=environ, cwd=ROOT,
                            capture_output=True, text=True, check=True)  # fmt: skip
    assert result.stdout.strip() == f"[] {expected}"


def test_verbs_that_draw_and_render_nothing_install_no_speedup(tmp_path):
    code = (
        "import contextlib, io, sys\n"
        "from qbank.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    assert main(['schema', 'question']) == 0\n"
        "loaded = sorted(m for m in ('weasyprint', 'ziamath') if m in sys.modules)\n"
        "assert not loaded, loaded\n"
    )
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1] / "src")}
    subprocess.run([sys.executable, "-c", code], check=True, env=env, cwd=tmp_path)
