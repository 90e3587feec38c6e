"""Run `qbank ARGS` in this process (as `python -m qbank ARGS` would) and print where its CPU went, as JSON.

Run by benchmarks/startup.py with PYTHONPATH set to the tree measured (this checkout or an earlier commit), so
it reads only names both trees have. CPU is user + system of this process and of the child processes it waited
for (WeasyPrint's library lookup starts some). Every CPU second is charged to exactly one category, the
innermost one running: an import (of WeasyPrint, or of anything else), loading and preflighting the exam,
rendering paper N, or the rest. "interpreter" is the CPU spent before this script's first line.
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import json
import resource
import sys
from collections.abc import Callable, Sequence
from functools import wraps
from types import ModuleType
from typing import Any


def cpu() -> float:
    """CPU seconds (user + system) of this process and of the children it has waited for."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


INTERPRETER = cpu()
WEASYPRINT, IMPORTS = "imports: WeasyPrint", "imports: qbank and other libraries"
LOAD, REST = "load + preflight", "rest"
# Functions whose calls are "load + preflight" (each, in each tree, where it exists): the exam's load and checks,
# and the fonts' coverage of what the pages print.
LOAD_FUNCTIONS = {
    "qbank.preflight.checks": ("checked_exam",),
    "qbank.preflight.fontcover": ("printable_problems", "check_printable"),
}
PAPER_FUNCTIONS = {"qbank.output.class_paper": ("render_paper",)}


class Ledger:
    """Exclusive CPU per category: a stack of categories, each charged while it is the innermost."""

    def __init__(self) -> None:
        self.stack = [REST]
        self.totals: dict[str, float] = {"interpreter": INTERPRETER}
        self.mark = INTERPRETER
        self.papers = 0

    def _charge(self) -> None:
        """Charge the CPU since the last change to the innermost category."""
        now = cpu()
        self.totals[self.stack[-1]] = self.totals.get(self.stack[-1], 0.0) + now - self.mark
        self.mark = now

    def enter(self, category: str) -> None:
        """Start charging `category`."""
        self._charge()
        self.stack.append(category)

    def leave(self) -> None:
        """Go back to charging the category that ran before."""
        self._charge()
        self.stack.pop()

    def finish(self) -> dict[str, float]:
        """The totals, everything charged."""
        self._charge()
        return self.totals


LEDGER = Ledger()


def timed(function: Callable[..., Any], category: Callable[[], str]) -> Callable[..., Any]:
    """`function`, its calls charged to `category()`."""

    @wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        LEDGER.enter(category())
        try:
            return function(*args, **kwargs)
        finally:
            LEDGER.leave()

    return wrapper


def next_paper() -> str:
    """The category of the next paper rendered."""
    LEDGER.papers += 1
    return f"paper {LEDGER.papers}"


class TimedLoader(importlib.abc.Loader):
    """A module's real loader, its execution charged to an import category."""

    def __init__(self, loader: Any, name: str) -> None:
        self._loader, self._name = loader, name

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType | None:
        """The real loader's module."""
        return self._loader.create_module(spec)

    def exec_module(self, module: ModuleType) -> None:
        """Execute the module, charged to WeasyPrint's imports or to the others; wrap its measured functions."""
        module.__loader__ = self._loader
        if module.__spec__ is not None:
            module.__spec__.loader = self._loader
        current = LEDGER.stack[-1]
        if self._name.split(".")[0] == "weasyprint" and current != WEASYPRINT:
            category = WEASYPRINT
        else:
            category = current if current in (WEASYPRINT, IMPORTS) else IMPORTS
        LEDGER.enter(category)
        try:
            self._loader.exec_module(module)
        finally:
            LEDGER.leave()
        for name in LOAD_FUNCTIONS.get(self._name, ()):
            if hasattr(module, name):
                setattr(module, name, timed(getattr(module, name), lambda: LOAD))
        for name in PAPER_FUNCTIONS.get(self._name, ()):
            setattr(module, name, timed(getattr(module, name), next_paper))

    def __getattr__(self, attribute: str) -> Any:
        """Anything else is the real loader's."""
        return getattr(self._loader, attribute)


class TimedFinder(importlib.abc.MetaPathFinder):
    """Finds every module with the other finders and wraps its loader in `TimedLoader`."""

    def __init__(self) -> None:
        self._finding: set[str] = set()

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        """Another finder's spec, its loader wrapped (None when asked again while finding the same module)."""
        if fullname in self._finding:
            return None
        self._finding.add(fullname)
        try:
            for finder in sys.meta_path:
                if finder is self or not hasattr(finder, "find_spec"):
                    continue
                spec = finder.find_spec(fullname, path, target)
                if spec is not None:
                    if spec.loader is not None and hasattr(spec.loader, "exec_module"):
                        spec.loader = TimedLoader(spec.loader, fullname)
                    return spec
            return None
        finally:
            self._finding.discard(fullname)


def main(argv: Sequence[str]) -> int:
    """Run the command, then print the CPU per category and the exit status as one JSON line."""
    sys.meta_path.insert(0, TimedFinder())
    from qbank.cli import main as qbank_main

    status = qbank_main(list(argv))
    print(json.dumps({"status": status, "cpu": LEDGER.finish()}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
