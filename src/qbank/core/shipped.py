"""Files shipped to a worker process (qbank.output.bundle): written once per bundle into a private temporary
folder of the process, each checked against its SHA-256, and removed when the process ends. The folder's name
holds the process id (`qbank-shipped-PID-…`), so the folders of a worker that was killed (no exit handler ran)
are removed by the next worker on the machine that unpacks a bundle. They are no output of a set (those go
through qbank.output.writer)."""

from __future__ import annotations

import atexit
import hashlib
import os
import re
import shutil
import tempfile
import threading
from collections.abc import Iterable, Mapping
from pathlib import Path

from qbank.core.errors import Problem, UserError
from qbank.core.lifetime import process_alive

_MATERIALISED: dict[str, Path] = {}
_LOCK = threading.Lock()
PREFIX = "qbank-shipped-"
_OWNED = re.compile(re.escape(PREFIX) + r"(\d+)-")


def remove_stale(parent: Path) -> list[Path]:
    """Remove the shipped folders under `parent` whose owning process is gone; return them."""
    removed = []
    for folder in parent.glob(f"{PREFIX}*"):
        owner = _OWNED.match(folder.name)
        if owner and folder.is_dir() and not folder.is_symlink() and not process_alive(int(owner.group(1))):
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder)
    return removed


def materialised(digest: str, files: Iterable[tuple[str, str]], blobs: Mapping[str, bytes],
                 folders: Iterable[str] = ()) -> Path:  # fmt: skip
    """The folder holding `files` (relative name, SHA-256; bytes in `blobs` by SHA-256) and the (possibly empty)
    `folders`, made once per `digest` in this process; a file whose bytes do not match is a located problem."""
    with _LOCK:
        if digest in _MATERIALISED:
            return _MATERIALISED[digest]
        remove_stale(Path(tempfile.gettempdir()))
        top = Path(tempfile.mkdtemp(prefix=f"{PREFIX}{os.getpid()}-"))
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
