"""Speed-ups installed when their library is first imported, so a command that never loads the library never pays
for it (`qbank check` draws and solves but renders no PDF: it does not import WeasyPrint).

`arm(name, library, module, install)` registers a speed-up whose library is not loaded yet; an import hook (a
`sys.meta_path` finder) watches two modules: the library's top-level package and the speed-up's own module (which
imports the library). When the last of them to load has finished executing, the speed-up is installed, exactly
as `install_all` would have installed it at start. A speed-up armed with `before=MODULE` (one that changes how
the library loads) is installed just before that module of the library starts executing instead. `disarm`
forgets an armed speed-up (its off switch was set).
The libraries' own code and loaders are untouched: the hook only runs `install` after the import.
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from types import ModuleType
from typing import Any

__all__ = ["arm", "armed", "disarm"]


@dataclass(frozen=True)
class Armed:
    """A speed-up waiting for its library: the modules that must be loaded, and how to install it."""

    name: str
    library: str  # the library's top-level package
    module: str  # the speed-up's own module
    install: Callable[[], None]
    before: str = ""  # a module of the library that must not start executing before the speed-up is installed


_ARMED: dict[str, Armed] = {}
_EXECUTING: set[str] = set()  # watched modules whose code is running now (their import is not finished)


def _loaded(name: str) -> bool:
    """Whether a module has finished importing."""
    return name in sys.modules and name not in _EXECUTING


def _ready(entry: Armed) -> bool:
    """Whether the speed-up can be installed now: its library loaded, its own module loaded or not started."""
    return _loaded(entry.library) and entry.module not in _EXECUTING


def _fire(starting: str = "") -> None:
    """Install every armed speed-up that is ready or, when a module is `starting` to execute, every one that must
    be in place before it (each is disarmed first: installing imports its module)."""
    due = [name for name, entry in _ARMED.items() if (entry.before == starting if starting else _ready(entry))]
    for name in due:
        entry = _ARMED.pop(name, None)
        if entry is not None:
            entry.install()


class _InstallAfter(importlib.abc.Loader):
    """A watched module's loader: runs the real loader, then installs what has become ready."""

    def __init__(self, loader: Any, name: str) -> None:
        self._loader = loader
        self._name = name

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType | None:
        """The real loader's module."""
        return self._loader.create_module(spec)

    def exec_module(self, module: ModuleType) -> None:
        """Execute the module with its own loader in place, then install the speed-ups now ready."""
        module.__loader__ = self._loader
        if module.__spec__ is not None:
            module.__spec__.loader = self._loader
        _fire(starting=self._name)
        _EXECUTING.add(self._name)
        try:
            self._loader.exec_module(module)
        finally:
            _EXECUTING.discard(self._name)
        _fire()

    def __getattr__(self, attribute: str) -> Any:
        """Anything else the import system asks of the loader (resource readers, source) is the real loader's."""
        return getattr(self._loader, attribute)


class _Watcher(importlib.abc.MetaPathFinder):
    """Finds watched modules with the other finders and wraps their loader in `_InstallAfter`."""

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        """The spec another finder gives a watched module, its loader wrapped; None for any other module."""
        if not any(fullname in (entry.library, entry.module, entry.before) for entry in _ARMED.values()):
            return None
        for finder in sys.meta_path:
            if finder is self or not hasattr(finder, "find_spec"):
                continue
            spec = finder.find_spec(fullname, path, target)
            if spec is not None:
                if spec.loader is not None and hasattr(spec.loader, "exec_module"):
                    spec.loader = _InstallAfter(spec.loader, fullname)
                return spec
        return None


_WATCHER = _Watcher()


def arm(name: str, library: str, module: str, install: Callable[[], None], before: str = "") -> None:
    """Install a speed-up as soon as its library and its module are both loaded (now, when they already are), or
    just before the library's module `before` starts executing when one is given."""
    _ARMED[name] = Armed(name, library, module, install, before)
    if _WATCHER not in sys.meta_path:
        sys.meta_path.insert(0, _WATCHER)
    _fire()


def disarm(name: str) -> None:
    """Forget an armed speed-up (nothing to do when it is not armed)."""
    _ARMED.pop(name, None)
    if not _ARMED and _WATCHER in sys.meta_path:
        sys.meta_path.remove(_WATCHER)


def armed() -> tuple[str, ...]:
    """The names of the speed-ups waiting for their library."""
    return tuple(_ARMED)
