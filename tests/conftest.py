"""Shared fixtures: paths to the sample bank and a helper to run the CLI in-process."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from qbank.cli import main
from qbank.output.pdf import install_drawers
from qbank.speedups import install_all

ROOT = Path(__file__).resolve().parents[1]
SAMPLE_BANK = ROOT / "banks" / "sample"
SAMPLE_EXAM = ROOT / "exams" / "sample.yaml"
DL_BANK = ROOT / "banks" / "deep-learning"
DL_EXAM = ROOT / "exams" / "cs60010-endsem.yaml"


def pytest_sessionstart(session: pytest.Session) -> None:
    """Install the speed-ups as the CLI does (each behind its version guard and off switch), and qbank's text
    drawers (which the first `write_pdf` would install), so a test can take either out and put it back."""
    install_all()
    install_drawers()


@pytest.fixture
def run_cli(capsys):
    """Run `qbank ARGS` in-process; return (status, stdout, stderr)."""

    def run(*args: str) -> tuple[int, str, str]:
        status = main([str(a) for a in args])
        captured = capsys.readouterr()
        return status, captured.out, captured.err

    return run


@pytest.fixture
def sample_copy(tmp_path: Path) -> Path:
    """A writable copy of the sample bank and exam under tmp_path (bank at tmp/banks/sample)."""
    shutil.copytree(SAMPLE_BANK, tmp_path / "banks" / "sample")
    (tmp_path / "exams").mkdir()
    shutil.copy(SAMPLE_EXAM, tmp_path / "exams" / "sample.yaml")
    return tmp_path
