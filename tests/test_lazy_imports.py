"""Start-up (issue #17): a command imports only what it uses. `qbank --help` loads no stage, and only the commands
that write PDFs import WeasyPrint; the speed-ups for a library are installed when it is first imported."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from qbank.cli import main

from .conftest import DL_BANK, ROOT, SAMPLE_BANK, SAMPLE_EXAM

# uvicorn is not listed: the runner imports it
HEAVY = ("weasyprint", "ziamath", "numpy", "pydantic", "jinja2", "pikepdf", "markdown_it", "dask", "qbank.check")

# Runs `qbank ARGV` in a fresh process (a server is not started: uvicorn.run is replaced), then prints which heavy
# libraries were imported and which speed-ups are installed, as JSON.
RUNNER = """
import json, sys
import uvicorn
uvicorn.run = lambda app, **options: None
from qbank.cli import main
from qbank.speedups import SPEEDUPS
try:
    status = main(sys.argv[1:])
except SystemExit as exc:  # --help
    status = exc.code
print(json.dumps({"status": status, "loaded": [m for m in HEAVY if m in sys.modules],
                  "installed": [s.name for s in SPEEDUPS if s.installed()]}))
"""


def loaded(*argv: object, cwd: Path = ROOT) -> dict[str, object]:
    """What a fresh `qbank ARGV` process imported (`loaded`), installed (`installed`), and its exit `status`."""
    environ = {key: value for key, value in os.environ.items() if not key.startswith("QBANK_SPEEDUP")}
    environ["PYTHONPATH"] = str(ROOT / "src")
    script = f"HEAVY = {HEAVY!r}\n{RUNNER}"
    done = subprocess.run([sys.executable, "-c", script, *map(str, argv)], env=environ, cwd=cwd, capture_output=True,
                          text=True, check=True)  # fmt: skip
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_help_imports_no_stage() -> None:
    result = loaded("--help")
    assert result["loaded"] == []


def test_variants_and_check_do_not_import_weasyprint() -> None:
    question = DL_BANK / "questions" / "cnn" / "vgg-params.yaml"  # its labels are typeset: ziamath is loaded
    variants = loaded("variants", question, "--seed", "3")
    check = loaded("check", SAMPLE_BANK / "questions" / "dense-params.yaml", "--seeds", "5", "--jobs", "1")
    assert variants["status"] == check["status"] == 0
    assert "weasyprint" not in variants["loaded"] and "weasyprint" not in check["loaded"]
    # the speed-ups of the libraries they did load are in place: draws and formulas as fast as in a build
    assert {"numpy", "ziamath"} <= set(variants["loaded"])
    assert variants["installed"] == ["ziafast", "pcgfast", "yamlevents"]


def test_export_does_not_import_weasyprint(tmp_path: Path) -> None:
    result = loaded("export", SAMPLE_EXAM, "--format", "moodle", "--variants", "1", "--seed", "1", "--out",
                    tmp_path / "quiz.xml")  # fmt: skip
    assert result["status"] == 0 and (tmp_path / "quiz.xml").is_file()
    assert "weasyprint" not in result["loaded"]


def test_serve_does_not_import_weasyprint() -> None:
    result = loaded("serve", SAMPLE_BANK, "--port", "8765")
    assert result["status"] == 0
    assert "weasyprint" not in result["loaded"] and "numpy" in result["loaded"]


def test_new_and_schema_import_no_renderer(tmp_path: Path) -> None:
    renderers = {"weasyprint", "ziamath", "jinja2", "markdown_it", "pikepdf"}
    new = loaded("new", "bank", tmp_path / "mine")
    schema = loaded("schema", "exam")
    assert new["status"] == schema["status"] == 0 and (tmp_path / "mine" / "bank.yaml").is_file()
    assert not renderers & set(new["loaded"]) and not renderers & set(schema["loaded"])


@pytest.mark.slow  # builds a set first (~5 s)
def test_grade_imports_weasyprint_only_for_a_misconception_report(tmp_path: Path) -> None:
    out = tmp_path / "set"
    assert main(["build", str(SAMPLE_EXAM), "--forms", "1", "--seed", "4", "--out", str(out), "--jobs", "1"]) == 0
    result = loaded("grade", out, out / "answers.csv", "--out", tmp_path / "marks.csv")
    assert result["status"] == 0 and (tmp_path / "marks.csv").is_file()
    assert not (tmp_path / "marks-misconceptions.pdf").exists()  # the sample exam asks nothing as a choice
    assert "weasyprint" not in result["loaded"]


@pytest.mark.slow  # a 1-form build in a fresh process (~5 s)
def test_a_build_installs_every_speedup_when_it_renders(tmp_path: Path) -> None:
    result = loaded("build", SAMPLE_EXAM, "--forms", "1", "--seed", "1", "--out", tmp_path / "set", "--jobs", "1")
    assert result["status"] == 0 and "weasyprint" in result["loaded"]
    assert result["installed"] == ["ziafast", "svgpath", "pcgfast", "weasylibs", "yamlevents"]
    assert "qbank.check" not in result["loaded"]  # the sweeps are loaded only for `forms_differ: true`
