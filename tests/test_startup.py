"""Start-up work done once: a build in one process renders from the exam it has already loaded and checked."""

from __future__ import annotations

import pytest

from qbank.cli import main
from qbank.output import class_paper

from .conftest import ROOT


@pytest.mark.slow
def test_a_one_process_build_loads_the_exam_once(tmp_path, monkeypatch):
    def load_again(path):
        raise AssertionError(f"the exam {path} was loaded a second time")

    monkeypatch.setattr(class_paper, "load_exam", load_again)
    argv = ["build", str(ROOT / "exams" / "sample.yaml"), "--forms", "1", "--seed", "1", "--out",
            str(tmp_path / "set"), "--jobs", "1"]  # fmt: skip
    assert main(argv) == 0
    assert (tmp_path / "set" / "papers" / "A.pdf").is_file()
