"""Located user errors: every problem names a file, a line and a key path."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Problem:
    """One user-facing problem, printed as `file:line: key.path: message`."""

    file: str
    line: int
    path: str
    message: str

    def __str__(self) -> str:
        location = f"{self.file}:{self.line}" if self.line else self.file
        return f"{location}: {self.path}: {self.message}" if self.path else f"{location}: {self.message}"


class UserError(Exception):
    """A user error carrying one or more located problems; the CLI prints them all and exits 2."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


def join_path(*parts: object) -> str:
    """Join key-path parts as `a.b[2].c`, the style every message uses."""
    text = ""
    for part in parts:
        if isinstance(part, int):
            text += f"[{part}]"
        elif part is not None and part != "":
            text += f".{part}" if text else str(part)
    return text


class ProblemList:
    """Collects problems so that a run reports all of them, not just the first."""

    def __init__(self) -> None:
        self.items: list[Problem] = []

    def add(self, file: str, line: int, path: str, message: str) -> None:
        """Record one problem."""
        self.items.append(Problem(file, line, path, message))

    def extend(self, problems: Sequence[Problem]) -> None:
        """Record several problems."""
        self.items.extend(problems)

    def raise_if_any(self) -> None:
        """Raise UserError with every recorded problem, if there is at least one."""
        if self.items:
            raise UserError(self.items)

    def __bool__(self) -> bool:
        return bool(self.items)


class LocatedError(Exception):
    """A failure while drawing or solving one variant, located in the question file."""

    def __init__(self, file: str, line: int, path: str, message: str) -> None:
        self.file, self.line, self.path, self.message = file, line, path, message
        super().__init__(str(self.problem()))

    def problem(self) -> Problem:
        """The located problem this error describes."""
        return Problem(self.file, self.line, self.path, self.message)
