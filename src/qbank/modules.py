"""Import a bank's Python modules (solvers, figures, parameter functions) by file path."""

from __future__ import annotations

import hashlib
import importlib.util
import itertools
import sys
from pathlib import Path
from types import ModuleType

_COUNTER = itertools.count()


def load_module(path: str | Path) -> ModuleType:
    """Import the Python file at `path` afresh and return the module.

    Solver code is code: only load banks you trust. Each call executes the file again under a new
    module name, so its decorators register into whichever registries are being collected (see
    `qbank.registry.collecting`), and two banks may both have a `solvers/cnn.py` without clashing.
    """
    resolved = Path(path).resolve()
    digest = hashlib.sha256(str(resolved).encode()).hexdigest()[:12]
    name = f"qbank_bank_{resolved.stem}_{digest}_{next(_COUNTER)}"
    spec = importlib.util.spec_from_file_location(name, resolved)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot import {resolved}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        sys.modules.pop(name, None)
        raise
    return module
