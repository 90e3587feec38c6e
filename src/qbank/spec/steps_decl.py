"""The `steps:` declaration: the shape of the worked steps a question's solver returns and its templates read.

Grammar (a YAML value per step name): a kind name (`number`, `int`, `text`, `bool`, `vector`, `matrix`,
`list`, `mapping`, `any`; `KIND or null` also allows null), `{list: X}` for a list whose every item is X, or a
mapping of named keys, each with its own declaration (a mapping whose only key is `list` is a list)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from qbank.core.errors import Problem
from qbank.spec.load import Document, KeyPath
from qbank.spec.models import STEP_KINDS

_IN_WORDS = (
    "a number",
    "a whole number",
    "text",
    "true or false",
    "a vector (a list of numbers)",
    "a matrix (a list of equally long lists of numbers)",
    "a list",
    "a mapping",
    "any value",
)
KINDS = dict(zip(STEP_KINDS, _IN_WORDS, strict=True))  # each kind (as the JSON Schema lists them) in words
_OR_NULL = " or null"
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


@dataclass(frozen=True)
class Kind:
    """A leaf of the declaration: one of KINDS, optionally allowing null."""

    name: str
    nullable: bool = False

    def describe(self) -> str:
        """The kind in words, as messages print it."""
        return KINDS[self.name] + (" or null" if self.nullable else "")


@dataclass(frozen=True)
class ListOf:
    """A list whose every item has the shape `item`."""

    item: Shape

    def describe(self) -> str:
        """The shape in words, as messages print it."""
        return "a list"


@dataclass(frozen=True)
class Record:
    """A mapping with exactly the named keys, each with its own shape (in declaration order)."""

    keys: tuple[tuple[str, Shape], ...]

    def describe(self) -> str:
        """The shape in words, as messages print it."""
        return "a mapping of named keys"

    def get(self, key: str) -> Shape | None:
        """The shape declared for `key`, or None when the record does not declare it."""
        return dict(self.keys).get(key)

    def names(self) -> list[str]:
        """The declared key names, sorted."""
        return sorted(name for name, _ in self.keys)


Shape = Kind | ListOf | Record


def parse_steps(declaration: dict[str, Any] | None, doc: Document, problems: list[Problem]) -> Record | None:
    """The parsed `steps:` declaration of a question (None when absent); bad entries are recorded as located
    problems."""
    if declaration is None:
        return None
    if not declaration:
        problems.append(doc.problem(("steps",), "declares no steps; leave `steps:` out instead"))
        return None
    shape = _parse(declaration, ("steps",), doc, problems, top=True)
    return shape if isinstance(shape, Record) else None


def _parse(value: Any, path: KeyPath, doc: Document, problems: list[Problem], top: bool = False) -> Shape:
    """One declaration node as a Shape (`any` where it is invalid, after recording why)."""
    if isinstance(value, str):
        name, nullable = (value[: -len(_OR_NULL)], True) if value.endswith(_OR_NULL) else (value, False)
        if name not in KINDS:
            kinds = ", ".join(sorted(KINDS))
            message = (f"unknown kind {value!r} (kinds: {kinds}, each optionally `or null`; or `{{list: ...}}`, "
                       "or a mapping of named keys)")  # fmt: skip
            problems.append(doc.problem(path, message))
            return Kind("any")
        return Kind(name, nullable)
    if not isinstance(value, dict):
        problems.append(doc.problem(path, f"expected a kind name or a mapping, got {value!r}"))
        return Kind("any")
    if not value:
        problems.append(doc.problem(path, "an empty mapping declares nothing (write `mapping` for any keys)"))
        return Kind("any")
    if not top and list(value) == ["list"]:
        return ListOf(_parse(value["list"], (*path, "list"), doc, problems))
    keys = []
    for key, item in value.items():
        if not isinstance(key, str) or not _NAME.match(key):
            problems.append(doc.problem((*path, key), f"{key!r} is not a valid step name (letters, digits, _)"))
            continue
        keys.append((key, _parse(item, (*path, key), doc, problems)))
    return Record(tuple(keys))
