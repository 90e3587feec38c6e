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

PlainProblem = tuple[str, int, str, str]

LOCAL = "local:"
SCHEMES = ("tcp", "tls", "ws", "wss", "ucx")  # Dask's network transports (inproc is within one process only)
CONNECT_SECONDS = 10  # to reach the scheduler
WORKER_SECONDS = 60  # for the scheduler to have a first worker (README "Several machines")
WINDOW_PER_WORKER = 4  # tasks in flight per worker: enough to keep each busy, few enough to bound memory
DASK_LOGGERS = ("distributed", "dask", "tornado", "bokeh")


def cluster_argument(text: str) -> str:
    """A `--cluster` value: `local:N` (N >= 1) or a scheduler address (`tcp://host:port`, `host:port`)."""
    if text.startswith(LOCAL):
        count = text[len(LOCAL) :]
        if not count.isdigit() or int(count) < 1:
            raise argparse.ArgumentTypeError(f"expected local:N with N a whole number >= 1, got {text!r}")
        return text
    scheme, _, rest = text.rpartition("://")
    if not rest or ":" not in rest or any(c.isspace() for c in text) or (scheme and scheme not in SCHEMES):
        known = ", ".join(f"{s}://" for s in SCHEMES)
        raise argparse.ArgumentTypeError(
            f"expected a scheduler address like tcp://host:8786 (schemes {known} or none) or local:N, got {text!r}"
        )
    return text


def cluster_problem(message: str) -> PlainProblem:
    """A `--cluster` problem as a worker returns it (picklable): the build stops at the first one."""
    return ("<command line>", 0, "--cluster", message)


def is_cluster_problem(problem: PlainProblem) -> bool:
    """Whether a problem a worker returned is about the cluster (a refusal, a worker's failure), not a paper."""
    return tuple(problem[:3]) == ("<command line>", 0, "--cluster")


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
            _handshake(address)
            client = _quiet_client(distributed)(address, timeout=CONNECT_SECONDS, set_as_default=False)
    except Exception as exc:  # OSError, TimeoutError, ValueError, Dask's "Timeout too low": none is reached
        if cluster is not None:
            cluster.close()
        raise _problem(f"cannot reach the Dask scheduler at {address}: {exc}; nothing was rendered") from None
    try:
        try:
            client.wait_for_workers(1, timeout=WORKER_SECONDS)
        except (OSError, TimeoutError) as exc:
            message = f"the Dask scheduler at {address} has no worker after {WORKER_SECONDS} s ({exc or 'timed out'})"
            raise _problem(f"{message}; start one with `dask worker {address}`; nothing was rendered") from None
        yield client
    finally:
        with contextlib.suppress(Exception):
            client.close()
        if cluster is not None:
            with contextlib.suppress(Exception):
                cluster.close()


def _handshake(address: str) -> None:
    """Raise TimeoutError unless a Dask peer at a plain TCP `address` answers Dask's handshake within
    CONNECT_SECONDS (Dask's client waits for the handshake without a bound: a web server at the address would
    hold it for minutes). Other transports (TLS needs the client's credentials) are left to the client."""
    import asyncio

    from distributed.comm import connect as dask_connect

    if "://" in address and not address.startswith("tcp://"):
        return

    async def shake() -> None:
        comm = await dask_connect(address, timeout=CONNECT_SECONDS)
        await comm.close()

    async def bounded() -> None:
        try:
            await asyncio.wait_for(shake(), CONNECT_SECONDS)
        except TimeoutError:
            raise TimeoutError(f"no Dask handshake from {address} within {CONNECT_SECONDS} s") from None

    asyncio.run(bounded())


def _quiet_client(distributed: Any) -> type:
    """Dask's Client, except that a client that failed to connect says nothing more when it is collected (Dask's
    own `__del__` closes it again and prints "Exception ignored in Client.__del__ … TimeoutError")."""

    class QuietClient(distributed.Client):
        def __del__(self) -> None:
            with contextlib.suppress(Exception):
                super().__del__()

    return QuietClient


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
            result = _result(future)
            pending.discard(future)
            future.release()
            submit(1)
            yield result
    finally:
        if pending:
            with contextlib.suppress(Exception):
                client.cancel(list(pending))


def _result(future: Any) -> Any:
    """A finished task's result; a task the cluster lost (its workers gone) or that raised on its worker is a
    `--cluster` error."""
    from concurrent.futures import CancelledError

    from distributed import KilledWorker

    try:
        return future.result()
    except UserError:
        raise
    except (CancelledError, KilledWorker) as exc:
        why = f"{type(exc).__name__}: {exc}"
        raise _problem(f"the cluster lost a task ({why}): did its workers leave? nothing was written") from None
    except Exception as exc:  # a worker's failure, sent back as the exception
        raise _problem(f"a task failed on a worker: {type(exc).__name__}: {exc}; nothing was written") from None
