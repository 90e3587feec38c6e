"""Explicit, named registries for solvers, figures, parameter functions and misconceptions.

A bank's Python modules register their functions with the decorators below. Registering
one name twice from two different places is an error that names both places.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

Params = Mapping[str, Any]


@dataclass(frozen=True)
class Solution:
    """What a solver returns: named answers and the worked steps the key prints."""

    answers: Mapping[str, Any]
    steps: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Entry:
    """One registered function and where it was defined."""

    name: str
    function: Callable[..., Any]
    where: str
    description: str = ""  # a misconception's mistake, in the student's terms


class DuplicateNameError(Exception):
    """Raised when a name is registered twice from two different places."""


class Registry:
    """A name -> function table that refuses duplicates and remembers definition sites."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self._entries: dict[str, Entry] = {}

    def register(self, name: str, description: str = "") -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        """Return a decorator that registers its function under `name` (with a description, if it has one)."""
        if not isinstance(name, str) or not name:
            raise TypeError(f"{self.kind} name must be a non-empty string")

        def decorate(function: Callable[..., Any]) -> Callable[..., Any]:
            where = _definition_site(function)
            previous = self._entries.get(name)
            if previous is not None and previous.where != where:
                raise DuplicateNameError(
                    f"{self.kind} {name!r} is registered twice: first at {previous.where}, again at {where}"
                )
            self._entries[name] = Entry(name, function, where, description)
            return function

        return decorate

    def get(self, name: str) -> Entry | None:
        """Return the entry registered as `name`, or None."""
        return self._entries.get(name)

    def names(self) -> list[str]:
        """Return all registered names, sorted."""
        return sorted(self._entries)

    def __contains__(self, name: object) -> bool:
        return name in self._entries

    def __iter__(self) -> Iterator[Entry]:
        return iter(sorted(self._entries.values(), key=lambda e: e.name))


def _definition_site(function: Callable[..., Any]) -> str:
    """Return 'file:line' of a function's definition."""
    try:
        file = inspect.getsourcefile(function) or "<unknown>"
        line = inspect.getsourcelines(function)[1]
    except (OSError, TypeError):
        return getattr(function, "__qualname__", repr(function))
    return f"{file}:{line}"


class Registries:
    """The registries one bank fills when its modules are imported."""

    def __init__(self) -> None:
        self.solvers = Registry("solver")
        self.figures = Registry("figure")
        self.param_functions = Registry("param function")
        self.misconceptions = Registry("misconception")


DEFAULT = Registries()
_ACTIVE: ContextVar[Registries] = ContextVar("qbank_registries", default=DEFAULT)


def active() -> Registries:
    """The registries that decorators currently register into."""
    return _ACTIVE.get()


@contextmanager
def collecting(registries: Registries) -> Iterator[Registries]:
    """Within this block, @solver/@figure/@param_function/@misconception register into `registries` (one bank's own)."""
    token = _ACTIVE.set(registries)
    try:
        yield registries
    finally:
        _ACTIVE.reset(token)


def solver(name: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register a solver `f(params) -> Solution` under `name`."""
    return active().solvers.register(name)


def figure(name: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register a figure `f(params) -> str` (an SVG document) under `name`."""
    return active().figures.register(name)


def param_function(name: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register a parameter function `f(params) -> value` under `name`."""
    return active().param_functions.register(name)


def misconception(name: str, description: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register a misconception `f(params) -> value` under `name`: the answer a student gets by making the
    mistake `description` (one line, in the student's terms: "forgot the 1/√d scaling")."""
    if not isinstance(description, str) or not description.strip() or "\n" in description:
        raise TypeError(f"misconception {name!r} needs a one-line description of the mistake")
    return active().misconceptions.register(name, description.strip())
