"""The practice server in a real browser: Debian's chromium driven by Playwright (never a downloaded browser), and
the server run in-process by uvicorn on a free port. `make test` sets QBANK_REQUIRE_BROWSER=1: there a missing
chromium or Playwright fails the run; anywhere else the browser tests are skipped with the reason."""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

REQUIRE = "QBANK_REQUIRE_BROWSER"
MISSING = "the browser tests need Debian's chromium and Playwright for Python (`make test` installs both)"


def chromium_path() -> str:
    """The system chromium; when it (or Playwright) is missing, skip, or fail when QBANK_REQUIRE_BROWSER=1."""
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        found = None
    if found is None:
        if os.environ.get(REQUIRE) == "1":
            pytest.fail(f"{MISSING}, and {REQUIRE}=1 requires them", pytrace=False)
        pytest.skip(MISSING, allow_module_level=True)
    return found


def free_port() -> int:
    """A TCP port nothing listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def headless_chromium() -> Iterator[object]:
    """Debian's chromium launched headless through Playwright; closed on exit."""
    executable = chromium_path()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as driver:
        launched = driver.chromium.launch(executable_path=executable, headless=True, args=["--no-sandbox"])
        try:
            yield launched
        finally:
            launched.close()


@contextmanager
def running(app) -> Iterator[str]:
    """Serve `app` on 127.0.0.1 in a thread; yields its base URL, then shuts it down and waits for the thread."""
    import uvicorn

    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    for _ in range(500):
        if server.started:
            break
        time.sleep(0.02)
    assert server.started, "the server did not start"
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        assert not thread.is_alive(), "the server did not stop"
