"""Class-set papers on a Dask cluster: `--cluster ADDRESS` (a running scheduler, `tcp://host:8786`) or
`--cluster local:N` (a LocalCluster of N single-threaded worker processes on loopback, no dashboard, started and
ended with the build). The task is the local pool's (qbank.output.class_paper.run_job), wrapped to load the
shipped bundle once per worker; results stream back through a bounded window of tasks in flight.

Dask reschedules the task of a worker that dies on another worker; a client that goes away has its tasks
released by the scheduler, and a LocalCluster's worker processes (Dask's own) exit when the build process is
gone, even killed (tests/test_cluster.py).
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import warnings
from collections.abc import Callable, Iterator, Sequence
from itertools import islice
from typing import Any

from qbank.core.errors import Problem, UserError

LOCAL = "local:"
CONNECT_SECONDS = 10
WINDOW_PER_WORKER = 4  # tasks in flight per worker: enough to keep each busy, few enough to bound memory
DASK_LOGGERS = ("distributed", "dask", "tornado", "bokeh")


def cluster_argument(text: str) -> str:
    """A `--cluster` value: `local:N` (N >= 1) or a scheduler address (`tcp://host:port`, `host:port`)."""
    if text.startswith(LOCAL):
        count = text[len(LOCAL) :]
        if not count.isdigit() or int(count) < 1:
            raise argparse.ArgumentTypeError(f"expected local:N with N a whole number >= 1, got {text!r}")
        return text
    if ":" not in text or any(c.isspace() for c in text):
        raise argparse.ArgumentTypeError(f"expected a scheduler address like tcp://host:8786 or local:N, got {text!r}")
    return text


def _problem(message: str) -> UserError:
    """A `--cluster` user error."""
    return UserError([Problem("<command line>", 0, "--cluster", message)])


def quiet_dask() -> None:
    """Keep Dask's own log lines out of qbank's output (errors reach the user as qbank's messages)."""
    for name in DASK_LOGGERS:
        logging.getLogger(name).setLevel(logging.CRITICAL)


@contextlib.contextmanager
def connect(address: str) -> Iterator[Any]:
    """A Dask client of the scheduler at `address`, or of a LocalCluster for `local:N`; closed (and the local
    cluster ended) when the block ends. An unreachable scheduler is a `--cluster` error."""
    try:
        import dask
        import distributed
    except ImportError:
        raise _problem("needs Dask: install qbank with the extra, pip install 'qbank[dask]'") from None
    quiet_dask()
    dask.config.set({"distributed.logging.distributed": "critical", "distributed.admin.tick.limit": "1h"})
    cluster = None
    try:
        if address.startswith(LOCAL):
            with warnings.catch_warnings():  # "Port 8787 is already in use": its health page moves to a free port
                warnings.simplefilter("ignore")
                cluster = distributed.LocalCluster(n_workers=int(address[len(LOCAL) :]), threads_per_worker=1,
                                                   processes=True, host="127.0.0.1", dashboard_address=None,
                                                   worker_dashboard_address=None,
                                                   silence_logs=logging.CRITICAL)  # fmt: skip
            client = distributed.Client(cluster, set_as_default=False)
        else:
            client = distributed.Client(address, timeout=CONNECT_SECONDS, set_as_default=False)
    except (OSError, TimeoutError, ValueError) as exc:
        if cluster is not None:
            cluster.close()
        raise _problem(f"cannot reach the Dask scheduler at {address}: {exc}; nothing was rendered") from None
    try:
        yield client
    finally:
        with contextlib.suppress(Exception):
            client.close()
        if cluster is not None:
            with contextlib.suppress(Exception):
                cluster.close()


def workers(client: Any) -> int:
    """How many workers the scheduler has now (at least 1)."""
    return max(1, len(client.scheduler_info().get("workers", {})))


def cluster_results(client: Any, function: Callable[..., Any], shared: Any, tasks: Sequence[tuple[Any, ...]],
                    window: int) -> Iterator[Any]:  # fmt: skip
    """Yield `function(shared, *task)` for every task as it finishes, with at most `window` tasks in flight;
    `shared` is sent to every worker once. Pending tasks are cancelled when the caller stops early."""
    from distributed import as_completed

    shipped = client.scatter(shared, broadcast=True, hash=False)
    remaining = iter(tasks)
    flying = as_completed(loop=client.loop)
    pending: set[Any] = set()

    def submit(batch: int) -> None:
        for task in islice(remaining, batch):
            future = client.submit(function, shipped, *task, pure=False)
            pending.add(future)
            flying.add(future)

    try:
        submit(max(1, window))
        for future in flying:
            result = future.result()
            pending.discard(future)
            future.release()
            submit(1)
            yield result
    finally:
        if pending:
            client.cancel(list(pending))
