"""The worker-process pattern of the producers: generations of fork-server processes, each of which ends with
the build (see qbank.core.lifetime) and is recycled after `TASKS_PER_CHILD` tasks, so memory stays flat however
many papers a set has; Ctrl-C, SIGTERM or an error stops the workers at once."""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import resource
import sys
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from typing import Any, TypeVar

TASKS_PER_CHILD = 25
# what the fork server imports once for every worker (WeasyPrint too), and its quiet hook for a worker stopped
# before it started (qbank.output.unborn)
PRELOAD = ["qbank.output.unborn", "qbank.output.class_paper"]
Result = TypeVar("Result")


def pool_results(
    function: Callable[..., Result],
    tasks: Sequence[tuple[Any, ...]],
    workers: int,
    initializer: Callable[..., None],
    initargs: tuple[Any, ...] = (),
) -> Iterator[Result]:
    """Yield `function(*task)` for every task as it finishes, from `workers` processes, each started with
    `initializer(*initargs, build_pid)` (which must call `guard_worker(build_pid)`).

    Each generation is a fresh pool that runs at most TASKS_PER_CHILD tasks per worker and is then shut down,
    so every worker is recycled. (ProcessPoolExecutor's own `max_tasks_per_child` can deadlock on Python 3.11
    when workers retire while all tasks are queued: CPython gh-115634.)
    """
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(PRELOAD)
    workers = max(1, min(workers, len(tasks)))
    per_generation = workers * TASKS_PER_CHILD
    for start in range(0, len(tasks), per_generation):
        batch = tasks[start : start + per_generation]
        pool = ProcessPoolExecutor(max_workers=min(workers, len(batch)), mp_context=context,
                                   initializer=initializer, initargs=(*initargs, os.getpid()))  # fmt: skip
        try:
            pending: set[Future] = {pool.submit(function, *task) for task in batch}
            while pending:
                finished, pending = wait(pending, return_when=FIRST_COMPLETED)
                for future in finished:
                    yield future.result()
        except BaseException:  # an error, Ctrl-C or SIGTERM: stop the workers now rather than after their task
            stop_workers(pool)
            raise
        finally:
            pool.shutdown(wait=True, cancel_futures=True)


def stop_workers(pool: ProcessPoolExecutor) -> None:
    """Kill a pool's worker processes (the executor keeps them in `_processes`)."""
    for process in list((getattr(pool, "_processes", None) or {}).values()):
        with contextlib.suppress(OSError, ValueError):
            process.kill()


def max_rss_mb() -> float:
    """This process's peak resident memory in MB."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024
