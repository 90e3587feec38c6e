"""PyTorch, the independent oracle of the deep-learning tests, and the one rule for a missing torch.

`make test` installs torch and sets QBANK_REQUIRE_TORCH=1: there a missing torch fails the run. Anywhere else
(`make test-fast`, a bare `pytest` in a fresh venv) the torch test modules are skipped with the reason.
"""

from __future__ import annotations

import importlib
import os
from types import ModuleType

import pytest

REQUIRE = "QBANK_REQUIRE_TORCH"
MISSING = "PyTorch is not installed: it is the independent oracle of these tests (`make test` installs it)"


def import_torch() -> ModuleType:
    """torch; when it is missing, skip the calling test module, or fail it when QBANK_REQUIRE_TORCH=1."""
    try:
        return importlib.import_module("torch")
    except ImportError:
        if os.environ.get(REQUIRE) == "1":
            pytest.fail(f"{MISSING}, and {REQUIRE}=1 requires it", pytrace=False)
        pytest.skip(MISSING, allow_module_level=True)
