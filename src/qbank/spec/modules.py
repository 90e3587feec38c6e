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
    `qbank.spec.registry.collecting`), and two banks may both have a `solvers/cnn.py` without clashing. No
    `__pycache__` is written into the bank's folder (a bank is the user's, and qbank writes only its outputs).
    """
    resolved = Path(path).resolve()
    digest = hashlib.sha256(str(resolved).encode()).hexdigest()[:12]
    name = f"qbank_bank_{resolved.stem}_{digest}_{next(_COUNTER)}"
    spec = importlib.util.spec_from_file_location(name, resolved)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot import {resolved}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    writes_bytecode, sys.dont_write_bytecode = sys.dont_write_bytecode, True  # leave the bank folder as it is
    try:
        spec.loader.exec_module(module)
    except BaseException:
        sys.modules.pop(name, None)
        raise
    finally:
        sys.dont_write_bytecode = writes_bytecode
    return module
