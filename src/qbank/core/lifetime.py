"""Process lifetime: nothing a build starts may outlive it, and SIGTERM ends a run as cleanly as Ctrl-C.

Pool workers start from multiprocessing's fork server, so their parent is the fork server, not the build;
and the fork server only exits once every holder of its "alive" pipe is gone, the workers included. So each
worker watches the build process itself (a pidfd, which cannot be fooled by pid reuse once opened) and exits
the moment it is gone, and asks the kernel to kill it when its own parent (the fork server) dies. With the
workers gone the fork server and multiprocessing's resource tracker see their pipes close and exit too.
"""

from __future__ import annotations

import ctypes
import os
import select
import signal
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

PR_SET_PDEATHSIG = 1


class Terminated(BaseException):
    """Raised in the main thread when the process receives SIGTERM (a BaseException, like KeyboardInterrupt,
    so no `except Exception` swallows it)."""


def guard_worker(build_pid: int) -> None:
    """In a worker process: die with the fork server (kernel-enforced), exit when the build process is gone,
    and leave Ctrl-C to the build (which stops the workers itself)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    _die_with_parent()
    try:
        handle = os.pidfd_open(build_pid)
    except ProcessLookupError:
        os._exit(1)  # the build was already gone when this worker started
    except (AttributeError, OSError):
        handle = None  # no pidfd on this platform: poll instead
    threading.Thread(target=_exit_when_gone, args=(build_pid, handle), daemon=True).start()


def _die_with_parent() -> None:
    """Ask Linux to SIGKILL this process when its parent dies (no-op elsewhere)."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):
        return


def _exit_when_gone(build_pid: int, handle: int | None) -> None:
    """Block until the build process `build_pid` ends, then end this process at once."""
    if handle is not None:
        poller = select.poll()
        poller.register(handle, select.POLLIN)
        while not poller.poll():
            continue
    else:
        while process_alive(build_pid):
            time.sleep(0.5)
    os._exit(1)


def process_alive(pid: int) -> bool:
    """Whether a process with this id exists."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


@contextmanager
def sigterm_raises() -> Iterator[None]:
    """While active (in the main thread), SIGTERM raises Terminated so staging folders and worker pools are
    cleaned up as on Ctrl-C; the previous handler is restored afterwards."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(number: int, frame: FrameType | None) -> None:
        raise Terminated()

    previous = signal.signal(signal.SIGTERM, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)
