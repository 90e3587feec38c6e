"""Misconceptions of a variant: the value each named mistake gives for an answer, checked like an answer."""

from __future__ import annotations

import traceback
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from qbank.core.errors import LocatedError, join_path
from qbank.core.frozen import freeze
from qbank.solve.answer_fit import answer_problem
from qbank.spec.validate import Question


@dataclass(frozen=True)
class Mistake:
    """One misconception of one answer: its registered name, its description and the value it gives."""

    name: str
    description: str
    value: Any

    def to_json(self) -> dict[str, Any]:
        """Plain JSON-ready data."""
        return {"name": self.name, "description": self.description, "value": self.value}


class MisconceptionError(LocatedError):
    """A misconception raised or returned a value its answer's format cannot hold; names the variant."""

    def __init__(self, question: Question, answer: str, index: int, desc: str | Callable[[], str], problem: str):
        path = ("answers", answer, "misconceptions", index)
        line = question.document.line(path)
        name = question.spec.answers[answer].misconceptions[index]  # type: ignore[index]
        shown = desc() if callable(desc) else desc
        super().__init__(question.file, line, join_path(*path), f"{name!r} {problem} ({shown})")


def mistake_values(
    question: Question, params: Mapping[str, Any], desc: str | Callable[[], str]
) -> Mapping[str, tuple[Mistake, ...]]:
    """Every listed misconception's value per answer, in the order written; raises MisconceptionError."""
    found: dict[str, tuple[Mistake, ...]] = {}
    for answer, entries in question.mistakes.items():
        fmt = question.spec.answers[answer].format
        values = []
        for index, entry in enumerate(entries):
            try:
                value = entry.function(params)
            except Exception as exc:
                frame = traceback.extract_tb(exc.__traceback__)[-1]
                raise MisconceptionError(question, answer, index, desc, f"raised {type(exc).__name__}: {exc} at "
                                         f"{frame.filename}:{frame.lineno}") from None  # fmt: skip
            problem = answer_problem(fmt, value)
            if problem:
                raise MisconceptionError(question, answer, index, desc, f"gives a value that {problem}")
            values.append(Mistake(entry.name, entry.description, freeze(value)))
        found[answer] = tuple(values)
    return MappingProxyType(found)
