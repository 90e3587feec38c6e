"""Speed-up `yamlevents`: YAML files parsed by libyaml (PyYAML's C parser), composed by qbank's own composer.

PyYAML's pure-Python scanner and parser are most of the time `load + preflight` spends reading a bank's YAML.
With this speed-up, `qbank.spec.load` takes the events of the same text from libyaml (`yaml.cyaml.CParser`, when
PyYAML was built with it) and composes them with `BoundedComposer`, the composer of the plain path with its bounds
(depth, aliases; `event_loader(BoundedComposer)`), then converts the nodes as always. Any error on this path at
all (a syntax error, a bound, a problem in the data) makes `load_yaml_text` read the file again with the
pure-Python loader, which reports it exactly as without the speed-up: messages and lines come only from the
plain path. tests/test_yamlevents.py
compares the two paths over every YAML file of the banks, exams and test data and a corpus of hostile inputs.
"""

from __future__ import annotations

from functools import cache

import yaml
from yaml.composer import Composer
from yaml.constructor import SafeConstructor
from yaml.resolver import Resolver

__all__ = ["available", "event_loader", "install", "installed", "uninstall"]

try:
    from yaml.cyaml import CParser as _CParser
except ImportError:  # PyYAML built without libyaml
    _CParser = None


def available() -> bool:
    """Whether PyYAML has libyaml's parser."""
    return _CParser is not None and bool(yaml.__with_libyaml__)


@cache
def event_loader(composer: type[Composer]) -> type[Composer]:
    """A loader class: libyaml's events (PyYAML's `CParser`), `composer` (the plain path's composer class) over
    them, PyYAML's safe constructor and resolver. Only when `available()`."""
    assert _CParser is not None

    class EventLoader(composer, _CParser, SafeConstructor, Resolver):  # type: ignore[misc, valid-type]
        """libyaml's events, the given composer, PyYAML's safe constructor and resolver."""

        def __init__(self, stream: str) -> None:
            _CParser.__init__(self, stream)
            composer.__init__(self)
            SafeConstructor.__init__(self)
            Resolver.__init__(self)

    return EventLoader


_active = False


def installed() -> bool:
    """Whether `qbank.spec.load` parses with libyaml first."""
    return _active


def install() -> None:
    """Parse YAML with libyaml first (idempotent; nothing changes when PyYAML has no libyaml)."""
    global _active
    _active = available()


def uninstall() -> None:
    """Parse YAML with PyYAML's pure-Python loader only."""
    global _active
    _active = False
