"""Import a bank's Python modules (solvers, figures, parameter functions) by file path."""

from __future__ import annotations

import hashlib
import importlib.util
import itertools
import sys
import traceback
from pathlib import Path
from types import ModuleType

from qbank.core.errors import Problem
from qbank.spec.load import display_name

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


def import_problem(exc: BaseException, module: Path, root: Path, listed: Problem) -> Problem:
    """An exception raised importing a bank's module, located in the bank's code: a SyntaxError at its file and
    line, any other at the innermost traceback frame inside the bank's folder; the message points back to where
    bank.yaml lists the module (`listed`)."""
    file, line, message = _located(exc, module.resolve(), root.resolve())
    where = f"{listed.file}:{listed.line}: {listed.path}" if listed.line else f"{listed.file}: {listed.path}"
    return Problem(display_name(file), line, "", f"{type(exc).__name__}: {message} (while importing it for {where})")


def _located(exc: BaseException, module: Path, root: Path) -> tuple[Path, int, str]:
    """(file, line, message) of an import failure: where in the bank's code it happened."""
    if isinstance(exc, SyntaxError) and exc.filename and Path(exc.filename).is_file():
        return Path(exc.filename), exc.lineno or 0, exc.msg
    inside = [frame for frame in traceback.extract_tb(exc.__traceback__) if Path(frame.filename).is_relative_to(root)]
    if inside:
        return Path(inside[-1].filename), inside[-1].lineno or 0, str(exc)
    return module, 0, str(exc)
