"""qbank.spec.load.read_bytes: a bounded read allocates for the file, not for its bound, and still refuses a file
over the bound."""

from __future__ import annotations

import os
import threading
import tracemalloc
from pathlib import Path

import pytest

from qbank.core.errors import UserError
from qbank.spec.load import read_bytes


def test_a_small_file_under_a_large_bound_is_read_without_a_buffer_of_the_bound(tmp_path: Path) -> None:
    small = tmp_path / "manifest.json"
    small.write_bytes(b'{"a": 1}\n')
    tracemalloc.start()
    try:
        data = read_bytes(small, "manifest", (500_000_000, "MAX_MANIFEST_BYTES"))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert data == b'{"a": 1}\n'
    assert peak < 1_000_000  # reading 9 bytes; before, a 500 MB buffer was asked for


@pytest.mark.parametrize("size", [99, 100, 101, 5000])
def test_the_bound_is_exact(tmp_path: Path, size: int) -> None:
    file = tmp_path / "f.bin"
    file.write_bytes(b"x" * size)
    if size <= 100:
        assert read_bytes(file, "file", (100, "LIMIT")) == b"x" * size
    else:
        with pytest.raises(UserError, match=r"more than 100 bytes \(limits.LIMIT\)"):
            read_bytes(file, "file", (100, "LIMIT"))


def test_a_pipe_is_read_whole_up_to_the_bound(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    payload = b"y" * 70_000  # more than one pipe buffer

    def feed() -> None:
        with open(fifo, "wb") as writer:
            writer.write(payload)

    feeder = threading.Thread(target=feed)
    feeder.start()
    try:
        assert read_bytes(fifo, "file", (100_000, "LIMIT")) == payload
    finally:
        feeder.join()
