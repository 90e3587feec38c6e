"""Spec: bank, question and exam files read, validated and compiled into pure values: `Bank` of `Question`s
(`load_bank`, `load_questions`) and `Exam` of `Item`s and `Part`s (`load_exam`). Nothing here draws, renders or
reads templates: `qbank.preflight` runs those checks for what a command uses."""

from __future__ import annotations

import importlib
from typing import Any

# Each name and the module defining it, imported on first use: `qbank.spec.load` (YAML only) must not pull in the
# validators, pydantic models and numpy for the commands that only read a file (`qbank --help`, `qbank new`).
_HOMES = {"Bank": "bank", "load_bank": "bank", "load_questions": "bank", "read_bank": "bank", "Exam": "exam",
          "Item": "exam", "Part": "exam", "Pool": "exam", "load_exam": "exam", "read_exam": "exam",
          "Question": "validate"}  # fmt: skip
__all__ = sorted(_HOMES)


def __getattr__(name: str) -> Any:
    """A public name of the stage, imported from its module on first use."""
    if name not in _HOMES:
        raise AttributeError(f"module 'qbank.spec' has no attribute {name!r}")
    return getattr(importlib.import_module(f"qbank.spec.{_HOMES[name]}"), name)
