"""A worker the build stopped while the fork server was starting it fails to rebuild its parent's semaphore; the
fork server's hook drops exactly that traceback and passes every other exception on."""

from __future__ import annotations

import multiprocessing.synchronize
import sys

import pytest

from qbank.output.pool import PRELOAD
from qbank.output.unborn import quiet_hook, stopped_before_start


def semaphore_gone() -> tuple[type[BaseException], BaseException, object]:
    """The real stdlib failure: a lock's state naming a semaphore its parent has already unlinked."""
    lock = object.__new__(multiprocessing.synchronize.Lock)
    try:
        multiprocessing.synchronize.SemLock.__setstate__(lock, (0, 1, 1, "/qbank-test-unlinked-semaphore"))
    except FileNotFoundError:
        return sys.exc_info()  # type: ignore[return-value]
    pytest.fail("rebuilding an unlinked semaphore did not fail")


def test_the_fork_server_preloads_the_quiet_hook():
    assert PRELOAD[0] == "qbank.output.unborn"


def test_a_semaphore_its_parent_unlinked_is_dropped_silently():
    seen = []
    hook = quiet_hook(lambda *info: seen.append(info))
    kind, error, trace = semaphore_gone()
    assert stopped_before_start(kind, error, trace)
    hook(kind, error, trace)
    assert seen == []


def test_every_other_exception_reaches_the_previous_hook():
    seen = []
    hook = quiet_hook(lambda *info: seen.append(info[0]))
    for error in (FileNotFoundError("a bank file"), RuntimeError("a bug"), KeyboardInterrupt()):
        try:
            raise error
        except BaseException:
            hook(*sys.exc_info())
    assert seen == [FileNotFoundError, RuntimeError, KeyboardInterrupt]
