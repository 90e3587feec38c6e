"""Files shipped to a worker process (qbank.output.bundle): written once per bundle into a private temporary
folder of the process, each checked against its SHA-256, and removed when the process ends. They are no output
of a set (those go through qbank.output.writer)."""

from __future__ import annotations

import atexit
import hashlib
import shutil
import tempfile
import threading
from collections.abc import Iterable, Mapping
from pathlib import Path

from qbank.core.errors import Problem, UserError

_MATERIALISED: dict[str, Path] = {}
_LOCK = threading.Lock()


def materialised(digest: str, files: Iterable[tuple[str, str]], blobs: Mapping[str, bytes],
                 folders: Iterable[str] = ()) -> Path:  # fmt: skip
    """The folder holding `files` (relative name, SHA-256; bytes in `blobs` by SHA-256) and the (possibly empty)
    `folders`, made once per `digest` in this process; a file whose bytes do not match is a located problem."""
    with _LOCK:
        if digest in _MATERIALISED:
            return _MATERIALISED[digest]
        top = Path(tempfile.mkdtemp(prefix="qbank-shipped-"))
        atexit.register(shutil.rmtree, top, True)
        problems = []
        for name, sha256 in files:
            data = blobs.get(sha256, b"")
            if hashlib.sha256(data).hexdigest() != sha256:
                message = f"arrived corrupted on the worker (expected sha256:{sha256[:16]})"
                problems.append(Problem(name, 0, "", message))
                continue
            target = top / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        for folder in folders:
            (top / folder).mkdir(parents=True, exist_ok=True)
        if problems:
            shutil.rmtree(top, ignore_errors=True)
            raise UserError(problems)
        _MATERIALISED[digest] = top
        return top
