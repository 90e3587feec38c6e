"""Import a bank's Python modules (solvers, figures, parameter functions) by file path."""

from __future__ import annotations

import hashlib
import importlib.util
import sys
from pathlib import Path
from types import ModuleType

_LOADED: dict[Path, ModuleType] = {}


def load_module(path: str | Path) -> ModuleType:
    """Import the Python file at `path` once per process and return the module.

    Solver code is code: only load banks you trust. The module name is derived from the
    resolved path, so two banks may both have a `solvers/cnn.py` without clashing.
    """
    resolved = Path(path).resolve()
    cached = _LOADED.get(resolved)
    if cached is not None:
        return cached
    digest = hashlib.sha256(str(resolved).encode()).hexdigest()[:12]
    name = f"qbank_bank_{resolved.stem}_{digest}"
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
    _LOADED[resolved] = module
    return module
