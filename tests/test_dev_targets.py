"""The developer's targets: `make test-fast` runs the tests not marked slow, `make test` runs all of them and
requires PyTorch, and every PyTorch test file follows one rule for a missing torch."""

from __future__ import annotations

import re
import sys

import pytest

from .conftest import ROOT
from .deep_learning import oracle

TORCH_FILES = sorted((ROOT / "tests" / "deep_learning").glob("test_*_torch.py"))


def recipe(target: str) -> list[str]:
    """The command lines of one Makefile target."""
    makefile = (ROOT / "Makefile").read_text()
    found = re.search(rf"^{re.escape(target)}:.*\n((?:\t.*\n)+)", makefile, flags=re.M)
    assert found, f"no target {target!r} in the Makefile"
    return [line.strip() for line in found.group(1).splitlines()]


def test_test_fast_runs_ruff_and_the_tests_not_marked_slow():
    lines = recipe("test-fast")
    assert any(line.endswith("ruff check src tests benchmarks banks") for line in lines)
    assert any(line.endswith('-m pytest -q -m "not slow"') for line in lines)


def test_make_test_runs_every_test_and_requires_torch():
    pytest_lines = [line for line in recipe("test") if "-m pytest" in line]
    assert pytest_lines == ["QBANK_REQUIRE_TORCH=1 QBANK_REQUIRE_BROWSER=1 $(BIN)/python -m pytest -q"]
    assert "$(VENV)/.torch-installed" in (ROOT / "Makefile").read_text().split("\ntest:")[1].split("\n")[0]


def test_every_torch_file_imports_torch_through_the_one_rule():
    assert len(TORCH_FILES) == 3  # parameter counts, numeric answers, misconceptions
    for path in TORCH_FILES:
        source = path.read_text()
        assert "\ntorch = import_torch()\n" in source, path.name
        assert not re.search(r"^(import torch|from torch|.*importorskip)", source, flags=re.M), path.name


def test_a_missing_torch_skips_with_the_reason(monkeypatch):
    monkeypatch.setitem(sys.modules, "torch", None)  # `import torch` now raises ImportError
    monkeypatch.delenv(oracle.REQUIRE, raising=False)
    with pytest.raises(pytest.skip.Exception, match="PyTorch is not installed: it is the independent oracle"):
        oracle.import_torch()


def test_a_missing_torch_fails_where_make_test_requires_it(monkeypatch):
    monkeypatch.setitem(sys.modules, "torch", None)
    monkeypatch.setenv(oracle.REQUIRE, "1")
    with pytest.raises(pytest.fail.Exception, match="QBANK_REQUIRE_TORCH=1 requires it"):
        oracle.import_torch()


def test_an_installed_torch_is_returned(monkeypatch):
    fake = type(sys)("torch")
    monkeypatch.setitem(sys.modules, "torch", fake)
    assert oracle.import_torch() is fake
