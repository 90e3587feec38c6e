"""Quiet for a worker the build stopped while the fork server was still starting it.

When a build is stopped (Ctrl-C, SIGTERM, an error) while the fork server is forking a worker, the parent's
semaphores are already unlinked by the time the child unpickles its process object, and the stdlib prints
`SemLock._rebuild: FileNotFoundError` with a traceback from the child (multiprocessing.forkserver calls
`sys.excepthook` there). The build has already said `qbank: terminated; nothing was written`; that traceback is
noise a user cannot act on. Imported by the fork server (qbank.output.pool.PRELOAD), this module installs an
excepthook that drops exactly that failure and hands every other exception to the hook it replaced.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from types import TracebackType

Hook = Callable[[type[BaseException], BaseException, TracebackType | None], object]


def stopped_before_start(kind: type[BaseException], error: BaseException, trace: TracebackType | None) -> bool:
    """Whether an exception is a worker failing to rebuild its parent's semaphore (the parent stopped first)."""
    if not issubclass(kind, FileNotFoundError) or trace is None:
        return False
    while trace.tb_next is not None:
        trace = trace.tb_next
    code = trace.tb_frame.f_code
    return code.co_name == "__setstate__" and Path(code.co_filename).name == "synchronize.py"


def quiet_hook(previous: Hook) -> Hook:
    """An excepthook that ignores `stopped_before_start` failures and passes the rest to `previous`."""

    def hook(kind: type[BaseException], error: BaseException, trace: TracebackType | None) -> object:
        if stopped_before_start(kind, error, trace):
            return None
        return previous(kind, error, trace)

    return hook


sys.excepthook = quiet_hook(sys.excepthook)
