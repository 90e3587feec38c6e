"""Python's cyclic garbage collector paused while WeasyPrint renders a document, then run once.

WeasyPrint allocates a great many objects per document, so the collector kept running mid-render, now and
then over the process's long-lived caches too. Pausing it changes no output (collection frees only
unreachable objects) and keeps peak memory the same: what the render leaves is collected right after.
`paused()` does nothing until `install()` (called by `qbank.speedups.install_all`, after the version guard).
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["install", "installed", "paused", "uninstall"]

_STATE = {"on": False}


def install() -> None:
    """Pause the collector during renders from now on."""
    _STATE["on"] = True


def uninstall() -> None:
    """Leave the collector alone during renders."""
    _STATE["on"] = False


def installed() -> bool:
    """Whether renders pause the collector."""
    return _STATE["on"]


@contextmanager
def paused() -> Iterator[None]:
    """Run the block with the cyclic collector paused (when installed), then collect the youngest generation."""
    if not _STATE["on"]:
        yield
        return
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
        gc.collect(0)  # everything the render allocated is still in the youngest generation
