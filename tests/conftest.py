"""Shared fixtures: paths to the sample bank and a helper to run the CLI in-process."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from qbank.cli import main

ROOT = Path(__file__).resolve().parents[1]
SAMPLE_BANK = ROOT / "banks" / "sample"
SAMPLE_EXAM = ROOT / "exams" / "sample.yaml"
DL_BANK = ROOT / "banks" / "deep-learning"
DL_EXAM = ROOT / "exams" / "cs60010-endsem.yaml"


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
